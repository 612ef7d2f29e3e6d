import Foundation
internal import GRDB
import RulesEngine
import Synchronization

/// A subject opened with its data key: identity fields in memory only.
struct OpenSubject {
    let id: String
    let key: SecretKey
    var identity: [String: String]
}

extension VaultStore {
    /// The record-fingerprint key.
    func fingerprintKey(_ db: Database) throws -> SecretKey { try vaultKey(db, .fingerprint) }

    /// A vault-wide key that must outlive root-key rotations: random, wrapped under the key-encryption key in
    /// `vault_meta` (rotation re-wraps it), created on first use.
    /// Keys read from the database are kept in memory (their values never change; rotation only re-wraps them); a
    /// key created here is not, since the transaction that stores it may still roll back.
    func vaultKey(_ db: Database, _ name: VaultKeyName) throws -> SecretKey {
        if let cached = vaultKeyCache.withLock({ $0[name] }) { return cached }
        if let data = try Data.fetchOne(db.cachedStatement(sql: "SELECT value FROM vault_meta WHERE name = ?"), arguments: [name.rawValue]) {
            let key = try DataKey.unwrap([UInt8](data), with: keys.keyEncryption, vaultID: vaultID, subjectID: name.place)
            vaultKeyCache.withLock { $0[name] = key }
            return key
        }
        let key = try SecretKey.random()
        let wrapped = try DataKey.wrap(key, with: keys.keyEncryption, vaultID: vaultID, subjectID: name.place)
        try db.execute(sql: "INSERT INTO vault_meta (name, value) VALUES (?, ?)", arguments: [name.rawValue, Data(wrapped)])
        return key
    }

    /// Opens a subject's data key and identity; a failure names the subject and never the data.
    func openSubject(_ db: Database, id: String) throws -> OpenSubject {
        let row = try sealedSubject(db, id: id)
        return try openSubject(id: id, wrapped: row[0], identity: row[1])
    }

    /// `openSubject(_:id:)`, the identity typed by the subject's shape.
    func openTypedSubject(_ db: Database, id: String, reader: TypedFieldReader) throws -> (key: SecretKey, fields: FieldValues) {
        let row = try sealedSubject(db, id: id)
        return try openTypedSubject(id: id, wrapped: row[0], identity: row[1], reader: reader)
    }

    /// A subject's wrapped data key and sealed identity, as stored; `.notFound` if it does not exist.
    private func sealedSubject(_ db: Database, id: String) throws -> Row {
        let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT k.wrapped, s.identity FROM subject_keys k JOIN subjects s ON s.id = k.subject_id WHERE k.subject_id = ?
            """), arguments: [id])
        guard let row else { throw VaultError(.notFound, "subject \(id): not found") }
        return row
    }

    /// A subject's data key from its wrapped form, as stored (alone, for reading alerts without the identity).
    func unwrapKey(id: String, wrapped: Data) throws(VaultError) -> SecretKey {
        do {
            return try DataKey.unwrap([UInt8](wrapped), with: keys.keyEncryption, vaultID: vaultID, subjectID: id)
        } catch {
            throw VaultError(.integrity, "subject \(id): its data key does not open (integrity failure)")
        }
    }

    /// The data key of `id`, from `keys` (keys already opened in this operation) or unwrapped from `wrapped` (a
    /// column read beside the row, `nil` when the subject has no key row) and remembered there.
    func dataKey(_ id: String, wrapped: Data?, keys: inout [String: SecretKey]) throws(VaultError) -> SecretKey {
        if let known = keys[id] { return known }
        guard let wrapped else { throw VaultError(.notFound, "subject \(id): not found") }
        let key = try unwrapKey(id: id, wrapped: wrapped)
        keys[id] = key
        return key
    }

    /// Opens a subject from its wrapped data key and sealed identity, as stored.
    func openSubject(id: String, wrapped: Data, identity sealed: Data) throws(VaultError) -> OpenSubject {
        let (key, identity) = try openIdentity(id: id, wrapped: wrapped, sealed: sealed) { sealed, key, place throws(CryptoError) in
            try SealedFields.open(sealed, key: key, at: place)
        }
        return OpenSubject(id: id, key: key, identity: identity)
    }

    /// Opens a subject's data key and its identity typed by the subject's shape (what an evaluation reads).
    func openTypedSubject(id: String, wrapped: Data, identity sealed: Data,
                          reader: TypedFieldReader) throws(VaultError) -> (key: SecretKey, fields: FieldValues) {
        try openIdentity(id: id, wrapped: wrapped, sealed: sealed) { sealed, key, place throws(CryptoError) in
            try SealedFields.open(sealed, key: key, at: place, typedBy: reader)
        }
    }

    /// Unwraps a subject's data key and opens its sealed identity with `open`; an identity that does not open is
    /// an integrity failure naming the subject.
    private func openIdentity<T>(id: String, wrapped: Data, sealed: Data,
                                 _ open: ([UInt8], SecretKey, AssociatedData) throws(CryptoError) -> T)
        throws(VaultError) -> (SecretKey, T)
    {
        let key = try unwrapKey(id: id, wrapped: wrapped)
        do {
            return (key, try open([UInt8](sealed), key, .identity(vaultID: vaultID, subjectID: id)))
        } catch {
            throw VaultError(.integrity, "subject \(id): its sealed identity does not open (integrity failure)")
        }
    }

    /// The subjects whose blind index matches, opened and compared on their full identity.
    func matchSubject(_ db: Database, identity: [String: String], index: [UInt8]) throws -> OpenSubject? {
        try matchSubject(db, identity: identity, index: index, skipping: []) { _ in }
    }

    /// `matchSubject`, for an import that remembers the subjects it opened: candidates in `known` are not opened
    /// again (the caller already knows their identity), and every candidate opened is handed to `opened`. With
    /// truncated indexes a lookup meets a few other subjects each time; this way each is decrypted once per file.
    func matchSubject(_ db: Database, identity: [String: String], index: [UInt8], skipping known: Set<String>,
                      opened: (OpenSubject) -> Void) throws -> OpenSubject? {
        let candidates = try String.fetchAll(
            db.cachedStatement(sql: "SELECT subject_id FROM blind_indexes WHERE name = 'identity' AND value = ?"),
            arguments: [Data(index)])
        for id in candidates where !known.contains(id) {
            let subject = try openSubject(db, id: id)
            opened(subject)
            if BlindIndex.sameIdentity(subject.identity, identity) { return subject }
        }
        return nil
    }

    /// Creates a subject with a fresh data key.
    func createSubject(_ db: Database, identity: [String: String], index: [UInt8], now: Int) throws -> OpenSubject {
        let id = try RandomID.make()
        let key = try SecretKey.random()
        let wrapped = try DataKey.wrap(key, with: keys.keyEncryption, vaultID: vaultID, subjectID: id)
        let sealed = try SealedFields.seal(identity, key: key, at: .identity(vaultID: vaultID, subjectID: id))
        try db.cachedStatement(sql: "INSERT INTO subjects (id, created_at, identity) VALUES (?, ?, ?)")
            .execute(arguments: [id, now, Data(sealed)])
        try db.cachedStatement(sql: "INSERT INTO subject_keys (subject_id, wrapped) VALUES (?, ?)")
            .execute(arguments: [id, Data(wrapped)])
        try db.cachedStatement(sql: "INSERT INTO blind_indexes (subject_id, name, value) VALUES (?, 'identity', ?)")
            .execute(arguments: [id, Data(index)])
        return OpenSubject(id: id, key: key, identity: identity)
    }

    /// Reseals a subject's identity after its non-identifying fields changed.
    func updateIdentity(_ db: Database, _ subject: OpenSubject) throws {
        let sealed = try SealedFields.seal(subject.identity, key: subject.key, at: .identity(vaultID: vaultID, subjectID: subject.id))
        try db.cachedStatement(sql: "UPDATE subjects SET identity = ? WHERE id = ?").execute(arguments: [Data(sealed), subject.id])
    }

    /// Finds subjects by identity (blind index, then decrypted comparison): their random identifiers.
    public func findSubjects(identity: [String: String]) throws(VaultError) -> [String] {
        let index = try crypto { () throws(CryptoError) in try BlindIndex.value(of: identity, key: keys.blindIndex, bits: indexBits) }
        return try read { db in try matchSubject(db, identity: identity, index: index).map { [$0.id] } ?? [] }
    }

    /// Crypto-shreds a subject: its wrapped data key is destroyed first, then its identity, indexes, records and
    /// break-glass openings (alerts and the touched mark go by cascade), in one transaction; the write-ahead log is then checkpointed so no copy stays in it.
    ///
    /// - Returns: the number of records destroyed.
    public func erase(subjectID: String, reason: String) throws(VaultError) -> Int {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw VaultError(.invalidInput, "--reason must say why the subject is erased")
        }
        let count: Int = try audited({ (records: Int) in
            var event = AuditEvent(nil, .erasure, subjectID: subjectID)
            event.purpose = reason
            event.detail = "crypto-shredded: data key and \(records) records destroyed"
            return event
        }) { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM subjects WHERE id = ?", arguments: [subjectID]) == 1 else {
                throw VaultError(.notFound, "subject \(subjectID): not found")
            }
            return try destroySubject(db, subjectID)
        }
        try checkpoint(after: "subject \(subjectID) is erased")
        return count
    }

    /// How many records a subject has.
    func recordCount(_ db: Database, _ subjectID: String) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM records WHERE subject_id = ?"), arguments: [subjectID]) ?? 0
    }

    /// Destroys a subject in the caller's transaction, its wrapped data key first, then its identity, indexes,
    /// records and break-glass openings (alerts and the touched mark go by cascade), and counts the erasure;
    /// returns the number of records destroyed.
    func destroySubject(_ db: Database, _ subjectID: String) throws -> Int {
        let records = try recordCount(db, subjectID)
        try db.execute(sql: "DELETE FROM subject_keys WHERE subject_id = ?", arguments: [subjectID])
        try db.execute(sql: "DELETE FROM records WHERE subject_id = ?", arguments: [subjectID])
        try db.execute(sql: "DELETE FROM blind_indexes WHERE subject_id = ?", arguments: [subjectID])
        // Break-glass openings name the subject and keep their sealed reason: they go with it (the audit log
        // keeps each use, under the subject's pseudonym).
        try db.execute(sql: "DELETE FROM break_glass WHERE subject_id = ?", arguments: [subjectID])
        try db.execute(sql: "DELETE FROM subjects WHERE id = ?", arguments: [subjectID])
        try db.execute(sql: "INSERT INTO erasures (erased_at, subjects, records) VALUES (?, 1, ?)",
                       arguments: [Int(Date().timeIntervalSince1970), records])
        return records
    }

    /// Moves the write-ahead log into the database and truncates it, so that no destroyed page stays in it. It waits
    /// (up to the busy timeout) for other connections still reading older pages, such as `serve`'s; if they do not
    /// finish, the log keeps those pages, and the error (`logNotTruncated`) says so: `done` is what was committed
    /// before (the erasure stands).
    func checkpoint(after done: String) throws(VaultError) {
        do {
            _ = try writer.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            throw VaultError(.logNotTruncated, "\(done), but another process (is `rulesctl serve` running?) kept reading the vault: "
                + "pages holding what was destroyed or replaced stay in its write-ahead log until that process stops or "
                + "the next `purge` truncates it")
        } catch {
            throw VaultError(.storage, "\(done), but the vault database could not be checkpointed: pages holding what "
                + "was destroyed or replaced may stay in its write-ahead log")
        }
    }
}

/// The vault-wide keys wrapped in `vault_meta`, stable across root-key rotations.
enum VaultKeyName: String, CaseIterable {
    /// Record fingerprints (duplicate detection).
    case fingerprint = "fingerprint_key"
    /// Seed of the Ed25519 key that signs audit checkpoints: auditors keep its public key for good.
    case auditSeed = "audit_seed"
    /// Audit pseudonyms: the same subject keeps its pseudonym across rotations.
    case auditPseudonym = "audit_pseudonym_key"
    /// Seals the free text of audit entries.
    case auditData = "audit_data_key"

    /// The associated data's subject field for the wrapped key.
    var place: String { self == .fingerprint ? "#fingerprint" : "#" + rawValue }
}
