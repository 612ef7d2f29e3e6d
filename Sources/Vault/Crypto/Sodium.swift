internal import CSodium

/// The only door to libsodium: every C call of the vault goes through this file.
enum Sodium {
    /// `sodium_init()` runs once; a failure closes every cryptographic operation.
    private static let initialized: Bool = sodium_init() >= 0

    /// Fails closed when libsodium could not initialise.
    static func ensureReady() throws(CryptoError) {
        guard initialized else { throw .unavailable }
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
}

/// A cryptographic operation failed. Deliberately coarse: it says what failed, never why in detail.
public enum CryptoError: Error, Sendable, Hashable {
    /// libsodium could not initialise.
    case unavailable
    /// The operation returned an error.
    case failed
}
