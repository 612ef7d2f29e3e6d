/// An expression of a rule's `when` or `reveal`, as parsed. Equality ignores source ranges.
struct Expr: Sendable, Hashable {
    indirect enum Kind: Sendable, Hashable {
        case integer(Int)
        case string(String)
        case date(Day)
        case period(Period)
        case boolean(Bool)
        /// The evaluation date.
        case today
        /// Whole years between the subject's `naissance` and the evaluation date.
        case age
        /// A subject field, a kind field inside `where`, or an enum case.
        case name(String)
        case not(Expr)
        case binary(BinaryOperator, Expr, Expr)
        /// `x in { a, b }`.
        case membership(Expr, [Expr])
        /// `x between low and high`, both ends included.
        case between(Expr, Expr, Expr)
        case aggregate(AggregateSyntax)
        /// `expr.field`, as in `last(tig).statut`.
        case member(Expr, Name)
        case daysSince(Expr)
        /// `alerts("ID" [, in W])`.
        case alerts(ruleID: Name, window: WindowSyntax?)
        /// `open_alert("ID")`.
        case openAlert(ruleID: Name)
    }

    let kind: Kind
    let range: SourceRange

    static func == (lhs: Expr, rhs: Expr) -> Bool { lhs.kind == rhs.kind }
    func hash(into hasher: inout Hasher) { hasher.combine(kind) }
}

/// The binary operators, by precedence group.
enum BinaryOperator: String, Sendable, Hashable {
    case or, and
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case plus = "+", minus = "-"

    var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: true
        default: false
        }
    }
}

/// `count(K where C, in W)`, `sum(K.f …)`, `exists(K …)`, `last(K …)`.
struct AggregateSyntax: Sendable, Hashable {
    enum Function: String, Sendable, Hashable, CaseIterable {
        case count, exists, sum, last
    }

    let function: Function
    let kind: Name
    /// The summed field, for `sum(K.f)`.
    let field: Name?
    let filter: Expr?
    let window: WindowSyntax?
}

/// A window as written after `in`.
struct WindowSyntax: Sendable, Hashable {
    indirect enum Kind: Sendable, Hashable {
        case calendarMonth
        case schoolYear
        case last(Period)
        case since(Expr)
    }

    let kind: Kind
    let range: SourceRange

    static func == (lhs: WindowSyntax, rhs: WindowSyntax) -> Bool { lhs.kind == rhs.kind }
    func hash(into hasher: inout Hasher) { hasher.combine(kind) }
}
