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

        func adding(_ other: RuleCounts) -> RuleCounts {
            RuleCounts(new: new + other.new, alreadyOpen: alreadyOpen + other.alreadyOpen,
                       deduplicated: deduplicated + other.deduplicated)
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
    /// The wall time of the run's write transactions (alerts sealed and stored, audit entries): the part of a run
    /// no faster reading can remove (`rulesctl bench`). Not part of the summary's JSON.
    package var writing: Duration = .zero

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
    static let evaluationChunk = 1_024

    /// A batch split for the two cores an evaluation runs on.
    static func halves<T>(_ items: [T]) -> [[T]] {
        [Array(items.prefix(items.count / 2)), Array(items.dropFirst(items.count / 2))]
    }

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
        try await evaluateRun(asOf: asOf, only: only, changedOnly: changedOnly, progress: progress)
    }

    /// `evaluate`, with `beforeWrite` run between each chunk's evaluation and its write (tests: an import landing
    /// between the two).
    func evaluateRun(asOf: Day, only: Set<String>?, changedOnly: Bool, progress: @Sendable (Int, Int) -> Void,
                     beforeWrite: () throws(VaultError) -> Void = {}) async throws(VaultError) -> EvaluationSummary
    {
        let (stored, ruleSet) = try checkedRuleSet()
        if let only, let unknown = only.first(where: { ruleSet.rule($0) == nil }) {
            throw VaultError(.invalidInput, "unknown rule '\(unknown)'")
        }
        let evaluator = Evaluator(ruleSet: ruleSet)
        let mode = changedOnly ? "changed" : "full"
        let startedAt = Int(Date().timeIntervalSince1970)
        // The subjects, and the last audit entry: marks set by imports after it (higher sequence numbers) stay.
        let (ids, touchedBefore): ([String], Int) = try read { db in
            (try String.fetchAll(db, sql: changedOnly
                ? "SELECT subject_id FROM touched_subjects ORDER BY subject_id" : "SELECT id FROM subjects ORDER BY id"),
             try auditEntryCount(db))
        }
        // A run with no subject still has one (empty) chunk: its transaction records and finishes the run.
        let chunks = ids.isEmpty ? [[]] : stride(from: 0, to: ids.count, by: Self.evaluationChunk).map {
            Array(ids[$0..<min($0 + Self.evaluationChunk, ids.count)])
        }
        var counts: [String: EvaluationSummary.RuleCounts] = [:]
        var errors: [String] = []
        var runID: Int64?
        var reminders = 0
        var done = 0
        var writing = Duration.zero
        // The run is recorded by its first transaction and finished by its last, which also raises the follow-up
        // reminders: a run of one chunk (an incremental run, typically) is one transaction and one audit entry.
        for (index, chunk) in chunks.enumerated() {
            let outcomes = try await evaluateChunk(chunk, evaluator: evaluator, asOf: asOf, only: only)
            try beforeWrite()
            let last = index == chunks.count - 1
            let writeStart = ContinuousClock.now
            let written: ChunkWrite
            do {
                written = try audited({ written in
                var event = AuditEvent(nil, .evaluated)
                event.detail = "as of \(asOf), \(mode), rule set version \(stored.version), subjects \(chunk.count)"
                    + (written.reminders.map { "; follow-up reminders: \($0)" } ?? "")
                return event
            }) { db in
                var written = ChunkWrite(run: try runID ?? Self.startRun(db, asOf: asOf, mode: mode, version: stored.version,
                                                                         at: startedAt))
                try store(outcomes, db, into: &written)
                // Only an evaluation of every rule brings a subject up to date; a subject a rule failed on stays due.
                let settled = chunk.filter { !written.failed.contains($0) }
                if only == nil, !settled.isEmpty {
                    try db.execute(sql: """
                        DELETE FROM touched_subjects WHERE subject_id IN (SELECT value FROM json_each(?)) AND version <= ?
                        """, arguments: [Self.jsonArray(settled), touchedBefore])
                }
                if last {
                    let raised = try raiseReminders(db, asOf: asOf)
                    written.reminders = raised
                    let alerts = counts.merging(written.counts) { $0.adding($1) }.values.reduce(0) { $0 + $1.new } + raised
                    try db.execute(sql: "UPDATE evaluations SET finished_at = ?, subjects = ?, alerts = ? WHERE id = ?",
                                   arguments: [Int(Date().timeIntervalSince1970), ids.count, alerts, written.run])
                }
                return written
                }
            } catch where error.code == .busy && done > 0 {
                throw VaultError(.busy, "the vault was busy after \(done) of \(ids.count) subjects were evaluated and "
                    + "stored; run the same evaluation again to complete it (nothing is raised twice)")
            }
            writing += ContinuousClock.now - writeStart
            // What a transaction wrote enters the summary once it committed.
            runID = written.run
            counts.merge(written.counts) { $0.adding($1) }
            errors += written.errors
            reminders += written.reminders ?? 0
            done += chunk.count
            if !chunk.isEmpty { progress(done, ids.count) }
        }
        var summary = EvaluationSummary(asOf: asOf.description, mode: mode, subjects: ids.count, rules: counts,
                                        reminders: reminders, errors: errors)
        summary.writing = writing
        return summary
    }

    /// What one chunk's transaction wrote: the run's row, the counts by rule, the rules that failed, and on the
    /// last chunk the reminders raised.
    private struct ChunkWrite {
        let run: Int64
        var counts: [String: EvaluationSummary.RuleCounts] = [:]
        var errors: [String] = []
        /// Subjects a rule failed on: they stay due for the next incremental run.
        var failed: Set<String> = []
        var reminders: Int?
    }

    /// Stores a chunk's alerts in the caller's transaction, counting them by rule.
    private func store(_ outcomes: [SubjectOutcome], _ db: Database, into written: inout ChunkWrite) throws {
        for outcome in outcomes {
            for alert in outcome.result.alerts {
                if try insertAlert(db, alert, subjectID: outcome.subjectID, key: outcome.key) {
                    written.counts[alert.ruleID, default: .init()].new += 1
                } else {
                    written.counts[alert.ruleID, default: .init()].deduplicated += 1
                }
            }
            for item in outcome.result.deduplicated {
                if item.stillOpen {
                    written.counts[item.ruleID, default: .init()].alreadyOpen += 1
                } else {
                    written.counts[item.ruleID, default: .init()].deduplicated += 1
                }
            }
            if !outcome.result.errors.isEmpty { written.failed.insert(outcome.subjectID) }
            written.errors += outcome.result.errors.map { "subject \(outcome.subjectID): \($0)" }
        }
    }

    /// Records the start of an evaluation run; returns its row.
    private static func startRun(_ db: Database, asOf: Day, mode: String, version: Int, at startedAt: Int) throws -> Int64 {
        try db.execute(sql: "INSERT INTO evaluations (as_of, mode, rule_set_version, started_at) VALUES (?, ?, ?, ?)",
                       arguments: [asOf.description, mode, version, startedAt])
        return db.lastInsertedRowID
    }

    /// Opens what an evaluation reads with, without evaluating anything for good: the rule set is checked, and a
    /// sample of subjects is loaded and evaluated on both cores, so that the connections and their prepared
    /// statements exist. Nothing is written, and nothing is logged: for the benchmark's copies of synthetic
    /// vaults only (package access), before the evaluation it measures.
    package func warmUp(asOf: Day) async throws(VaultError) {
        let (_, ruleSet) = try checkedRuleSet()
        let sample = try read { db in try String.fetchAll(db, sql: "SELECT id FROM subjects ORDER BY id LIMIT 64") }
        _ = try await evaluateChunk(sample, evaluator: Evaluator(ruleSet: ruleSet), asOf: asOf, only: nil)
    }

    /// Evaluates a chunk of subjects on two tasks, each loading its half in one read; only the subjects that
    /// hold the records a rule needs are opened, and only the record kinds the rules read are decrypted.
    private func evaluateChunk(_ ids: [String], evaluator: Evaluator, asOf: Day,
                               only: Set<String>?) async throws(VaultError) -> [SubjectOutcome]
    {
        let ruleSet = evaluator.ruleSet
        let selected = ruleSet.rules.filter { only?.contains($0.id) ?? true }
        let kinds = selected.reduce(into: Set<String>()) { $0.formUnion($1.kinds) }
        let rules = selected.map { (id: $0.id, needs: $0.requiredRecords) }
        let halves = Self.halves(ids)
        let results = await withTaskGroup(of: Result<[SubjectOutcome], VaultError>.self) { group in
            for half in halves where !half.isEmpty {
                group.addTask {
                    do throws(VaultError) {
                        let inputs = try self.loadForEvaluation(half, rules: rules, kinds: kinds, ruleSet: ruleSet)
                        var outcomes: [SubjectOutcome] = []
                        for input in inputs {
                            let result: EvaluationResult
                            do throws(IntegrityFailure) {
                                result = try evaluator.evaluate(subject: input.subject, source: input.records,
                                                                history: input.history, asOf: asOf, only: input.rules)
                            } catch {
                                // A record opened by the evaluator, after the read that loaded it.
                                throw self.loggedIfIntegrity(VaultError(error))
                            }
                            outcomes.append(SubjectOutcome(subjectID: input.subject.id, key: input.key, result: result))
                        }
                        return .success(outcomes)
                    } catch {
                        return .failure(error)
                    }
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

    /// Field texts typed by a shape; fields the shape no longer has are dropped.
    static func typed(_ fields: [String: String], shape: RecordShape) -> [String: Value] {
        var values: [String: Value] = [:]
        for (name, text) in fields {
            if let value = shape.field(named: name)?.type.parse(text) { values[name] = value }
        }
        return values
    }
}
