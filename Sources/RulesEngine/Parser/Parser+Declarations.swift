extension Parser {
    mutating func parseDeclaration() throws(Abort) -> Declaration {
        guard case .identifier(let word) = current.kind else {
            throw fail(.expected("a declaration", found: current.kind.description), at: current.range)
        }
        let keyword = Name(text: word, range: current.range)
        switch word {
        case "label":
            _ = advance()
            return .label(try parseNamed(block: "label"))
        case "group":
            _ = advance()
            return .group(try parseNamed(block: "group"))
        case "role":
            _ = advance()
            return .role(try parseRole())
        case "subject":
            _ = advance()
            return .subject(try parseRecordShape(name: keyword, isSubject: true))
        case "kind":
            _ = advance()
            return .kind(try parseRecordShape(name: try expectName("a kind name"), isSubject: false))
        case "calendar":
            _ = advance()
            return .calendar(try parseCalendar(keyword: keyword.range))
        case "rule":
            _ = advance()
            return .rule(try parseRule())
        default:
            let help = Suggestion.help(for: word, in: Array(Parser.declarationKeywords))
            throw fail(.unknownDeclaration(word), at: current.range, help: help)
        }
    }

    private mutating func parseNamed(block: String) throws(Abort) -> NamedDecl {
        var decl = NamedDecl(name: try expectName("a \(block) name"))
        try parseBlock { (parser: inout Parser, keyword: Name) throws(Abort) in
            guard keyword.text == "title" else { throw parser.unknownItem(keyword, in: block, expected: ["title"]) }
            parser.reportDuplicate(keyword, if: decl.title != nil)
            decl.title = try parser.expectString("a title string").text
        }
        return decl
    }

    private mutating func parseRole() throws(Abort) -> RoleDecl {
        var role = RoleDecl(name: try expectName("a role name"))
        try parseBlock { (parser: inout Parser, keyword: Name) throws(Abort) in
            switch keyword.text {
            case "title":
                parser.reportDuplicate(keyword, if: role.title != nil)
                role.title = try parser.expectString("a title string").text
            case "sees":
                role.sees += try parser.parseNameList("a label name")
            case "contributes":
                if parser.current.kind == .star {
                    role.contributes = .all(parser.advance().range)
                } else if case .kinds(let kinds) = role.contributes {
                    role.contributes = .kinds(kinds + (try parser.parseNameList("a kind name or '*'")))
                }
            case "manages":
                role.manages += try parser.parseNameList("'rules', 'tokens', 'subjects', 'imports' or 'alerts'")
            case "audits":
                parser.reportDuplicate(keyword, if: role.audits)
                role.audits = true
            case "break_glass":
                parser.reportDuplicate(keyword, if: role.breakGlass != nil)
                try parser.expectKeyword("sees")
                let labels = try parser.parseNameList("a label name")
                try parser.expectKeyword("for")
                let start = parser.current.range
                let period = try parser.parsePeriod()
                role.breakGlass = (labels, period, start.union(parser.tokens[parser.index - 1].range))
            default:
                throw parser.unknownItem(keyword, in: "role",
                                         expected: ["title", "sees", "contributes", "manages", "audits", "break_glass"])
            }
        }
        return role
    }

    private mutating func parseRecordShape(name: Name, isSubject: Bool) throws(Abort) -> RecordShapeDecl {
        var shape = RecordShapeDecl(name: name)
        let block = isSubject ? "subject" : "kind"
        try parseBlock { (parser: inout Parser, keyword: Name) throws(Abort) in
            switch keyword.text {
            case "title":
                parser.reportDuplicate(keyword, if: shape.title != nil)
                shape.title = try parser.expectString("a title string").text
            case "label":
                parser.reportDuplicate(keyword, if: shape.label != nil)
                shape.label = try parser.expectName("a label name")
            case "field":
                shape.fields.append(try parser.parseField())
            case "retain":
                shape.retention.append(try parser.parseRetention(start: keyword.range))
            default:
                throw parser.unknownItem(keyword, in: block, expected: ["title", "label", "field", "retain"])
            }
        }
        return shape
    }

    private mutating func parseField() throws(Abort) -> FieldDecl {
        let name = try expectName("a field name")
        _ = try expect(.colon)
        let type = try parseType()
        var field = FieldDecl(name: name, type: type)
        while !current.startsLine, case .identifier(let word) = current.kind {
            let modifier = advance()
            switch word {
            case "identifying": field.identifying = true
            case "optional": field.optional = true
            case "label": field.label = try expectName("a label name")
            default:
                throw fail(.unknownItem(word, in: "field"), at: modifier.range,
                           help: "a field takes 'identifying', 'optional' and 'label NAME'")
            }
        }
        return field
    }

    private mutating func parseType() throws(Abort) -> TypeSyntax {
        let start = current.range
        guard case .identifier(let word) = current.kind else {
            throw fail(.expected("a type", found: current.kind.description), at: current.range)
        }
        _ = advance()
        switch word {
        case "text": return TypeSyntax(kind: .text, range: start)
        case "int": return TypeSyntax(kind: .int, range: start)
        case "bool": return TypeSyntax(kind: .bool, range: start)
        case "date": return TypeSyntax(kind: .date, range: start)
        case "enum":
            _ = try expect(.leftBrace)
            var cases = [try expectName("an enum case")]
            while current.kind == .comma {
                _ = advance()
                if current.kind == .rightBrace { break }
                cases.append(try expectName("an enum case"))
            }
            let close = try expect(.rightBrace)
            return TypeSyntax(kind: .enumeration(cases), range: start.union(close.range))
        default:
            let help = Suggestion.help(for: word, in: ["text", "int", "bool", "date", "enum"])
            throw fail(.unknownType(word), at: start, help: help)
        }
    }

    private mutating func parseRetention(start: SourceRange) throws(Abort) -> RetentionSyntax {
        if consumeKeyword("until") {
            if consumeKeyword("age") {
                let age = try expectInteger("an age")
                return RetentionSyntax(kind: .untilAge(age), range: start.union(tokens[index - 1].range))
            }
            try expectKeyword("school_year_end")
            var atAge: Int?
            if consumeKeyword("at") {
                try expectKeyword("age")
                atAge = try expectInteger("an age")
            }
            return RetentionSyntax(kind: .untilSchoolYearEnd(atAge: atAge), range: start.union(tokens[index - 1].range))
        }
        guard case .integer = current.kind else {
            throw fail(.expected("'until age N', 'until school_year_end' or 'N years after FIELD'",
                                 found: current.kind.description), at: current.range)
        }
        let period = try parsePeriod()
        try expectKeyword("after")
        let field = try expectName("a date field")
        return RetentionSyntax(kind: .after(period, field: field), range: start.union(field.range))
    }

    private mutating func parseCalendar(keyword: SourceRange) throws(Abort) -> CalendarDecl {
        var calendar = CalendarDecl(keyword: keyword)
        try parseBlock { (parser: inout Parser, item: Name) throws(Abort) in
            guard item.text == "school_year_start" else {
                throw parser.unknownItem(item, in: "calendar", expected: ["school_year_start"])
            }
            parser.reportDuplicate(item, if: calendar.schoolYearStart != nil)
            let value = try parser.expectString("a month and day such as \"09-01\"")
            let parts = value.text.split(separator: "-")
            guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
                let month = Int(parts[0]), let day = Int(parts[1]), Day(year: 2000, month: month, day: day) != nil
            else {
                parser.diagnostics.append(Diagnostic(.invalidMonthDay(value.text), at: value.range))
                return
            }
            calendar.schoolYearStart = (month, day, value.range)
        }
        return calendar
    }
}
