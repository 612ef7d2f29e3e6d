import Foundation
internal import GRDB
import Synchronization

extension VaultStore {
    /// The checkpoint origin and signed-note key name of this vault.
    public var auditOrigin: String { "vigie.local/\(vaultID)" }

    /// The Ed25519 key pair that signs checkpoints, derived from the audit seed once per open vault (every
    /// append signs one; the seed stays in memory as long anyway).
    func auditKeys(_ db: Database) throws -> (publicKey: [UInt8], secretKey: SecretKey) {
        if let cached = auditKeyCache.withLock({ $0 }) { return cached }
        let pair = try Sodium.signingKeyPair(seed: try vaultKey(db, .auditSeed))
        // A seed this transaction created is not kept before it is committed, as `vaultKey` keeps only stored keys.
        if vaultKeyCache.withLock({ $0[.auditSeed] }) != nil { auditKeyCache.withLock { $0 = pair } }
        return pair
    }

    /// The subject's audit pseudonym: keyed BLAKE2b of its random identifier, never of its identity.
    func pseudonym(_ db: Database, _ subjectID: String) throws -> String {
        try Sodium.keyedHash(Array("vigie-pseudonym-v1|\(subjectID)".utf8), key: try vaultKey(db, .auditPseudonym), length: 16)
            .map { String(format: "%02x", $0) }.joined()
    }

    /// The associated data of entry `seq`'s sealed purpose, for sealing it and opening it.
    func purposePlace(_ seq: Int) -> AssociatedData {
        AssociatedData(vaultID: vaultID, subjectID: "#audit", itemID: String(seq), kind: "#purpose")
    }

    /// Appends one entry in the caller's transaction, with its Merkle leaf and the subtrees it completes, then
    /// signs a checkpoint of the new tree. If any of it fails, the caller's transaction — the operation — fails.
    func appendAudit(_ db: Database, _ event: AuditEvent) throws {
        let seq = try auditEntryCount(db) + 1
        let time = Int(Date().timeIntervalSince1970)
        let subject = try event.subjectID.map { try pseudonym(db, $0) } ?? ""
        let ruleSet = try String.fetchOne(db.cachedStatement(sql: "SELECT sha256 FROM rule_sets ORDER BY version DESC LIMIT 1")) ?? ""
        let sealing = try vaultKey(db, .auditData)
        let purpose = try event.purpose.map { try Sodium.seal(Array($0.utf8), key: sealing, associatedData: purposePlace(seq).bytes) }
        let labels = event.labels.sorted().joined(separator: ",")
        let reasons = event.reasons.joined(separator: "\n")
        try db.cachedStatement(sql: """
            INSERT INTO audit_log (seq, time, actor, role, action, subject, labels, purpose, decision, reasons, rule_set, detail)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [seq, time, event.actor, event.role, event.action.rawValue, subject, labels, purpose.map { Data($0) },
                             event.decision, reasons, ruleSet, event.detail])
        let leaf = try MerkleTree.leafHash(AuditEntry.canonical(
            seq: seq, time: time, actor: event.actor, role: event.role, action: event.action.rawValue, subject: subject,
            labels: labels, purpose: purpose, decision: event.decision, reasons: reasons, ruleSet: ruleSet, detail: event.detail))
        var index = seq - 1
        var level = 0
        var hash = leaf
        try db.cachedStatement(sql: "INSERT INTO audit_nodes (level, idx, hash) VALUES (0, ?, ?)").execute(arguments: [index, Data(leaf)])
        while index & 1 == 1 {
            guard let left = try Data.fetchOne(db.cachedStatement(sql: "SELECT hash FROM audit_nodes WHERE level = ? AND idx = ?"),
                                               arguments: [level, index - 1]) else { throw VaultError(.integrity, "audit tree node missing") }
            hash = try MerkleTree.nodeHash([UInt8](left), hash)
            index >>= 1
            level += 1
            try db.cachedStatement(sql: "INSERT INTO audit_nodes (level, idx, hash) VALUES (?, ?, ?)")
                .execute(arguments: [level, index, Data(hash)])
        }
        try signCheckpoint(db, size: seq)
    }

    /// The number of entries: sequence numbers run from 1 without gaps (the Merkle tree needs every one), so the
    /// last is the count.
    func auditEntryCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(seq), 0) FROM audit_log")) ?? 0
    }

    /// Runs an operation and appends its audit entry in the same transaction: no entry, no operation.
    func audited<T>(_ event: (T) -> AuditEvent, _ body: (Database) throws -> T) throws(VaultError) -> T {
        try write { db in
            let result = try body(db)
            try appendAudit(db, event(result))
            return result
        }
    }

    /// Records a refusal in its own transaction, then returns the error to throw.
    func auditedDenial(_ principal: Principal?, _ action: AuditEvent.Action, error: VaultError, subjectID: String? = nil,
                       purpose: String? = nil) -> VaultError
    {
        do {
            try write { db in
                try appendAudit(db, Self.denial(principal, action, error: error, subjectID: subjectID, purpose: purpose))
            }
        } catch {
            return error
        }
        return error
    }

    /// The audit entry of a refusal.
    static func denial(_ principal: Principal?, _ action: AuditEvent.Action, error: VaultError, subjectID: String?,
                       purpose: String?) -> AuditEvent
    {
        var event = AuditEvent(principal, action, subjectID: subjectID)
        event.decision = error.code == .forbidden ? "forbidden" : (error.code == .notPermitted ? "not permitted" : "refused")
        event.reasons = [error.message]
        event.purpose = purpose
        return event
    }

    private func subtree(_ db: Database) -> (Int, Int) throws -> [UInt8] {
        { level, index in
            guard let data = try Data.fetchOne(db.cachedStatement(sql: "SELECT hash FROM audit_nodes WHERE level = ? AND idx = ?"),
                                               arguments: [level, index]) else { throw VaultError(.integrity, "audit tree node missing") }
            return [UInt8](data)
        }
    }

    private func signCheckpoint(_ db: Database, size: Int) throws {
        let root = try MerkleTree.hash(0, size, subtree: subtree(db))
        let (publicKey, secretKey) = try auditKeys(db)
        let note = try Checkpoint.sign(origin: auditOrigin, size: size, root: root, secretKey: secretKey, publicKey: publicKey)
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO audit_checkpoints (size, root, note, created_at) VALUES (?, ?, ?, ?)")
            .execute(arguments: [size, Data(root), note, Int(Date().timeIntervalSince1970)])
    }

    /// The latest signed checkpoint (signing one if the log is empty).
    public func auditCheckpoint() throws(VaultError) -> String {
        // A read, beside other processes' writes; only a vault that never signed one writes its first.
        let latest = "SELECT note FROM audit_checkpoints ORDER BY size DESC LIMIT 1"
        if let note = try read({ db in try String.fetchOne(db, sql: latest) }) { return note }
        return try write { db in
            if let note = try String.fetchOne(db, sql: latest) { return note }
            try signCheckpoint(db, size: 0)
            return try String.fetchOne(db, sql: "SELECT note FROM audit_checkpoints WHERE size = 0") ?? ""
        }
    }

    /// The signed-note verifier key, `<name>+<hex keyhash4>+<base64(0x01 ‖ Ed25519 public key)>`.
    public func auditPublicKey() throws(VaultError) -> String {
        try write { db in try Checkpoint.verifierKey(name: auditOrigin, publicKey: try auditKeys(db).publicKey) }
    }

    /// The number of entries.
    public func auditSize() throws(VaultError) -> Int {
        try read { db in try auditEntryCount(db) }
    }

    /// Inclusion proof of entry `entry` (1-based sequence number) in the tree of `size` entries.
    public func auditInclusionProof(entry: Int, size: Int?) throws(VaultError) -> (leafIndex: Int, treeSize: Int, leafHash: [UInt8], root: [UInt8], proof: [[UInt8]]) {
        try read { db in
            let current = try auditEntryCount(db)
            let treeSize = size ?? current
            guard entry >= 1, entry <= treeSize, treeSize <= current else {
                throw VaultError(.invalidInput, "entry \(entry) is not in a tree of \(treeSize) entries (the log has \(current))")
            }
            let nodes = subtree(db)
            return (entry - 1, treeSize, try nodes(0, entry - 1), try MerkleTree.hash(0, treeSize, subtree: nodes),
                    try MerkleTree.inclusionProof(entry - 1, 0, treeSize, subtree: nodes))
        }
    }

    /// Consistency proof from the tree of `from` entries to the tree of `to` entries.
    public func auditConsistencyProof(from: Int, to: Int) throws(VaultError) -> [[UInt8]] {
        try read { db in
            let current = try auditEntryCount(db)
            guard from >= 1, from <= to, to <= current else {
                throw VaultError(.invalidInput, "need 1 ≤ --from ≤ --to ≤ \(current)")
            }
            return try MerkleTree.consistencyProof(from, to, subtree: subtree(db))
        }
    }
}
