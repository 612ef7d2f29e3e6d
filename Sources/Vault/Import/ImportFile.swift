import Foundation
public import RulesEngine

/// One row of a partner file, validated against the schema: the subject's fields and the record's fields, each
/// value in its canonical text form (dates `YYYY-MM-DD`, booleans `true`/`false`).
public struct ImportRow: Sendable {
    /// Its line in the file.
    public let line: Int
    /// The subject's fields (identity and others).
    public let subject: [String: String]
    /// The record's fields.
    public let fields: [String: String]
}

/// Reads and validates a partner file for one kind, CSV (header = line 1) or JSON lines (`.jsonl`, `.ndjson`).
/// A file with any bad row is refused whole, listing every problem as `FILE:LINE: error: …`; no message
/// repeats a value from the file, since values are personal data.
public enum ImportFile {
    static let maxReportedErrors = 50

    /// Reads and validates a partner file, all of it, as `VaultStore.importFile` does before keeping anything.
    public static func read(_ path: String, kind: RecordShape, subject: RecordShape) throws(VaultError) -> [ImportRow] {
        var rows: [ImportRow] = []
        try stream(path, kind: kind, subject: subject) { batch, _ in
            rows += batch
            return true
        }
        return rows
    }

    /// Reads and validates a partner file, handing its valid rows over `batchSize` at a time, in file order, as
    /// soon as they are checked (with the number of rows in the file), so that storing them can go on while the
    /// rest is read. No row is handed over after the first bad one; every problem is then listed and thrown at the
    /// end, and the caller must discard what it was handed: a file is taken whole or not at all. `emit` returns
    /// whether to go on: `false` stops the reading there (the caller gave up), without an error.
    public static func stream(_ path: String, kind: RecordShape, subject: RecordShape, batchSize: Int = 1_024,
                              emit: ([ImportRow], Int) -> Bool) throws(VaultError) {
        try stream(try text(at: path), label: path, jsonLines: path.hasSuffix(".jsonl") || path.hasSuffix(".ndjson"),
                   kind: kind, subject: subject, batchSize: batchSize, emit: emit)
    }

    /// The file's text; its bytes are let go once decoded, so that a large file is held once, not twice.
    private static func text(at path: String) throws(VaultError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VaultError(.invalidInput, "\(path): cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw VaultError(.invalidInput, "\(path):1: error: the file is not UTF-8 text")
        }
        return text
    }

    /// `stream` over partner data held in memory: CSV, or JSON lines (one object per line, numbered from 1);
    /// errors name `label:LINE`.
    static func stream(_ text: String, label path: String, jsonLines: Bool, kind: RecordShape, subject: RecordShape,
                       batchSize: Int = 1_024, emit: ([ImportRow], Int) -> Bool) throws(VaultError) {
        var validator = RowValidator(path: path, kind: kind, subject: subject)
        var batch: [ImportRow] = []
        batch.reserveCapacity(batchSize)
        var rowsInFile = 0
        var goOn = true
        func accept(_ row: ImportRow, total: Int) -> Bool {
            batch.append(row)
            rowsInFile = total
            if batch.count == batchSize {
                goOn = emit(batch, total)
                batch.removeAll(keepingCapacity: true)
            }
            return goOn
        }
        if jsonLines {
            validator.readJSONLines(text, accept: accept)
        } else {
            validator.readCSV(text, accept: accept)
        }
        guard goOn else { return }
        if validator.errors.isEmpty && validator.accepted == 0 {
            validator.errors.append("\(path):1: error: the file holds no row")
        }
        guard validator.errors.isEmpty else {
            var lines = Array(validator.errors.prefix(maxReportedErrors))
            if validator.errors.count > maxReportedErrors {
                lines.append("\(path): … and \(validator.errors.count - maxReportedErrors) more errors")
            }
            lines.append("\(path): refused whole; nothing was stored")
            throw VaultError(.invalidInput, lines.joined(separator: "\n"))
        }
        if !batch.isEmpty { _ = emit(batch, rowsInFile) }
    }
}

/// Checks the columns and values of a partner file against the subject and the kind.
struct RowValidator {
    let path: String
    let kind: RecordShape
    let subject: RecordShape
    /// Valid rows handed over, all before the first error.
    private(set) var accepted = 0
    var errors: [String] = []

    mutating func fail(_ line: Int, _ message: String) {
        errors.append("\(path):\(line): error: \(message)")
    }

    /// Checks a CSV file (header on line 1), handing each valid row to `accept` with the file's row count until
    /// the first error, or until `accept` returns `false`. A first pass counts the rows and checks the file's
    /// structure without building a cell; the second reads one row at a time, so the file is never held as a table.
    mutating func readCSV(_ text: String, accept: (ImportRow, _ total: Int) -> Bool) {
        var text = text
        text.withUTF8 { bytes in readCSV(bytes, accept: accept) }
    }

    private mutating func readCSV(_ bytes: UnsafeBufferPointer<UInt8>, accept: (ImportRow, _ total: Int) -> Bool) {
        let rows: Int
        do {
            rows = try CSVReader.count(bytes)
        } catch {
            fail(error.line, error.message)
            return
        }
        var columns: [String]?
        do {
            try CSVReader.forEachRow(bytes) { row in
                guard let header = columns else {
                    let names = row.cells.map { $0.trimmingCharacters(in: .whitespaces) }
                    guard checkColumns(Set(names), line: row.line, duplicates: names.count != Set(names).count) else { return false }
                    columns = names
                    return true
                }
                guard row.cells.count == header.count else {
                    fail(row.line, "expected \(header.count) cells as in the header, found \(row.cells.count)")
                    return true
                }
                if let valid = validate(Dictionary(uniqueKeysWithValues: zip(header, row.cells)), line: row.line) {
                    return accept(valid, rows - 1)
                }
                return true
            }
        } catch {
            fail(error.line, error.message)
        }
    }

    /// Checks JSON lines, handing each valid row to `accept` with the number of non-blank lines until the first
    /// error, or until `accept` returns `false`.
    mutating func readJSONLines(_ text: String, accept: (ImportRow, _ total: Int) -> Bool) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let total = lines.count { !$0.allSatisfy(\.isWhitespace) }
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any] else {
                fail(index + 1, "not a JSON object")
                continue
            }
            guard checkColumns(Set(object.keys), line: index + 1, duplicates: false, requireAll: true) else { continue }
            var cells: [String: String] = [:]
            for (key, value) in object {
                switch value {
                case is NSNull: continue
                case let text as String: cells[key] = text
                case let flag as Bool where type(of: value) == Bool.self: cells[key] = flag ? "true" : "false"
                case let number as Int: cells[key] = String(number)
                default: fail(index + 1, "field '\(key)' must be a string, number, boolean or null")
                }
            }
            if let valid = validate(cells, line: index + 1), !accept(valid, total) { return }
        }
    }

    /// Every column is a subject or kind field; the identity and the kind's required fields are present. A column
    /// is named in an error only if it looks like a field name: a file without its header line has a row of
    /// personal data where the header should be, and no message repeats a value.
    private mutating func checkColumns(_ columns: Set<String>, line: Int, duplicates: Bool, requireAll: Bool = true) -> Bool {
        var ok = true
        if duplicates { fail(line, "a column appears twice in the header"); ok = false }
        let known = subject.fields.map(\.name) + kind.fields.map(\.name)
        let unknown = columns.sorted().filter { subject.field(named: $0) == nil && kind.field(named: $0) == nil }
        if !unknown.isEmpty && unknown.count == columns.count {
            fail(line, "no column is a field of kind '\(kind.name)' (expected \(known.joined(separator: ", "))): "
                + "is the header line missing?")
            return false
        }
        for column in unknown {
            if Self.looksLikeFieldName(column) {
                let hint = Suggestion.closest(to: column, in: known).map { "; did you mean '\($0)'?" } ?? ""
                fail(line, "unknown column '\(column)' for kind '\(kind.name)'\(hint)")
            } else {
                fail(line, "a column is not a field of kind '\(kind.name)', and its name is not repeated: it does not look "
                    + "like one (expected \(known.joined(separator: ", ")))")
            }
            ok = false
        }
        let required = BlindIndex.identityFields + kind.fields.filter { !$0.optional }.map(\.name)
        for name in required where !columns.contains(name) && requireAll {
            fail(line, "missing column '\(name)'")
            ok = false
        }
        return ok
    }

    /// Lowercase ASCII letters, digits and underscores, starting with a letter, as the rule language writes field
    /// names (`demi_journee`): a name, a date or free text does not pass.
    static func looksLikeFieldName(_ text: String) -> Bool {
        guard let first = text.utf8.first, (0x61...0x7A).contains(first), text.utf8.count <= 40 else { return false }
        return text.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
    }

    /// Checks one row: the row, if it and every row before it are valid (the file is then still taken).
    private mutating func validate(_ cells: [String: String], line: Int) -> ImportRow? {
        var subjectValues: [String: String] = [:]
        var fields: [String: String] = [:]
        var valid = true
        for (name, raw) in cells {
            let value = raw.trimmingCharacters(in: .whitespaces)
            let definition = kind.field(named: name) ?? subject.field(named: name)
            guard let definition else { continue }
            let isIdentity = BlindIndex.identityFields.contains(name)
            if value.isEmpty {
                if isIdentity || (!definition.optional && kind.field(named: name) != nil) {
                    fail(line, "field '\(name)' is required")
                    valid = false
                }
                continue
            }
            guard let parsed = definition.type.parse(value) else {
                fail(line, "field '\(name)' must be \(definition.type.expectation)")
                valid = false
                continue
            }
            if kind.field(named: name) != nil { fields[name] = parsed.description } else { subjectValues[name] = parsed.description }
        }
        // After an error the file is refused whole: nothing more is handed over, the rest is only checked.
        guard valid, errors.isEmpty else { return nil }
        accepted += 1
        return ImportRow(line: line, subject: subjectValues, fields: fields)
    }

}
