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
        var meta: [String: [UInt8]] = [:]
        let root: SecretKey
        switch newKey {
        case .keyFile(let path):
            root = try RootKeySource.createKeyFile(at: path)
            meta["key_source"] = Array("file".utf8)
        case .passphraseEnvironment:
            var passphrase = try newKey.passphrase(environment: environment)
            defer { passphrase.withUnsafeMutableBytes { Sodium.zero($0) } }
            let salt = try crypto { () throws(CryptoError) in try Sodium.randomBytes(Sodium.passwordSaltBytes) }
            root = try crypto { () throws(CryptoError) in
                try Sodium.passwordKey(passphrase, salt: salt, opsLimit: passwordCost.opsLimit, memLimit: passwordCost.memLimit)
            }
            meta["key_source"] = Array("passphrase".utf8)
            meta["pwhash_salt"] = salt
            meta["pwhash_opslimit"] = Array(String(passwordCost.opsLimit).utf8)
            meta["pwhash_memlimit"] = Array(String(passwordCost.memLimit).utf8)
        }
        let newKeys = try crypto { () throws(CryptoError) in try VaultKeys(root: root) }
        meta["key_check"] = try crypto { () throws(CryptoError) in try newKeys.checkValue(vaultID: vaultID) }
        let count: Int = try write { db in
            let fingerprint = try fingerprintKey(db)
            let rewrapped = try DataKey.wrap(fingerprint, with: newKeys.keyEncryption, vaultID: vaultID, subjectID: "#fingerprint")
            meta["fingerprint_key"] = rewrapped
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
            try db.execute(sql: "DELETE FROM vault_meta WHERE name IN ('pwhash_salt', 'pwhash_opslimit', 'pwhash_memlimit')")
            for (name, value) in meta {
                try db.execute(sql: "INSERT OR REPLACE INTO vault_meta (name, value) VALUES (?, ?)", arguments: [name, Data(value)])
            }
            return count
        }
        try checkpoint()
        return count
    }
}
