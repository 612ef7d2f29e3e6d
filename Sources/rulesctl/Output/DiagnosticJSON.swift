import RulesEngine

/// The one JSON shape of a diagnostic, for `--json` and the HTTP API:
/// `{"file","line","column","endLine","endColumn","severity","code","message","help","notes"}`.
struct DiagnosticJSON: Encodable {
    struct Note: Encodable {
        let file: String
        let line: Int
        let column: Int
        let message: String
    }

    let file: String
    let line: Int
    let column: Int
    let endLine: Int
    let endColumn: Int
    let severity: String
    let code: String
    let message: String
    let help: String?
    let notes: [Note]

    init(_ diagnostic: Diagnostic, files: [SourceFile]) {
        let (path, start) = DiagnosticRenderer.position(of: diagnostic.range, in: files)
        let end = files.indices.contains(diagnostic.range.file)
            ? files[diagnostic.range.file].location(of: diagnostic.range.end) : start
        self.file = path
        self.line = start.line
        self.column = start.column
        self.endLine = end.line
        self.endColumn = end.column
        self.severity = diagnostic.severity.rawValue
        self.code = diagnostic.code.rawValue
        self.message = diagnostic.message
        self.help = diagnostic.help
        self.notes = diagnostic.notes.map { note in
            let (notePath, location) = DiagnosticRenderer.position(of: note.range, in: files)
            return Note(file: notePath, line: location.line, column: location.column, message: note.message)
        }
    }

    func encode(to encoder: any Encoder) throws {
        enum Keys: String, CodingKey { case file, line, column, endLine, endColumn, severity, code, message, help, notes }
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(file, forKey: .file)
        try container.encode(line, forKey: .line)
        try container.encode(column, forKey: .column)
        try container.encode(endLine, forKey: .endLine)
        try container.encode(endColumn, forKey: .endColumn)
        try container.encode(severity, forKey: .severity)
        try container.encode(code, forKey: .code)
        try container.encode(message, forKey: .message)
        try container.encode(help, forKey: .help)
        try container.encode(notes, forKey: .notes)
    }
}
