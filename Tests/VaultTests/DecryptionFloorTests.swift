import Foundation
import GRDB
import Testing
import Vault

/// The benchmark's decryption floor opens exactly what an evaluation of the rule must open, and fails loudly on
/// a tampered record like everything else that decrypts.
@Suite struct DecryptionFloorTests {
    @Test func floorOpensTheSubjectsHoldingTheRecordsTheRuleNeeds() async throws {
        let vault = try TemporaryVault()
        _ = try vault.importSynthetic(subjects: 150)
        let floor = try await vault.store.decryptionFloor(rule: "ABS-4DJ")
        // ABS-4DJ needs four absences: the subjects holding as many, and all their absence records.
        let (subjects, records) = try await DatabaseQueue(path: vault.directory + "/vault.sqlite").read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT COUNT(*) FROM records WHERE kind = 'absence' GROUP BY subject_id HAVING COUNT(*) >= 4
                """)
            return (rows.count, rows.reduce(0) { $0 + ($1[0] as Int) })
        }
        #expect(subjects > 0)
        #expect(floor.subjects == subjects)
        #expect(floor.records == records)
        #expect(floor.duration > .zero)
        await #expect(throws: VaultError.self) { try await vault.store.decryptionFloor(rule: "NO-SUCH-RULE") }
    }

    @Test func tamperedRecordStopsTheFloorNamingIt() async throws {
        let vault = try TemporaryVault()
        _ = try vault.importSynthetic(subjects: 150)
        let id = try await DatabaseQueue(path: vault.directory + "/vault.sqlite").write { db -> String in
            let id = try #require(try String.fetchOne(db, sql: """
                SELECT id FROM records WHERE kind = 'absence' AND subject_id IN
                    (SELECT subject_id FROM records WHERE kind = 'absence' GROUP BY subject_id HAVING COUNT(*) >= 4) LIMIT 1
                """))
            try db.execute(sql: "UPDATE records SET sealed = CAST(sealed AS BLOB) || x'00' WHERE id = ?", arguments: [id])
            return id
        }
        let error = try await #require(throws: VaultError.self) { try await vault.store.decryptionFloor(rule: "ABS-4DJ") }
        #expect(error.code == .integrity)
        #expect(error.message.contains("record \(id)"))
    }

    @Test func tamperedIdentityStopsTheFloorNamingIt() async throws {
        let vault = try TemporaryVault()
        _ = try vault.importSynthetic(subjects: 150)
        let subject = try await DatabaseQueue(path: vault.directory + "/vault.sqlite").write { db -> String in
            let subject = try #require(try String.fetchOne(db, sql: """
                SELECT subject_id FROM records WHERE kind = 'absence' GROUP BY subject_id HAVING COUNT(*) >= 4 LIMIT 1
                """))
            try db.execute(sql: "UPDATE subjects SET identity = CAST(identity AS BLOB) || x'00' WHERE id = ?", arguments: [subject])
            return subject
        }
        let error = try await #require(throws: VaultError.self) { try await vault.store.decryptionFloor(rule: "ABS-4DJ") }
        #expect(error.code == .integrity)
        #expect(error.message.contains("identity \(subject)"))
    }
}
