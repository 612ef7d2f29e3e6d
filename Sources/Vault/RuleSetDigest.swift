public import RulesEngine

/// The identity of a rule set: a SHA-256 over its files' names and contents, independent of the folder they are
/// read from and of the order they are listed in. The audit log records it with every evaluation.
public enum RuleSetDigest {
    /// The digest, as 64 lowercase hexadecimal digits.
    ///
    /// - Parameter files: the rule set's source files.
    /// - Returns: the hex SHA-256 of the canonical encoding: for each file sorted by base name, the base name and
    ///   the text, each preceded by its length in bytes as 8 big-endian bytes.
    /// - Throws: `CryptoError` if libsodium is unavailable.
    public static func hex(of files: [SourceFile]) throws(CryptoError) -> String {
        var message: [UInt8] = []
        let named = files.map { (name: baseName($0.path), text: $0.text) }.sorted { $0.name < $1.name }
        for file in named {
            append(Array(file.name.utf8), to: &message)
            append(Array(file.text.utf8), to: &message)
        }
        return try Sodium.sha256(message).map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined()
    }

    private static func append(_ bytes: [UInt8], to message: inout [UInt8]) {
        let count = UInt64(bytes.count)
        for shift in stride(from: 56, through: 0, by: -8) { message.append(UInt8(truncatingIfNeeded: count >> UInt64(shift))) }
        message += bytes
    }

    private static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
