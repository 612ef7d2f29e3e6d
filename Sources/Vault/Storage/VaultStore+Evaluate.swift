import Foundation
internal import GRDB
public import RulesEngine

/// What an evaluation run did, per rule; nothing about any person.
public struct EvaluationSummary: Sendable, Encodable {
    /// Counts for one rule.
    public struct RuleCounts: Sendable, Encodable {
        /// Alerts raised by this run.
        public var new = 0
        /// Conditions that held while an alert of the rule is still open for the subject.
        public var alreadyOpen = 0
        /// Conditions that held but `once per` (or an alert of the same date) forbids another alert.
        public var deduplicated = 0

        enum CodingKeys: String, CodingKey {
            case new, alreadyOpen = "already_open", deduplicated
        }
    }

    /// The evaluation date.
    public let asOf: String
    /// `full` or `changed`.
    public let mode: String
    /// Subjects evaluated.
    public let subjects: Int
    /// Counts by rule identifier.
    public let rules: [String: RuleCounts]
    /// Reminders raised for overdue follow-ups.
    public let reminders: Int
    /// Rules that failed to evaluate, with the subject's random identifier.
    public let errors: [String]

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of", mode, subjects, rules, reminders, errors
    }
}

/// One subject's evaluation, before it is written.
struct SubjectOutcome: Sendable {
    let subjectID: String
    let key: SecretKey
    let result: EvaluationResult
}

extension VaultStore {
    static let evaluationChunk = 256

    /// Evaluates the loaded rule set over every subject (or only those whose records changed since their last
    /// evaluation), as of a date. Subjects are decrypted once each, a chunk at a time, on every core; each chunk's
    /// alerts are written in one transaction, so a run killed midway keeps what it wrote and a new run at the
    /// same date completes it without duplicates.
    ///
    /// - Parameters:
    ///   - asOf: the evaluation date.
    ///   - only: rule identifiers to evaluate; all when `nil`.
    ///   - changedOnly: evaluate only subjects touched by an import since they were last evaluated.
    ///   - progress: called with (subjects done, subjects in all) after each chunk.
    public func evaluate(asOf: Day, only: Set<String>? = nil, changedOnly: Bool = false,
                         progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws(VaultError) -> EvaluationSummary
    {
        let (stored, ruleSet) = try checkedRuleSet()
        if let only, let unknown = only.first(where: { ruleSet.rule($0) == nil }) {
            throw VaultError(.invalidInput, "unknown rule '\(unknown)'")
        }
        let evaluator = Evaluator(ruleSet: ruleSet)
        let mode = changedOnly ? "changed" : "full"
        let runID: Int64 = try write { db in
            try db.execute(sql: "INSERT INTO evaluations (as_of, mode, rule_set_version, started_at) VALUES (?, ?, ?, ?)",
                           arguments: [asOf.description, mode, stored.version, Int(Date().timeIntervalSince1970)])
            return db.lastInsertedRowID
        }
        let ids: [String] = try read { db in
            try String.fetchAll(db, sql: changedOnly
                ? "SELECT subject_id FROM touched_subjects ORDER BY subject_id" : "SELECT id FROM subjects ORDER BY id")
        }
        var counts: [String: EvaluationSummary.RuleCounts] = [:]
        var errors: [String] = []
        var done = 0
        for start in stride(from: 0, to: ids.count, by: Self.evaluationChunk) {
            let chunk = Array(ids[start..<min(start + Self.evaluationChunk, ids.count)])
            let outcomes = try await evaluateChunk(chunk, evaluator: evaluator, asOf: asOf, only: only)
            try audited({ _ in
                var event = AuditEvent(nil, .evaluated)
                event.detail = "as of \(asOf), \(mode), rule set version \(stored.version), subjects \(chunk.count)"
                return event
            }) { db in
                for outcome in outcomes {
                    for alert in outcome.result.alerts {
                        if try insertAlert(db, alert, subjectID: outcome.subjectID, key: outcome.key) {
                            counts[alert.ruleID, default: .init()].new += 1
                        } else {
                            counts[alert.ruleID, default: .init()].deduplicated += 1
                        }
                    }
                    for item in outcome.result.deduplicated {
                        if item.stillOpen {
                            counts[item.ruleID, default: .init()].alreadyOpen += 1
                        } else {
                            counts[item.ruleID, default: .init()].deduplicated += 1
                        }
                    }
                    errors += outcome.result.errors.map { "subject \(outcome.subjectID): \($0)" }
                    try db.execute(sql: "DELETE FROM touched_subjects WHERE subject_id = ?", arguments: [outcome.subjectID])
                }
            }
            done += chunk.count
            progress(done, ids.count)
        }
        let reminders = try raiseReminders(asOf: asOf)
        let alertCount = counts.values.reduce(0) { $0 + $1.new } + reminders
        try write { db in
            try db.execute(sql: "UPDATE evaluations SET finished_at = ?, subjects = ?, alerts = ? WHERE id = ?",
                           arguments: [Int(Date().timeIntervalSince1970), ids.count, alertCount, runID])
        }
        return EvaluationSummary(asOf: asOf.description, mode: mode, subjects: ids.count, rules: counts,
                                 reminders: reminders, errors: errors)
    }

    /// Evaluates a chunk of subjects on two tasks; reads run concurrently on the pool's readers.
    private func evaluateChunk(_ ids: [String], evaluator: Evaluator, asOf: Day,
                               only: Set<String>?) async throws(VaultError) -> [SubjectOutcome]
    {
        let halves = [Array(ids.prefix(ids.count / 2)), Array(ids.dropFirst(ids.count / 2))]
        let results = await withTaskGroup(of: Result<[SubjectOutcome], VaultError>.self) { group in
            for half in halves where !half.isEmpty {
                group.addTask {
                    var outcomes: [SubjectOutcome] = []
                    for id in half {
                        do throws(VaultError) {
                            let (subject, records, history, key) = try self.loadForEvaluation(id, ruleSet: evaluator.ruleSet)
                            let result = evaluator.evaluate(subject: subject, records: records, history: history,
                                                            asOf: asOf, only: only)
                            outcomes.append(SubjectOutcome(subjectID: id, key: key, result: result))
                        } catch {
                            return .failure(error)
                        }
                    }
                    return .success(outcomes)
                }
            }
            var all: [Result<[SubjectOutcome], VaultError>] = []
            for await result in group { all.append(result) }
            return all
        }
        var outcomes: [SubjectOutcome] = []
        for result in results { outcomes += try result.get() }
        return outcomes
    }

    /// A subject's fields, records and alert history, decrypted once and typed by the schema.
    func loadForEvaluation(_ id: String, ruleSet: CheckedRuleSet) throws(VaultError)
        -> (SubjectRecord, [RulesEngine.Record], [PastAlert], SecretKey)
    {
        try read { db in
            let subject = try openSubject(db, id: id)
            let subjectFields = Self.typed(subject.identity, shape: ruleSet.subject)
            var records: [RulesEngine.Record] = []
            for row in try Row.fetchAll(db, sql: "SELECT id, kind, sealed FROM records WHERE subject_id = ?", arguments: [id]) {
                let recordID: String = row["id"]
                let kind: String = row["kind"]
                let sealed: Data = row["sealed"]
                guard let shape = ruleSet.kinds[kind] else { continue }
                let place = AssociatedData(vaultID: vaultID, subjectID: id, itemID: recordID, kind: kind)
                guard let fields = try? SealedFields.open([UInt8](sealed), key: subject.key, at: place) else {
                    throw VaultError(.integrity, "record \(recordID) (kind \(kind)): integrity failure, the sealed bytes "
                        + "do not authenticate; run 'rulesctl verify'")
                }
                records.append(RulesEngine.Record(id: recordID, kind: kind, fields: Self.typed(fields, shape: shape)))
            }
            let history = try Row.fetchAll(db, sql: "SELECT rule_id, raised_on, status FROM alerts WHERE subject_id = ?",
                                           arguments: [id]).compactMap { row -> PastAlert? in
                guard let date = Day(iso: row["raised_on"] as String), let status = AlertStatus(rawValue: row["status"])
                else { return nil }
                return PastAlert(ruleID: row["rule_id"], date: date, status: status)
            }
            return (SubjectRecord(id: id, fields: subjectFields), records, history, subject.key)
        }
    }

    /// Field texts typed by a shape; fields the shape no longer has are dropped.
    static func typed(_ fields: [String: String], shape: RecordShape) -> [String: Value] {
        var values: [String: Value] = [:]
        for (name, text) in fields {
            if let value = shape.field(named: name)?.type.parse(text) { values[name] = value }
        }
        return values
    }
}
