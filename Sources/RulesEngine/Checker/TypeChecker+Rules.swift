/// Where a label entered a rule's alert: the expression that read it and what it read.
struct LabelOrigin: Sendable {
    let range: SourceRange
    let what: String
}

/// What a rule's expressions read, collected while checking them.
struct RuleFlow {
    var labels: [String: LabelOrigin] = [:]
    var references: [(id: String, range: SourceRange)] = []

    mutating func read(_ label: String, at range: SourceRange, what: String) {
        guard !label.isEmpty, labels[label] == nil else { return }
        labels[label] = LabelOrigin(range: range, what: what)
    }
}

extension TypeChecker {
    private struct PendingRule {
        let decl: RuleDecl
        var rule: CheckedRule
        var flow: RuleFlow
    }

    /// Checks every rule, then the information flow of each alert to its audience.
    mutating func checkRules(calendar: SchoolCalendar) -> [CheckedRule] {
        let ruleIDs = Set(ruleDecls.map(\.id.text))
        var pending: [PendingRule] = []
        for decl in ruleDecls {
            var flow = RuleFlow()
            if let rule = checkRule(decl, ruleIDs: ruleIDs, flow: &flow) {
                pending.append(PendingRule(decl: decl, rule: rule, flow: flow))
            }
        }
        propagateReferencedLabels(&pending)
        return pending.map { item in
            checkFlow(item.decl, rule: item.rule, flow: item.flow)
            return CheckedRule(
                id: item.rule.id, title: item.rule.title, basis: item.rule.basis, group: item.rule.group,
                severity: item.rule.severity, audience: item.rule.audience, labels: Set(item.flow.labels.keys),
                declassifications: item.rule.declassifications, followUp: item.rule.followUp,
                deduplication: item.rule.deduplication, location: item.rule.location,
                when: item.rule.when, reveal: item.rule.reveal)
        }
    }

    /// A rule's alert carries the labels of the rules whose alerts it counts (`alerts("X")`), transitively.
    private func propagateReferencedLabels(_ pending: inout [PendingRule]) {
        var changed = true
        while changed {
            changed = false
            for index in pending.indices {
                for reference in pending[index].flow.references {
                    guard let target = pending.first(where: { $0.rule.id == reference.id }) else { continue }
                    for label in target.flow.labels.keys where pending[index].flow.labels[label] == nil {
                        pending[index].flow.read(label, at: reference.range, what: "alerts of rule '\(reference.id)'")
                        changed = true
                    }
                }
            }
        }
    }

    private mutating func checkRule(_ decl: RuleDecl, ruleIDs: Set<String>, flow: inout RuleFlow) -> CheckedRule? {
        let id = decl.id
        for (item, present) in [("basis", decl.basis != nil), ("group", decl.group != nil),
                                ("when", decl.when != nil), ("notify", !decl.notify.isEmpty)] where !present && !decl.attempted.contains(item) {
            report(.missingItem(item, in: "rule '\(id.text)'"), at: id.range, help: Self.missingItemHelp[item])
        }
        if let basis = decl.basis, basis.trimmingWhitespace.isEmpty {
            report(.emptyBasis(id.text), at: id.range)
        }
        if let group = decl.group, groupDecls[group.text] == nil {
            reportUnknown("group", group, among: groupDecls.keys)
        }
        var audience: [String] = []
        for role in decl.notify {
            if roleDecls[role.text] == nil {
                reportUnknown("role", role, among: roleDecls.keys)
            } else if !audience.contains(role.text) {
                audience.append(role.text)
            }
        }
        var severity = Severity.medium
        if let name = decl.severity {
            if let value = Severity(rawValue: name.text) {
                severity = value
            } else {
                reportUnknown("severity", name, among: Severity.allCases.map(\.rawValue))
            }
        }
        var when: CheckedExpr?
        if let expr = decl.when {
            let checked = checkExpr(expr, scope: nil, ruleIDs: ruleIDs, flow: &flow)
            if checked.type != .bool && checked.type != .error {
                report(.conditionNotBool(checked.type.description), at: expr.range)
            }
            when = checked
        }
        let reveal = checkReveal(decl.reveal, ruleIDs: ruleIDs, flow: &flow)
        if let period = decl.followUp { checkPositive(period, at: decl.followUpRange ?? id.range) }
        let deduplication = checkDeduplication(decl.oncePer)
        let declassifications = decl.declassify.map { syntax in
            _ = checkLabel(syntax.label)
            for role in syntax.roles where roleDecls[role.text] == nil {
                reportUnknown("role", role, among: roleDecls.keys)
            }
            return Declassification(label: syntax.label.text, roles: syntax.roles.map(\.text), reason: syntax.reason)
        }
        guard let when, let basis = decl.basis, let group = decl.group else { return nil }
        let location = files[id.range.file].source.path + ":\(files[id.range.file].source.location(of: id.range.start).line)"
        return CheckedRule(
            id: id.text, title: decl.title, basis: basis, group: group.text, severity: severity,
            audience: audience, labels: [], declassifications: declassifications, followUp: decl.followUp,
            deduplication: deduplication, location: location, when: when, reveal: reveal)
    }

    private static let missingItemHelp: [String: String] = [
        "basis": "add 'basis \"…\"' with the legal text and its version; every rule must be reviewable",
        "group": "add 'group NAME' with the working group whose members receive the alert",
        "when": "add 'when CONDITION'",
        "notify": "add 'notify ROLE, …' with the roles that receive the alert",
    ]

    private mutating func checkReveal(_ items: [RevealItem], ruleIDs: Set<String>,
                                      flow: inout RuleFlow) -> [(name: String, expr: CheckedExpr)]
    {
        var revealed: [(name: String, expr: CheckedExpr)] = []
        var seen: [String: SourceRange] = [:]
        for item in items {
            let checked = checkExpr(item.expr, scope: nil, ruleIDs: ruleIDs, flow: &flow)
            let name: Name
            if let alias = item.alias {
                name = alias
            } else if case .subjectField(let field) = checked.node {
                name = Name(text: field, range: item.expr.range)
            } else {
                if checked.type != .error { report(.unnamedReveal, at: item.expr.range) }
                continue
            }
            if case .record = checked.type {
                report(.recordNotValue, at: item.expr.range)
            }
            if let first = seen[name.text] {
                report(.duplicateDeclaration("revealed value", name.text), at: name.range,
                       notes: [.init(message: "first revealed here", range: first)])
                continue
            }
            seen[name.text] = name.range
            revealed.append((name.text, checked))
        }
        return revealed
    }

    private mutating func checkDeduplication(_ syntax: OncePerSyntax?) -> Deduplication {
        guard let syntax else { return .whileOpen }
        switch syntax.kind {
        case .calendarMonth: return .calendarMonth
        case .schoolYear: return .schoolYear
        case .subject: return .subject
        case .period(let period):
            checkPositive(period, at: syntax.range)
            return .period(period)
        }
    }

    /// Every notified role must see every label the alert carries, unless a `declassify` names it.
    private mutating func checkFlow(_ decl: RuleDecl, rule: CheckedRule, flow: RuleFlow) {
        for roleName in decl.notify {
            guard let role = roles[roleName.text] else { continue }
            for (label, origin) in flow.labels.sorted(by: { $0.key < $1.key }) where !role.sees.contains(label) {
                let declassified = rule.declassifications.contains { $0.label == label && $0.roles.contains(role.name) }
                if declassified { continue }
                report(.informationFlow(role: role.name, label: label, expression: text(origin.range), what: origin.what),
                       at: origin.range,
                       notes: [.init(message: "'\(role.name)' is notified here", range: roleName.range)],
                       help: "remove '\(role.name)' from 'notify', add '\(label)' to what it sees, or write "
                           + "'declassify \(label) to \(role.name) because \"…\"'")
            }
        }
        for syntax in decl.declassify {
            for role in syntax.roles {
                let reason: String
                if flow.labels[syntax.label.text] == nil {
                    reason = "the alert does not carry '\(syntax.label.text)'"
                } else if !rule.audience.contains(role.text) {
                    reason = "'\(role.text)' is not notified"
                } else if roles[role.text]?.sees.contains(syntax.label.text) == true {
                    reason = "'\(role.text)' already sees '\(syntax.label.text)'"
                } else {
                    continue
                }
                report(.unneededDeclassify(label: syntax.label.text, role: role.text, reason: reason), at: syntax.range)
            }
        }
    }
}
