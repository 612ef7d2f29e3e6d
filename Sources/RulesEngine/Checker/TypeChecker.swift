/// Checks the declarations of all files of a rule set together and lowers them to a `CheckedRuleSet`.
///
/// Every problem becomes a diagnostic; checking goes on after an error so that one run reports them all.
struct TypeChecker {
    let files: [RuleFile]
    var diagnostics: [Diagnostic] = []

    // Declarations by name, first occurrence kept; duplicates are reported.
    var labelDecls: [String: NamedDecl] = [:]
    var groupDecls: [String: NamedDecl] = [:]
    var roleDecls: [String: RoleDecl] = [:]
    var kindDecls: [String: RecordShapeDecl] = [:]
    var subjectDecl: RecordShapeDecl?
    var calendarDecl: CalendarDecl?
    var ruleDecls: [RuleDecl] = []

    // Lowered model, filled in order: labels and groups, shapes, roles, rules.
    var subject = RecordShape(name: "subject", title: nil, label: "", fields: [], retention: [])
    var kinds: [String: RecordShape] = [:]
    var roles: [String: RoleDefinition] = [:]

    init(files: [RuleFile]) { self.files = files }

    /// Runs every check; returns the checked rule set when no error was found.
    mutating func check() -> CheckedRuleSet? {
        registerDeclarations()
        let labels = labelDecls.mapValues { LabelDefinition(name: $0.name.text, title: $0.title) }
        let groups = groupDecls.mapValues { GroupDefinition(name: $0.name.text, title: $0.title) }
        checkShapes()
        checkRoles()
        let calendar = checkedCalendar()
        let rules = checkRules(calendar: calendar)
        guard !diagnostics.contains(where: \.isError) else { return nil }
        return CheckedRuleSet(
            labels: labels, groups: groups, roles: roles, subject: subject, kinds: kinds,
            calendar: calendar, rules: rules.sorted { $0.id < $1.id }, warnings: diagnostics)
    }

    mutating func report(_ message: DiagnosticMessage, at range: SourceRange,
                         notes: [Diagnostic.Note] = [], help: String? = nil)
    {
        diagnostics.append(Diagnostic(message, at: range, notes: notes, help: help))
    }

    func text(_ range: SourceRange) -> String { files[range.file].source.text(in: range) }

    // MARK: Registration

    private mutating func registerDeclarations() {
        var ruleIDs: [String: SourceRange] = [:]
        for file in files {
            for declaration in file.declarations {
                switch declaration {
                case .label(let decl): register(decl, as: "label", in: \.labelDecls, name: decl.name)
                case .group(let decl): register(decl, as: "group", in: \.groupDecls, name: decl.name)
                case .role(let decl): register(decl, as: "role", in: \.roleDecls, name: decl.name)
                case .kind(let decl): register(decl, as: "kind", in: \.kindDecls, name: decl.name)
                case .subject(let decl):
                    if let first = subjectDecl {
                        report(.subjectDeclaredTwice, at: decl.name.range,
                               notes: [.init(message: "first declared here", range: first.name.range)])
                    } else {
                        subjectDecl = decl
                    }
                case .calendar(let decl):
                    if let first = calendarDecl {
                        report(.duplicateDeclaration("calendar", "calendar"), at: decl.keyword,
                               notes: [.init(message: "first declared here", range: first.keyword)])
                    } else {
                        calendarDecl = decl
                    }
                case .rule(let decl):
                    if let first = ruleIDs[decl.id.text] {
                        report(.duplicateDeclaration("rule", decl.id.text), at: decl.id.range,
                               notes: [.init(message: "first declared here", range: first)])
                    } else {
                        ruleIDs[decl.id.text] = decl.id.range
                        ruleDecls.append(decl)
                    }
                }
            }
        }
        if subjectDecl == nil, let first = files.first {
            report(.subjectMissing, at: SourceRange(file: 0, start: 0, end: min(1, first.source.bytes.count)))
        }
    }

    private mutating func register<Decl>(_ decl: Decl, as what: String,
                                         in table: WritableKeyPath<TypeChecker, [String: Decl]>, name: Name)
    {
        if let first = self[keyPath: table][name.text] {
            report(.duplicateDeclaration(what, name.text), at: name.range,
                   notes: [.init(message: "first declared here", range: firstRange(of: first) ?? name.range)])
        } else {
            self[keyPath: table][name.text] = decl
        }
    }

    private func firstRange(of decl: Any) -> SourceRange? {
        switch decl {
        case let named as NamedDecl: named.name.range
        case let role as RoleDecl: role.name.range
        case let shape as RecordShapeDecl: shape.name.range
        default: nil
        }
    }

    // MARK: Lookups with "did you mean"

    /// Reports an unknown name of the given category, suggesting the closest declared one.
    mutating func reportUnknown(_ what: String, _ name: Name, among candidates: some Sequence<String>) {
        report(.unknownName(what, name.text), at: name.range, help: Suggestion.help(for: name.text, in: candidates))
    }

    mutating func checkLabel(_ name: Name) -> Bool {
        guard labelDecls[name.text] != nil else {
            reportUnknown("label", name, among: labelDecls.keys)
            return false
        }
        return true
    }

    mutating func checkPositive(_ period: Period, at range: SourceRange) {
        if period.amount <= 0 { report(.periodNotPositive(period.description), at: range) }
    }

    // MARK: Calendar

    private mutating func checkedCalendar() -> SchoolCalendar {
        guard let start = calendarDecl?.schoolYearStart else { return .france }
        return SchoolCalendar(startMonth: start.month, startDay: start.day)
    }
}
