import RulesEngine

/// The demo's synthetic cellule: a few young people, known only by a pseudonym here, with the records partners
/// contributed about them. Every value is invented.
struct DemoStory {
    struct Person {
        let pseudonym: String
        let fields: [String: String]
        let records: [[String: String]]
    }

    /// The evaluation date of the story.
    let asOf = Day(year: 2025, month: 11, day: 20)

    let people: [Person] = [
        Person(
            pseudonym: "Jeune A", fields: ["naissance": "2012-05-14", "etablissement": "Collège Camille Claudel"],
            records: [
                ["kind": "absence", "date": "2025-11-03", "demi_journee": "matin", "justifiee": "false"],
                ["kind": "absence", "date": "2025-11-03", "demi_journee": "apres_midi", "justifiee": "false"],
                ["kind": "absence", "date": "2025-11-10", "demi_journee": "matin", "justifiee": "true", "motif": "maladie"],
                ["kind": "absence", "date": "2025-11-13", "demi_journee": "matin", "justifiee": "false"],
                ["kind": "absence", "date": "2025-11-17", "demi_journee": "apres_midi", "justifiee": "false"],
            ]),
        Person(
            pseudonym: "Jeune B", fields: ["naissance": "2011-01-10", "etablissement": "Collège Jean Moulin"],
            records: [
                ["kind": "sanction", "date": "2025-09-25", "type": "exclusion_temporaire_classe", "avec_sursis": "false",
                 "duree_jours": "2"],
                ["kind": "sanction", "date": "2025-11-06", "type": "exclusion_temporaire_etablissement",
                 "avec_sursis": "false", "duree_jours": "5"],
            ]),
        Person(
            pseudonym: "Jeune C", fields: ["naissance": "2008-06-02"],
            records: [
                ["kind": "situation_formation", "date": "2025-10-02", "statut": "scolarise"],
                ["kind": "situation_formation", "date": "2025-10-28", "statut": "sans_solution",
                 "convocation": "2025-11-04"],
            ]),
        Person(
            pseudonym: "Jeune D", fields: ["naissance": "2014-02-01"],
            records: [
                ["kind": "incident", "date": "2025-11-08", "source": "police_municipale", "type": "degradation",
                 "lieu": "parc_jardin", "implication": "mis_en_cause"],
            ]),
        Person(
            pseudonym: "Jeune E", fields: ["naissance": "2004-09-30"],
            records: [
                ["kind": "tig", "date": "2025-11-18", "service": "spip", "etape": "premier_jour",
                 "statut": "non_presentation"],
            ]),
        Person(
            pseudonym: "Jeune F", fields: ["naissance": "2010-04-22", "etablissement": "Collège Jean Moulin"],
            records: [
                ["kind": "absence", "date": "2025-11-04", "demi_journee": "matin", "justifiee": "true", "motif": "maladie"],
            ]),
    ]

    /// The story's subjects and records, typed by the rule set's schema.
    ///
    /// - Throws: `DemoError` naming the kind and field if the rule set's schema no longer fits the story.
    func typed(for ruleSet: CheckedRuleSet) throws(DemoError) -> [(SubjectRecord, [Record])] {
        try people.map { person throws(DemoError) in
            let subject = SubjectRecord(id: person.pseudonym, fields: try values(person.fields, shape: ruleSet.subject))
            var records: [Record] = []
            for (index, fields) in person.records.enumerated() {
                guard let kindName = fields["kind"], let kind = ruleSet.kinds[kindName] else {
                    throw DemoError(message: "the rule set has no kind '\(fields["kind"] ?? "")' used by the demo")
                }
                records.append(Record(id: "\(person.pseudonym) #\(index + 1)", kind: kindName,
                                      fields: try values(fields.filter { $0.key != "kind" }, shape: kind)))
            }
            return (subject, records)
        }
    }

    private func values(_ fields: [String: String], shape: RecordShape) throws(DemoError) -> [String: Value] {
        var values: [String: Value] = [:]
        for (name, text) in fields {
            guard let field = shape.field(named: name), let value = field.type.parse(text) else {
                throw DemoError(message: "field '\(name)' of '\(shape.name)' no longer fits the demo story")
            }
            values[name] = value
        }
        return values
    }
}

/// The demo cannot run against this rule set.
struct DemoError: Error {
    let message: String
}
