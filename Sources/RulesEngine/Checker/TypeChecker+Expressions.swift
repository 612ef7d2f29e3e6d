extension TypeChecker {
    /// Types an expression and resolves its names. `scope` is the kind a `where` filter looks at.
    mutating func checkExpr(_ expr: Expr, scope: RecordShape?, ruleIDs: Set<String>, flow: inout RuleFlow) -> CheckedExpr {
        var context = ExprContext(scope: scope, ruleIDs: ruleIDs)
        let checked = check(expr, &context, &flow)
        return resolveBareName(checked, expr: expr, context: context)
    }

    private struct ExprContext {
        let scope: RecordShape?
        let ruleIDs: Set<String>
    }

    private func make(_ node: CheckedExpr.Node, _ type: ValueType, _ expr: Expr) -> CheckedExpr {
        CheckedExpr(node: node, type: type, text: text(expr.range))
    }

    private func errorExpr(_ expr: Expr) -> CheckedExpr { make(.literal(.missing), .error, expr) }

    private mutating func check(_ expr: Expr, _ context: inout ExprContext, _ flow: inout RuleFlow) -> CheckedExpr {
        switch expr.kind {
        case .integer(let value): return make(.literal(.int(value)), .int, expr)
        case .string(let value): return make(.literal(.text(value)), .text, expr)
        case .date(let day): return make(.literal(.date(day)), .date, expr)
        case .boolean(let value): return make(.literal(.bool(value)), .bool, expr)
        case .period(let period):
            checkPositive(period, at: expr.range)
            return make(.literal(.period(period)), .period, expr)
        case .today: return make(.today, .date, expr)
        case .age:
            requireBirthDate(at: expr.range)
            flow.read(subject.field(named: "naissance")?.label ?? subject.label, at: expr.range,
                      what: "subject field 'naissance'")
            return make(.age, .int, expr)
        case .name(let name): return checkName(name, expr, context, &flow)
        case .not(let operand):
            let checked = requireType(.bool, operand, &context, &flow, role: "operand of 'not'")
            return make(.not(checked), .bool, expr)
        case .binary(let op, let left, let right):
            return checkBinary(op, left, right, expr, &context, &flow)
        case .membership(let value, let elements):
            return checkMembership(value, elements, expr, &context, &flow)
        case .between(let value, let low, let high):
            let checked = [value, low, high].map { check($0, &context, &flow) }
            let type = checked[0].type
            let ordered = type == .int || type == .date || type == .period
            if !ordered && type != .error {
                report(.notOrdered(type.description, "between"), at: value.range)
            }
            for (index, bound) in checked.enumerated().dropFirst() where ordered && bound.type != type && bound.type != .error {
                report(.typeMismatch(type.description, bound.type.description), at: [low, high][index - 1].range)
            }
            return make(.between(checked[0], checked[1], checked[2]), .bool, expr)
        case .aggregate(let aggregate):
            return checkAggregate(aggregate, expr, &context, &flow)
        case .member(let base, let field):
            return checkMember(base, field, expr, &context, &flow)
        case .daysSince(let date):
            let checked = requireType(.date, date, &context, &flow, role: "argument of 'days_since'")
            return make(.daysSince(checked), .int, expr)
        case .alerts(let id, let window):
            checkRuleReference(id, context, &flow)
            let checkedWindow = window.map { checkWindow($0, &context, &flow) }
            return make(.alerts(ruleID: id.text, window: checkedWindow), .int, expr)
        case .openAlert(let id):
            checkRuleReference(id, context, &flow)
            return make(.openAlert(ruleID: id.text), .bool, expr)
        }
    }

    private mutating func checkName(_ name: String, _ expr: Expr, _ context: ExprContext,
                                    _ flow: inout RuleFlow) -> CheckedExpr
    {
        if let scope = context.scope, let field = scope.field(named: name) {
            flow.read(field.label, at: expr.range, what: "kind '\(scope.name)'")
            return make(.recordField(name), ValueType(field.type), expr)
        }
        if let field = subject.field(named: name) {
            flow.read(field.label, at: expr.range, what: "subject field '\(name)'")
            return make(.subjectField(name), ValueType(field.type), expr)
        }
        return make(.literal(.enumCase(name)), .unresolvedName(name), expr)
    }

    /// Reports a bare name that no comparison resolved to an enum case.
    private mutating func resolveBareName(_ checked: CheckedExpr, expr: Expr, context: ExprContext) -> CheckedExpr {
        guard case .unresolvedName(let name) = checked.type else { return checked }
        let fields = (context.scope?.fields ?? []) + subject.fields
        let where_ = context.scope.map { "kind '\($0.name)' or the subject" } ?? "the subject"
        report(.unknownFieldName(name, in: where_), at: expr.range,
               help: Suggestion.help(for: name, in: fields.map(\.name)))
        return errorExpr(expr)
    }

    private mutating func requireType(_ type: ValueType, _ expr: Expr, _ context: inout ExprContext,
                                      _ flow: inout RuleFlow, role: String) -> CheckedExpr
    {
        let checked = resolveBareName(check(expr, &context, &flow), expr: expr, context: context)
        if checked.type != type && checked.type != .error {
            report(.wrongOperandType(role, expected: type.description, found: checked.type.description), at: expr.range,
                   help: Self.recordHelp(checked.type))
        }
        return checked
    }

    private static func recordHelp(_ type: ValueType) -> String? {
        guard case .record(let kind) = type else { return nil }
        return "'last(\(kind))' is a record: name one of its fields, as in 'last(\(kind)).date'"
    }

    /// Checks two operands, resolving a bare name on one side as a case of the other side's enum.
    private mutating func checkOperands(_ left: Expr, _ right: Expr, _ context: inout ExprContext,
                                        _ flow: inout RuleFlow) -> (CheckedExpr, CheckedExpr)
    {
        var checkedLeft = check(left, &context, &flow)
        var checkedRight = check(right, &context, &flow)
        checkedLeft = resolveCase(checkedLeft, left, against: checkedRight.type, context)
        checkedRight = resolveCase(checkedRight, right, against: checkedLeft.type, context)
        return (checkedLeft, checkedRight)
    }

    private mutating func resolveCase(_ checked: CheckedExpr, _ expr: Expr, against other: ValueType,
                                      _ context: ExprContext) -> CheckedExpr
    {
        let name: String
        switch (checked.node, checked.type) {
        case (_, .unresolvedName(let bare)): name = bare
        // A field that shares its name with a case of the other side's enum is read as the case.
        case (.subjectField(let field), _), (.recordField(let field), _): name = field
        default: return checked
        }
        guard case .enumeration(let cases) = other else {
            return resolveBareName(checked, expr: expr, context: context)
        }
        if cases.contains(name) { return make(.literal(.enumCase(name)), other, expr) }
        guard case .unresolvedName = checked.type else { return checked }
        report(.unknownEnumCase(name, cases: cases), at: expr.range, help: Suggestion.help(for: name, in: cases))
        return errorExpr(expr)
    }

    private mutating func checkBinary(_ op: BinaryOperator, _ left: Expr, _ right: Expr, _ expr: Expr,
                                      _ context: inout ExprContext, _ flow: inout RuleFlow) -> CheckedExpr
    {
        switch op {
        case .and, .or:
            let l = requireType(.bool, left, &context, &flow, role: "operand of '\(op.rawValue)'")
            let r = requireType(.bool, right, &context, &flow, role: "operand of '\(op.rawValue)'")
            return make(op == .and ? .and(l, r) : .or(l, r), .bool, expr)
        case .plus, .minus:
            let (l, r) = checkOperands(left, right, &context, &flow)
            let type: ValueType
            switch (l.type, r.type, op) {
            case (.error, _, _), (_, .error, _): type = .error
            case (.int, .int, _): type = .int
            case (.date, .period, _): type = .date
            case (.date, .date, .minus): type = .int
            default:
                report(.invalidArithmetic(op.rawValue, l.type.description, r.type.description), at: expr.range)
                type = .error
            }
            return make(op == .plus ? .add(l, r) : .subtract(l, r), type, expr)
        default:
            let (l, r) = checkOperands(left, right, &context, &flow)
            if l.type != .error && r.type != .error {
                if !Self.comparable(l.type, r.type) {
                    report(.typeMismatch(l.type.description, r.type.description), at: expr.range,
                           help: Self.recordHelp(l.type) ?? Self.recordHelp(r.type))
                } else if op != .equal && op != .notEqual && !(l.type == .int || l.type == .date || l.type == .period) {
                    report(.notOrdered(l.type.description, op.rawValue), at: expr.range)
                }
            }
            return make(.compare(op, l, r), .bool, expr)
        }
    }

    private static func comparable(_ a: ValueType, _ b: ValueType) -> Bool {
        switch (a, b) {
        case (.enumeration(let x), .enumeration(let y)): Set(x) == Set(y)
        case (.record, _), (_, .record): false
        default: a == b
        }
    }

    private mutating func checkMembership(_ value: Expr, _ elements: [Expr], _ expr: Expr,
                                          _ context: inout ExprContext, _ flow: inout RuleFlow) -> CheckedExpr
    {
        let checkedValue = resolveBareName(check(value, &context, &flow), expr: value, context: context)
        let checkedElements = elements.map { element in
            let checked = resolveCase(check(element, &context, &flow), element, against: checkedValue.type, context)
            if checked.type != .error, checkedValue.type != .error, !Self.comparable(checkedValue.type, checked.type) {
                report(.typeMismatch(checkedValue.type.description, checked.type.description), at: element.range)
            }
            return checked
        }
        return make(.membership(checkedValue, checkedElements), .bool, expr)
    }

    private mutating func checkAggregate(_ aggregate: AggregateSyntax, _ expr: Expr,
                                         _ context: inout ExprContext, _ flow: inout RuleFlow) -> CheckedExpr
    {
        guard let kind = kinds[aggregate.kind.text] else {
            if kindDecls[aggregate.kind.text] == nil {
                reportUnknown("kind", aggregate.kind, among: kindDecls.keys)
            }
            return errorExpr(expr)
        }
        flow.read(kind.label, at: expr.range, what: "kind '\(kind.name)'")
        var field: String?
        switch (aggregate.function, aggregate.field) {
        case (.sum, nil):
            report(.sumNeedsField(kind.name), at: expr.range)
            return errorExpr(expr)
        case (.sum, let name?):
            guard let definition = kind.field(named: name.text) else {
                report(.unknownField(name.text, of: "kind '\(kind.name)'"), at: name.range,
                       help: Suggestion.help(for: name.text, in: kind.fields.map(\.name)))
                return errorExpr(expr)
            }
            if definition.type != .int {
                report(.cannotSum(definition.type.description), at: name.range)
            }
            flow.read(definition.label, at: expr.range, what: "kind '\(kind.name)'")
            field = name.text
        case (_, let name?):
            report(.fieldNotAllowed(aggregate.function.rawValue), at: name.range,
                   help: aggregate.function == .last ? "write 'last(\(kind.name)).\(name.text)'" : nil)
        case (_, nil):
            break
        }
        var filter: CheckedExpr?
        if let condition = aggregate.filter {
            var inner = ExprContext(scope: kind, ruleIDs: context.ruleIDs)
            let checked = resolveBareName(check(condition, &inner, &flow), expr: condition, context: inner)
            if checked.type != .bool && checked.type != .error {
                report(.wrongOperandType("'where' condition", expected: "bool", found: checked.type.description),
                       at: condition.range)
            }
            filter = checked
        }
        var window: CheckedWindow?
        if let syntax = aggregate.window {
            if !kind.isDated { report(.windowWithoutDate(kind.name), at: syntax.range) }
            window = checkWindow(syntax, &context, &flow)
        }
        if aggregate.function == .last && !kind.isDated {
            report(.windowWithoutDate(kind.name), at: expr.range, help: "'last' picks the record with the latest 'date'")
        }
        let checked = CheckedAggregate(function: aggregate.function, kind: kind.name, field: field,
                                       filter: filter, window: window)
        let type: ValueType = switch aggregate.function {
        case .count, .sum: .int
        case .exists: .bool
        case .last: .record(kind.name)
        }
        return make(.aggregate(checked), type, expr)
    }

    private mutating func checkMember(_ base: Expr, _ field: Name, _ expr: Expr,
                                      _ context: inout ExprContext, _ flow: inout RuleFlow) -> CheckedExpr
    {
        // Labels read by the base are attributed to the whole 'last(K).field', which is what the rule reads.
        var baseFlow = RuleFlow()
        let checked = check(base, &context, &baseFlow)
        for (label, origin) in baseFlow.labels.sorted(by: { $0.key < $1.key }) {
            flow.read(label, at: expr.range, what: origin.what)
        }
        flow.references += baseFlow.references
        guard case .aggregate(let aggregate) = checked.node, case .record(let kindName) = checked.type,
            let kind = kinds[kindName]
        else {
            if checked.type != .error { report(.memberOnNonRecord(field.text), at: field.range) }
            return errorExpr(expr)
        }
        guard let definition = kind.field(named: field.text) else {
            report(.unknownField(field.text, of: "kind '\(kind.name)'"), at: field.range,
                   help: Suggestion.help(for: field.text, in: kind.fields.map(\.name)))
            return errorExpr(expr)
        }
        flow.read(definition.label, at: expr.range, what: "kind '\(kind.name)'")
        return make(.lastField(aggregate, field: field.text), ValueType(definition.type), expr)
    }

    private mutating func checkWindow(_ window: WindowSyntax, _ context: inout ExprContext,
                                      _ flow: inout RuleFlow) -> CheckedWindow
    {
        switch window.kind {
        case .calendarMonth: return .calendarMonth
        case .schoolYear: return .schoolYear
        case .last(let period):
            checkPositive(period, at: window.range)
            return .last(period)
        case .since(let date):
            // The start date is computed for the subject, not for the filtered record.
            var outer = ExprContext(scope: nil, ruleIDs: context.ruleIDs)
            return .since(requireType(.date, date, &outer, &flow, role: "start of 'since'"))
        }
    }

    private mutating func checkRuleReference(_ id: Name, _ context: ExprContext, _ flow: inout RuleFlow) {
        guard context.ruleIDs.contains(id.text) else {
            reportUnknown("rule", id, among: context.ruleIDs)
            return
        }
        flow.references.append((id.text, id.range))
    }
}
