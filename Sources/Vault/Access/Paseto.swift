import Foundation

/// PASETO v4.public: Ed25519 over PAE(header, payload, footer, implicit assertion), per the PASETO
/// specification. Only `v4.public` is accepted; anything else is refused before any cryptography.
enum Paseto {
    static let header = "v4.public."

    /// Pre-authentication encoding: the count then each piece, each as a little-endian 64-bit length (top bit
    /// clear) followed by the bytes.
    static func pae(_ pieces: [[UInt8]]) -> [UInt8] {
        var out = le64(pieces.count)
        for piece in pieces { out += le64(piece.count) + piece }
        return out
    }

    private static func le64(_ value: Int) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: (UInt64(value) & 0x7FFF_FFFF_FFFF_FFFF) >> (8 * UInt64($0))) }
    }

    /// Signs a payload: `v4.public.` base64url(payload ‖ signature) [`.` base64url(footer)].
    static func sign(_ payload: [UInt8], secretKey: SecretKey, footer: [UInt8] = [],
                     implicit: [UInt8] = []) throws(CryptoError) -> String
    {
        let signature = try Sodium.sign(pae([Array(header.utf8), payload, footer, implicit]), secretKey: secretKey)
        var token = header + Base64URL.encode(payload + signature)
        if !footer.isEmpty { token += "." + Base64URL.encode(footer) }
        return token
    }

    /// Verifies a token and returns its payload and footer, or `nil` for a wrong header, a malformed encoding,
    /// or a signature that does not verify under `publicKey` with this implicit assertion.
    static func verify(_ token: String, publicKey: [UInt8], implicit: [UInt8] = []) -> (payload: [UInt8], footer: [UInt8])? {
        // A trailing dot would give the same token a second accepted spelling (an empty footer).
        guard token.hasPrefix(header), !token.hasSuffix(".") else { return nil }
        let parts = token.dropFirst(header.count).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2, let body = Base64URL.decode(parts[0]), body.count > 64 || body.count == 64
        else { return nil }
        var footer: [UInt8] = []
        if parts.count == 2 {
            guard let decoded = Base64URL.decode(parts[1]) else { return nil }
            footer = decoded
        }
        let payload = Array(body.dropLast(64))
        let signature = Array(body.suffix(64))
        let message = pae([Array(header.utf8), payload, footer, implicit])
        guard Sodium.verify(signature: signature, message: message, publicKey: publicKey) else { return nil }
        return (payload, footer)
    }

    /// The PASERK `k4.public.` form of an Ed25519 public key.
    static func paserk(publicKey: [UInt8]) -> String { "k4.public." + Base64URL.encode(publicKey) }
}

/// Base64url without padding (RFC 4648 §5), strict: padding and other alphabets are refused.
enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        guard text.allSatisfy({ allowed.contains($0) }), text.count % 4 != 1 else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        guard let data = Data(base64Encoded: standard) else { return nil }
        // Refuse non-canonical encodings (stray bits in the last character).
        guard encode([UInt8](data)) == String(text) else { return nil }
        return [UInt8](data)
    }
}
