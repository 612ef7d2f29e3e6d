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
    /// month of `asOf`, up to `asOf`. Returns their identities (nom, prenom, naissance).
    func absences4(asOf: Day) throws -> Set<[String]> {
        let sql = """
            SELECT nom, prenom, naissance FROM \(Self.table("absence"))
            WHERE justifiee = 'false' AND date BETWEEN :start AND :asOf
              AND CAST(strftime('%Y', :asOf) AS INTEGER) - CAST(strftime('%Y', naissance) AS INTEGER)
                  - (strftime('%m-%d', :asOf) < strftime('%m-%d', naissance)) < 16
            GROUP BY nom, prenom, naissance, substr(date, 1, 7)
            HAVING COUNT(*) >= 4
            """
        return try pool.read { db in
            var found: Set<[String]> = []
            let rows = try Row.fetchCursor(db, sql: sql, arguments: ["start": asOf.firstOfMonth.description, "asOf": asOf.description])
            while let row = try rows.next() { found.insert([row["nom"], row["prenom"], row["naissance"]]) }
            return found
        }
    }

    static func table(_ kind: String) -> String { "plain_\(kind)".quotedDatabaseIdentifier }
}
