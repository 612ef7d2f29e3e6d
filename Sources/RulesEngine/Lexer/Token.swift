/// One token of a rule file.
struct Token: Sendable, Hashable {
    /// What the token is, with its value where it has one.
    let kind: TokenKind
    /// Where it is.
    let range: SourceRange
    /// Whether it is the first token of its line: the parser recovers from errors at line starts.
    let startsLine: Bool
}

/// The kinds of token the lexer produces.
enum TokenKind: Sendable, Hashable {
    case identifier(String)
    case string(String)
    case integer(Int)
    case date(Day)
    case leftBrace, rightBrace, leftParen, rightParen
    case comma, colon, dot, star
    case equalEqual, notEqual, less, lessEqual, greater, greaterEqual
    case plus, minus
    /// A character or literal that could not be lexed; a diagnostic was already emitted.
    case invalid
    case endOfFile

    /// How the token is named in "expected …, found …" messages.
    var description: String {
        switch self {
        case .identifier(let name): "'\(name)'"
        case .string: "string"
        case .integer: "integer"
        case .date: "date"
        case .leftBrace: "'{'"
        case .rightBrace: "'}'"
        case .leftParen: "'('"
        case .rightParen: "')'"
        case .comma: "','"
        case .colon: "':'"
        case .dot: "'.'"
        case .star: "'*'"
        case .equalEqual: "'=='"
        case .notEqual: "'!='"
        case .less: "'<'"
        case .lessEqual: "'<='"
        case .greater: "'>'"
        case .greaterEqual: "'>='"
        case .plus: "'+'"
        case .minus: "'-'"
        case .invalid: "invalid token"
        case .endOfFile: "end of file"
        }
    }
}
