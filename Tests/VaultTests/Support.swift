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
        _ = try store.loadRuleSet(try RuleDirectory.sources(in: Self.packageRoot.appendingPathComponent("Rules").path))
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// Writes a file in the temporary folder and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let path = root.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Writes synthetic partner files and imports them all.
    func importSynthetic(subjects: Int, seed: UInt64 = 7) throws -> SyntheticData.Manifest {
        let ruleSet = try #require(try RuleDirectory.check(Self.packageRoot.appendingPathComponent("Rules").path).ruleSet)
        let out = root.appendingPathComponent("synth").path
        let manifest = try SyntheticData(ruleSet: ruleSet, subjects: subjects, seed: seed, asOf: Day(iso: "2026-03-20")!)
            .write(to: out)
        for file in manifest.files {
            _ = try store.importFile(out + "/" + file.path, kind: file.kind, source: file.source)
        }
        return manifest
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

let absenceHeader = "nom,prenom,naissance,etablissement,date,demi_journee,justifiee,motif\n"
