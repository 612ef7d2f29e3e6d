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
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var random = SplitMix64(seed: seed)
        var tables: [String: CSVTable] = [:]
        for kind in ruleSet.kinds.values {
            let subjectColumns = ["nom", "prenom", "naissance"] + (ruleSet.subject.field(named: "etablissement") != nil ? ["etablissement"] : [])
            tables[kind.name] = CSVTable(columns: subjectColumns + kind.fields.map(\.name))
        }
        for number in 0..<subjects {
            let person = story.person(number: number, using: &random)
            for (kindName, rows) in person.records {
                guard let kind = ruleSet.kinds[kindName] else { continue }
                for row in rows { tables[kindName]?.append(person.identity.merging(complete(row, kind: kind, &random)) { a, _ in a }) }
            }
        }
        var files: [Manifest.File] = []
        for name in tables.keys.sorted() {
            guard let table = tables[name], table.rowCount > 0 else { continue }
            let path = "\(name).csv"
            try table.text.write(toFile: directory + "/" + path, atomically: true, encoding: .utf8)
            files.append(Manifest.File(kind: name, source: source(for: name), path: path))
        }
        let manifest = Manifest(asOf: story.asOf.description, files: files)
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
