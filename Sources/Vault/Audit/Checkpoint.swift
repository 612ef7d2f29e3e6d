import Foundation

/// C2SP tlog-checkpoint signed notes: `origin\nsize\nbase64(root)\n`, a blank line, then
/// `— <name> base64(keyhash4 ‖ Ed25519 signature)`, keyhash4 = SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key)[0..<4].
enum Checkpoint {
    static func body(origin: String, size: Int, root: [UInt8]) -> String {
        "\(origin)\n\(size)\n\(Data(root).base64EncodedString())\n"
    }

    static func keyHash(name: String, publicKey: [UInt8]) throws(CryptoError) -> [UInt8] {
        Array(try Sodium.sha256(Array(name.utf8) + [0x0A, 0x01] + publicKey).prefix(4))
    }

    /// The signed note.
    static func sign(origin: String, size: Int, root: [UInt8], secretKey: SecretKey,
                     publicKey: [UInt8]) throws(CryptoError) -> String
    {
        let text = body(origin: origin, size: size, root: root)
        let signature = try Sodium.sign(Array(text.utf8), secretKey: secretKey)
        let hash = try keyHash(name: origin, publicKey: publicKey)
        return text + "\n" + "\u{2014} \(origin) \(Data(hash + signature).base64EncodedString())\n"
    }

    /// The signed-note verifier key: `<name>+<hex keyhash4>+<base64(0x01 ‖ public key)>`.
    static func verifierKey(name: String, publicKey: [UInt8]) throws(CryptoError) -> String {
        let hash = try keyHash(name: name, publicKey: publicKey).map { String(format: "%02x", $0) }.joined()
        return "\(name)+\(hash)+\(Data([0x01] + publicKey).base64EncodedString())"
    }

    /// Whether a note carries a valid signature line by this key over its body.
    static func verify(_ note: String, name: String, publicKey: [UInt8]) -> Bool {
        guard let split = note.range(of: "\n\n") else { return false }
        let text = String(note[..<split.lowerBound]) + "\n"
        let prefix = "\u{2014} \(name) "
        guard let expectedHash = try? keyHash(name: name, publicKey: publicKey) else { return false }
        for line in note[split.upperBound...].split(separator: "\n") where line.hasPrefix(prefix) {
            guard let decoded = Data(base64Encoded: String(line.dropFirst(prefix.count))), decoded.count == 68 else { continue }
            let bytes = [UInt8](decoded)
            if Array(bytes.prefix(4)) == expectedHash,
                Sodium.verify(signature: Array(bytes.suffix(64)), message: Array(text.utf8), publicKey: publicKey)
            {
                return true
            }
        }
        return false
    }
}
