/// The sub-keys derived from the root key with `crypto_kdf` (context `VigieKey`), one per job. Sub-key numbers
/// never change meaning.
struct VaultKeys: Sendable {
    /// Wraps the per-subject data keys (XChaCha20-Poly1305).
    let keyEncryption: SecretKey
    /// Keys the blind indexes (BLAKE2b).
    let blindIndex: SecretKey
    /// Seeds the Ed25519 token signing key.
    let tokenSeed: SecretKey
    /// Keys the check value that tells a wrong root key from a right one.
    let check: SecretKey

    init(root: SecretKey) throws(CryptoError) {
        keyEncryption = try Sodium.deriveKey(from: root, id: 1, context: "VigieKey")
        blindIndex = try Sodium.deriveKey(from: root, id: 2, context: "VigieKey")
        tokenSeed = try Sodium.deriveKey(from: root, id: 4, context: "VigieKey")
        // Sub-key 6 is reserved: record fingerprints use a random key wrapped in the vault, so that rotating the
        // root key does not have to reopen every record.
        check = try Sodium.deriveKey(from: root, id: 7, context: "VigieKey")
        // Sub-keys 3, 5 and 8 (audit pseudonyms, audit signing, audit sealing) are reserved: those keys are random
        // and wrapped in the vault (VaultKeyName), so that pseudonyms, checkpoints and sealed audit text survive a
        // rotation of the root key.
    }

    /// A value stored in the vault that only the right root key reproduces: BLAKE2b(check key, vault id).
    func checkValue(vaultID: String) throws(CryptoError) -> [UInt8] {
        try Sodium.keyedHash(Array("vigie-key-check-v1|\(vaultID)".utf8), key: check, length: 32)
    }
}
