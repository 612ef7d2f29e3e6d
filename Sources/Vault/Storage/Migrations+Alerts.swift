import GRDB

extension Migrations {
    /// v2: alerts (sealed detail, plaintext lifecycle), evaluation runs, subjects touched since the last run.
    static func registerAlerts(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-alerts") { db in
            try db.create(table: "alerts") { t in
                t.primaryKey("id", .text)
                t.column("subject_id", .text).notNull().references("subjects", onDelete: .cascade)
                t.column("rule_id", .text).notNull()
                t.column("severity", .text).notNull()
                t.column("status", .text).notNull()
                t.column("audience", .text).notNull()
                t.column("group_name", .text).notNull()
                t.column("raised_on", .text).notNull()
                t.column("follow_up", .text)
                t.column("parent_id", .text)
                t.column("created_at", .integer).notNull()
                t.column("acknowledged_at", .integer)
                t.column("closed_at", .integer)
                t.column("detail", .blob).notNull()
                t.column("resolution", .blob)
            }
            // One alert per subject, rule and evaluation date, whatever happens to the process.
            try db.create(index: "alerts_once", on: "alerts", columns: ["subject_id", "rule_id", "raised_on"], unique: true)
            try db.create(index: "alerts_status", on: "alerts", columns: ["status"])
            try db.create(table: "evaluations") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("as_of", .text).notNull()
                t.column("mode", .text).notNull()
                t.column("rule_set_version", .integer).notNull()
                t.column("started_at", .integer).notNull()
                t.column("finished_at", .integer)
                t.column("subjects", .integer).notNull().defaults(to: 0)
                t.column("alerts", .integer).notNull().defaults(to: 0)
            }
            try db.create(table: "touched_subjects") { t in
                t.primaryKey("subject_id", .text).references("subjects", onDelete: .cascade)
            }
        }
    }
}
