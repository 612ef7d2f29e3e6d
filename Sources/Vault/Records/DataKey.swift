/// A subject's random data key, and its wrapping under the vault's key-encryption key. Destroying the wrapped
/// key is crypto-shredding: every record, alert and identity of the subject becomes unreadable.
enum DataKey {
    /// Wraps a data key (XChaCha20-Poly1305 under the key-encryption key, bound to the subject).
    static func wrap(_ key: SecretKey, with kek: SecretKey, vaultID: String, subjectID: String) throws(CryptoError) -> [UInt8] {
        var bytes = key.copyBytes()
        defer { bytes.withUnsafeMutableBytes { Sodium.zero($0) } }
        return try Sodium.seal(bytes, key: kek, associatedData: AssociatedData.dataKey(vaultID: vaultID, subjectID: subjectID).bytes)
    }

    /// Unwraps a data key; `.authenticationFailed` under another key-encryption key or for another subject.
    static func unwrap(_ wrapped: [UInt8], with kek: SecretKey, vaultID: String, subjectID: String) throws(CryptoError) -> SecretKey {
        var bytes = try Sodium.open(wrapped, key: kek, associatedData: AssociatedData.dataKey(vaultID: vaultID, subjectID: subjectID).bytes)
        defer { bytes.withUnsafeMutableBytes { Sodium.zero($0) } }
        return try SecretKey.copying(bytes)
    }
}
