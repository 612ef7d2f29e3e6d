/// A type-checked expression with every name resolved: the only form the evaluator runs.
struct CheckedExpr: Sendable, Hashable {
    indirect enum Node: Sendable, Hashable {
        case literal(Value)
        case today
        case age
        case subjectField(String)
        /// A field of the record a `where` filter is looking at.
        case recordField(String)
        case not(CheckedExpr)
        case and(CheckedExpr, CheckedExpr)
        case or(CheckedExpr, CheckedExpr)
        case compare(BinaryOperator, CheckedExpr, CheckedExpr)
        case add(CheckedExpr, CheckedExpr)
        case subtract(CheckedExpr, CheckedExpr)
        case membership(CheckedExpr, [CheckedExpr])
        case between(CheckedExpr, CheckedExpr, CheckedExpr)
        case aggregate(CheckedAggregate)
        /// `last(K …).field`.
        case lastField(CheckedAggregate, field: String)
        case daysSince(CheckedExpr)
        case alerts(ruleID: String, window: CheckedWindow?)
        case openAlert(ruleID: String)
    }

    let node: Node
    let type: ValueType
    /// The source text, for explanations (`count(absence where not justifiee, in calendar_month) >= 4`).
    let text: String
}

/// An aggregate over the records of one kind.
struct CheckedAggregate: Sendable, Hashable {
    let function: AggregateSyntax.Function
    let kind: String
    let field: String?
    let filter: CheckedExpr?
    let window: CheckedWindow?
}

/// A window as the evaluator needs it; `since` carries its checked date expression.
indirect enum CheckedWindow: Sendable, Hashable {
    case calendarMonth
    case schoolYear
    case last(Period)
    case since(CheckedExpr)
}

/// The static type of an expression.
enum ValueType: Sendable, Hashable, CustomStringConvertible {
    case int, bool, date, period, text
    case enumeration([String])
    /// The record `last(K)` designates, before `.field`.
    case record(String)
    /// A bare name the checker could not resolve yet (an enum case waiting for its comparison).
    case unresolvedName(String)
    /// An expression that already failed to check; no further error is reported about it.
    case error

    var description: String {
        switch self {
        case .int: "int"
        case .bool: "bool"
        case .date: "date"
        case .period: "duration"
        case .text: "text"
        case .enumeration: "enum"
        case .record(let kind): "record of '\(kind)'"
        case .unresolvedName(let name): "'\(name)'"
        case .error: "error"
        }
    }

    init(_ fieldType: FieldType) {
        switch fieldType {
        case .text: self = .text
        case .int: self = .int
        case .bool: self = .bool
        case .date: self = .date
        case .enumeration(let cases): self = .enumeration(cases)
        }
    }
}
