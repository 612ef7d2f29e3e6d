import Foundation
internal import GRDB
import RulesEngine

/// What evaluating one subject needs, decrypted once and typed by the schema, and the rules it could satisfy.
struct EvaluationInput {
    let rules: Set<String>
    let subject: SubjectRecord
    let records: SealedRecords
    let history: [PastAlert]
    let key: SecretKey
}

/// What an evaluation reads of a batch of subjects before opening anything: who can satisfy which rules, and
/// their keys, identities and records as stored.
struct SealedBatch {
    /// The subjects holding the records at least one rule needs, in the order asked, with those rules.
    let eligible: [(id: String, rules: Set<String>)]
    /// Wrapped data key and sealed identity, by subject.
    let subjects: [String: (wrapped: Data, identity: Data)]
    /// Sealed records of the kinds asked, by subject and kind, in index order.
    let records: [String: [String: [SealedRecords.Row]]]
}

extension VaultStore {
    /// Loads a batch of subjects in four queries (record counts by kind, keys and identities, records, alert
    /// history), whatever its size. A subject is opened only if it holds the records one of `rules` needs
    /// (`CheckedRule.requiredRecords`, from the plaintext kind column): the others cannot raise an alert and stay
    /// sealed. Records of `kinds` are read sealed, and opened only when the evaluator reads their kind
    /// (`SealedRecords`). Subjects erased meanwhile are skipped.
    ///
    /// - Throws: `VaultError.integrity` naming the subject whose key or identity does not authenticate.
    func loadForEvaluation(_ ids: [String], rules: [(id: String, needs: [String: Int])], kinds: Set<String>,
                           ruleSet: CheckedRuleSet) throws(VaultError) -> [EvaluationInput]
    {
        return try read { db in
            let batch = try sealedBatch(db, ids, rules: rules, kinds: kinds)
            guard !batch.eligible.isEmpty else { return [] }
            var history: [String: [PastAlert]] = [:]
            let alertRows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT subject_id, rule_id, raised_on, status FROM alerts WHERE subject_id IN (SELECT value FROM json_each(?))
                """), arguments: [Self.jsonArray(batch.eligible.map(\.id))])
            while let row = try alertRows.next() {
                guard let date = Day(iso: row[2] as String), let status = AlertStatus(rawValue: row[3]) else { continue }
                history[row[0], default: []].append(PastAlert(ruleID: row[1], date: date, status: status))
            }
            var inputs: [EvaluationInput] = []
            for (id, possible) in batch.eligible {
                guard let sealed = batch.subjects[id] else { continue }
                let subject = try openSubject(id: id, wrapped: sealed.wrapped, identity: sealed.identity)
                inputs.append(EvaluationInput(
                    rules: possible, subject: SubjectRecord(id: id, fields: Self.typed(subject.identity, shape: ruleSet.subject)),
                    records: SealedRecords(vaultID: vaultID, subjectID: id, key: subject.key, shapes: ruleSet.kinds,
                                           rows: batch.records[id] ?? [:]),
                    history: history[id] ?? [], key: subject.key))
            }
            return inputs
        }
    }

    /// The sealed rows a batch's evaluation reads, in three queries: counts by kind (plaintext), then keys and
    /// identities and records of `kinds` for the subjects holding what one of `rules` needs. Nothing is opened.
    func sealedBatch(_ db: Database, _ ids: [String], rules: [(id: String, needs: [String: Int])],
                     kinds: Set<String>) throws -> SealedBatch {
        var counts: [String: [String: Int]] = [:]
        let countRows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT subject_id, kind, COUNT(*) FROM records WHERE subject_id IN (SELECT value FROM json_each(?))
            GROUP BY subject_id, kind
            """), arguments: [Self.jsonArray(ids)])
        while let row = try countRows.next() { counts[row[0], default: [:]][row[1]] = row[2] }
        let eligible: [(id: String, rules: Set<String>)] = ids.compactMap { id in
            let held = counts[id] ?? [:]
            let possible = rules.filter { rule in rule.needs.allSatisfy { (held[$0.key] ?? 0) >= $0.value } }.map(\.id)
            return possible.isEmpty ? nil : (id, Set(possible))
        }
        guard !eligible.isEmpty else { return SealedBatch(eligible: [], subjects: [:], records: [:]) }
        let list = Self.jsonArray(eligible.map(\.id))
        var subjects: [String: (wrapped: Data, identity: Data)] = [:]
        let keyRows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT k.subject_id, k.wrapped, s.identity FROM subject_keys k JOIN subjects s ON s.id = k.subject_id
            WHERE k.subject_id IN (SELECT value FROM json_each(?))
            """), arguments: [list])
        while let row = try keyRows.next() { subjects[row[0]] = (row[1], row[2]) }
        var records: [String: [String: [SealedRecords.Row]]] = [:]
        let recordRows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT subject_id, id, kind, sealed FROM records
            WHERE subject_id IN (SELECT value FROM json_each(?)) AND kind IN (SELECT value FROM json_each(?))
            """), arguments: [list, Self.jsonArray(kinds.sorted())])
        while let row = try recordRows.next() {
            records[row[0], default: [:]][row[2], default: []].append(SealedRecords.Row(id: row[1], sealed: row[3]))
        }
        return SealedBatch(eligible: eligible, subjects: subjects, records: records)
    }

    /// A JSON array of strings, for `json_each(?)`.
    static func jsonArray(_ values: [String]) -> String { FlatJSON.array(values) }
}
