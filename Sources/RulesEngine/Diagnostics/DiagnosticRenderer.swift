/// Renders diagnostics in swiftc's shape, which editors can click and grep can follow:
///
/// ```
/// Rules/scolarite.vigie:7:62: error: cannot compare 'int' with 'duration' [RE3003]
///   when count(absence where not justifiee, in last 30 days) >= 4 days
///                                                                ^~~~~~
///   help: …
/// ```
public enum DiagnosticRenderer {
    package static let maxLineWidth = 100

    /// Renders one diagnostic with its source line, caret line, notes and help.
    ///
    /// - Parameters:
    ///   - diagnostic: the diagnostic.
    ///   - files: the rule set's files, indexed by `SourceRange.file`.
    ///   - color: whether to use ANSI colours.
    /// - Returns: the text, ending with a line break.
    public static func render(_ diagnostic: Diagnostic, in files: [SourceFile], color: Bool = false) -> String {
        var text = block(severity: diagnostic.severity.rawValue, message: diagnostic.message + " [\(diagnostic.code.rawValue)]",
                         range: diagnostic.range, files: files, color: color)
        for note in diagnostic.notes {
            text += block(severity: "note", message: note.message, range: note.range, files: files, color: color)
        }
        if let help = diagnostic.help { text += "  help: \(help)\n" }
        return text
    }

    /// The `file:line:column` of a range's start.
    public static func position(of range: SourceRange, in files: [SourceFile]) -> (path: String, location: SourceLocation) {
        guard files.indices.contains(range.file) else { return ("<unknown>", SourceLocation(line: 1, column: 1)) }
        let file = files[range.file]
        return (file.path, file.location(of: range.start))
    }

    private static func block(severity: String, message: String, range: SourceRange, files: [SourceFile],
                              color: Bool) -> String
    {
        let (path, location) = position(of: range, in: files)
        let label = color ? colored(severity) : severity
        var text = "\(path):\(location.line):\(location.column): \(label): \(message)\n"
        guard files.indices.contains(range.file) else { return text }
        let file = files[range.file]
        let line = file.lineText(location.line)
        let (shown, caret) = caretLine(line: line, column: location.column, length: underlineLength(range, file, location))
        text += shown + "\n" + caret + "\n"
        return text
    }

    /// The number of bytes to underline: the range, cut at the end of its first line.
    private static func underlineLength(_ range: SourceRange, _ file: SourceFile, _ start: SourceLocation) -> Int {
        let lineBytes = file.lineText(start.line).utf8.count
        return max(1, min(range.end - range.start, lineBytes - (start.column - 1)))
    }

    /// The source line (windowed to `maxLineWidth` characters) and the caret line under it: `^` at the start of
    /// the range, `~` under the rest, aligned by character, tabs copied from the source line.
    package static func caretLine(line: String, column: Int, length: Int) -> (String, String) {
        let bytes = Array(line.utf8)
        let startByte = min(max(column - 1, 0), bytes.count)
        let endByte = min(startByte + length, bytes.count)
        let prefix = String(decoding: bytes[..<startByte], as: UTF8.self)
        let marked = String(decoding: bytes[startByte..<endByte], as: UTF8.self)
        var characters = Array(line)
        var startCharacter = prefix.count
        let markedCount = max(1, marked.count)
        var lead = ""
        if characters.count > maxLineWidth {
            let first = max(0, min(startCharacter - maxLineWidth / 3, characters.count - maxLineWidth))
            let last = min(characters.count, first + maxLineWidth)
            let tail = last < characters.count ? "…" : ""
            lead = first > 0 ? "…" : ""
            characters = Array(lead) + Array(characters[first..<last]) + Array(tail)
            startCharacter = startCharacter - first + lead.count
        }
        let padding = characters.prefix(startCharacter).map { $0 == "\t" ? "\t" : " " }.joined()
        let underline = "^" + String(repeating: "~", count: max(0, min(markedCount, characters.count - startCharacter) - 1))
        return (String(characters), padding + underline)
    }

    private static func colored(_ severity: String) -> String {
        let code = switch severity {
        case "error": "31"
        case "warning": "35"
        default: "36"
        }
        return "\u{1B}[1;\(code)m\(severity)\u{1B}[0m"
    }
}
