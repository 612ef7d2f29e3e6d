import Foundation
internal import GRDB
internal import RulesEngine
import Synchronization

/// What the decryption alone of a rule's inputs costs (`rulesctl bench`).
package struct DecryptionFloor: Sendable {
    /// The time of the decryption, nothing else.
    package let seconds: Double
    /// Subjects whose key and identity were opened.
    package let subjects: Int
    /// Records opened.
    package let records: Int
}

extension VaultStore {
    /// Times the cryptography an evaluation of `rule` cannot avoid while every record is sealed on its own
    /// (DESIGN.md §3): for each subject holding the records the rule needs, its data key unwrapped and its
    /// identity opened, then each of its records of the kinds the rule reads, on two threads as the evaluation
    /// splits its subjects. The sealed rows are read first, untimed; nothing is parsed, evaluated or written, and
    /// every plaintext is zeroed. A lower bound for the evaluation of that rule, whatever the code around it.
    package func decryptionFloor(rule id: String) throws(VaultError) -> DecryptionFloor {
        let (_, ruleSet) = try checkedRuleSet()
        guard let rule = ruleSet.rule(id) else { throw VaultError(.invalidInput, "unknown rule '\(id)'") }
        let needs = rule.requiredRecords, kinds = rule.kinds
        struct Sealed: Sendable {
            var wrapped = Data(), identity: [UInt8] = [], records: [(id: String, kind: String, sealed: [UInt8])] = []
        }
        let subjects: [String: Sealed] = try read { db in
            var counts: [String: [String: Int]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT subject_id, kind, COUNT(*) FROM records GROUP BY subject_id, kind") {
                counts[row[0], default: [:]][row[1]] = row[2]
            }
            let eligible = counts.filter { _, held in needs.allSatisfy { (held[$0.key] ?? 0) >= $0.value } }.map(\.key)
            var sealed: [String: Sealed] = [:]
            let list = Self.jsonArray(eligible)
            for row in try Row.fetchAll(db, sql: """
                SELECT k.subject_id, k.wrapped, s.identity FROM subject_keys k JOIN subjects s ON s.id = k.subject_id
                WHERE k.subject_id IN (SELECT value FROM json_each(?))
                """, arguments: [list]) {
                sealed[row[0]] = Sealed(wrapped: row[1], identity: [UInt8](row[2] as Data))
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT subject_id, id, kind, sealed FROM records
                WHERE subject_id IN (SELECT value FROM json_each(?)) AND kind IN (SELECT value FROM json_each(?))
                """, arguments: [list, Self.jsonArray(kinds.sorted())]) {
                sealed[row[0]]?.records.append((row[1], row[2], [UInt8](row[3] as Data)))
            }
            return sealed
        }
        let all = Array(subjects)
        let halves = [Array(all.prefix(all.count / 2)), Array(all.dropFirst(all.count / 2))]
        let failure = Mutex<VaultError?>(nil)
        let start = ContinuousClock.now
        DispatchQueue.concurrentPerform(iterations: halves.count) { half in
            do throws(VaultError) {
                for (subjectID, sealed) in halves[half] {
                    let key = try unwrapKey(id: subjectID, wrapped: sealed.wrapped)
                    try opened(sealed.identity, key, AssociatedData.identity(vaultID: vaultID, subjectID: subjectID),
                               item: "subject \(subjectID)")
                    for record in sealed.records {
                        try opened(record.sealed, key,
                                   AssociatedData(vaultID: vaultID, subjectID: subjectID, itemID: record.id, kind: record.kind),
                                   item: "record \(record.id)")
                    }
                }
            } catch {
                failure.withLock { $0 = $0 ?? error }
            }
        }
        let elapsed = ContinuousClock.now - start
        if let error = failure.withLock({ $0 }) { throw error }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return DecryptionFloor(seconds: seconds, subjects: subjects.count, records: all.reduce(0) { $0 + $1.value.records.count })
    }

    /// Opens one sealed item and zeroes its plaintext at once.
    private func opened(_ sealed: [UInt8], _ key: SecretKey, _ place: AssociatedData,
                        item: @autoclosure () -> String) throws(VaultError) {
        do {
            var plaintext = try Sodium.open(sealed, key: key, associatedData: place.bytes)
            plaintext.withUnsafeMutableBytes { Sodium.zero($0) }
        } catch {
            throw VaultError(.integrity, "\(item()): integrity failure, the sealed bytes do not authenticate")
        }
    }
}
