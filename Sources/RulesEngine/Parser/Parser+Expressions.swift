extension Parser {
    /// Words that cannot name a field, kind, role or label.
    static let reservedWords: Set<String> = [
        "and", "or", "not", "in", "between", "true", "false", "where", "as", "today", "age",
    ]
    static let functions = ["count", "exists", "sum", "last", "days_since", "alerts", "open_alert"]

    /// How deeply expressions may nest (parentheses, calls, `not`): deeper input is refused, not a stack overflow.
    static let maxDepth = 64

    /// Parses an expression: `or` binds loosest, then `and`, `not`, comparisons, `+ -`, `.field`.
    mutating func parseExpression() throws(Abort) -> Expr {
        try enterNesting()
        defer { depth -= 1 }
        var left = try parseAnd()
        while consumeKeyword("or") {
            let right = try parseAnd()
            left = Expr(kind: .binary(.or, left, right), range: left.range.union(right.range))
        }
        return left
    }

    private mutating func enterNesting() throws(Abort) {
        guard depth < Parser.maxDepth else {
            throw fail(.nestedTooDeeply(Parser.maxDepth), at: current.range)
        }
        depth += 1
    }

    private mutating func parseAnd() throws(Abort) -> Expr {
        var left = try parseNot()
        while consumeKeyword("and") {
            let right = try parseNot()
            left = Expr(kind: .binary(.and, left, right), range: left.range.union(right.range))
        }
        return left
    }

    private mutating func parseNot() throws(Abort) -> Expr {
        guard isKeyword("not") else { return try parseComparison() }
        try enterNesting()
        defer { depth -= 1 }
        let start = advance().range
        let operand = try parseNot()
        return Expr(kind: .not(operand), range: start.union(operand.range))
    }

    private mutating func parseComparison() throws(Abort) -> Expr {
        let left = try parseAdditive()
        if let op = comparisonOperator(current.kind) {
            _ = advance()
            let right = try parseAdditive()
            return Expr(kind: .binary(op, left, right), range: left.range.union(right.range))
        }
        if consumeKeyword("in") {
            _ = try expect(.leftBrace, "'{' starting a set of values")
            var elements = [try parseAdditive()]
            while current.kind == .comma {
                _ = advance()
                elements.append(try parseAdditive())
            }
            let close = try expect(.rightBrace)
            return Expr(kind: .membership(left, elements), range: left.range.union(close.range))
        }
        if consumeKeyword("between") {
            let low = try parseAdditive()
            try expectKeyword("and")
            let high = try parseAdditive()
            return Expr(kind: .between(left, low, high), range: left.range.union(high.range))
        }
        return left
    }

    private func comparisonOperator(_ kind: TokenKind) -> BinaryOperator? {
        switch kind {
        case .equalEqual: .equal
        case .notEqual: .notEqual
        case .less: .less
        case .lessEqual: .lessEqual
        case .greater: .greater
        case .greaterEqual: .greaterEqual
        default: nil
        }
    }

    private mutating func parseAdditive() throws(Abort) -> Expr {
        var left = try parsePostfix()
        while current.kind == .plus || current.kind == .minus {
            let op: BinaryOperator = advance().kind == .plus ? .plus : .minus
            let right = try parsePostfix()
            left = Expr(kind: .binary(op, left, right), range: left.range.union(right.range))
        }
        return left
    }

    private mutating func parsePostfix() throws(Abort) -> Expr {
        var expr = try parsePrimary()
        while current.kind == .dot {
            _ = advance()
            let field = try expectName("a field name")
            expr = Expr(kind: .member(expr, field), range: expr.range.union(field.range))
        }
        return expr
    }

    private mutating func parsePrimary() throws(Abort) -> Expr {
        let token = current
        switch token.kind {
        case .integer(let value):
            if case .identifier(let word) = peek().kind, Period.unit(named: word) != nil, !peek().startsLine {
                let period = try parsePeriod()
                return Expr(kind: .period(period), range: token.range.union(tokens[index - 1].range))
            }
            _ = advance()
            return Expr(kind: .integer(value), range: token.range)
        case .string(let value):
            _ = advance()
            return Expr(kind: .string(value), range: token.range)
        case .date(let day):
            _ = advance()
            return Expr(kind: .date(day), range: token.range)
        case .leftParen:
            _ = advance()
            let inner = try parseExpression()
            let close = try expect(.rightParen)
            return Expr(kind: inner.kind, range: token.range.union(close.range))
        case .identifier(let word):
            return try parseWord(word, token: token)
        default:
            throw fail(.expected("an expression", found: token.kind.description), at: token.range)
        }
    }

    private mutating func parseWord(_ word: String, token: Token) throws(Abort) -> Expr {
        switch word {
        case "true", "false":
            _ = advance()
            return Expr(kind: .boolean(word == "true"), range: token.range)
        case "today":
            _ = advance()
            return Expr(kind: .today, range: token.range)
        case "age":
            _ = advance()
            return Expr(kind: .age, range: token.range)
        default:
            break
        }
        // A rule item keyword at the start of a line ends an unfinished expression: report it there, so that
        // recovery resumes with that item.
        let startsItem = token.startsLine && Parser.ruleItems.contains(word)
        if startsItem, index > 0 {
            let previous = tokens[index - 1].range
            throw fail(.expected("an expression", found: "end of line"),
                       at: SourceRange(file: previous.file, start: previous.end, end: previous.end))
        }
        guard !Parser.reservedWords.contains(word) else {
            throw fail(.expected("an expression", found: token.kind.description), at: token.range)
        }
        _ = advance()
        guard current.kind == .leftParen else { return Expr(kind: .name(word), range: token.range) }
        _ = advance()
        let kind = try parseCall(Name(text: word, range: token.range))
        let close = try expect(.rightParen, "')'")
        return Expr(kind: kind, range: token.range.union(close.range))
    }

    private mutating func parseCall(_ function: Name) throws(Abort) -> Expr.Kind {
        switch function.text {
        case "days_since":
            return .daysSince(try parseExpression())
        case "alerts":
            let id = try expectString("a rule identifier string")
            var window: WindowSyntax?
            if current.kind == .comma {
                _ = advance()
                try expectWindowKeyword()
                window = try parseWindow()
            }
            return .alerts(ruleID: id, window: window)
        case "open_alert":
            return .openAlert(ruleID: try expectString("a rule identifier string"))
        default:
            guard let aggregate = AggregateSyntax.Function(rawValue: function.text) else {
                let help = Suggestion.help(for: function.text, in: Parser.functions)
                throw fail(.unknownFunction(function.text), at: function.range, help: help)
            }
            return .aggregate(try parseAggregate(aggregate))
        }
    }

    private mutating func parseAggregate(_ function: AggregateSyntax.Function) throws(Abort) -> AggregateSyntax {
        let kind = try expectName("a kind name")
        var field: Name?
        if current.kind == .dot {
            _ = advance()
            field = try expectName("a field name")
        }
        var filter: Expr?
        if consumeKeyword("where") { filter = try parseExpression() }
        var window: WindowSyntax?
        if current.kind == .comma {
            _ = advance()
            try expectWindowKeyword()
            window = try parseWindow()
        }
        return AggregateSyntax(function: function, kind: kind, field: field, filter: filter, window: window)
    }

    /// `in` before a window; `since` may also stand alone (`count(K, since D)`). Another window word without
    /// `in` gets a precise hint.
    private mutating func expectWindowKeyword() throws(Abort) {
        if consumeKeyword("in") || isKeyword("since") { return }
        if case .identifier(let word) = current.kind, ["last", "calendar_month", "school_year"].contains(word) {
            throw fail(.expected("'in'", found: current.kind.description), at: current.range,
                       help: "a window follows 'in', as in ', in \(word) …'")
        }
        throw fail(.expected("'in' and a window", found: current.kind.description), at: current.range)
    }

    private mutating func parseWindow() throws(Abort) -> WindowSyntax {
        let start = current
        switch start.kind {
        case .identifier("calendar_month"):
            _ = advance()
            return WindowSyntax(kind: .calendarMonth, range: start.range)
        case .identifier("school_year"):
            _ = advance()
            return WindowSyntax(kind: .schoolYear, range: start.range)
        case .identifier("last"):
            _ = advance()
            let period = try parsePeriod()
            return WindowSyntax(kind: .last(period), range: start.range.union(tokens[index - 1].range))
        case .identifier("since"):
            _ = advance()
            let date = try parseAdditive()
            return WindowSyntax(kind: .since(date), range: start.range.union(date.range))
        default:
            throw fail(.expected("a window ('calendar_month', 'school_year', 'last N days', 'since DATE')",
                                 found: start.kind.description), at: start.range)
        }
    }
}
