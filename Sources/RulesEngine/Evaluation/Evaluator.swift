/// Evaluates a checked rule set for one subject at a given date. Pure: the same inputs give the same alerts;
/// the evaluation date is an input, never the clock.
public struct Evaluator: Sendable {
    /// The rule set evaluated.
    public let ruleSet: CheckedRuleSet

    /// Creates an evaluator for a checked rule set.
    public init(ruleSet: CheckedRuleSet) { self.ruleSet = ruleSet }

    /// Evaluates the rules for one subject.
    ///
    /// - Parameters:
    ///   - subject: the subject's fields (those the rules read).
    ///   - records: the subject's records of every kind; those dated after `asOf` are ignored.
    ///   - history: the alerts raised before for this subject, for `once per` and `alerts("ID")`.
    ///   - asOf: the evaluation date.
    ///   - only: the identifiers of the rules to evaluate; all when `nil`.
    /// - Returns: the new alerts, the deduplicated ones, and the rules that failed to evaluate.
    public func evaluate(subject: SubjectRecord, records: [Record], history: [PastAlert], asOf: Day,
                         only: Set<String>? = nil) -> EvaluationResult
    {
        evaluate(subject: subject, source: RecordList(records), history: history, asOf: asOf, only: only)
    }

    /// Evaluates the rules for one subject whose records are read kind by kind, only when a rule needs them.
    ///
    /// - Throws: the source's failure, the first time it cannot give a kind's records: the subject's evaluation
    ///   stops there, and none of its results is given.
    public func evaluate<Source: RecordSource>(subject: SubjectRecord, source: Source, history: [PastAlert], asOf: Day,
                                               only: Set<String>? = nil) throws(Source.Failure) -> EvaluationResult
    {
        let context = EvaluationContext(ruleSet: ruleSet, subject: subject, source: source, history: history, asOf: asOf)
        var alerts: [Alert] = []
        var deduplicated: [Deduplicated] = []
        var errors: [EvaluationError] = []
        for rule in ruleSet.rules where only?.contains(rule.id) ?? true {
            do throws(EvaluationFailure) {
                // Most conditions do not hold: they are decided without building their explanation, which is
                // computed, with the same result, only for the rules that fire.
                var probe = Trace(collects: false)
                guard try context.value(of: rule.when, trace: &probe) == .bool(true) else { continue }
                var evidence: [Evidence] = []
                guard try context.explain(rule.when, into: &evidence) else { continue }
                if let reason = context.deduplicationReason(for: rule) {
                    deduplicated.append(Deduplicated(ruleID: rule.id, reason: reason,
                                                     stillOpen: rule.deduplication == .whileOpen))
                    continue
                }
                var trace = Trace()
                var revealed: [RevealedValue] = []
                for item in rule.reveal {
                    revealed.append(RevealedValue(name: item.name, value: try context.value(of: item.expr, trace: &trace)))
                }
                alerts.append(Alert(
                    ruleID: rule.id, title: rule.title, basis: rule.basis, group: rule.group, severity: rule.severity,
                    audience: rule.audience, labels: rule.labels, date: asOf,
                    followUp: rule.followUp.map { $0.added(to: asOf) }, revealed: revealed, evidence: evidence))
            } catch {
                if let failure = context.records.failure { throw failure }
                errors.append(EvaluationError(ruleID: rule.id, location: rule.location, message: error.message))
            }
        }
        return EvaluationResult(alerts: alerts, deduplicated: deduplicated, errors: errors)
    }
}

/// A runtime failure inside one rule's evaluation, or the record source's (which stops the subject's).
struct EvaluationFailure: Error {
    let message: String

    /// The record source failed; the evaluator throws the source's own failure (`RecordCache.failure`).
    static let sourceFailed = EvaluationFailure(message: "the records could not be read")
}

/// What the aggregates of one condition looked at, for its explanation.
struct Trace {
    var window: DayInterval?
    var recordIDs: [String] = []
    /// Whether record identifiers are gathered (not when a condition is only decided).
    let collects: Bool

    init(collects: Bool = true) { self.collects = collects }

    mutating func read(_ ids: @autoclosure () -> [String]) {
        if collects { recordIDs += ids() }
    }
}

/// Everything one subject's evaluation reads.
struct EvaluationContext<Source: RecordSource> {
    let ruleSet: CheckedRuleSet
    let subject: SubjectRecord
    /// The subject's records, read kind by kind when first needed.
    let records: RecordCache<Source>
    let history: [PastAlert]
    let asOf: Day

    init(ruleSet: CheckedRuleSet, subject: SubjectRecord, source: Source, history: [PastAlert], asOf: Day) {
        self.ruleSet = ruleSet
        self.subject = subject
        self.asOf = asOf
        self.history = history.filter { $0.date <= asOf }
        self.records = RecordCache(source, asOf: asOf)
    }

    /// Evaluates a condition, recording one piece of evidence per elementary condition reached.
    func explain(_ expr: CheckedExpr, into evidence: inout [Evidence]) throws(EvaluationFailure) -> Bool {
        switch expr.node {
        case .and(let left, let right):
            guard try explain(left, into: &evidence) else { return false }
            return try explain(right, into: &evidence)
        case .or(let left, let right):
            if try explain(left, into: &evidence) { return true }
            return try explain(right, into: &evidence)
        case .not(let operand):
            var inner: [Evidence] = []
            let holds = try !explain(operand, into: &inner)
            // A single negated condition reads better whole: "not exists(action, in last 60 days): true".
            if inner.count == 1, let only = inner.first {
                evidence.append(Evidence(expression: expr.text, value: .bool(holds), comparison: only.comparison,
                                         window: only.window, recordIDs: only.recordIDs))
            } else {
                evidence += inner
            }
            return holds
        case .compare(let op, let left, let right):
            var trace = Trace()
            let l = try value(of: left, trace: &trace)
            let r = try value(of: right, trace: &trace)
            let holds = Self.compare(op, l, r)
            evidence.append(Evidence(expression: expr.text, value: .bool(holds), comparison: "\(l) \(op.rawValue) \(r)",
                                     window: trace.window, recordIDs: trace.recordIDs))
            return holds
        case .between(let subject, let low, let high):
            var trace = Trace()
            let values = (try value(of: subject, trace: &trace), try value(of: low, trace: &trace),
                          try value(of: high, trace: &trace))
            let holds = Self.compare(.greaterEqual, values.0, values.1) && Self.compare(.lessEqual, values.0, values.2)
            evidence.append(Evidence(expression: expr.text, value: .bool(holds),
                                     comparison: "\(values.0) between \(values.1) and \(values.2)",
                                     window: trace.window, recordIDs: trace.recordIDs))
            return holds
        default:
            var trace = Trace()
            let result = try value(of: expr, trace: &trace)
            evidence.append(Evidence(expression: expr.text, value: result, comparison: nil,
                                     window: trace.window, recordIDs: trace.recordIDs))
            return result == .bool(true)
        }
    }

    /// Why a rule that fired raises no new alert, or `nil` if it does.
    func deduplicationReason(for rule: CheckedRule) -> String? {
        let past = history.filter { $0.ruleID == rule.id }
        switch rule.deduplication {
        case .whileOpen:
            return past.contains { $0.status != .closed } ? "an alert of this rule is still open" : nil
        case .calendarMonth:
            return past.contains { $0.date >= asOf.firstOfMonth } ? "already alerted this calendar month" : nil
        case .schoolYear:
            let start = ruleSet.calendar.schoolYearStart(containing: asOf)
            return past.contains { $0.date >= start } ? "already alerted this school year" : nil
        case .subject:
            return past.isEmpty ? nil : "already alerted for this subject"
        case .period(let period):
            let start = period.added(to: asOf, sign: -1)
            return past.contains { $0.date > start } ? "already alerted within \(period)" : nil
        }
    }
}

extension Evaluator {
    /// The evaluation of one rule's condition, condition by condition, whether it holds or not: what a
    /// coordinator reads to understand why a rule stayed silent.
    ///
    /// - Returns: the evidence, condition by condition; empty if the rule does not exist; up to the condition that
    ///   failed to evaluate if one did.
    public func explain(rule id: String, subject: SubjectRecord, records: [Record], history: [PastAlert],
                        asOf: Day) -> [Evidence]
    {
        guard let rule = ruleSet.rule(id) else { return [] }
        let context = EvaluationContext(ruleSet: ruleSet, subject: subject, source: RecordList(records), history: history,
                                        asOf: asOf)
        var evidence: [Evidence] = []
        // A condition that fails to evaluate ends the explanation: what was gathered before it is returned.
        _ = try? context.explain(rule.when, into: &evidence)
        return evidence
    }
}
