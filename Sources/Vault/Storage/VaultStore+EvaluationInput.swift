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
            var counts: [String: [String: Int]] = [:]
            let countRows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT subject_id, kind, COUNT(*) FROM records WHERE subject_id IN (SELECT value FROM json_each(?))
                GROUP BY subject_id, kind
                """), arguments: [Self.jsonArray(ids)])
            while let row = try countRows.next() { counts[row[0], default: [:]][row[1]] = row[2] }
            var eligible: [String: Set<String>] = [:]
            for id in ids {
                let held = counts[id] ?? [:]
                let possible = rules.filter { rule in rule.needs.allSatisfy { (held[$0.key] ?? 0) >= $0.value } }.map(\.id)
                if !possible.isEmpty { eligible[id] = Set(possible) }
            }
            let opening = ids.filter { eligible[$0] != nil }
            guard !opening.isEmpty else { return [] }
            let list = Self.jsonArray(opening)
            var subjects: [String: OpenSubject] = [:]
            let opened = try db.cachedStatement(sql: """
                SELECT k.subject_id, k.wrapped, s.identity FROM subject_keys k JOIN subjects s ON s.id = k.subject_id
                WHERE k.subject_id IN (SELECT value FROM json_each(?))
                """)
            let keyRows = try Row.fetchCursor(opened, arguments: [list])
            while let row = try keyRows.next() {
                let id: String = row[0]
                subjects[id] = try openSubject(id: id, wrapped: row[1], identity: row[2])
            }
            var sealed: [String: [String: [SealedRecords.Row]]] = [:]
            let recordRows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT subject_id, id, kind, sealed FROM records
                WHERE subject_id IN (SELECT value FROM json_each(?)) AND kind IN (SELECT value FROM json_each(?))
                """), arguments: [list, Self.jsonArray(kinds.sorted())])
            while let row = try recordRows.next() {
                sealed[row[0], default: [:]][row[2], default: []].append(SealedRecords.Row(id: row[1], sealed: row[3]))
            }
            var history: [String: [PastAlert]] = [:]
            let alertRows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT subject_id, rule_id, raised_on, status FROM alerts WHERE subject_id IN (SELECT value FROM json_each(?))
                """), arguments: [list])
            while let row = try alertRows.next() {
                guard let date = Day(iso: row[2] as String), let status = AlertStatus(rawValue: row[3]) else { continue }
                history[row[0], default: []].append(PastAlert(ruleID: row[1], date: date, status: status))
            }
            return opening.compactMap { id in
                subjects[id].map { subject in
                    EvaluationInput(rules: eligible[id] ?? [], subject: SubjectRecord(id: id, fields: Self.typed(subject.identity, shape: ruleSet.subject)),
                                    records: SealedRecords(vaultID: vaultID, subjectID: id, key: subject.key, shapes: ruleSet.kinds,
                                                           rows: sealed[id] ?? [:]),
                                    history: history[id] ?? [], key: subject.key)
                }
            }
        }
    }

    /// A JSON array of strings, for `json_each(?)`.
    static func jsonArray(_ values: [String]) -> String { FlatJSON.array(values) }
}
