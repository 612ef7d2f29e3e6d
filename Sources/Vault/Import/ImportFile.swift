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

    /// Reads and validates a partner file, as `VaultStore.importFile` does before sealing anything.
    public static func read(_ path: String, kind: RecordShape, subject: RecordShape) throws(VaultError) -> [ImportRow] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VaultError(.invalidInput, "\(path): cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw VaultError(.invalidInput, "\(path):1: error: the file is not UTF-8 text")
        }
        return try validate(text, label: path, jsonLines: path.hasSuffix(".jsonl") || path.hasSuffix(".ndjson"),
                            kind: kind, subject: subject)
    }

    /// Validates partner data held in memory: CSV, or JSON lines (one object per line, numbered from 1).
    static func validate(_ text: String, label path: String, jsonLines: Bool, kind: RecordShape,
                         subject: RecordShape) throws(VaultError) -> [ImportRow] {
        var validator = RowValidator(path: path, kind: kind, subject: subject)
        if jsonLines {
            validator.readJSONLines(text)
        } else {
            validator.readCSV(text)
        }
        if validator.errors.isEmpty && validator.rows.isEmpty {
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
        return validator.rows
    }
}

/// Checks the columns and values of a partner file against the subject and the kind.
struct RowValidator {
    let path: String
    let kind: RecordShape
    let subject: RecordShape
    var rows: [ImportRow] = []
    var errors: [String] = []

    mutating func fail(_ line: Int, _ message: String) {
        errors.append("\(path):\(line): error: \(message)")
    }

    mutating func readCSV(_ text: String) {
        let table: [CSVReader.Row]
        do {
            table = try CSVReader.rows(text)
        } catch {
            fail(error.line, error.message)
            return
        }
        guard let header = table.first else { return }
        let columns = header.cells.map { $0.trimmingCharacters(in: .whitespaces) }
        guard checkColumns(Set(columns), line: header.line, duplicates: columns.count != Set(columns).count) else { return }
        for row in table.dropFirst() {
            guard row.cells.count == columns.count else {
                fail(row.line, "expected \(columns.count) cells as in the header, found \(row.cells.count)")
                continue
            }
            validate(Dictionary(uniqueKeysWithValues: zip(columns, row.cells)), line: row.line)
        }
    }

    mutating func readJSONLines(_ text: String) {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
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
            validate(cells, line: index + 1)
        }
    }

    /// Every column is a subject or kind field; the identity and the kind's required fields are present.
    private mutating func checkColumns(_ columns: Set<String>, line: Int, duplicates: Bool, requireAll: Bool = true) -> Bool {
        var ok = true
        if duplicates { fail(line, "a column appears twice in the header"); ok = false }
        for column in columns.sorted() where subject.field(named: column) == nil && kind.field(named: column) == nil {
            let known = subject.fields.map(\.name) + kind.fields.map(\.name)
            let hint = Suggestion.closest(to: column, in: known).map { "; did you mean '\($0)'?" } ?? ""
            fail(line, "unknown column '\(column)' for kind '\(kind.name)'\(hint)")
            ok = false
        }
        let required = BlindIndex.identityFields + kind.fields.filter { !$0.optional }.map(\.name)
        for name in required where !columns.contains(name) && requireAll {
            fail(line, "missing column '\(name)'")
            ok = false
        }
        return ok
    }

    private mutating func validate(_ cells: [String: String], line: Int) {
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
        if valid { rows.append(ImportRow(line: line, subject: subjectValues, fields: fields)) }
    }

}
