extension Parser {
    static let ruleItems = [
        "title", "basis", "group", "when", "alert", "notify", "reveal", "follow_up", "once", "declassify",
    ]

    mutating func parseRule() throws(Abort) -> RuleDecl {
        var rule = RuleDecl(id: try expectString("a rule identifier string such as \"ABS-4DJ\""))
        if rule.id.text.isEmpty || rule.id.text.contains(where: { $0.isWhitespace }) {
            diagnostics.append(Diagnostic(.invalidRuleID(rule.id.text), at: rule.id.range))
        }
        try parseBlock { (parser: inout Parser, keyword: Name) throws(Abort) in
            try parser.parseRuleItem(keyword, into: &rule)
        }
        return rule
    }

    private mutating func parseRuleItem(_ keyword: Name, into rule: inout RuleDecl) throws(Abort) {
        rule.attempted.insert(keyword.text)
        switch keyword.text {
        case "title":
            reportDuplicate(keyword, if: rule.title != nil)
            rule.title = try expectString("a title string").text
        case "basis":
            reportDuplicate(keyword, if: rule.basis != nil)
            rule.basis = try expectString("a legal basis string").text
        case "group":
            reportDuplicate(keyword, if: rule.group != nil)
            rule.group = try expectName("a group name")
        case "when":
            reportDuplicate(keyword, if: rule.when != nil)
            rule.when = try parseExpression()
        case "alert":
            reportDuplicate(keyword, if: rule.severity != nil)
            rule.severity = try expectName("a severity ('low', 'medium', 'high' or 'critical')")
        case "notify":
            rule.notify += try parseNameList("a role name")
        case "reveal":
            rule.reveal += try parseRevealList()
        case "follow_up":
            reportDuplicate(keyword, if: rule.followUp != nil)
            let start = current.range
            rule.followUp = try parsePeriod()
            rule.followUpRange = start.union(tokens[index - 1].range)
        case "once":
            reportDuplicate(keyword, if: rule.oncePer != nil)
            rule.oncePer = try parseOncePer(start: keyword.range)
        case "declassify":
            rule.declassify.append(try parseDeclassify(start: keyword.range))
        default:
            // A misspelt item ('notfy') is reported once, not again as a missing 'notify'.
            if let intended = Suggestion.closest(to: keyword.text, in: Parser.ruleItems) { rule.attempted.insert(intended) }
            throw unknownItem(keyword, in: "rule", expected: Parser.ruleItems)
        }
    }

    private mutating func parseRevealList() throws(Abort) -> [RevealItem] {
        var items: [RevealItem] = []
        repeat {
            if !items.isEmpty { _ = advance() }
            let expr = try parseExpression()
            var alias: Name?
            if consumeKeyword("as") { alias = try expectName("a name for the revealed value") }
            items.append(RevealItem(expr: expr, alias: alias))
        } while current.kind == .comma
        return items
    }

    private mutating func parseOncePer(start: SourceRange) throws(Abort) -> OncePerSyntax {
        try expectKeyword("per")
        let word = current
        switch current.kind {
        case .identifier("calendar_month"):
            _ = advance()
            return OncePerSyntax(kind: .calendarMonth, range: start.union(word.range))
        case .identifier("school_year"):
            _ = advance()
            return OncePerSyntax(kind: .schoolYear, range: start.union(word.range))
        case .identifier("subject"):
            _ = advance()
            return OncePerSyntax(kind: .subject, range: start.union(word.range))
        case .integer:
            let period = try parsePeriod()
            return OncePerSyntax(kind: .period(period), range: start.union(tokens[index - 1].range))
        default:
            throw fail(.expected("'calendar_month', 'school_year', 'subject' or a duration", found: word.kind.description),
                       at: word.range)
        }
    }

    private mutating func parseDeclassify(start: SourceRange) throws(Abort) -> DeclassifySyntax {
        let label = try expectName("a label name")
        try expectKeyword("to")
        let roles = try parseNameList("a role name")
        try expectKeyword("because")
        let reason = try expectString("a justification string")
        if reason.text.trimmingWhitespace.isEmpty {
            diagnostics.append(Diagnostic(.emptyJustification, at: reason.range))
        }
        return DeclassifySyntax(label: label, roles: roles, reason: reason.text, range: start.union(reason.range))
    }
}

extension String {
    var trimmingWhitespace: Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
        return self[start..<max(start, end)]
    }
}
