extension CheckedExpr {
    /// The record kinds this expression reads, through aggregates and `last(…)`, filters and windows included.
    var kinds: Set<String> {
        switch node {
        case .literal, .today, .age, .subjectField, .recordField, .alerts, .openAlert:
            return []
        case .not(let inner), .daysSince(let inner):
            return inner.kinds
        case .and(let a, let b), .or(let a, let b), .compare(_, let a, let b), .add(let a, let b), .subtract(let a, let b):
            return a.kinds.union(b.kinds)
        case .membership(let value, let list):
            return list.reduce(value.kinds) { $0.union($1.kinds) }
        case .between(let value, let low, let high):
            return value.kinds.union(low.kinds).union(high.kinds)
        case .aggregate(let aggregate), .lastField(let aggregate, _):
            return aggregate.kinds
        }
    }
}

extension CheckedAggregate {
    /// Its own kind, and those its filter and a `since` window read.
    var kinds: Set<String> {
        var kinds: Set<String> = [kind]
        if let filter { kinds.formUnion(filter.kinds) }
        if case .since(let start) = window { kinds.formUnion(start.kinds) }
        return kinds
    }
}

extension CheckedRule {
    /// The record kinds the rule's condition and revealed values read: an evaluation of this rule alone needs
    /// only these records.
    public var kinds: Set<String> {
        reveal.reduce(when.kinds) { $0.union($1.expr.kinds) }
    }
}

extension CheckedExpr {
    /// Records a subject must hold for this condition to be true: kind → least number of records of that kind
    /// (whatever their fields and dates). `count(K …) >= n`, `> n`, `== n` need n (n + 1) records of K,
    /// `exists(K …)` needs one; `and` needs both sides' records, `or` only what both sides need. Anything else
    /// needs nothing. A subject short of these cannot satisfy the condition, so its records need not be opened.
    var requiredRecords: [String: Int] {
        switch node {
        case .and(let a, let b):
            return a.requiredRecords.merging(b.requiredRecords, uniquingKeysWith: max)
        case .or(let a, let b):
            let right = b.requiredRecords
            return a.requiredRecords.reduce(into: [:]) { need, entry in
                if let other = right[entry.key] { need[entry.key] = min(entry.value, other) }
            }
        case .aggregate(let aggregate) where aggregate.function == .exists:
            return [aggregate.kind: 1]
        case .compare(let op, let lhs, let rhs):
            if case .aggregate(let aggregate) = lhs.node, aggregate.function == .count, case .literal(.int(let n)) = rhs.node {
                return Self.need(aggregate.kind, op, n)
            }
            if case .aggregate(let aggregate) = rhs.node, aggregate.function == .count, case .literal(.int(let n)) = lhs.node {
                return Self.need(aggregate.kind, op.mirrored, n)
            }
            return [:]
        default:
            return [:]
        }
    }

    /// What `count(kind) op n` needs.
    private static func need(_ kind: String, _ op: BinaryOperator, _ n: Int) -> [String: Int] {
        let least: Int
        switch op {
        case .greaterEqual, .equal: least = n
        case .greater: least = n + 1
        default: least = 0
        }
        return least > 0 ? [kind: least] : [:]
    }
}

extension BinaryOperator {
    /// The operator with its operands swapped: `n <= x` is `x >= n`.
    var mirrored: BinaryOperator {
        switch self {
        case .less: .greater
        case .lessEqual: .greaterEqual
        case .greater: .less
        case .greaterEqual: .lessEqual
        default: self
        }
    }
}

extension CheckedRule {
    /// Records a subject must hold for the rule to fire (`CheckedExpr.requiredRecords` of its condition).
    public var requiredRecords: [String: Int] { when.requiredRecords }

    /// Whether a subject holding these numbers of records by kind could satisfy the rule's condition.
    public func couldFire(recordCounts: [String: Int]) -> Bool {
        requiredRecords.allSatisfy { (recordCounts[$0.key] ?? 0) >= $0.value }
    }
}
