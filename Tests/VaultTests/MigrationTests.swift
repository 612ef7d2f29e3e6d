import Foundation
import GRDB
import Testing
@testable import Vault

/// v7 rebuilds the record, subject-key and blind-index tables with fewer indexes: a vault written before it keeps every row, its
/// foreign keys and its duplicate detection. v8 indexes alerts by status and follow-up date. v9 keys the touched list by
/// subject.
@Suite struct MigrationTests {
    /// A database migrated up to v6, holding two subjects, their keys and indexes, three records, an alert, and both
    /// subjects touched.
    private func databaseAtV6() throws -> (DatabaseQueue, URL) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-migration-\(UUID().uuidString).sqlite")
        let queue = try DatabaseQueue(path: url.path)
        try Migrations.migrator.migrate(queue, upTo: "v6-records-by-subject-and-kind")
        try queue.write { db in
            for subject in ["s1", "s2"] {
                try db.execute(sql: "INSERT INTO subjects (id, created_at, identity) VALUES (?, 1, ?)",
                               arguments: [subject, Data("sealed-\(subject)".utf8)])
                try db.execute(sql: "INSERT INTO subject_keys (subject_id, wrapped) VALUES (?, ?)", arguments: [subject, Data([1, 2])])
                try db.execute(sql: "INSERT INTO blind_indexes (subject_id, name, value) VALUES (?, 'identity', ?)",
                               arguments: [subject, Data([subject == "s1" ? 7 : 8])])
                try db.execute(sql: "INSERT INTO touched_subjects (subject_id) VALUES (?)", arguments: [subject])
            }
            for (id, subject, kind, source) in [("r1", "s1", "absence", "education_nationale"), ("r2", "s1", "incident", "gendarmerie"),
                                                ("r3", "s2", "absence", "education_nationale")] {
                try db.execute(sql: """
                    INSERT INTO records (id, subject_id, kind, created_at, sealed, fingerprint, source) VALUES (?, ?, ?, 2, ?, ?, ?)
                    """, arguments: [id, subject, kind, Data("sealed-\(id)".utf8), Data("fp-\(id)".utf8), source])
            }
            try db.execute(sql: """
                INSERT INTO alerts (id, subject_id, rule_id, severity, status, audience, group_name, raised_on, created_at, detail)
                VALUES ('a1', 's2', 'ABS-4DJ', 'high', 'open', 'education_nationale', 'g', '2026-03-20', 3, x'00')
                """)
        }
        return (queue, url)
    }

    private func rows(_ db: Database, _ table: String, _ columns: String) throws -> [[DatabaseValue]] {
        try Row.fetchAll(db, sql: "SELECT \(columns) FROM \(table) ORDER BY \(columns)").map { Array($0.databaseValues) }
    }

    @Test func v7KeepsEveryRowAndDropsTheRecordIdentifierIndex() throws {
        let (queue, url) = try databaseAtV6()
        defer { try? FileManager.default.removeItem(at: url) }
        let tables = [("subjects", "id, created_at, identity"), ("subject_keys", "subject_id, wrapped"),
                      ("blind_indexes", "subject_id, name, value"),
                      ("records", "id, subject_id, kind, created_at, sealed, fingerprint, source")]
        let before = try queue.read { db in try tables.map { try rows(db, $0.0, $0.1) } }
        try Migrations.migrator.migrate(queue)
        try queue.read { db in
            #expect(try tables.map { try rows(db, $0.0, $0.1) } == before)
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            // The records table keeps two indexes: its unique fingerprint and (subject, kind, source).
            let indexes = try db.indexes(on: "records")
            #expect(indexes.count == 2)
            #expect(indexes.contains { $0.columns == ["subject_id", "kind", "source"] })
            #expect(indexes.contains { $0.columns == ["fingerprint"] && $0.isUnique })
            #expect(!indexes.contains { $0.columns.contains("id") })
            // The rebuilt blind indexes keep their lookup by (name, value): matching never scans the table.
            #expect(try db.indexes(on: "blind_indexes").contains { $0.columns == ["name", "value"] })
            for table in ["subject_keys", "blind_indexes"] {
                let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [table])
                #expect(sql?.contains("WITHOUT ROWID") == true, "\(table)")
            }
        }
    }

    @Test func afterV7DuplicatesAreStillRefusedAndErasureStillCascades() throws {
        let (queue, url) = try databaseAtV6()
        defer { try? FileManager.default.removeItem(at: url) }
        try Migrations.migrator.migrate(queue)
        try queue.write { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO records (id, subject_id, kind, created_at, sealed, fingerprint, source)
                VALUES ('r4', 's1', 'absence', 4, x'00', ?, 'education_nationale')
                """, arguments: [Data("fp-r1".utf8)])
            #expect(db.changesCount == 0)
            // The rebuilt tables' foreign keys point at the subjects table, and their cascades still run.
            try db.execute(sql: "DELETE FROM subjects WHERE id = 's2'")
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM records WHERE subject_id = 's2'") == 0)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM subject_keys WHERE subject_id = 's2'") == 0)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM blind_indexes WHERE subject_id = 's2'") == 0)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM alerts WHERE subject_id = 's2'") == 0)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM records") == 2)
            // A record of a subject that does not exist is refused.
            #expect(throws: (any Error).self) {
                try db.execute(sql: """
                    INSERT INTO records (id, subject_id, kind, created_at, sealed, fingerprint, source)
                    VALUES ('r5', 'nobody', 'absence', 4, x'00', x'01', 'education_nationale')
                    """)
            }
        }
    }

    @Test func v9KeysTheTouchedListBySubjectAndKeepsItsRowsAndCascade() throws {
        let (queue, url) = try databaseAtV6()
        defer { try? FileManager.default.removeItem(at: url) }
        try Migrations.migrator.migrate(queue)
        try queue.write { db in
            #expect(try String.fetchAll(db, sql: "SELECT subject_id FROM touched_subjects ORDER BY subject_id") == ["s1", "s2"])
            // v10: marks set before it carry version 0, below any evaluation's cutoff.
            #expect(try Int.fetchAll(db, sql: "SELECT version FROM touched_subjects") == [0, 0])
            let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'touched_subjects'")
            #expect(sql?.contains("WITHOUT ROWID") == true)
            try db.execute(sql: "INSERT OR IGNORE INTO touched_subjects (subject_id) VALUES ('s1')")
            #expect(db.changesCount == 0)
            try db.execute(sql: "DELETE FROM subjects WHERE id = 's2'")
            #expect(try String.fetchAll(db, sql: "SELECT subject_id FROM touched_subjects") == ["s1"])
            #expect(throws: (any Error).self) {
                try db.execute(sql: "INSERT INTO touched_subjects (subject_id) VALUES ('nobody')")
            }
        }
    }

    @Test func v11KeepsOneAlertPerSubjectRuleAndDateButOneReminderPerParent() throws {
        let (queue, url) = try databaseAtV6()
        defer { try? FileManager.default.removeItem(at: url) }
        try Migrations.migrator.migrate(queue)
        try queue.write { db in
            func insert(_ id: String, rule: String, parent: String?) throws -> Int {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO alerts (id, subject_id, rule_id, severity, status, audience, group_name, raised_on, parent_id,
                                                  created_at, detail)
                    VALUES (?, 's2', ?, 'high', 'open', 'coordinateur', 'g', '2026-04-01', ?, 3, x'00')
                    """, arguments: [id, rule, parent])
                return db.changesCount
            }
            // A second alert of the same rule and date is ignored; reminders of two parents both go in, not twice one.
            let stored = [try insert("a2", rule: "ABS-4DJ", parent: nil), try insert("a3", rule: "ABS-4DJ", parent: nil),
                          try insert("r1", rule: "RELANCE-SUIVI", parent: "a1"), try insert("r2", rule: "RELANCE-SUIVI", parent: "a2"),
                          try insert("r3", rule: "RELANCE-SUIVI", parent: "a2")]
            #expect(stored == [1, 0, 1, 1, 0])
        }
    }

    @Test func v8FindsOverdueFollowUpsInARangeOfOneIndex() throws {
        let (queue, url) = try databaseAtV6()
        defer { try? FileManager.default.removeItem(at: url) }
        try Migrations.migrator.migrate(queue)
        try queue.read { db in
            let indexes = try db.indexes(on: "alerts")
            #expect(indexes.contains { $0.columns == ["status", "follow_up"] })
            #expect(!indexes.contains { $0.columns == ["status"] })
            // The query every evaluation run makes.
            let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + VaultStore.overdueFollowUps,
                                        arguments: ["2026-04-01"])
                .map { $0["detail"] as String }.joined(separator: "\n")
            #expect(plan.contains("USING INDEX alerts_status_follow_up (status=? AND"), "\(plan)")
            #expect(plan.contains("follow_up<?)"), "\(plan)")
            // Nothing is scanned: the reminder check goes through the index on parent_id.
            #expect(!plan.contains("SCAN "), "\(plan)")
            #expect(plan.contains("alerts_parent"), "\(plan)")
            #expect(try String.fetchAll(db, sql: "SELECT id FROM alerts WHERE status = 'open'") == ["a1"])
        }
    }
}
