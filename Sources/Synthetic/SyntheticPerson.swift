internal import RulesEngine

/// One synthetic young person and the records partners hold about them.
struct SyntheticPerson {
    let identity: [String: String]
    let birth: Day
    var records: [String: [[String: String]]] = [:]

    mutating func add(_ kind: String, _ fields: [String: String]) {
        records[kind, default: []].append(fields)
    }
}

/// The story behind the synthetic data: which kinds a person has and when, shaped so that the reference rules
/// fire on a realistic share of subjects (absence clusters, repeated exclusions, TIG no-shows, …).
struct SyntheticStory {
    let asOf: Day
    let yearStart: Day

    func person(number: Int, using random: inout SplitMix64) -> SyntheticPerson {
        let birth = Day(ordinal: Day(year: 2005, month: 1, day: 1)!.ordinal + random.int(0...(12 * 365)))
        var identity = [
            "nom": random.pick(FrenchNames.last), "prenom": random.pick(FrenchNames.first), "naissance": birth.description,
        ]
        let age = asOf.age(bornOn: birth)
        if age < 19 { identity["etablissement"] = random.pick(FrenchNames.schools) }
        var person = SyntheticPerson(identity: identity, birth: birth)
        if age < 17 { school(&person, age: age, &random) }
        if (16...17).contains(age) { formation(&person, &random) }
        publicOrder(&person, age: age, &random)
        if age >= 13 { justice(&person, age: age, &random) }
        social(&person, age: age, &random)
        return person
    }

    private func day(_ offset: Int) -> String { yearStart.adding(days: offset).description }
    private func recent(_ maxDaysAgo: Int, _ random: inout SplitMix64) -> String {
        asOf.adding(days: -random.int(0...maxDaysAgo)).description
    }
    private var span: Int { asOf.days(since: yearStart) }

    private func school(_ person: inout SyntheticPerson, age: Int, _ random: inout SplitMix64) {
        // Scattered absences, mostly justified.
        for _ in 0..<random.int(0...6) {
            let justified = random.chance(0.7)
            var fields = ["date": day(random.int(0...span)), "demi_journee": random.pick(["matin", "apres_midi"]),
                          "justifiee": justified ? "true" : "false"]
            if justified { fields["motif"] = random.pick(["maladie", "reunion_familiale", "transport"]) }
            person.add("absence", fields)
        }
        // A cluster in one month: 4–7 unjustified half-days for some, 10–14 for a few.
        if random.chance(0.10) {
            let heavy = random.chance(0.2)
            let monthStart = asOf.firstOfMonth.adding(months: -random.int(0...1))
            for index in 0..<(heavy ? random.int(10...14) : random.int(4...7)) {
                let date = monthStart.adding(days: min(index * 2 + random.int(0...1), 27))
                person.add("absence", ["date": min(date, asOf).description, "demi_journee": random.pick(["matin", "apres_midi"]),
                                       "justifiee": "false"])
            }
            if random.chance(0.5) {
                person.add("avertissement_absenteisme", ["date": monthStart.adding(days: -3).description,
                                                          "motif": "quatre_demi_journees"])
            }
        }
        if random.chance(0.08) {
            for _ in 0..<random.int(1...3) {
                let type = random.pick(["avertissement", "blame", "exclusion_temporaire_classe",
                                        "exclusion_temporaire_etablissement", "mesure_responsabilisation"])
                var fields = ["date": recent(80, &random), "type": type, "avec_sursis": random.chance(0.2) ? "true" : "false"]
                if type.hasPrefix("exclusion") { fields["duree_jours"] = String(random.int(1...5)) }
                person.add("sanction", fields)
            }
        }
        if age < 16 && random.chance(0.004) {
            person.add("sanction", ["date": recent(20, &random), "type": "exclusion_definitive", "avec_sursis": "false"])
        }
    }

    private func formation(_ person: inout SyntheticPerson, _ random: inout SplitMix64) {
        let status = random.chance(0.12) ? "sans_solution"
            : random.pick(["scolarise", "apprentissage", "formation_professionnelle", "emploi", "service_civique"])
        var fields = ["date": recent(120, &random), "statut": status]
        if status == "sans_solution" { fields["convocation"] = recent(30, &random) }
        person.add("situation_formation", fields)
    }

    private func publicOrder(_ person: inout SyntheticPerson, age: Int, _ random: inout SplitMix64) {
        guard random.chance(age < 13 ? 0.02 : 0.06) else { return }
        for _ in 0..<random.int(1...3) {
            person.add("incident", [
                "date": recent(150, &random), "source": random.pick(["police_municipale", "police_nationale", "gendarmerie"]),
                "type": random.pick(["trouble_tranquillite", "incivilite", "degradation", "rixe", "vol"]),
                "lieu": random.pick(["voie_publique", "parc_jardin", "transports", "hall_immeuble", "centre_commercial"]),
                "implication": random.pick(["mis_en_cause", "mis_en_cause", "temoin", "present"]),
            ])
        }
        if random.chance(0.4) {
            for _ in 0..<random.int(1...2) {
                person.add("rappel_ordre", ["date": recent(170, &random),
                                            "motif": random.pick(["incivilites", "trouble_tranquillite", "degradation"])])
            }
        }
    }

    private func justice(_ person: inout SyntheticPerson, age: Int, _ random: inout SplitMix64) {
        if random.chance(0.03) {
            let start = asOf.adding(days: -random.int(60...400))
            let end = random.chance(0.3) ? asOf.adding(days: random.int(0...30)) : start.adding(days: random.int(90...720))
            person.add("mesure_judiciaire", [
                "date": start.description, "type": random.pick(["mesure_reparation", "stage_citoyennete", "sursis_probatoire"]),
                "statut": end >= asOf ? "en_cours" : "terminee", "date_fin": end.description,
            ])
        }
        if age >= 16 && random.chance(0.015) {
            let noShow = random.chance(0.33)
            person.add("tig", [
                "date": noShow ? recent(6, &random) : recent(90, &random), "service": age >= 18 ? "spip" : "pjj",
                "etape": noShow ? random.pick(["entretien_tripartite", "premier_jour"]) : "execution",
                "statut": noShow ? random.pick(["non_presentation", "non_concluant"]) : "realise",
            ])
        }
    }

    private func social(_ person: inout SyntheticPerson, age: Int, _ random: inout SplitMix64) {
        if age < 18 && random.chance(0.02) {
            let mna = random.chance(0.25)
            person.add("prise_en_charge_ase", ["date": recent(300, &random), "mesure_en_cours": "true",
                                               "mna": mna ? "true" : "false"])
            // Some unaccompanied minors in care are involved in a recent incident (MNA-INCIDENT).
            if mna && random.chance(0.6) {
                person.add("incident", [
                    "date": recent(20, &random), "source": "police_nationale", "type": random.pick(["vol", "rixe"]),
                    "lieu": "voie_publique", "implication": random.pick(["mis_en_cause", "victime"]),
                ])
            }
        }
        if random.chance(0.03) {
            let opened = asOf.adding(days: -random.int(30...200))
            person.add("suivi", ["date": opened.description, "evenement": "ouverture", "groupe": "jeunesse"])
            for _ in 0..<random.int(0...3) {
                person.add("action", ["date": opened.adding(days: random.int(1...max(1, asOf.days(since: opened)))).description])
            }
        }
    }
}
