/// A problem found in rule files: where it is, what rule it breaks, and how to fix it.
public struct Diagnostic: Sendable, Hashable {
    /// How serious a diagnostic is. Errors stop a rule set from loading; warnings do not.
    public enum Severity: String, Sendable, Hashable, Codable {
        case error
        case warning
        case note
    }

    /// A secondary message pointing at another place (where a name was declared, which expression brought a label).
    public struct Note: Sendable, Hashable {
        /// The note's text.
        public let message: String
        /// Where it points.
        public let range: SourceRange
    }

    /// The stable code (`RE3006`).
    public let code: DiagnosticCode
    /// Error, warning or note.
    public let severity: Severity
    /// One lowercase line, no final period, names in 'quotes'.
    public let message: String
    /// The span the caret line underlines.
    public let range: SourceRange
    /// Related places.
    public var notes: [Note]
    /// Advice on the fix (`did you mean 'justifiee'?`).
    public var help: String?

    init(_ message: DiagnosticMessage, at range: SourceRange, notes: [Note] = [], help: String? = nil) {
        self.code = message.code
        self.severity = message.severity
        self.message = message.text
        self.range = range
        self.notes = notes
        self.help = help ?? message.help
    }

    /// Whether this diagnostic prevents the rule set from loading.
    public var isError: Bool { severity == .error }
}

/// The text of a diagnostic before it is placed; built only by the factories of `DiagnosticMessages.swift`.
struct DiagnosticMessage: Sendable {
    let code: DiagnosticCode
    let text: String
    var severity: Diagnostic.Severity = .error
    var help: String?
}
