import GRDB

extension Migrations {
    /// v5: indexes the benchmarks asked for. Finding whether an alert already has its reminder scanned every
    /// alert once per open alert (quadratic in the alerts table).
    static func registerIndexes(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-indexes") { db in
            try db.create(index: "alerts_parent", on: "alerts", columns: ["parent_id"])
        }
        // An evaluation first counts each subject's records by kind (plaintext columns only) to decide whom to
        // open: with the kind in the index that count never reads the table. The new index also serves every
        // lookup by subject, so it replaces the old one (no extra cost per imported record).
        migrator.registerMigration("v6-records-by-subject-and-kind") { db in
            try db.create(index: "records_subject_kind", on: "records", columns: ["subject_id", "kind"])
            try db.drop(index: "records_subject")
        }
    }
}
