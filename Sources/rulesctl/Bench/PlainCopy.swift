import Foundation
import GRDB
import RulesEngine
import Vault

/// The benchmark's baseline: the same partner rows in plaintext, one plain SQLite table per kind (WAL like the
/// vault, no index beyond the primary key), read and validated by the same code as an import, then inserted with
/// one prepared statement in one transaction per file. It is what storing the data costs without protection.
struct PlainCopy {
    let pool: DatabasePool

    let path: String

    init(path: String) throws {
        self.path = path
        pool = try DatabasePool(path: path)
    }

    /// Closes the copy and removes its files.
    func remove() throws {
        try pool.close()
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            try FileManager.default.removeItem(atPath: path + suffix)
        }
    }

    /// Reads, validates and inserts one partner file in one transaction; returns its row count.
    func insert(file: String, kind: RecordShape, subject: RecordShape) throws -> Int {
        let rows = try ImportFile.read(file, kind: kind, subject: subject)
        let subjectColumns = subject.fields.map(\.name)
        let kindColumns = kind.fields.map(\.name).filter { !subjectColumns.contains($0) }
        let columns = subjectColumns + kindColumns
        let table = Self.table(kind.name)
        try pool.write { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS \(table) (id INTEGER PRIMARY KEY, "
                + columns.map { "\($0.quotedDatabaseIdentifier) TEXT" }.joined(separator: ", ") + ")")
            let statement = try db.makeStatement(sql: "INSERT INTO \(table) (\(columns.map(\.quotedDatabaseIdentifier).joined(separator: ", "))) "
                + "VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))")
            for row in rows {
                let values = subjectColumns.map { row.subject[$0] } + kindColumns.map { row.fields[$0] }
                try statement.execute(arguments: StatementArguments(values))
            }
        }
        return rows.count
    }

    /// ABS-4DJ as one SQL query: pupils under 16 with at least 4 unjustified half-day absences in the calendar
    /// month of `asOf`, up to `asOf`, with their count. Named arguments `:start` and `:asOf`.
    private static let absences4Query = """
        SELECT nom, prenom, naissance, COUNT(*) AS demi_journees FROM \(table("absence"))
        WHERE justifiee = 'false' AND date BETWEEN :start AND :asOf
          AND CAST(strftime('%Y', :asOf) AS INTEGER) - CAST(strftime('%Y', naissance) AS INTEGER)
              - (strftime('%m-%d', :asOf) < strftime('%m-%d', naissance)) < 16
        GROUP BY nom, prenom, naissance, substr(date, 1, 7)
        HAVING COUNT(*) >= 4
        """

    private static func arguments(asOf: Day) -> StatementArguments {
        ["start": asOf.firstOfMonth.description, "asOf": asOf.description]
    }

    /// ABS-4DJ as one SQL query (`absences4Query`). Returns the identities found (nom, prenom, naissance).
    func absences4(asOf: Day) throws -> Set<[String]> {
        try pool.read { db in
            var found: Set<[String]> = []
            let rows = try Row.fetchCursor(db, sql: Self.absences4Query, arguments: Self.arguments(asOf: asOf))
            while let row = try rows.next() { found.insert([row["nom"], row["prenom"], row["naissance"]]) }
            return found
        }
    }

    /// Empties the plaintext alerts that `storeAbsences4` fills, creating its tables (with the indexes the vault's
    /// alerts table has) the first time.
    func resetStoredAlerts() throws {
        try pool.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS plain_alerts (id TEXT PRIMARY KEY NOT NULL, nom TEXT, prenom TEXT,
                    naissance TEXT, rule_id TEXT NOT NULL, severity TEXT NOT NULL, status TEXT NOT NULL,
                    audience TEXT NOT NULL, group_name TEXT NOT NULL, raised_on TEXT NOT NULL, follow_up TEXT,
                    parent_id TEXT, created_at INTEGER NOT NULL, detail TEXT NOT NULL);
                CREATE INDEX IF NOT EXISTS plain_alerts_parent ON plain_alerts (parent_id);
                CREATE INDEX IF NOT EXISTS plain_alerts_status_follow_up ON plain_alerts (status, follow_up);
                CREATE UNIQUE INDEX IF NOT EXISTS plain_alerts_once
                    ON plain_alerts (nom, prenom, naissance, rule_id, raised_on, COALESCE(parent_id, ''));
                CREATE TABLE IF NOT EXISTS plain_log (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, detail TEXT NOT NULL);
                DELETE FROM plain_alerts;
                DELETE FROM plain_log;
                """)
        }
    }

    /// ABS-4DJ computed and its alerts stored in plaintext, as a vault stores them but without protection: the
    /// query's rows inserted as alert rows (random identifier, the same columns and indexes as the vault's, the
    /// count in a plaintext detail) and one log row, in one transaction. Returns the alerts stored.
    func storeAbsences4(asOf: Day) throws -> Int {
        try pool.write { db in
            let now = Int(Date().timeIntervalSince1970)
            var arguments = Self.arguments(asOf: asOf)
            arguments += ["now": now, "followUp": asOf.adding(days: 15).description]
            try db.execute(sql: """
                INSERT INTO plain_alerts (id, nom, prenom, naissance, rule_id, severity, status, audience, group_name,
                                          raised_on, follow_up, created_at, detail)
                SELECT lower(hex(randomblob(16))), nom, prenom, naissance, 'ABS-4DJ', 'medium', 'open',
                       'education_nationale,coordinateur', 'prevention_jeunesse', :asOf, :followUp, :now,
                       'demi_journees ' || demi_journees
                FROM (\(Self.absences4Query))
                """, arguments: arguments)
            let stored = db.changesCount
            try db.execute(sql: "INSERT INTO plain_log (at, detail) VALUES (?, ?)",
                           arguments: [now, "evaluated ABS-4DJ as of \(asOf): \(stored) alerts"])
            return stored
        }
    }

    static func table(_ kind: String) -> String { "plain_\(kind)".quotedDatabaseIdentifier }
}
