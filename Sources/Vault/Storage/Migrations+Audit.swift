import GRDB

extension Migrations {
    /// v4: the audit log (insert-only), its Merkle nodes and signed checkpoints.
    static func registerAudit(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-audit") { db in
            try db.create(table: "audit_log") { t in
                t.primaryKey("seq", .integer)
                t.column("time", .integer).notNull()
                t.column("actor", .text).notNull()
                t.column("role", .text).notNull()
                t.column("action", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("labels", .text).notNull()
                t.column("purpose", .blob)
                t.column("decision", .text).notNull()
                t.column("reasons", .text).notNull()
                t.column("rule_set", .text).notNull()
                t.column("detail", .text).notNull()
            }
            try db.create(table: "audit_nodes") { t in
                t.column("level", .integer).notNull()
                t.column("idx", .integer).notNull()
                t.column("hash", .blob).notNull()
                t.primaryKey(["level", "idx"])
            }
            try db.create(table: "audit_checkpoints") { t in
                t.primaryKey("size", .integer)
                t.column("root", .blob).notNull()
                t.column("note", .text).notNull()
                t.column("created_at", .integer).notNull()
            }
            // The log, its tree and its checkpoints only grow.
            for table in ["audit_log", "audit_nodes", "audit_checkpoints"] {
                try db.execute(sql: """
                    CREATE TRIGGER \(table)_no_update BEFORE UPDATE ON \(table)
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    CREATE TRIGGER \(table)_no_delete BEFORE DELETE ON \(table)
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                    """)
            }
        }
    }
}
