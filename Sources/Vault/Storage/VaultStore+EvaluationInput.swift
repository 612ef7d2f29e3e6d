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

/// What an evaluation reads of one subject before opening anything: the rules it could satisfy, its key and
/// identity and its records as stored.
struct SealedSubject {
    let id: String
    /// The rules whose required records the subject holds.
    var rules: Set<String>
    /// Its wrapped data key and sealed identity (empty until read: a wrapped key never is).
    var wrapped = Data()
    var identity = Data()
    /// Sealed records of the kinds asked, by kind, in index order.
    var records: [String: [SealedRecords.Row]] = [:]

    var recordCount: Int { records.values.reduce(0) { $0 + $1.count } }
}

extension VaultStore {
    /// Loads a batch of subjects in three queries (records, keys and identities, alert history), whatever its
    /// size. A subject is opened only if it holds the records one of `rules` needs
    /// (`CheckedRule.requiredRecords`, from the plaintext kind column): the others cannot raise an alert and stay
    /// sealed. Records of `kinds` are read sealed, and opened only when the evaluator reads their kind
    /// (`SealedRecords`). Subjects erased meanwhile are skipped.
    ///
    /// - Throws: `VaultError.integrity` naming the subject whose key or identity does not authenticate.
    func loadForEvaluation(_ ids: [String], rules: [(id: String, needs: [String: Int])], kinds: Set<String>,
                           ruleSet: CheckedRuleSet) throws(VaultError) -> [EvaluationInput]
    {
        return try read { db in
            let batch = try sealedBatch(db, ids, rules: rules, kinds: kinds,
                                        everyKind: ruleSet.kinds.keys.allSatisfy(kinds.contains))
            guard !batch.isEmpty else { return [] }
            var history: [String: [PastAlert]] = [:]
            let alertRows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT subject_id, rule_id, raised_on, status FROM alerts WHERE subject_id IN (SELECT value FROM json_each(?))
                """), arguments: [Self.jsonArray(batch.map(\.id))])
            while let row = try alertRows.next() {
                guard let date = Day(iso: row[2] as String), let status = AlertStatus(rawValue: row[3]) else { continue }
                history[row[0], default: []].append(PastAlert(ruleID: row[1], date: date, status: status))
            }
            let identities = TypedFieldReader(shape: ruleSet.subject)
            let readers = ruleSet.kinds.filter { kinds.contains($0.key) }.mapValues(TypedFieldReader.init)
            var inputs: [EvaluationInput] = []
            inputs.reserveCapacity(batch.count)
            for sealed in batch {
                let subject = try openTypedSubject(id: sealed.id, wrapped: sealed.wrapped, identity: sealed.identity,
                                                   reader: identities)
                inputs.append(EvaluationInput(
                    rules: sealed.rules, subject: SubjectRecord(id: sealed.id, fields: subject.fields),
                    records: SealedRecords(vaultID: vaultID, subjectID: sealed.id, key: subject.key, readers: readers,
                                           rows: sealed.records),
                    history: history[sealed.id] ?? [], key: subject.key))
            }
            return inputs
        }
    }

    /// The sealed rows a batch's evaluation reads, nothing opened: when every rule needs records, the subjects who
    /// could fire, counted on the index (`couldFire`); the records of `kinds` of the subjects left; the keys and
    /// identities of those holding what one of `rules` needs (counted again on the rows read, in the same
    /// snapshot; a rule that needs no record makes every subject asked a candidate). Subjects come in the order
    /// asked and without those erased meanwhile; each kind's records in the index's order on (subject, kind,
    /// source), then insertion (`last` breaks ties of date by it). Rows are grouped by subject as they come, so
    /// that a subject is looked up once per group, not once per row (docs/PERFORMANCE.md, fifth round).
    ///
    /// - Parameter everyKind: whether `kinds` holds every kind of the rule set: records are then selected by
    ///   subject alone (one index search per subject, not per subject and kind), and kinds no longer declared are
    ///   skipped here.
    func sealedBatch(_ db: Database, _ ids: [String], rules: [(id: String, needs: [String: Int])],
                     kinds: Set<String>, everyKind: Bool = false) throws -> [SealedSubject] {
        let ids = try rules.allSatisfy({ !$0.needs.isEmpty }) ? couldFire(db, ids, rules: rules) : ids
        guard !ids.isEmpty else { return [] }
        var candidates = ids.map { SealedSubject(id: $0, rules: []) }
        var position: [String: Int] = Dictionary(minimumCapacity: ids.count)
        for (index, id) in ids.enumerated() { position[id] = index }
        let recordRows = everyKind
            ? try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT subject_id, id, kind, sealed FROM records WHERE subject_id IN (SELECT value FROM json_each(?))
                ORDER BY subject_id, kind, source, rowid
                """), arguments: [Self.jsonArray(ids)])
            : try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT subject_id, id, kind, sealed FROM records
                WHERE subject_id IN (SELECT value FROM json_each(?)) AND kind IN (SELECT value FROM json_each(?))
                ORDER BY subject_id, kind, source, rowid
                """), arguments: [Self.jsonArray(ids), Self.jsonArray(kinds.sorted())])
        var group = (id: "", index: 0)
        while let row = try recordRows.next() {
            let id: String = row[0]
            if id != group.id {
                guard let index = position[id] else { continue }
                group = (id, index)
            }
            let kind: String = row[2]
            guard !everyKind || kinds.contains(kind) else { continue }
            candidates[group.index].records[kind, default: []].append(SealedRecords.Row(id: row[1], sealed: row[3]))
        }
        var batch: [SealedSubject] = []
        for var candidate in candidates {
            let possible = rules.filter { rule in
                rule.needs.allSatisfy { (candidate.records[$0.key]?.count ?? 0) >= $0.value }
            }
            guard !possible.isEmpty else { continue }
            candidate.rules = Set(possible.map(\.id))
            batch.append(candidate)
        }
        guard !batch.isEmpty else { return [] }
        position.removeAll(keepingCapacity: true)
        for (index, subject) in batch.enumerated() { position[subject.id] = index }
        let keyRows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT k.subject_id, k.wrapped, s.identity FROM subject_keys k JOIN subjects s ON s.id = k.subject_id
            WHERE k.subject_id IN (SELECT value FROM json_each(?))
            """), arguments: [Self.jsonArray(batch.map(\.id))])
        while let row = try keyRows.next() {
            guard let index = position[row[0]] else { continue }
            batch[index].wrapped = row[1]
            batch[index].identity = row[2]
        }
        // A subject erased since its records were read has no key row: it is left out.
        return batch.filter { !$0.wrapped.isEmpty }
    }

    /// The subjects of `ids` (in that order) holding the records one of `rules` needs, counted by SQLite on the
    /// index (`HAVING` one clause per rule, one bound count per kind it needs). A filter only, so that the rows of
    /// the others are not read: `sealedBatch` decides each subject's rules on the rows it read.
    func couldFire(_ db: Database, _ ids: [String], rules: [(id: String, needs: [String: Int])]) throws -> [String] {
        guard !rules.isEmpty else { return [] }
        let needed = rules.reduce(into: Set<String>()) { $0.formUnion($1.needs.keys) }
        var arguments: StatementArguments = [Self.jsonArray(ids), Self.jsonArray(needed.sorted())]
        var clauses: [String] = []
        for rule in rules {
            let needs = rule.needs.sorted { $0.key < $1.key }
            clauses.append("(" + needs.map { _ in "SUM(kind = ?) >= ?" }.joined(separator: " AND ") + ")")
            for (kind, count) in needs { arguments += [kind, count] }
        }
        let found = try String.fetchSet(db.cachedStatement(sql: """
            SELECT subject_id FROM records
            WHERE subject_id IN (SELECT value FROM json_each(?)) AND kind IN (SELECT value FROM json_each(?))
            GROUP BY subject_id HAVING \(clauses.joined(separator: " OR "))
            """), arguments: arguments)
        return ids.filter(found.contains)
    }

    /// A JSON array of strings, for `json_each(?)`.
    static func jsonArray(_ values: [String]) -> String { FlatJSON.array(values) }
}
