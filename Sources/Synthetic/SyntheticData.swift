import Foundation
public import RulesEngine

/// `rulesctl synth`: realistic, deterministic partner files for every kind of a rule set's schema, and a
/// manifest (`{"as_of", "files": [{"kind", "source", "path"}]}`). Every person is invented.
public struct SyntheticData {
    /// The manifest written beside the files.
    public struct Manifest: Codable, Sendable {
        /// One file of the manifest.
        public struct File: Codable, Sendable {
            /// The kind of its rows.
            public let kind: String
            /// The role that contributes it.
            public let source: String
            /// Its path, relative to the manifest.
            public let path: String
        }

        /// A date at which evaluating the data makes sense.
        public let asOf: String
        /// The files.
        public let files: [File]

        enum CodingKeys: String, CodingKey {
            case asOf = "as_of", files
        }
    }

    let ruleSet: CheckedRuleSet
    let subjects: Int
    let seed: UInt64
    let story: SyntheticStory

    /// Prepares a generator; nothing is written yet.
    public init(ruleSet: CheckedRuleSet, subjects: Int, seed: UInt64, asOf: Day) {
        self.ruleSet = ruleSet
        self.subjects = subjects
        self.seed = seed
        self.story = SyntheticStory(asOf: asOf, yearStart: ruleSet.calendar.schoolYearStart(containing: asOf))
    }

    /// Writes one CSV per kind and `manifest.json` into `directory` (created if needed).
    ///
    /// - Returns: the manifest.
    public func write(to directory: String) throws -> Manifest {
        var tables: [String: CSVTable] = [:]
        for kind in ruleSet.kinds.values { tables[kind.name] = table(for: kind) }
        forEachPerson { person, rows in
            for (kind, fields) in rows { tables[kind]?.append(person.identity.merging(fields) { a, _ in a }) }
        }
        return try write(tables, asOf: story.asOf, to: directory)
    }

    /// Writes one more school day after the data `write(to:)` makes: absences dated `day` for a `share` of the
    /// same young people (pupils under 17, as in the main data), into `absence.csv` and `manifest.json` in
    /// `directory`. The identities are those of the main data, so the rows go to existing subjects.
    ///
    /// - Returns: the manifest, whose `as_of` is `day`.
    public func writeDay(_ day: Day, share: Double, to directory: String) throws -> Manifest {
        guard let kind = ruleSet.kinds["absence"] else { return try write([:], asOf: day, to: directory) }
        var daily = SplitMix64(seed: seed ^ UInt64(truncatingIfNeeded: day.ordinal))
        var table = table(for: kind)
        forEachPerson { person, _ in
            guard day.age(bornOn: person.birth) < 17, daily.chance(share) else { return }
            let justified = daily.chance(0.5)
            var fields = ["date": day.description, "demi_journee": daily.pick(["matin", "apres_midi"]),
                          "justifiee": justified ? "true" : "false"]
            if justified { fields["motif"] = "maladie" }
            table.append(person.identity.merging(complete(fields, kind: kind, &daily)) { a, _ in a })
        }
        return try write(["absence": table], asOf: day, to: directory)
    }

    /// Every person of the data with their completed rows (kind name, fields), kinds in name order so that the
    /// same seed draws the same values.
    private func forEachPerson(_ body: (SyntheticPerson, [(String, [String: String])]) -> Void) {
        var random = SplitMix64(seed: seed)
        for number in 0..<subjects {
            let person = story.person(number: number, using: &random)
            var rows: [(String, [String: String])] = []
            for name in person.records.keys.sorted() {
                guard let kind = ruleSet.kinds[name] else { continue }
                for row in person.records[name] ?? [] { rows.append((name, complete(row, kind: kind, &random))) }
            }
            body(person, rows)
        }
    }

    private func table(for kind: RecordShape) -> CSVTable {
        let subjectColumns = ["nom", "prenom", "naissance"] + (ruleSet.subject.field(named: "etablissement") != nil ? ["etablissement"] : [])
        return CSVTable(columns: subjectColumns + kind.fields.map(\.name))
    }

    private func write(_ tables: [String: CSVTable], asOf: Day, to directory: String) throws -> Manifest {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var files: [Manifest.File] = []
        for name in tables.keys.sorted() {
            guard let table = tables[name], table.rowCount > 0 else { continue }
            let path = "\(name).csv"
            try table.text.write(toFile: directory + "/" + path, atomically: true, encoding: .utf8)
            files.append(Manifest.File(kind: name, source: source(for: name), path: path))
        }
        let manifest = Manifest(asOf: asOf.description, files: files)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(manifest).write(to: URL(fileURLWithPath: directory + "/manifest.json"))
        return manifest
    }

    /// Fills the kind's required fields the story left out, and drops values the schema does not accept.
    private func complete(_ row: [String: String], kind: RecordShape, _ random: inout SplitMix64) -> [String: String] {
        var fields: [String: String] = [:]
        for field in kind.fields {
            if let value = row[field.name], field.type.parse(value) != nil {
                fields[field.name] = value
            } else if !field.optional {
                fields[field.name] = generic(field.type, &random)
            }
        }
        return fields
    }

    private func generic(_ type: FieldType, _ random: inout SplitMix64) -> String {
        switch type {
        case .text: "synthetique"
        case .int: String(random.int(1...10))
        case .bool: random.chance(0.5) ? "true" : "false"
        case .date: story.asOf.adding(days: -random.int(0...200)).description
        case .enumeration(let cases): random.pick(cases)
        }
    }

    /// The partner that contributes a kind: the first role by name, other than the coordinator, allowed to.
    private func source(for kind: String) -> String {
        let roles = ruleSet.roles.values.filter { $0.contributes.contains(kind) }.map(\.name).sorted()
        return roles.first { $0 != "coordinateur" } ?? roles.first ?? "coordinateur"
    }
}

/// A CSV table built in memory, quoted where a value needs it.
struct CSVTable {
    let columns: [String]
    private(set) var text: String
    private(set) var rowCount = 0

    init(columns: [String]) {
        self.columns = columns
        self.text = columns.joined(separator: ",") + "\n"
    }

    mutating func append(_ row: [String: String]) {
        text += columns.map { Self.quote(row[$0] ?? "") }.joined(separator: ",") + "\n"
        rowCount += 1
    }

    static func quote(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
