import GRDB

extension Migrations {
    /// v5: indexes the benchmarks asked for. Finding whether an alert already has its reminder scanned every
    /// alert once per open alert (quadratic in the alerts table).
    static func registerIndexes(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-indexes") { db in
            try db.create(index: "alerts_parent", on: "alerts", columns: ["parent_id"])
        }
    }
}
