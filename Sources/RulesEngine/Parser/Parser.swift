/// Parses the tokens of one rule file into declarations, recovering from errors so that one run reports
/// every problem of the file: a bad item is skipped to the next line of its block, a bad declaration
/// header to the next declaration.
struct Parser {
    /// Thrown inside the parser once a diagnostic is recorded; caught at the nearest recovery point.
    struct Abort: Error {}

    static let declarationKeywords: Set<String> = ["label", "group", "role", "subject", "kind", "calendar", "rule"]

    let source: SourceFile
    var tokens: [Token]
    var index = 0
    /// The current nesting of expressions, bounded by `maxDepth`.
    var depth = 0
    var diagnostics: [Diagnostic] = []

    init(source: SourceFile, fileIndex: Int) {
        self.source = source
        var lexer = Lexer(source: source, fileIndex: fileIndex)
        self.tokens = lexer.tokenize()
        self.diagnostics = lexer.diagnostics
    }

    /// Parses the whole file.
    mutating func parseFile() -> RuleFile {
        var declarations: [Declaration] = []
        while current.kind != .endOfFile {
            do {
                declarations.append(try parseDeclaration())
            } catch {
                skipToNextDeclaration()
            }
        }
        return RuleFile(source: source, declarations: declarations)
    }

    // MARK: Token access

    var current: Token { tokens[index] }

    func peek(_ ahead: Int = 1) -> Token { tokens[min(index + ahead, tokens.count - 1)] }

    mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    func isKeyword(_ word: String) -> Bool { current.kind == .identifier(word) }

    mutating func consumeKeyword(_ word: String) -> Bool {
        guard isKeyword(word) else { return false }
        _ = advance()
        return true
    }

    mutating func fail(_ message: DiagnosticMessage, at range: SourceRange, help: String? = nil) -> Abort {
        // An invalid token already has its lexer diagnostic: do not pile a parser error on it.
        if current.kind != .invalid || range != current.range {
            diagnostics.append(Diagnostic(message, at: range, help: help))
        }
        return Abort()
    }

    mutating func expect(_ kind: TokenKind, _ what: String? = nil) throws(Abort) -> Token {
        guard current.kind == kind else {
            throw fail(.expected(what ?? kind.description, found: current.kind.description), at: current.range)
        }
        return advance()
    }

    mutating func expectKeyword(_ word: String) throws(Abort) {
        _ = try expect(.identifier(word), "'\(word)'")
    }

    mutating func expectName(_ what: String) throws(Abort) -> Name {
        guard case .identifier(let text) = current.kind else {
            throw fail(.expected(what, found: current.kind.description), at: current.range)
        }
        if Parser.reservedWords.contains(text) {
            throw fail(.reservedWord(text, what), at: current.range)
        }
        return Name(text: text, range: advance().range)
    }

    mutating func expectString(_ what: String) throws(Abort) -> Name {
        guard case .string(let text) = current.kind else {
            throw fail(.expected(what, found: current.kind.description), at: current.range)
        }
        return Name(text: text, range: advance().range)
    }

    mutating func expectInteger(_ what: String) throws(Abort) -> Int {
        guard case .integer(let value) = current.kind else {
            throw fail(.expected(what, found: current.kind.description), at: current.range)
        }
        _ = advance()
        return value
    }

    /// `NAME (, NAME)*`.
    mutating func parseNameList(_ what: String) throws(Abort) -> [Name] {
        var names = [try expectName(what)]
        while current.kind == .comma {
            _ = advance()
            names.append(try expectName(what))
        }
        return names
    }

    /// `INT unit`, as in `15 days`.
    mutating func parsePeriod() throws(Abort) -> Period {
        let amount = try expectInteger("a duration such as '15 days'")
        guard case .identifier(let word) = current.kind, let unit = Period.unit(named: word) else {
            throw fail(.expected("a unit ('days', 'weeks', 'months' or 'years')", found: current.kind.description),
                       at: current.range)
        }
        _ = advance()
        return Period(amount, unit)
    }

    // MARK: Blocks and recovery

    /// Parses `{ item* }`, calling `parseItem` with each item's leading keyword. An item that fails is
    /// skipped up to the next line of the block.
    mutating func parseBlock(_ parseItem: (inout Parser, Name) throws(Abort) -> Void) throws(Abort) {
        _ = try expect(.leftBrace)
        while true {
            switch current.kind {
            case .rightBrace:
                _ = advance()
                return
            case .endOfFile:
                throw fail(.expected("'}'", found: "end of file"), at: current.range)
            case .identifier(let word):
                let keyword = Name(text: word, range: advance().range)
                do {
                    try parseItem(&self, keyword)
                } catch {
                    skipToNextItem()
                }
            default:
                if current.kind != .invalid {
                    diagnostics.append(Diagnostic(.expected("an item", found: current.kind.description), at: current.range))
                }
                _ = advance()
                skipToNextItem()
            }
        }
    }

    /// Skips to the first token that starts a line, or to the `}` closing the current block.
    private mutating func skipToNextItem() {
        var depth = 0
        while current.kind != .endOfFile {
            if depth == 0 && (current.startsLine || current.kind == .rightBrace) { return }
            if current.kind == .leftBrace { depth += 1 }
            if current.kind == .rightBrace { depth -= 1 }
            _ = advance()
        }
    }

    /// Skips to the next line that starts with a declaration keyword outside any block.
    private mutating func skipToNextDeclaration() {
        var depth = 0
        if current.kind != .endOfFile { _ = advance() }
        while current.kind != .endOfFile {
            if depth <= 0, current.startsLine, case .identifier(let word) = current.kind,
                Parser.declarationKeywords.contains(word)
            {
                return
            }
            if current.kind == .leftBrace { depth += 1 }
            if current.kind == .rightBrace { depth -= 1 }
            _ = advance()
        }
    }

    /// Reports an item given twice in a block.
    mutating func reportDuplicate(_ keyword: Name, if alreadySet: Bool) {
        if alreadySet { diagnostics.append(Diagnostic(.duplicateItem(keyword.text), at: keyword.range)) }
    }

    /// Reports a word that is not an item of the block, with the closest item as help.
    mutating func unknownItem(_ keyword: Name, in block: String, expected: [String]) -> Abort {
        diagnostics.append(
            Diagnostic(.unknownItem(keyword.text, in: block), at: keyword.range,
                       help: Suggestion.help(for: keyword.text, in: expected)
                           ?? "expected one of \(expected.map { "'\($0)'" }.joined(separator: ", "))"))
        return Abort()
    }
}
