import Foundation
import Testing
import Vault

@Suite struct KeyTests {
    private let rows = absenceHeader + "Dupont,Emilie,2012-03-01,,2025-10-06,matin,false,\n"

    @Test func keyFileIsCreatedOwnerOnlyAndRefusedWhenOthersCanRead() throws {
        let vault = try TemporaryVault()
        let attributes = try FileManager.default.attributesOfItem(atPath: vault.keyFile)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let database = try FileManager.default.attributesOfItem(atPath: vault.directory + "/vault.sqlite")
        #expect(((database[.posixPermissions] as? Int) ?? 0) & 0o077 == 0)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: vault.keyFile)
        let error = try #require(throws: VaultError.self) {
            try VaultStore.open(directory: vault.directory, key: .keyFile(vault.keyFile), environment: [:])
        }
        #expect(error.code == .keyFile)
        #expect(error.message.contains("chmod 600"))
    }

    /// The key file is `vigie-key-v1 <base64 of 32 bytes>` and a newline; anything else is refused as not a key
    /// file, and the vault stays closed.
    @Test func aKeyFileIsItsHeaderAndThirtyTwoBytesOfBase64() throws {
        let vault = try TemporaryVault()
        let text = try String(contentsOfFile: vault.keyFile, encoding: .utf8)
        #expect(text.hasPrefix("vigie-key-v1 ") && text.hasSuffix("\n"))
        let encoded = String(text.dropFirst("vigie-key-v1 ".count).dropLast())
        #expect(Data(base64Encoded: encoded)?.count == 32)
        let malformed = [
            "vigie-key-v1 " + String(encoded.dropLast(4)) + "\n",            // 30 bytes
            "vigie-key-v1 " + Data(count: 33).base64EncodedString() + "\n",  // 33 bytes
            "vigie-key-v1 " + encoded.replacingOccurrences(of: encoded.prefix(1), with: "*") + "\n",
            "vigie-key-v1 " + encoded.prefix(20) + " " + encoded.dropFirst(20) + "\n",
            "vigie-key-v2 " + encoded + "\n",
            "vigie-key-v1 \n",
            "vigie-key-v1 " + encoded + String(repeating: " ", count: 5_000),
        ]
        for (index, text) in malformed.enumerated() {
            let path = vault.root.appendingPathComponent("bad-\(index).key").path
            #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]))
            let error = try #require(throws: VaultError.self) {
                try VaultStore.open(directory: vault.directory, key: .keyFile(path), environment: [:])
            }
            #expect(error.code == .keyFile, "case \(index)")
            #expect(error.message == "\(path): not a Vigie key file", "case \(index)")
        }
        // Trailing spaces and a Windows line end are tolerated.
        let path = vault.root.appendingPathComponent("crlf.key").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(("vigie-key-v1 " + encoded + " \r\n").utf8),
                                               attributes: [.posixPermissions: 0o600]))
        _ = try VaultStore.open(directory: vault.directory, key: .keyFile(path), environment: [:])
    }

    /// An empty folder given to `create` is made owner-only, whatever its mode was; a new one is created so.
    @Test func aVaultFolderIsOwnerOnlyEvenWhenItExistedOpen() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-mode-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let open = root.appendingPathComponent("open").path
        try FileManager.default.createDirectory(atPath: open, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        _ = try VaultStore.create(directory: open, key: .keyFile(root.appendingPathComponent("k1").path), environment: [:])
        let fresh = root.appendingPathComponent("new/vault").path
        _ = try VaultStore.create(directory: fresh, key: .keyFile(root.appendingPathComponent("k2").path), environment: [:])
        for folder in [open, fresh] {
            #expect(try FileManager.default.attributesOfItem(atPath: folder)[.posixPermissions] as? Int == 0o700)
        }
    }

    /// A process that opened the vault before another one rotated its key (a running `serve`) stops at its next
    /// transaction instead of reading or writing under the old key; it works again once opened with the new key.
    @Test func aProcessStillOnTheOldKeyIsStoppedAfterARotation() throws {
        let vault = try TemporaryVault()
        _ = try vault.store.importFile(try vault.file("a.csv", rows), kind: "absence", source: "education_nationale")
        let running = try VaultStore.open(directory: vault.directory, key: .keyFile(vault.keyFile), environment: [:])
        #expect(try running.status().records == 1)
        let newKey = vault.root.appendingPathComponent("new.key").path
        _ = try vault.store.rotateKey(to: .keyFile(newKey), environment: [:])
        let stale = try #require(throws: VaultError.self) {
            try running.importFile(try vault.file("b.csv", absenceHeader + "Martin,Lucas,2011-02-02,,2025-10-07,matin,false,\n"),
                                   kind: "absence", source: "education_nationale")
        }
        #expect(stale.code == .wrongKey)
        #expect(stale.message.contains("rotated"))
        let staleRead = try #require(throws: VaultError.self) { try running.status() }
        #expect(staleRead.code == .wrongKey)
        let reopened = try VaultStore.open(directory: vault.directory, key: .keyFile(newKey), environment: [:])
        #expect(try reopened.status().records == 1)
        #expect(try reopened.verify().failures.isEmpty)
        // A token issued under the new key, shown to the stale process: it says it is stale (not "invalid token").
        let logged = try reopened.auditSize()
        let token = try reopened.issueToken(role: "education_nationale", groups: ["prevention_jeunesse"], holder: "x",
                                            lifetime: 60).token
        let check = try #require(throws: VaultError.self) { try running.verifyToken(token) }
        #expect(check.code == .wrongKey)
        #expect(try reopened.auditSize() == logged + 1)  // the issue, no refusal
    }

    @Test func anotherKeyFileDoesNotOpenTheVault() throws {
        let vault = try TemporaryVault()
        let other = try TemporaryVault()
        let error = try #require(throws: VaultError.self) {
            try VaultStore.open(directory: vault.directory, key: .keyFile(other.keyFile), environment: [:])
        }
        #expect(error.code == .wrongKey)
        #expect(throws: VaultError.self) {
            try VaultStore.create(directory: vault.directory, key: .keyFile(vault.root.appendingPathComponent("k2").path),
                                  environment: [:])
        }
    }

    @Test func passphraseVaultOpensOnlyWithTheSamePassphrase() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-pass-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = root.appendingPathComponent("vault").path
        let created = try VaultStore.create(directory: directory, key: .passphraseEnvironment("P"), passwordCost: .minimum,
                                            environment: ["P": "correct horse battery staple"])
        let reopened = try VaultStore.open(directory: directory, key: .passphraseEnvironment("P"),
                                           environment: ["P": "correct horse battery staple"])
        #expect(reopened.vaultID == created.vaultID)
        let wrong = try #require(throws: VaultError.self) {
            try VaultStore.open(directory: directory, key: .passphraseEnvironment("P"), environment: ["P": "correct horse battery stapler"])
        }
        #expect(wrong.code == .wrongKey)
        let unset = try #require(throws: VaultError.self) {
            try VaultStore.open(directory: directory, key: .passphraseEnvironment("P"), environment: [:])
        }
        #expect(unset.message.contains("P is empty or unset"))
    }

    @Test func rotatedKeyOpensEverythingAndTheOldKeyNoLonger() throws {
        let vault = try TemporaryVault()
        _ = try vault.store.importFile(try vault.file("a.csv", rows), kind: "absence", source: "education_nationale")
        let newKey = vault.root.appendingPathComponent("new.key").path
        #expect(try vault.store.rotateKey(to: .keyFile(newKey), environment: [:]) == 1)
        let old = try #require(throws: VaultError.self) {
            try VaultStore.open(directory: vault.directory, key: .keyFile(vault.keyFile), environment: [:])
        }
        #expect(old.code == .wrongKey)
        let rotated = try VaultStore.open(directory: vault.directory, key: .keyFile(newKey), environment: [:])
        #expect(try rotated.verify().failures.isEmpty)
        #expect(try rotated.findSubjects(identity: ["nom": "dupont", "prenom": "émilie", "naissance": "2012-03-01"]).count == 1)
        // Fingerprints survive rotation: the same row is still recognised as already present.
        let again = try rotated.importFile(try vault.file("b.csv", rows), kind: "absence", source: "education_nationale")
        #expect(again.duplicates == 1)
    }
}
