/// Invented-looking but plausible French names for synthetic subjects. Any resemblance is chance.
enum FrenchNames {
    static let first = [
        "Léa", "Emma", "Chloé", "Manon", "Inès", "Jade", "Louise", "Camille", "Sarah", "Lina", "Zoé", "Lola",
        "Anaïs", "Maëlys", "Océane", "Yasmine", "Nour", "Aya", "Éloïse", "Clémence", "Lucas", "Hugo", "Louis",
        "Nathan", "Enzo", "Théo", "Mathis", "Noah", "Adam", "Rayan", "Mohamed", "Yanis", "Kylian", "Jules", "Léo",
        "Gabriel", "Tom", "Ethan", "Bilal", "Amine", "Mehdi", "Sofiane", "Dylan", "Kevin", "Axel", "Maxime",
        "Jean-Baptiste", "Marie-Lou", "Anne-Sophie", "Pierre-Louis",
    ]
    static let last = [
        "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
        "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
        "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
        "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas",
        "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin",
        "Benali", "Haddad", "Diallo", "Traoré", "Nguyen", "Da Silva", "Ferreira", "Le Gall", "Le Goff", "De Oliveira",
        "Saint-Martin", "N'Diaye", "Ben Amor", "Kaya", "Yilmaz",
    ]
    static let schools = [
        "Collège Camille Claudel", "Collège Jean Moulin", "Collège Pablo Picasso", "Collège Victor Hugo",
        "Lycée Louise Michel", "Lycée professionnel Jean Jaurès", "Collège Simone Veil", "Collège Albert Camus",
    ]
}
