import Foundation
internal import GRDB
import RulesEngine

/// What `audit verify` found.
public struct AuditVerification: Sendable, Encodable {
    public let ok: Bool
    public let entries: Int
    /// The root of the recomputed tree (standard base64).
    public let root: String
    public let checkpoints: Int
    /// The first entry (1-based) whose stored bytes no longer match the tree, if any.
    public let firstBadEntry: Int?
    public let problems: [String]

    enum CodingKeys: String, CodingKey {
        case ok, entries, root, checkpoints, firstBadEntry = "first_bad_entry", problems
    }
}

extension VaultStore {
    /// Recomputes every leaf from the stored entries and the whole tree, and checks every stored checkpoint's
    /// root and signature against it.
    public func verifyAudit() throws(VaultError) -> AuditVerification {
        let result: AuditVerification = try write { db in
            var leaves: [[UInt8]] = []
            var problems: [String] = []
            var firstBad: Int?
            for row in try Row.fetchAll(db, sql: "SELECT a.*, n.hash AS leaf FROM audit_log a LEFT JOIN audit_nodes n ON n.level = 0 AND n.idx = a.seq - 1 ORDER BY a.seq") {
                let seq: Int = row["seq"]
                let purpose = (row["purpose"] as Data?).map { [UInt8]($0) }
                let leaf = try MerkleTree.leafHash(AuditEntry.canonical(
                    seq: seq, time: row["time"], actor: row["actor"], role: row["role"], action: row["action"],
                    subject: row["subject"], labels: row["labels"], purpose: purpose, decision: row["decision"],
                    reasons: row["reasons"], ruleSet: row["rule_set"], detail: row["detail"]))
                if seq != leaves.count + 1 {
                    problems.append("entry \(leaves.count + 1) is missing")
                    firstBad = firstBad ?? leaves.count + 1
                }
                if let stored = row["leaf"] as Data?, [UInt8](stored) != leaf, firstBad == nil {
                    problems.append("entry \(seq) was changed after it was logged")
                    firstBad = seq
                }
                leaves.append(leaf)
            }
            // Every perfect subtree, hashed once from the leaves up (2 N hashes): each checkpoint's root is then a
            // few lookups. Recomputing subtrees per checkpoint cost the square of the entries.
            var levels = [leaves]
            while let below = levels.last, below.count > 1 {
                levels.append(try stride(from: 0, to: below.count - 1, by: 2).map { try MerkleTree.nodeHash(below[$0], below[$0 + 1]) })
            }
            func perfect(_ level: Int, _ index: Int) throws -> [UInt8] {
                guard level < levels.count, index < levels[level].count else { throw VaultError(.integrity, "audit tree node missing") }
                return levels[level][index]
            }
            let publicKey = try auditKeys(db).publicKey
            var checked = 0
            for checkpoint in try Row.fetchAll(db, sql: "SELECT size, root, note FROM audit_checkpoints ORDER BY size") {
                let size: Int = checkpoint["size"]
                let note: String = checkpoint["note"]
                checked += 1
                guard size <= leaves.count else {
                    problems.append("checkpoint of size \(size) is beyond the log's \(leaves.count) entries")
                    firstBad = firstBad ?? leaves.count + 1
                    continue
                }
                let root = try MerkleTree.hash(0, size, subtree: perfect)
                let body = Checkpoint.body(origin: auditOrigin, size: size, root: root)
                if !note.hasPrefix(body) || !Checkpoint.verify(note, name: auditOrigin, publicKey: publicKey) {
                    problems.append("checkpoint of size \(size) does not match the recomputed tree")
                    if firstBad == nil {
                        // The change lies in the entries this checkpoint covers that the previous one did not.
                        firstBad = size
                    }
                }
            }
            let root = try MerkleTree.hash(0, leaves.count, subtree: perfect)
            return AuditVerification(ok: problems.isEmpty, entries: leaves.count, root: Data(root).base64EncodedString(),
                                     checkpoints: checked, firstBadEntry: firstBad, problems: problems)
        }
        _ = try? audited({ _ in AuditEvent(nil, .integrityCheck) }) { _ in () }
        return result
    }

    /// Whether the principal is the console or a token whose role `audits`: the audit log, its checkpoints and
    /// proofs are the auditors'. A read only; `requireAuditor` refuses the others and logs it.
    public func audits(_ principal: Principal) throws(VaultError) -> Bool {
        let (_, ruleSet) = try checkedRuleSet()
        return principal.isConsole || ruleSet.roles[principal.role]?.audits == true
    }

    /// Refuses, and logs the refusal, unless the principal `audits`.
    public func requireAuditor(_ principal: Principal) throws(VaultError) {
        if try !audits(principal) {
            throw auditedDenial(principal, .auditRead, error: VaultError(
                .forbidden, "forbidden: role '\(principal.role)' does not audit (policy: audits)"))
        }
    }

    /// The audit log for an auditor (a token whose role `audits`) or the console; the read is logged itself.
    public func auditLog(_ principal: Principal, since: Int = 1) throws(VaultError) -> [AuditEntry] {
        try requireAuditor(principal)
        return try audited({ (entries: [AuditEntry]) in
            var event = AuditEvent(principal, .auditRead)
            event.detail = "\(entries.count) entries from \(since)"
            return event
        }) { db in
            let sealing = try vaultKey(db, .auditData)
            return try Row.fetchAll(db, sql: "SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq", arguments: [since]).map { row in
                let seq: Int = row["seq"]
                var purpose: String?
                if let sealed = row["purpose"] as Data? {
                    let opened = try Sodium.open([UInt8](sealed), key: sealing, associatedData: purposePlace(seq).bytes)
                    purpose = String(decoding: opened, as: UTF8.self)
                }
                let labels: String = row["labels"]
                let reasons: String = row["reasons"]
                return AuditEntry(
                    seq: seq, time: TokenClaims.timestamp(Date(timeIntervalSince1970: TimeInterval(row["time"] as Int))),
                    actor: row["actor"], role: row["role"], action: row["action"], subject: row["subject"],
                    labels: labels.isEmpty ? [] : labels.split(separator: ",").map(String.init), purpose: purpose,
                    decision: row["decision"], reasons: reasons.isEmpty ? [] : reasons.split(separator: "\n").map(String.init),
                    ruleSet: row["rule_set"], detail: row["detail"])
            }
        }
    }

    /// For a right-of-access request: the subject behind a pseudonym, and every entry about it. Logged.
    public func resolvePseudonym(_ wanted: String, reason: String) throws(VaultError) -> (subjectID: String, entries: [Int]) {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw VaultError(.invalidInput, "--reason must say why the pseudonym is resolved")
        }
        return try audited({ (result: (subjectID: String, entries: [Int])) in
            var event = AuditEvent(nil, .pseudonymResolved, subjectID: result.subjectID)
            event.purpose = reason
            return event
        }) { db in
            for id in try String.fetchAll(db, sql: "SELECT id FROM subjects") where try pseudonym(db, id) == wanted {
                let entries = try Int.fetchAll(db, sql: "SELECT seq FROM audit_log WHERE subject = ? ORDER BY seq", arguments: [wanted])
                return (id, entries)
            }
            throw VaultError(.notFound, "pseudonym \(wanted): no current subject has it (erased, or from another vault)")
        }
    }
}
