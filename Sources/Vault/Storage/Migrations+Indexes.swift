import GRDB

extension Migrations {
    /// v5 – v11: indexes and table layouts the benchmarks asked for (v10 and v11 mend what reviews found). Finding whether an alert already has its
    /// reminder scanned every alert once per open alert (quadratic in the alerts table).
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
        // An import paid five B-tree insertions per record (the table, the unique index of its random identifier,
        // the unique fingerprint, (subject, kind), (subject, source)). Nothing looks a record up by its identifier
        // alone (128 random bits, bound into the record's associated data), so it loses its index, and the two
        // subject indexes become one, (subject, kind, source), which serves the counts by kind, the "has this role
        // contributed" check and every read by subject: three per record. Subject keys and blind indexes, small
        // rows, become keyed tables (WITHOUT ROWID): one B-tree each instead of a table and its key's index.
        // (Subjects stay a rowid table: their sealed identities would fill a keyed table's inner pages.) Tables
        // are rebuilt (SQLite cannot drop a primary key), rows in their order; foreign keys are checked after.
        migrator.registerMigration("v7-lean-indexes") { db in
            try rebuild(db, "subject_keys", columns: "subject_id, wrapped") { t in
                t.primaryKey("subject_id", .text).references("subjects", onDelete: .cascade)
                t.column("wrapped", .blob).notNull()
            }
            try rebuild(db, "blind_indexes", columns: "subject_id, name, value") { t in
                t.column("subject_id", .text).notNull().references("subjects", onDelete: .cascade)
                t.column("name", .text).notNull()
                t.column("value", .blob).notNull()
                t.primaryKey(["subject_id", "name"])
            }
            try db.create(index: "blind_indexes_lookup", on: "blind_indexes", columns: ["name", "value"])
            try rebuild(db, "records", columns: "id, subject_id, kind, created_at, sealed, fingerprint, source", withoutRowID: false) { t in
                t.column("id", .text).notNull()
                t.column("subject_id", .text).notNull().references("subjects", onDelete: .cascade)
                t.column("kind", .text).notNull()
                t.column("created_at", .integer).notNull()
                t.column("sealed", .blob).notNull()
                t.column("fingerprint", .blob).notNull().unique()
                t.column("source", .text)
            }
            try db.create(index: "records_by_subject", on: "records", columns: ["subject_id", "kind", "source"])
        }
        // Every evaluation run looks for the open alerts whose follow-up date has passed: with the date beside the
        // status in one index that is a range of the index, not every open alert. It serves every lookup by status
        // too, so it replaces the index on status alone (no extra cost per alert).
        migrator.registerMigration("v8-alerts-by-status-and-follow-up") { db in
            try db.create(index: "alerts_status_follow_up", on: "alerts", columns: ["status", "follow_up"])
            try db.drop(index: "alerts_status")
        }
        // A full evaluation takes subjects in identifier order and, with each chunk, deletes the chunk's subjects
        // from the touched list. As a rowid table, the list kept its rows in the order of the imports that touched
        // them, so a chunk's deletions landed on nearly every page of the table: each chunk rewrote the whole list,
        // and a full run cost the square of the subjects in writes. Keyed by the subject (WITHOUT ROWID), a chunk's
        // rows sit on a few neighbouring pages.
        migrator.registerMigration("v9-touched-subjects-keyed") { db in
            try rebuild(db, "touched_subjects", columns: "subject_id") { t in
                t.primaryKey("subject_id", .text).references("subjects", onDelete: .cascade)
            }
        }
        // An evaluation removes a chunk's subjects from the touched list after evaluating them; a record imported
        // meanwhile (between the chunk's read and its write) would lose its mark with them and wait for the next
        // full run. Each mark now carries the audit sequence number of the import that set it, and an evaluation
        // removes only the marks set before it started (sequence numbers only grow: the log is append-only).
        migrator.registerMigration("v10-touched-subjects-version") { db in
            try db.alter(table: "touched_subjects") { t in t.add(column: "version", .integer).notNull().defaults(to: 0) }
        }
        // One alert per subject, rule and date; but reminders share one rule id, so two overdue alerts of a
        // subject could only get one reminder a day, the other silently ignored. A reminder is one per parent too.
        migrator.registerMigration("v11-one-reminder-per-alert") { db in
            try db.drop(index: "alerts_once")
            try db.execute(sql: """
                CREATE UNIQUE INDEX alerts_once ON alerts (subject_id, rule_id, raised_on, COALESCE(parent_id, ''))
                """)
        }
    }

    /// Replaces `table` by a new definition holding the same rows (SQLite's documented way to change a table).
    /// Its indexes go with the old table; the caller creates the new ones.
    private static func rebuild(_ db: Database, _ table: String, columns: String, withoutRowID: Bool = true,
                                _ define: (TableDefinition) -> Void) throws {
        let staging = table + "_rebuilt"
        try db.create(table: staging, options: withoutRowID ? [.withoutRowID] : [], body: define)
        try db.execute(sql: "INSERT INTO \(staging) (\(columns)) SELECT \(columns) FROM \(table) ORDER BY rowid")
        try db.drop(table: table)
        try db.rename(table: staging, to: table)
    }
}
