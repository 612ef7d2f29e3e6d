import GRDB

extension Migrations {
    /// v3: issued tokens (revocation list), the contributing role of each record, break-glass uses.
    static func registerAccess(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-access") { db in
            try db.create(table: "tokens") { t in
                t.primaryKey("id", .text)
                t.column("role", .text).notNull()
                t.column("groups", .text).notNull()
                t.column("issued_at", .integer).notNull()
                t.column("expires_at", .integer).notNull()
                t.column("revoked_at", .integer)
                t.column("holder", .blob).notNull()
            }
            try db.alter(table: "records") { t in t.add(column: "source", .text) }
            try db.create(index: "records_source", on: "records", columns: ["subject_id", "source"])
            try db.create(table: "break_glass") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("token_id", .text).notNull()
                t.column("role", .text).notNull()
                t.column("subject_id", .text).notNull()
                t.column("used_at", .integer).notNull()
                t.column("reason", .blob).notNull()
            }
        }
    }
}
