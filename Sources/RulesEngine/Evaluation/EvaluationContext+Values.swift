extension EvaluationContext {
    /// The value of an expression. A missing input makes comparisons false and arithmetic missing.
    /// `record` is the record a `where` filter is looking at.
    func value(of expr: CheckedExpr, record: Record? = nil, trace: inout Trace) throws(EvaluationFailure) -> Value {
        switch expr.node {
        case .literal(let value): return value
        case .today: return .date(asOf)
        case .age:
            guard case .date(let birth) = subject.fields["naissance"] else { return .missing }
            return .int(asOf.age(bornOn: birth))
        case .subjectField(let name): return subject.fields[name] ?? .missing
        case .recordField(let name): return record?.fields[name] ?? .missing
        case .not(let operand):
            return .bool(try value(of: operand, record: record, trace: &trace) != .bool(true))
        case .and(let left, let right):
            guard try value(of: left, record: record, trace: &trace) == .bool(true) else { return .bool(false) }
            return .bool(try value(of: right, record: record, trace: &trace) == .bool(true))
        case .or(let left, let right):
            if try value(of: left, record: record, trace: &trace) == .bool(true) { return .bool(true) }
            return .bool(try value(of: right, record: record, trace: &trace) == .bool(true))
        case .compare(let op, let left, let right):
            return .bool(Self.compare(op, try value(of: left, record: record, trace: &trace),
                                      try value(of: right, record: record, trace: &trace)))
        case .add(let left, let right), .subtract(let left, let right):
            let sign = if case .add = expr.node { 1 } else { -1 }
            return try Self.arithmetic(sign, try value(of: left, record: record, trace: &trace),
                                       try value(of: right, record: record, trace: &trace))
        case .membership(let subjectValue, let elements):
            let x = try value(of: subjectValue, record: record, trace: &trace)
            guard x != .missing else { return .bool(false) }
            for element in elements {
                let candidate = try value(of: element, record: record, trace: &trace)
                if Self.compare(.equal, x, candidate) { return .bool(true) }
            }
            return .bool(false)
        case .between(let x, let low, let high):
            let v = try value(of: x, record: record, trace: &trace)
            let lowValue = try value(of: low, record: record, trace: &trace)
            let highValue = try value(of: high, record: record, trace: &trace)
            return .bool(Self.compare(.greaterEqual, v, lowValue) && Self.compare(.lessEqual, v, highValue))
        case .aggregate(let aggregate):
            return try self.aggregate(aggregate, trace: &trace).value
        case .lastField(let aggregate, let field):
            let result = try self.aggregate(aggregate, trace: &trace)
            return result.last?.fields[field] ?? .missing
        case .daysSince(let date):
            guard case .date(let day) = try value(of: date, record: record, trace: &trace) else { return .missing }
            return .int(asOf.days(since: day))
        case .alerts(let ruleID, let window):
            var interval: DayInterval?
            if let window {
                guard let resolved = try resolve(window, trace: &trace) else { return .missing }
                interval = resolved
            }
            // Escalation reads alerts raised before the evaluation date, never those of the same date: re-running an
            // evaluation (after a crash, say) then gives the same result as running it once.
            return .int(history.filter { $0.ruleID == ruleID && $0.date < asOf && (interval?.contains($0.date) ?? true) }.count)
        case .openAlert(let ruleID):
            return .bool(history.contains { $0.ruleID == ruleID && $0.date < asOf && $0.status != .closed })
        }
    }

    private func resolve(_ window: CheckedWindow, trace: inout Trace) throws(EvaluationFailure) -> DayInterval? {
        var startValue = Value.missing
        if case .since(let start) = window { startValue = try value(of: start, trace: &trace) }
        let interval = window.interval(asOf: asOf, calendar: ruleSet.calendar) { startValue }
        trace.window = interval
        return interval
    }

    private func aggregate(_ aggregate: CheckedAggregate,
                           trace: inout Trace) throws(EvaluationFailure) -> (value: Value, last: Record?)
    {
        var interval: DayInterval?
        if let window = aggregate.window {
            guard let resolved = try resolve(window, trace: &trace) else { return (.missing, nil) }
            interval = resolved
        }
        var matched: [Record] = []
        for record in try records.records(ofKind: aggregate.kind) {
            if let interval {
                guard let date = record.date, interval.contains(date) else { continue }
            }
            if let filter = aggregate.filter {
                var inner = Trace(collects: false)
                guard try value(of: filter, record: record, trace: &inner) == .bool(true) else { continue }
            }
            matched.append(record)
        }
        switch aggregate.function {
        case .count:
            trace.read(matched.map(\.id))
            return (.int(matched.count), nil)
        case .exists:
            trace.read(matched.map(\.id))
            return (.bool(!matched.isEmpty), nil)
        case .sum:
            trace.read(matched.map(\.id))
            var total = 0
            for record in matched {
                guard let field = aggregate.field, case .int(let amount) = record.fields[field] else { continue }
                let (sum, overflow) = total.addingReportingOverflow(amount)
                if overflow { throw EvaluationFailure(message: "arithmetic overflow in 'sum'") }
                total = sum
            }
            return (.int(total), nil)
        case .last:
            guard let last = matched.last else { return (.missing, nil) }
            trace.read([last.id])
            return (.missing, last)
        }
    }

    /// Compares two values; false whenever one is missing.
    static func compare(_ op: BinaryOperator, _ left: Value, _ right: Value) -> Bool {
        let order: Int
        switch (left, right) {
        case (.missing, _), (_, .missing): return false
        case (.int(let a), .int(let b)): order = a < b ? -1 : (a == b ? 0 : 1)
        case (.date(let a), .date(let b)): order = a < b ? -1 : (a == b ? 0 : 1)
        case (.period(let a), .period(let b)):
            order = a == b ? 0 : (a.approximateDays < b.approximateDays ? -1 : 1)
        default:
            // Text, enum cases and booleans only compare for equality.
            switch op {
            case .equal: return left == right
            case .notEqual: return left != right
            default: return false
            }
        }
        switch op {
        case .equal: return order == 0
        case .notEqual: return order != 0
        case .less: return order < 0
        case .lessEqual: return order <= 0
        case .greater: return order > 0
        case .greaterEqual: return order >= 0
        default: return false
        }
    }

    /// `int ± int`, `date ± duration`, `date − date` (in days); missing if an operand is missing.
    static func arithmetic(_ sign: Int, _ left: Value, _ right: Value) throws(EvaluationFailure) -> Value {
        switch (left, right) {
        case (.int(let a), .int(let b)):
            let (result, overflow) = sign > 0 ? a.addingReportingOverflow(b) : a.subtractingReportingOverflow(b)
            if overflow { throw EvaluationFailure(message: "arithmetic overflow") }
            return .int(result)
        case (.date(let day), .period(let period)):
            return .date(period.added(to: day, sign: sign))
        case (.date(let a), .date(let b)) where sign < 0:
            return .int(a.days(since: b))
        default:
            return .missing
        }
    }
}
