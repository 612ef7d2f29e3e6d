/// Turns a rule file into tokens. Never stops at an error: a bad character or literal becomes an
/// `.invalid` token and a diagnostic, and lexing goes on.
struct Lexer {
    private let source: SourceFile
    private let fileIndex: Int
    private let bytes: [UInt8]
    private var offset = 0
    private var atLineStart = true
    private(set) var diagnostics: [Diagnostic] = []

    init(source: SourceFile, fileIndex: Int) {
        self.source = source
        self.fileIndex = fileIndex
        self.bytes = source.bytes
    }

    /// Lexes the whole file; the last token is `.endOfFile`.
    mutating func tokenize() -> [Token] {
        var tokens: [Token] = []
        while true {
            skipTriviaAndComments()
            let startsLine = atLineStart
            atLineStart = false
            let start = offset
            guard offset < bytes.count else {
                tokens.append(Token(kind: .endOfFile, range: range(start, start), startsLine: true))
                return tokens
            }
            let kind = lexToken()
            tokens.append(Token(kind: kind, range: range(start, offset), startsLine: startsLine))
        }
    }

    private func range(_ start: Int, _ end: Int) -> SourceRange {
        SourceRange(file: fileIndex, start: start, end: end)
    }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        offset + ahead < bytes.count ? bytes[offset + ahead] : nil
    }

    private mutating func skipTriviaAndComments() {
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: "\n"):
                atLineStart = true
                offset += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                offset += 1
            case UInt8(ascii: "#"):
                while let next = peek(), next != UInt8(ascii: "\n") { offset += 1 }
            default:
                return
            }
        }
    }

    private mutating func lexToken() -> TokenKind {
        guard let byte = peek() else { return .endOfFile }
        if byte.isDigit { return lexNumberOrDate() }
        if byte.isIdentifierStart || byte.isUppercase { return lexIdentifier() }
        if byte == UInt8(ascii: "\"") { return lexString() }
        offset += 1
        switch byte {
        case UInt8(ascii: "{"): return .leftBrace
        case UInt8(ascii: "}"): return .rightBrace
        case UInt8(ascii: "("): return .leftParen
        case UInt8(ascii: ")"): return .rightParen
        case UInt8(ascii: ","): return .comma
        case UInt8(ascii: ":"): return .colon
        case UInt8(ascii: "."): return .dot
        case UInt8(ascii: "*"): return .star
        case UInt8(ascii: "+"): return .plus
        case UInt8(ascii: "-"): return .minus
        case UInt8(ascii: "<"): return match("=") ? .lessEqual : .less
        case UInt8(ascii: ">"): return match("=") ? .greaterEqual : .greater
        case UInt8(ascii: "="):
            if match("=") { return .equalEqual }
            // Recover as '==' so that the rest of the expression still checks.
            diagnostics.append(Diagnostic(.singleEquals, at: range(offset - 1, offset)))
            return .equalEqual
        case UInt8(ascii: "!"):
            if match("=") { return .notEqual }
            diagnostics.append(Diagnostic(.bangWithoutEquals, at: range(offset - 1, offset)))
            return .notEqual
        default:
            offset -= 1
            return lexUnexpectedCharacter()
        }
    }

    private mutating func match(_ ascii: Unicode.Scalar) -> Bool {
        guard peek() == UInt8(ascii: ascii) else { return false }
        offset += 1
        return true
    }

    private mutating func lexUnexpectedCharacter() -> TokenKind {
        let start = offset
        // Consume one whole UTF-8 scalar so the caret underlines a full character.
        offset += 1
        while let next = peek(), next & 0xC0 == 0x80 { offset += 1 }
        let character = String(decoding: bytes[start..<offset], as: UTF8.self)
        diagnostics.append(Diagnostic(.unexpectedCharacter(character), at: range(start, offset)))
        return .invalid
    }

    private mutating func lexIdentifier() -> TokenKind {
        let start = offset
        var hasUppercase = false
        while let byte = peek(), byte.isIdentifierContinue || byte.isUppercase {
            hasUppercase = hasUppercase || byte.isUppercase
            offset += 1
        }
        let name = String(decoding: bytes[start..<offset], as: UTF8.self)
        if hasUppercase {
            diagnostics.append(Diagnostic(.uppercaseIdentifier(name), at: range(start, offset)))
            return .identifier(name.lowercased())
        }
        return .identifier(name)
    }

    private mutating func lexNumberOrDate() -> TokenKind {
        let start = offset
        while let byte = peek(), byte.isDigit { offset += 1 }
        let isDateShape =
            offset - start == 4 && peek() == UInt8(ascii: "-") && (peek(1)?.isDigit ?? false)
        guard isDateShape else {
            let digits = String(decoding: bytes[start..<offset], as: UTF8.self)
            guard let value = Int(digits) else {
                diagnostics.append(Diagnostic(.integerTooLarge, at: range(start, offset)))
                return .invalid
            }
            return .integer(value)
        }
        while let byte = peek(), byte.isDigit || byte == UInt8(ascii: "-") { offset += 1 }
        let literal = String(decoding: bytes[start..<offset], as: UTF8.self)
        guard let day = Day(iso: literal) else {
            diagnostics.append(Diagnostic(.invalidDate(literal), at: range(start, offset)))
            return .invalid
        }
        return .date(day)
    }

    private mutating func lexString() -> TokenKind {
        let start = offset
        offset += 1
        var value: [UInt8] = []
        var valid = true
        while true {
            guard let byte = peek(), byte != UInt8(ascii: "\n") else {
                diagnostics.append(Diagnostic(.unterminatedString, at: range(start, start + 1)))
                return .invalid
            }
            offset += 1
            switch byte {
            case UInt8(ascii: "\""):
                return valid ? .string(String(decoding: value, as: UTF8.self)) : .invalid
            case UInt8(ascii: "\\"):
                switch peek() {
                case UInt8(ascii: "\""): value.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): value.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "n"): value.append(UInt8(ascii: "\n"))
                default:
                    diagnostics.append(Diagnostic(.invalidEscape, at: range(offset - 1, offset + 1)))
                    valid = false
                }
                if let next = peek(), next != UInt8(ascii: "\n") { offset += 1 }
            default:
                value.append(byte)
            }
        }
    }
}

extension UInt8 {
    fileprivate var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    fileprivate var isUppercase: Bool { self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z") }
    fileprivate var isIdentifierStart: Bool {
        (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "z")) || self == UInt8(ascii: "_")
    }
    fileprivate var isIdentifierContinue: Bool { isIdentifierStart || isDigit }
}
