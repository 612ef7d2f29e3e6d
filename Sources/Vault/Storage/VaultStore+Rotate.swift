import Foundation
internal import GRDB

extension VaultStore {
    /// Re-wraps every subject's data key, and recomputes the blind indexes, under a new root key, in one
    /// transaction: the cost grows with the number of subjects, not records. Records are not touched.
    ///
    /// - Parameters:
    ///   - newKey: a key file to create, or a passphrase variable.
    ///   - passwordCost: the Argon2id cost for a new passphrase.
    ///   - environment: where the passphrase variable is read.
    /// - Returns: the number of subjects re-wrapped.
    public func rotateKey(to newKey: RootKeySource, passwordCost: PasswordCost = .moderate,
                          environment: [String: String]) throws(VaultError) -> Int
    {
        let (root, keyMeta) = try newKey.establish(passwordCost: passwordCost, environment: environment)
        var meta = keyMeta
        let newKeys = try crypto { () throws(CryptoError) in try VaultKeys(root: root) }
        meta["key_check"] = try crypto { () throws(CryptoError) in try newKeys.checkValue(vaultID: vaultID) }
        let count: Int = try write { db in
            // Logged first, while the vault-wide keys are still wrapped under the current key.
            var event = AuditEvent(nil, .keyRotated)
            let subjects = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM subjects") ?? 0
            event.detail = "root key rotated (\(String(decoding: meta["key_source"] ?? [], as: UTF8.self))): "
                + "\(subjects) subject keys re-wrapped"
            try appendAudit(db, event)
            for name in VaultKeyName.allCases {
                meta[name.rawValue] = try DataKey.wrap(try vaultKey(db, name), with: newKeys.keyEncryption, vaultID: vaultID,
                                                       subjectID: name.place)
            }
            var count = 0
            for id in try String.fetchAll(db, sql: "SELECT id FROM subjects") {
                let subject = try openSubject(db, id: id)
                let wrapped = try DataKey.wrap(subject.key, with: newKeys.keyEncryption, vaultID: vaultID, subjectID: id)
                let index = try BlindIndex.value(of: subject.identity, key: newKeys.blindIndex, bits: indexBits)
                try db.execute(sql: "UPDATE subject_keys SET wrapped = ? WHERE subject_id = ?", arguments: [Data(wrapped), id])
                try db.execute(sql: "UPDATE blind_indexes SET value = ? WHERE subject_id = ? AND name = 'identity'",
                               arguments: [Data(index), id])
                count += 1
            }
            // Token holders and break-glass reasons are sealed under the key-encryption key itself: sealed again
            // under the new one, or the token register and the break-glass list would no longer open.
            for row in try Row.fetchAll(db, sql: "SELECT id, holder FROM tokens") {
                let id: String = row["id"]
                let resealed = try reseal(row["holder"], at: holderPlace(id), to: newKeys,
                                          naming: IntegrityFailure(item: "token-holder", id: id, kind: nil))
                try db.execute(sql: "UPDATE tokens SET holder = ? WHERE id = ?", arguments: [Data(resealed), id])
            }
            // By its primary key: `SELECT rowid` names its column `id` here (an alias of the rowid), so
            // `row["rowid"]` was nil and the update below matched nothing.
            for row in try Row.fetchAll(db, sql: "SELECT id, token_id, subject_id, reason FROM break_glass") {
                let place = breakGlassPlace(subjectID: row["subject_id"], token: row["token_id"])
                let resealed = try reseal(row["reason"], at: place, to: newKeys,
                                          naming: IntegrityFailure(item: "break-glass", id: row["token_id"], kind: nil))
                let id: Int64 = row["id"]
                try db.execute(sql: "UPDATE break_glass SET reason = ? WHERE id = ?", arguments: [Data(resealed), id])
                guard db.changesCount == 1 else { throw VaultError(.storage, "break-glass opening \(id) was not re-sealed") }
            }
            try db.execute(sql: "DELETE FROM vault_meta WHERE name IN ('pwhash_salt', 'pwhash_opslimit', 'pwhash_memlimit')")
            for (name, value) in meta {
                try db.execute(sql: "INSERT OR REPLACE INTO vault_meta (name, value) VALUES (?, ?)", arguments: [name, Data(value)])
            }
            return count
        }
        try checkpoint(after: "the root key is rotated (\(count) subject keys re-wrapped)")
        return count
    }

    /// An item sealed under the current key-encryption key, sealed again under `newKeys`' (its plaintext zeroed).
    private func reseal(_ sealed: Data, at place: AssociatedData, to newKeys: VaultKeys, naming item: IntegrityFailure) throws -> [UInt8] {
        var plaintext: [UInt8]
        do {
            plaintext = try Sodium.open([UInt8](sealed), key: keys.keyEncryption, associatedData: place.bytes)
        } catch {
            throw VaultError(item)
        }
        defer { plaintext.withUnsafeMutableBytes { Sodium.zero($0) } }
        return try Sodium.seal(plaintext, key: newKeys.keyEncryption, associatedData: place.bytes)
    }
}
