extension TypeChecker {
    /// Checks the subject and the kinds: labels, fields, enum cases, retention clauses.
    mutating func checkShapes() {
        if let decl = subjectDecl {
            subject = lowerShape(decl, isSubject: true)
        }
        for decl in kindDecls.values.sorted(by: { $0.name.text < $1.name.text }) {
            kinds[decl.name.text] = lowerShape(decl, isSubject: false)
        }
        for decl in kindDecls.values { checkRetention(decl, shape: kinds[decl.name.text]) }
        if let decl = subjectDecl { checkRetention(decl, shape: subject) }
    }

    private mutating func lowerShape(_ decl: RecordShapeDecl, isSubject: Bool) -> RecordShape {
        let what = isSubject ? "the subject" : "kind '\(decl.name.text)'"
        var label = ""
        if let name = decl.label {
            if checkLabel(name) { label = name.text }
        } else {
            report(.missingItem("label", in: what), at: decl.name.range,
                   help: "add a line 'label NAME' naming who may see \(what)")
        }
        var fields: [FieldDefinition] = []
        var seen: [String: SourceRange] = [:]
        for field in decl.fields {
            if let first = seen[field.name.text] {
                report(.duplicateDeclaration("field", field.name.text), at: field.name.range,
                       notes: [.init(message: "first declared here", range: first)])
                continue
            }
            seen[field.name.text] = field.name.range
            if field.identifying && !isSubject {
                report(.identifyingOutsideSubject(field.name.text), at: field.name.range)
            }
            var fieldLabel = label
            if let name = field.label, checkLabel(name) { fieldLabel = name.text }
            fields.append(FieldDefinition(
                name: field.name.text, type: lowerType(field.type), identifying: field.identifying,
                optional: field.optional, label: fieldLabel))
        }
        if !isSubject, let dateField = fields.first(where: { $0.name == "date" }), dateField.type != .date {
            report(.dateFieldNotDate(decl.name.text), at: decl.fields.first { $0.name.text == "date" }?.type.range ?? decl.name.range)
        }
        return RecordShape(name: decl.name.text, title: decl.title, label: label, fields: fields,
                           retention: decl.retention.compactMap(lowerRetention))
    }

    private mutating func lowerType(_ type: TypeSyntax) -> FieldType {
        switch type.kind {
        case .text: return .text
        case .int: return .int
        case .bool: return .bool
        case .date: return .date
        case .enumeration(let cases):
            var seen: [String: SourceRange] = [:]
            for name in cases {
                if let first = seen[name.text] {
                    report(.duplicateDeclaration("enum case", name.text), at: name.range,
                           notes: [.init(message: "first declared here", range: first)])
                }
                seen[name.text] = name.range
            }
            return .enumeration(cases.map(\.text).uniqued())
        }
    }

    private func lowerRetention(_ syntax: RetentionSyntax) -> Retention? {
        switch syntax.kind {
        case .untilAge(let age): .untilAge(age)
        case .untilSchoolYearEnd(let age): .untilSchoolYearEnd(atAge: age)
        case .after(let period, let field): .after(period, field: field.text)
        }
    }

    private mutating func checkRetention(_ decl: RecordShapeDecl, shape: RecordShape?) {
        for clause in decl.retention {
            switch clause.kind {
            case .untilAge(let age), .untilSchoolYearEnd(atAge: .some(let age)):
                if !(1...130).contains(age) { report(.ageOutOfRange(age), at: clause.range) }
                requireBirthDate(at: clause.range)
            case .untilSchoolYearEnd(atAge: nil):
                if let shape, !shape.isDated { report(.windowWithoutDate(shape.name), at: clause.range) }
            case .after(let period, let field):
                checkPositive(period, at: clause.range)
                guard let shape else { continue }
                guard let definition = shape.field(named: field.text) else {
                    report(.unknownField(field.text, of: shape.name == "subject" ? "the subject" : "kind '\(shape.name)'"),
                           at: field.range, help: Suggestion.help(for: field.text, in: shape.fields.map(\.name)))
                    continue
                }
                if definition.type != .date {
                    report(.retentionFieldNotDate(field.text, definition.type.description), at: field.range)
                }
            }
        }
    }

    /// Reports an error at `range` unless the subject has `naissance: date`, which `age` reads.
    mutating func requireBirthDate(at range: SourceRange) {
        if subjectDecl != nil, subject.field(named: "naissance")?.type != .date {
            report(.missingBirthDate, at: range)
        }
    }

    /// Checks the roles and that each sees the labels of the kinds it contributes.
    mutating func checkRoles() {
        for decl in roleDecls.values.sorted(by: { $0.name.text < $1.name.text }) {
            let sees = Set(decl.sees.filter { checkLabel($0) }.map(\.text))
            var contributes: Set<String> = []
            switch decl.contributes {
            case .all(let range):
                contributes = Set(kinds.keys)
                for kind in kinds.values.sorted(by: { $0.name < $1.name }) {
                    checkContribution(role: decl.name, sees: sees, kind: kind, at: range)
                }
            case .kinds(let names):
                for name in names {
                    guard let kind = kinds[name.text] else {
                        reportUnknown("kind", name, among: kinds.keys)
                        continue
                    }
                    contributes.insert(name.text)
                    checkContribution(role: decl.name, sees: sees, kind: kind, at: name.range)
                }
            }
            var manages: Set<Capability> = []
            for name in decl.manages {
                guard let capability = Capability(rawValue: name.text) else {
                    reportUnknown("capability", name, among: Capability.allCases.map(\.rawValue))
                    continue
                }
                manages.insert(capability)
            }
            var breakGlass: BreakGlassGrant?
            if let grant = decl.breakGlass {
                checkPositive(grant.period, at: grant.range)
                breakGlass = BreakGlassGrant(labels: Set(grant.labels.filter { checkLabel($0) }.map(\.text)), period: grant.period)
            }
            roles[decl.name.text] = RoleDefinition(
                name: decl.name.text, title: decl.title, sees: sees, contributes: contributes,
                manages: manages, audits: decl.audits, breakGlass: breakGlass)
        }
    }

    private mutating func checkContribution(role: Name, sees: Set<String>, kind: RecordShape, at range: SourceRange) {
        let needed = Set([kind.label] + kind.fields.map(\.label)).subtracting([""])
        for label in needed.sorted() where !sees.contains(label) {
            report(.contributionFlow(role: role.text, kind: kind.name, label: label), at: range,
                   help: "add '\(label)' to what '\(role.text)' sees, or remove '\(kind.name)' from what it contributes")
        }
    }
}

extension Array where Element: Hashable {
    /// The elements in order, without repeats.
    func uniqued() -> [Element] {
        var seen: Set<Element> = []
        return filter { seen.insert($0).inserted }
    }
}
