/// The declarations of one rule file, in source order.
struct RuleFile: Sendable {
    let source: SourceFile
    let declarations: [Declaration]
}

/// A top-level declaration.
enum Declaration: Sendable {
    case label(NamedDecl)
    case group(NamedDecl)
    case role(RoleDecl)
    case subject(RecordShapeDecl)
    case kind(RecordShapeDecl)
    case calendar(CalendarDecl)
    case rule(RuleDecl)
}

/// `label NAME { title "…" }` and `group NAME { title "…" }`.
struct NamedDecl: Sendable {
    let name: Name
    var title: String?
}

/// `role NAME { … }`.
struct RoleDecl: Sendable {
    enum Contributions: Sendable {
        case kinds([Name])
        case all(SourceRange)
    }

    let name: Name
    var title: String?
    var sees: [Name] = []
    var contributes: Contributions = .kinds([])
    var manages: [Name] = []
    var audits = false
    /// `break_glass sees L, … for DURATION`.
    var breakGlass: (labels: [Name], period: Period, range: SourceRange)?
}

/// `subject { … }` (no name) and `kind NAME { … }`: fields, a default label, retention.
struct RecordShapeDecl: Sendable {
    /// The kind's name, or the `subject` keyword for the subject.
    let name: Name
    var title: String?
    var label: Name?
    var fields: [FieldDecl] = []
    var retention: [RetentionSyntax] = []
}

/// `field NAME: TYPE [identifying] [optional] [label L]`.
struct FieldDecl: Sendable {
    let name: Name
    let type: TypeSyntax
    var identifying = false
    var optional = false
    var label: Name?
}

/// A field type as written.
struct TypeSyntax: Sendable {
    enum Kind: Sendable {
        case text, int, bool, date
        case enumeration([Name])
    }

    let kind: Kind
    let range: SourceRange
}

/// A `retain` clause.
struct RetentionSyntax: Sendable {
    enum Kind: Sendable {
        case untilAge(Int)
        case untilSchoolYearEnd(atAge: Int?)
        case after(Period, field: Name)
    }

    let kind: Kind
    let range: SourceRange
}

/// `calendar { school_year_start "09-01" }`.
struct CalendarDecl: Sendable {
    let keyword: SourceRange
    var schoolYearStart: (month: Int, day: Int, range: SourceRange)?
}

/// `rule "ID" { … }`.
struct RuleDecl: Sendable {
    let id: Name
    var title: String?
    var basis: String?
    var group: Name?
    var when: Expr?
    var severity: Name?
    var notify: [Name] = []
    var reveal: [RevealItem] = []
    var followUp: Period?
    var followUpRange: SourceRange?
    var oncePer: OncePerSyntax?
    var declassify: [DeclassifySyntax] = []
    /// Items that were written but failed to parse: the checker does not also report them missing.
    var attempted: Set<String> = []
}

/// One item of `reveal`: an expression and the name it is revealed under.
struct RevealItem: Sendable {
    let expr: Expr
    /// `as NAME`; absent for a bare subject field, which is revealed under its own name.
    let alias: Name?
}

/// `once per …`.
struct OncePerSyntax: Sendable {
    enum Kind: Sendable {
        case calendarMonth, schoolYear, subject
        case period(Period)
    }

    let kind: Kind
    let range: SourceRange
}

/// `declassify LABEL to ROLE, … because "…"`.
struct DeclassifySyntax: Sendable {
    let label: Name
    let roles: [Name]
    let reason: String
    let range: SourceRange
}
