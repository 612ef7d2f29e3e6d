import Foundation
import RulesEngine
import Testing
import Vault

@Suite struct CopyTests {
    @Test func aCopyIsTheSameVaultAndChangesApart() async throws {
        let vault = try TemporaryVault()
        _ = try vault.importSynthetic(subjects: 40)
        let destination = vault.root.appendingPathComponent("copy").path
        try vault.store.copy(to: destination)
        // Owner-only, like the vault.
        let folderMode = try FileManager.default.attributesOfItem(atPath: destination)[.posixPermissions] as? Int
        let fileMode = try FileManager.default.attributesOfItem(atPath: destination + "/vault.sqlite")[.posixPermissions] as? Int
        #expect(folderMode == 0o700 && fileMode == 0o600)
        let copy = try VaultStore.open(directory: destination, key: .keyFile(vault.keyFile), environment: [:])
        let original = try vault.store.status()
        let copied = try copy.status()
        #expect(copied.vaultID == original.vaultID)
        #expect(copied.subjects == original.subjects && copied.records == original.records && original.records > 0)
        #expect(copied.recordsByKind == original.recordsByKind)
        #expect(copied.auditEntries == original.auditEntries)
        #expect(try copy.verify().failures.isEmpty)
        #expect(try copy.verifyAudit().ok)

        // An evaluation of the copy stores its alerts there only.
        _ = try await copy.evaluate(asOf: Day(iso: "2026-03-20")!)
        #expect(try copy.status().alerts > 0)
        #expect(try vault.store.status().alerts == 0)
        #expect(try vault.store.status().auditEntries == original.auditEntries)
    }

    @Test func aCopyIsRefusedWhereSomethingIsAlready() throws {
        let vault = try TemporaryVault()
        let occupied = vault.root.appendingPathComponent("occupied").path
        try FileManager.default.createDirectory(atPath: occupied, withIntermediateDirectories: true)
        let note = occupied + "/note.txt"
        try "keep me".write(toFile: note, atomically: true, encoding: .utf8)
        #expect(throws: VaultError.self) { try vault.store.copy(to: occupied) }
        #expect(try String(contentsOfFile: note, encoding: .utf8) == "keep me")
        #expect(!FileManager.default.fileExists(atPath: occupied + "/vault.sqlite"))
        // Onto the vault itself.
        #expect(throws: VaultError.self) { try vault.store.copy(to: vault.directory) }
        #expect(try vault.store.verify().failures.isEmpty)
    }

    /// An empty folder given for the copy is made owner-only, whatever its mode was.
    @Test func aCopyIntoAnOpenFolderMakesItOwnerOnly() throws {
        let vault = try TemporaryVault()
        let destination = vault.root.appendingPathComponent("open").path
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        try vault.store.copy(to: destination)
        #expect(try FileManager.default.attributesOfItem(atPath: destination)[.posixPermissions] as? Int == 0o700)
        #expect(try FileManager.default.attributesOfItem(atPath: destination + "/vault.sqlite")[.posixPermissions] as? Int == 0o600)
    }

    @Test func aCopyOpensOnlyWithTheVaultsKey() throws {
        let vault = try TemporaryVault()
        let destination = vault.root.appendingPathComponent("copy").path
        try vault.store.copy(to: destination)
        let other = try TemporaryVault()
        #expect(throws: VaultError.self) {
            _ = try VaultStore.open(directory: destination, key: .keyFile(other.keyFile), environment: [:])
        }
    }
}
