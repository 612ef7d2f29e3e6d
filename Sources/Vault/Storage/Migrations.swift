import GRDB

/// The vault's schema, append-only: a shipped migration is never edited. Only random identifiers, kind names,
/// rule identifiers, statuses and insertion times are stored in plaintext; everything about a person is sealed.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "vault_meta") { t in
                t.primaryKey("name", .text)
                t.column("value", .blob).notNull()
            }
            try db.create(table: "subjects") { t in
                t.primaryKey("id", .text)
                t.column("created_at", .integer).notNull()
                t.column("identity", .blob).notNull()
            }
            try db.create(table: "subject_keys") { t in
                t.primaryKey("subject_id", .text).references("subjects", onDelete: .cascade)
                t.column("wrapped", .blob).notNull()
            }
            try db.create(table: "blind_indexes") { t in
                t.column("subject_id", .text).notNull().references("subjects", onDelete: .cascade)
                t.column("name", .text).notNull()
                t.column("value", .blob).notNull()
                t.primaryKey(["subject_id", "name"])
            }
            try db.create(index: "blind_indexes_lookup", on: "blind_indexes", columns: ["name", "value"])
            try db.create(table: "records") { t in
                t.primaryKey("id", .text)
                t.column("subject_id", .text).notNull().references("subjects", onDelete: .cascade)
                t.column("kind", .text).notNull()
                t.column("created_at", .integer).notNull()
                t.column("sealed", .blob).notNull()
                t.column("fingerprint", .blob).notNull().unique()
            }
            try db.create(index: "records_subject", on: "records", columns: ["subject_id"])
            try db.create(table: "rule_sets") { t in
                t.autoIncrementedPrimaryKey("version")
                t.column("sha256", .text).notNull()
                t.column("loaded_at", .integer).notNull()
                t.column("files", .text).notNull()
            }
            try db.create(table: "erasures") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("erased_at", .integer).notNull()
                t.column("subjects", .integer).notNull()
                t.column("records", .integer).notNull()
            }
        }
        registerAlerts(&migrator)
        registerAccess(&migrator)
        registerAudit(&migrator)
        registerIndexes(&migrator)
        return migrator
    }
}
