internal import CSodium

/// The only door to libsodium: every C call of the vault goes through this file.
enum Sodium {
    /// `sodium_init()` runs once; a failure closes every cryptographic operation.
    private static let initialized: Bool = sodium_init() >= 0

    /// XChaCha20-Poly1305-IETF: 32-byte key, 24-byte nonce, 16-byte tag.
    static let aeadKeyBytes = Int(crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
    static let aeadNonceBytes = Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
    static let aeadTagBytes = Int(crypto_aead_xchacha20poly1305_ietf_ABYTES)

    /// Fails closed when libsodium could not initialise.
    static func ensureReady() throws(CryptoError) {
        guard initialized else { throw .unavailable }
    }

    /// `count` bytes from the operating system's CSPRNG (`randombytes_buf`).
    static func randomBytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        try ensureReady()
        var bytes = [UInt8](repeating: 0, count: count)
        // SAFETY: the buffer has exactly `count` bytes.
        bytes.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { randombytes_buf(base, buffer.count) }
        }
        return bytes
    }

    /// SHA-256 (`crypto_hash_sha256`) of a byte string: 32 bytes.
    static func sha256(_ message: [UInt8]) throws(CryptoError) -> [UInt8] {
        try ensureReady()
        var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
        // SAFETY: `digest` has crypto_hash_sha256_BYTES bytes; `message` is read for its own count only.
        let status = digest.withUnsafeMutableBufferPointer { out -> Int32 in
            message.withUnsafeBufferPointer { input -> Int32 in
                guard let output = out.baseAddress else { return -1 }
                return crypto_hash_sha256(output, input.baseAddress, UInt64(input.count))
            }
        }
        guard status == 0 else { throw .failed }
        return digest
    }

    /// Keyed BLAKE2b (`crypto_generichash`) with a 32-byte key; `length` from 16 to 64 bytes.
    static func keyedHash(_ message: [UInt8], key: SecretKey, length: Int) throws(CryptoError) -> [UInt8] {
        try ensureReady()
        var out = [UInt8](repeating: 0, count: length)
        // SAFETY: `out` has `length` bytes, the key its own count; the message is read for its count.
        let status = out.withUnsafeMutableBufferPointer { output -> Int32 in
            message.withUnsafeBufferPointer { input -> Int32 in
                key.withUnsafeBytes { keyBytes -> Int32 in
                    guard let outBase = output.baseAddress else { return -1 }
                    return crypto_generichash(outBase, length, input.baseAddress, UInt64(input.count),
                                              keyBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), keyBytes.count)
                }
            }
        }
        guard status == 0 else { throw .failed }
        return out
    }

    /// `crypto_kdf_derive_from_key`: a 32-byte sub-key number `id` of `master` under an 8-byte context.
    static func deriveKey(from master: SecretKey, id: UInt64, context: StaticString) throws(CryptoError) -> SecretKey {
        try ensureReady()
        guard context.utf8CodeUnitCount == Int(crypto_kdf_CONTEXTBYTES) else { throw .invalidKeyLength }
        return try SecretKey.filled(count: 32) { (subkey: UnsafeMutableRawBufferPointer) -> Bool in
            // SAFETY: the sub-key buffer has 32 bytes; the context has exactly 8 bytes (checked above).
            master.withUnsafeBytes { masterBytes in
                guard let out = subkey.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    let key = masterBytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
                else { return false }
                return context.description.withCString { ctx in
                    crypto_kdf_derive_from_key(out, 32, id, ctx, key) == 0
                }
            }
        }
    }

    /// XChaCha20-Poly1305-IETF encryption with a random nonce: returns `nonce ‖ ciphertext ‖ tag`, written in
    /// place (one buffer: the nonce drawn into its head, the ciphertext and tag after it).
    static func seal(_ plaintext: [UInt8], key: SecretKey, associatedData: [UInt8]) throws(CryptoError) -> [UInt8] {
        try ensureReady()
        var box = [UInt8](repeating: 0, count: aeadNonceBytes + plaintext.count + aeadTagBytes)
        var written: UInt64 = 0
        // SAFETY: `box` holds the nonce, then room for the ciphertext and the tag; key and data are read for their
        // counts.
        let status = box.withUnsafeMutableBufferPointer { out -> Int32 in
            key.withUnsafeBytes { keyBytes -> Int32 in
                guard let nonce = out.baseAddress, let keyBase = keyBytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
                else { return -1 }
                randombytes_buf(nonce, aeadNonceBytes)
                return crypto_aead_xchacha20poly1305_ietf_encrypt(
                    nonce + aeadNonceBytes, &written, plaintext, UInt64(plaintext.count), associatedData,
                    UInt64(associatedData.count), nil, nonce, keyBase)
            }
        }
        guard status == 0, Int(written) == plaintext.count + aeadTagBytes else { throw .failed }
        return box
    }

    /// Opens `nonce ‖ ciphertext ‖ tag` where it lies; fails with `.authenticationFailed` on any change of key,
    /// data or bytes.
    static func open(_ sealed: [UInt8], key: SecretKey, associatedData: [UInt8]) throws(CryptoError) -> [UInt8] {
        try ensureReady()
        guard sealed.count >= aeadNonceBytes + aeadTagBytes else { throw .authenticationFailed }
        let ciphertextCount = sealed.count - aeadNonceBytes
        var plaintext = [UInt8](repeating: 0, count: ciphertextCount - aeadTagBytes)
        var written: UInt64 = 0
        // SAFETY: `plaintext` has room for the ciphertext less its tag; `sealed` is at least a nonce and a tag long
        // (checked above) and is read for its count only.
        let status = plaintext.withUnsafeMutableBufferPointer { out -> Int32 in
            sealed.withUnsafeBufferPointer { input -> Int32 in
                key.withUnsafeBytes { keyBytes -> Int32 in
                    guard let nonce = input.baseAddress, let keyBase = keyBytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
                    else { return -1 }
                    return crypto_aead_xchacha20poly1305_ietf_decrypt(
                        out.baseAddress, &written, nil, nonce + aeadNonceBytes, UInt64(ciphertextCount), associatedData,
                        UInt64(associatedData.count), nonce, keyBase)
                }
            }
        }
        guard status == 0 else { throw .authenticationFailed }
        return plaintext
    }

    /// Argon2id (`crypto_pwhash`, ALG_ARGON2ID13): a 32-byte key from a passphrase and a 16-byte salt.
    static func passwordKey(_ passphrase: [UInt8], salt: [UInt8], opsLimit: UInt64, memLimit: Int) throws(CryptoError) -> SecretKey {
        try ensureReady()
        guard salt.count == Int(crypto_pwhash_SALTBYTES) else { throw .invalidKeyLength }
        return try SecretKey.filled(count: 32) { (out: UnsafeMutableRawBufferPointer) -> Bool in
            // SAFETY: the key buffer has 32 bytes; the passphrase and salt are read for their counts.
            passphrase.withUnsafeBufferPointer { input in
                input.withMemoryRebound(to: CChar.self) { chars in
                    guard let base = out.baseAddress?.assumingMemoryBound(to: UInt8.self),
                        let password = chars.baseAddress
                    else { return false }
                    return crypto_pwhash(base, 32, password, UInt64(chars.count), salt, opsLimit, memLimit,
                                         crypto_pwhash_ALG_ARGON2ID13) == 0
                }
            }
        }
    }

    /// Argon2id limits recorded with a passphrase vault (libsodium's MODERATE, unless tests ask for less).
    static let passwordOpsLimit = UInt64(crypto_pwhash_OPSLIMIT_MODERATE)
    static let passwordMemLimit = Int(crypto_pwhash_MEMLIMIT_MODERATE)
    static let passwordSaltBytes = Int(crypto_pwhash_SALTBYTES)
    static let passwordMinOpsLimit = UInt64(crypto_pwhash_OPSLIMIT_MIN)
    static let passwordMinMemLimit = Int(crypto_pwhash_MEMLIMIT_MIN)

    /// Ed25519 (`crypto_sign_seed_keypair`): the 32-byte public key and 64-byte secret key of a 32-byte seed.
    static func signingKeyPair(seed: SecretKey) throws(CryptoError) -> (publicKey: [UInt8], secretKey: SecretKey) {
        try ensureReady()
        var publicKey = [UInt8](repeating: 0, count: Int(crypto_sign_PUBLICKEYBYTES))
        let secretKey = try SecretKey.filled(count: Int(crypto_sign_SECRETKEYBYTES)) { secret in
            // SAFETY: the buffers have crypto_sign_PUBLICKEYBYTES and crypto_sign_SECRETKEYBYTES bytes; the seed 32.
            seed.withUnsafeBytes { seedBytes in
                guard let out = secret.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    let seedBase = seedBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), seedBytes.count == 32
                else { return false }
                return crypto_sign_seed_keypair(&publicKey, out, seedBase) == 0
            }
        }
        return (publicKey, secretKey)
    }

    /// Ed25519 detached signature (`crypto_sign_detached`): 64 bytes.
    static func sign(_ message: [UInt8], secretKey: SecretKey) throws(CryptoError) -> [UInt8] {
        try ensureReady()
        var signature = [UInt8](repeating: 0, count: Int(crypto_sign_BYTES))
        // SAFETY: the signature buffer has crypto_sign_BYTES bytes; the message is read for its count.
        let status = secretKey.withUnsafeBytes { key -> Int32 in
            guard let keyBase = key.baseAddress?.assumingMemoryBound(to: UInt8.self), key.count == Int(crypto_sign_SECRETKEYBYTES)
            else { return -1 }
            return crypto_sign_detached(&signature, nil, message, UInt64(message.count), keyBase)
        }
        guard status == 0 else { throw .failed }
        return signature
    }

    /// Verifies an Ed25519 detached signature (`crypto_sign_verify_detached`).
    static func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard initialized, signature.count == Int(crypto_sign_BYTES), publicKey.count == Int(crypto_sign_PUBLICKEYBYTES)
        else { return false }
        return crypto_sign_verify_detached(signature, message, UInt64(message.count), publicKey) == 0
    }

    /// The length of `count` bytes in padded base64, with the NUL that `base64` writes last.
    static func base64Length(_ count: Int) -> Int {
        sodium_base64_encoded_len(count, Int32(sodium_base64_VARIANT_ORIGINAL))
    }

    /// Writes `bytes` in padded base64 into `out` (`base64Length(bytes.count)` bytes, NUL last), with no other copy.
    static func base64(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        guard let target = out.baseAddress else { return }
        precondition(out.count >= base64Length(bytes.count), "the base64 buffer is too short")
        _ = sodium_bin2base64(target.assumingMemoryBound(to: CChar.self), out.count,
                              bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count,
                              Int32(sodium_base64_VARIANT_ORIGINAL))
    }

    /// Decodes padded base64 straight into `out`; true only if the whole text decoded to exactly `out.count` bytes.
    static func fromBase64(_ text: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Bool {
        guard let source = text.baseAddress, let target = out.baseAddress else { return false }
        var length = 0
        var end: UnsafePointer<CChar>?
        let base = source.assumingMemoryBound(to: CChar.self)
        let status = sodium_base642bin(target.assumingMemoryBound(to: UInt8.self), out.count, base, text.count, nil,
                                       &length, &end, Int32(sodium_base64_VARIANT_ORIGINAL))
        return status == 0 && length == out.count && end == base + text.count
    }

    /// Zeroes memory (`sodium_memzero`), which the compiler may not optimise away.
    static func zero(_ buffer: UnsafeMutableRawBufferPointer) {
        if let base = buffer.baseAddress { sodium_memzero(base, buffer.count) }
    }

    /// Keeps memory out of swap where the system allows it (`sodium_mlock`); best effort.
    static func lock(_ buffer: UnsafeMutableRawBufferPointer) {
        if let base = buffer.baseAddress { _ = sodium_mlock(base, buffer.count) }
    }

    /// Undoes `lock` and zeroes the memory (`sodium_munlock`).
    static func unlock(_ buffer: UnsafeMutableRawBufferPointer) {
        if let base = buffer.baseAddress { _ = sodium_munlock(base, buffer.count) }
    }

    /// Constant-time equality (`sodium_memcmp`).
    static func constantTimeEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count, let x = a.baseAddress, let y = b.baseAddress else { return a.count == b.count && a.count == 0 }
        return sodium_memcmp(x, y, a.count) == 0
    }
}

/// A cryptographic operation failed. Deliberately coarse: it says what failed, never why in detail.
public enum CryptoError: Error, Sendable, Hashable {
    /// libsodium could not initialise.
    case unavailable
    /// A key or salt has the wrong length.
    case invalidKeyLength
    /// A sealed item does not open: wrong key, changed bytes, or moved to another place (associated data).
    case authenticationFailed
    /// The operation returned an error.
    case failed
}
