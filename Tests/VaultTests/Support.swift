import Foundation
import RuleFiles
import RulesEngine
import Synthetic
import Testing
import Vault

/// A temporary vault with the reference rule set loaded, removed at the end of the test.
final class TemporaryVault {
    let root: URL
    let directory: String
    let keyFile: String
    let store: VaultStore

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    init(population: Int = 1_000) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-vault-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        directory = root.appendingPathComponent("vault").path
        keyFile = root.appendingPathComponent("root.key").path
        store = try VaultStore.create(directory: directory, key: .keyFile(keyFile), population: population, environment: [:])
        _ = try store.loadRuleSet(try Self.referenceSources())
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// Writes a file in the temporary folder and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let path = root.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The reference rule files.
    static func referenceSources() throws -> [SourceFile] {
        try RuleDirectory.sources(in: packageRoot.appendingPathComponent("Rules").path)
    }

    /// The reference rule files with one role's declaration left out of the policy (a role no rule notifies).
    static func referenceSources(withoutRole role: String) throws -> [SourceFile] {
        let reference = try referenceSources()
        let edited = reference.map { file -> SourceFile in
            guard file.path.hasSuffix("policy.vigie"), let start = file.text.range(of: "role \(role) {"),
                  let end = file.text.range(of: "}\n", range: start.upperBound..<file.text.endIndex) else { return file }
            var text = file.text
            text.removeSubrange(start.lowerBound..<end.upperBound)
            return SourceFile(path: file.path, text: text)
        }
        #expect(edited != reference, "role \(role) not found in the policy")
        return edited
    }

    /// The reference rule set, checked.
    func referenceRuleSet() throws -> CheckedRuleSet {
        try #require(try RuleDirectory.check(Self.packageRoot.appendingPathComponent("Rules").path).ruleSet)
    }

    /// The shape of `kind` and of the subject in the reference rule set.
    func shapes(_ kind: String) throws -> (kind: RecordShape, subject: RecordShape) {
        let ruleSet = try referenceRuleSet()
        return (try #require(ruleSet.kinds[kind]), ruleSet.subject)
    }

    /// Writes synthetic partner files and imports them all, or with `keepEvery: n` every n-th row only (the
    /// others are written to `rest-FILE` for a later import).
    func importSynthetic(subjects: Int, seed: UInt64 = 7, keepEvery: Int = 1) throws -> SyntheticData.Manifest {
        let ruleSet = try referenceRuleSet()
        let out = root.appendingPathComponent("synth").path
        let manifest = try SyntheticData(ruleSet: ruleSet, subjects: subjects, seed: seed, asOf: Day(iso: "2026-03-20")!)
            .write(to: out)
        for file in manifest.files {
            var path = out + "/" + file.path
            if keepEvery > 1 {
                let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
                let body = Array(lines.dropFirst())
                let kept = body.enumerated().filter { $0.offset % keepEvery == 0 }.map(\.element)
                let rest = body.enumerated().filter { $0.offset % keepEvery != 0 }.map(\.element)
                path = out + "/first-" + file.path
                try ([lines[0]] + kept).joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
                try ([lines[0]] + rest).joined(separator: "\n").appending("\n")
                    .write(toFile: out + "/rest-" + file.path, atomically: true, encoding: .utf8)
            }
            _ = try store.importFile(path, kind: file.kind, source: file.source)
        }
        return manifest
    }

    /// Imports a rule fixture case: its subject (with a made-up name) and its records, one CSV per kind.
    func importCase(_ testCase: RuleTestCase, ruleSet: CheckedRuleSet) throws {
        let subjectColumns = ["nom", "prenom"] + testCase.subject.fields.dictionary.keys.sorted()
        var subjectCells = ["Fixture", "Cas"]
        for name in testCase.subject.fields.dictionary.keys.sorted() { subjectCells.append(testCase.subject.fields[name]?.description ?? "") }
        for kindName in Set(testCase.records.map(\.kind)).sorted() {
            let kind = try #require(ruleSet.kinds[kindName])
            let columns = subjectColumns + kind.fields.map(\.name)
            var text = columns.joined(separator: ",") + "\n"
            for record in testCase.records where record.kind == kindName {
                let cells = subjectCells + kind.fields.map { record.fields[$0.name]?.description ?? "" }
                text += cells.map { CSVQuote.quote($0) }.joined(separator: ",") + "\n"
            }
            _ = try store.importFile(try file("case-\(kindName).csv", text), kind: kindName, source: "coordinateur")
        }
        if testCase.records.isEmpty {
            // A subject with no record at all: give it one harmless record so that it exists in the vault.
            Issue.record("fixture case without records cannot be imported")
        }
    }

    /// Every byte of every file in the vault folder.
    func vaultBytes() throws -> Data {
        var all = Data()
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            all += try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
        }
        return all
    }
}

enum CSVQuote {
    static func quote(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

let absenceHeader = "nom,prenom,naissance,etablissement,date,demi_journee,justifiee,motif\n"
