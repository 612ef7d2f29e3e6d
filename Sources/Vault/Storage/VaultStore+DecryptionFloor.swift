import Foundation
internal import GRDB
internal import RulesEngine

/// What the decryption alone of a rule's inputs costs (`rulesctl bench`).
package struct DecryptionFloor: Sendable {
    /// The time of the decryption, nothing else: the fastest of the runs.
    package let duration: Duration
    /// Subjects whose key and identity were opened.
    package let subjects: Int
    /// Records opened.
    package let records: Int
}

extension VaultStore {
    /// Times the cryptography an evaluation of `rule` cannot avoid while every record is sealed on its own
    /// (DESIGN.md §3): for each subject holding the records the rule needs, its data key unwrapped and its
    /// identity opened, then each of its records of the kinds the rule reads, on two threads as the evaluation
    /// splits its subjects (`halves`). The sealed rows are read once, untimed, as an evaluation reads them
    /// (`sealedBatch`); nothing is parsed, evaluated or written, and every plaintext is zeroed. The fastest of
    /// `runs` passes: a lower bound for the evaluation of that rule, whatever the code around it.
    package func decryptionFloor(rule id: String, runs: Int = 3) async throws(VaultError) -> DecryptionFloor {
        let (_, ruleSet) = try checkedRuleSet()
        guard let rule = ruleSet.rule(id) else { throw VaultError(.invalidInput, "unknown rule '\(id)'") }
        let batch = try read { db in
            try sealedBatch(db, try String.fetchAll(db, sql: "SELECT id FROM subjects"),
                            rules: [(rule.id, rule.requiredRecords)], kinds: rule.kinds)
        }
        let halves = Self.halves(batch)
        var fastest: Duration?
        for _ in 0..<runs {
            let start = ContinuousClock.now
            // Both halves at once, as `evaluateChunk` runs them; the first failure wins.
            let failure = await withTaskGroup(of: VaultError?.self) { group in
                for half in halves where !half.isEmpty {
                    group.addTask {
                        do throws(VaultError) {
                            for subject in half { try self.openAll(subject) }
                            return nil
                        } catch {
                            return error
                        }
                    }
                }
                var first: VaultError?
                for await result in group { first = first ?? result }
                return first
            }
            let elapsed = ContinuousClock.now - start
            if let failure { throw failure }
            fastest = min(fastest ?? elapsed, elapsed)
        }
        return DecryptionFloor(duration: fastest ?? .zero, subjects: batch.count,
                               records: batch.reduce(0) { $0 + $1.recordCount })
    }

    /// Opens one subject's key, identity and sealed records of the batch, keeping nothing (each plaintext is
    /// zeroed by `SealedJSON.open`).
    private func openAll(_ subject: SealedSubject) throws(VaultError) {
        let key = try unwrapKey(id: subject.id, wrapped: subject.wrapped)
        try opened([UInt8](subject.identity), key, AssociatedData.identity(vaultID: vaultID, subjectID: subject.id),
                   IntegrityFailure(item: "identity", id: subject.id, kind: nil))
        let places = AssociatedData.Subject(vaultID: vaultID, subjectID: subject.id)
        for (kind, rows) in subject.records {
            for row in rows {
                try opened([UInt8](row.sealed), key, places.item(row.id, kind: kind),
                           IntegrityFailure(item: "record", id: row.id, kind: kind))
            }
        }
    }

    private func opened(_ sealed: [UInt8], _ key: SecretKey, _ place: AssociatedData,
                        _ failure: @autoclosure () -> IntegrityFailure) throws(VaultError) {
        do {
            try SealedJSON.open(sealed, key: key, at: place) { _ in }
        } catch {
            throw VaultError(failure())
        }
    }
}
