import Foundation
import GRDB
import Synthetic
import Testing
@testable import Vault

/// What an attacker holding the vault folder, or tampering with it, can do: nothing readable, nothing silent.
@Suite struct SealingTests {
    /// DESIGN §3: opening the files teaches nothing about any person.
    @Test func noNameFirstNameBirthDateOrSchoolAppearsInTheVaultFiles() throws {
        let vault = try TemporaryVault()
        let manifest = try vault.importSynthetic(subjects: 300)
        #expect(try vault.store.status().subjects > 150)
        var secrets: Set<String> = []
        for file in manifest.files {
            let text = try String(contentsOfFile: vault.root.appendingPathComponent("synth/" + file.path).path, encoding: .utf8)
            for line in text.split(separator: "\n").dropFirst() {
                let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                // nom, prenom, naissance, etablissement: names of 5+ bytes, so that random ciphertext cannot match by chance.
                for cell in cells.prefix(4) where cell.utf8.count >= 5 { secrets.insert(cell) }
            }
        }
        #expect(secrets.count > 100)
        let bytes = try vault.vaultBytes()
        for secret in secrets {
            for form in [secret, secret.lowercased(), secret.uppercased()] {
                #expect(bytes.range(of: Data(form.utf8)) == nil, "'\(form)' found in the vault files")
            }
        }
    }

    private func firstRecord(_ db: Database) throws -> (id: String, subject: String, sealed: Data) {
        let row = try #require(try Row.fetchOne(db, sql: "SELECT id, subject_id, sealed FROM records ORDER BY id LIMIT 1"))
        return (row["id"], row["subject_id"], row["sealed"])
    }

    @Test func flippingAnyByteOfASealedRecordFailsVerifyNamingIt() throws {
        let vault = try TemporaryVault()
        _ = try vault.importSynthetic(subjects: 20)
        #expect(try vault.store.verify().failures.isEmpty)
        let db = try DatabaseQueue(path: vault.directory + "/vault.sqlite")
        let record = try db.read(firstRecord)
        for position in [0, 23, 24, record.sealed.count / 2, record.sealed.count - 1] {
            var tampered = record.sealed
            tampered[position] ^= 0x01
            try db.write { try $0.execute(sql: "UPDATE records SET sealed = ? WHERE id = ?", arguments: [tampered, record.id]) }
            let failures = try vault.store.verify().failures
            #expect(failures.map(\.id) == [record.id], "byte \(position)")
            #expect(failures.first?.description.contains("integrity failure") == true)
        }
        try db.write { try $0.execute(sql: "UPDATE records SET sealed = ? WHERE id = ?", arguments: [record.sealed, record.id]) }
        #expect(try vault.store.verify().failures.isEmpty)
    }

    @Test func ciphertextMovedToAnotherRowDoesNotOpen() throws {
        let vault = try TemporaryVault()
        _ = try vault.importSynthetic(subjects: 40)
        let db = try DatabaseQueue(path: vault.directory + "/vault.sqlite")
        let rows = try db.read { db in
            try Row.fetchAll(db, sql: "SELECT id, subject_id, sealed FROM records ORDER BY subject_id, id")
        }
        // Two records of the same subject, swapped: same key, other place.
        let pairs = zip(rows, rows.dropFirst()).first { $0.0["subject_id"] as String == $0.1["subject_id"] as String }
        let (first, sibling) = try #require(pairs)
        try db.write { db in
            try db.execute(sql: "UPDATE records SET sealed = ? WHERE id = ?", arguments: [sibling["sealed"] as Data, first["id"] as String])
            try db.execute(sql: "UPDATE records SET sealed = ? WHERE id = ?", arguments: [first["sealed"] as Data, sibling["id"] as String])
        }
        #expect(Set(try vault.store.verify().failures.map(\.id)) == [first["id"], sibling["id"]])
        // A record moved to another subject: other key.
        try db.write { db in
            try db.execute(sql: "UPDATE records SET sealed = ? WHERE id = ?", arguments: [first["sealed"] as Data, first["id"] as String])
            try db.execute(sql: "UPDATE records SET sealed = ? WHERE id = ?", arguments: [sibling["sealed"] as Data, sibling["id"] as String])
            let other = try #require(rows.first { $0["subject_id"] as String != first["subject_id"] as String })
            try db.execute(sql: "UPDATE records SET subject_id = ? WHERE id = ?", arguments: [other["subject_id"] as String, first["id"] as String])
        }
        #expect(try vault.store.verify().failures.map(\.id) == [first["id"]])
    }

    @Test func erasedSubjectIsUnfindableAndItsCopiedRowsNoLongerOpen() throws {
        let vault = try TemporaryVault()
        let path = try vault.file("a.csv", absenceHeader + "Dupont,Emilie,2012-03-01,,2025-10-06,matin,false,\nDupont,Emilie,2012-03-01,,2025-10-07,matin,false,\n")
        _ = try vault.store.importFile(path, kind: "absence", source: "education_nationale")
        let identity = ["nom": "Dupont", "prenom": "Emilie", "naissance": "2012-03-01"]
        let id = try #require(try vault.store.findSubjects(identity: identity).first)
        let db = try DatabaseQueue(path: vault.directory + "/vault.sqlite")
        let copied = try db.read { db in
            (try Row.fetchAll(db, sql: "SELECT * FROM subjects WHERE id = ?", arguments: [id]),
             try Row.fetchAll(db, sql: "SELECT * FROM records WHERE subject_id = ?", arguments: [id]),
             try Row.fetchAll(db, sql: "SELECT * FROM subject_keys WHERE subject_id = ?", arguments: [id]))
        }
        #expect(copied.1.count == 2)
        #expect(try vault.store.erase(subjectID: id, reason: "fin de conservation") == 2)
        #expect(try vault.store.findSubjects(identity: identity).isEmpty)
        #expect(try vault.store.status().records == 0)
        // The copied rows, put back without their destroyed data key, do not open.
        try db.write { db in
            for row in copied.0 {
                try db.execute(sql: "INSERT INTO subjects (id, created_at, identity) VALUES (?, ?, ?)",
                               arguments: [row["id"] as String, row["created_at"] as Int, row["identity"] as Data])
            }
            for row in copied.1 {
                try db.execute(sql: "INSERT INTO records (id, subject_id, kind, created_at, sealed, fingerprint) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [row["id"] as String, row["subject_id"] as String, row["kind"] as String,
                                           row["created_at"] as Int, row["sealed"] as Data, row["fingerprint"] as Data])
            }
        }
        let failures = try vault.store.verify().failures
        #expect(failures.map(\.item) == ["subject-key"])
        #expect(failures.map(\.id) == [id])
        // A backup that kept the wrapped key opens them again, until the root key is rotated.
        try db.write { db in
            for row in copied.2 {
                try db.execute(sql: "INSERT INTO subject_keys (subject_id, wrapped) VALUES (?, ?)",
                               arguments: [row["subject_id"] as String, row["wrapped"] as Data])
            }
        }
        #expect(try vault.store.verify().failures.isEmpty)
        try db.write { try $0.execute(sql: "DELETE FROM subject_keys WHERE subject_id = ?", arguments: [id]) }
        _ = try vault.store.erase(subjectID: id, reason: "effacement repris")
        let newKey = vault.root.appendingPathComponent("new.key").path
        _ = try vault.store.rotateKey(to: .keyFile(newKey), environment: [:])
        let rotated = try VaultStore.open(directory: vault.directory, key: .keyFile(newKey), environment: [:])
        try db.write { db in
            for row in copied.0 {
                try db.execute(sql: "INSERT INTO subjects (id, created_at, identity) VALUES (?, ?, ?)",
                               arguments: [row["id"] as String, row["created_at"] as Int, row["identity"] as Data])
            }
            for row in copied.2 {
                try db.execute(sql: "INSERT INTO subject_keys (subject_id, wrapped) VALUES (?, ?)",
                               arguments: [row["subject_id"] as String, row["wrapped"] as Data])
            }
        }
        #expect(try rotated.verify().failures.map(\.item) == ["subject-key"])
    }

    /// The box is `nonce ‖ ciphertext ‖ tag`, written and read in place: every length round-trips, and a wrong key,
    /// other associated data, any flipped byte or a box shorter than nonce and tag is refused.
    @Test func sealedBoxOpensOnlyWhole() throws {
        let key = try SecretKey.random(), other = try SecretKey.random()
        let place = Array("place".utf8)
        for length in [0, 1, 31, 32, 33, 1_000] {
            let plaintext = try Sodium.randomBytes(length)
            let box = try Sodium.seal(plaintext, key: key, associatedData: place)
            #expect(box.count == Sodium.aeadNonceBytes + length + Sodium.aeadTagBytes)
            #expect(try Sodium.open(box, key: key, associatedData: place) == plaintext)
            #expect(throws: CryptoError.self) { try Sodium.open(box, key: other, associatedData: place) }
            #expect(throws: CryptoError.self) { try Sodium.open(box, key: key, associatedData: Array("elsewhere".utf8)) }
            for position in Set([0, Sodium.aeadNonceBytes - 1, Sodium.aeadNonceBytes, box.count / 2, box.count - 1]) {
                var flipped = box
                flipped[position] ^= 0x01
                #expect(throws: CryptoError.self) { try Sodium.open(flipped, key: key, associatedData: place) }
            }
            #expect(throws: CryptoError.self) { try Sodium.open(Array(box.dropLast()), key: key, associatedData: place) }
        }
        #expect(throws: CryptoError.self) {
            try Sodium.open([UInt8](repeating: 0, count: Sodium.aeadNonceBytes + Sodium.aeadTagBytes - 1), key: key, associatedData: place)
        }
        // Two seals of the same plaintext differ: a fresh nonce each time.
        #expect(try Sodium.seal([1, 2, 3], key: key, associatedData: place) != Sodium.seal([1, 2, 3], key: key, associatedData: place))
    }

    @Test func associatedDataKeepsItsByteFormat() {
        // Every stored ciphertext is bound to these bytes: changing them would make every vault unreadable.
        func field(_ text: String) -> [UInt8] { [0, 0, 0, UInt8(text.utf8.count)] + Array(text.utf8) }
        let expected = Array("vigie-aad".utf8) + field("v1") + field("vault") + field("sé") + field("") + field("absence")
        #expect(AssociatedData(vaultID: "vault", subjectID: "sé", itemID: "", kind: "absence").bytes == expected)
    }
}
