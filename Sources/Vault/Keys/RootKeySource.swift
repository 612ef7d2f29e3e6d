import Foundation

/// Where the vault's root key comes from: a key file (the coordinator's credential) or a passphrase read from an
/// environment variable and stretched with Argon2id. The root key is never stored in the database.
public enum RootKeySource: Sendable, Hashable {
    /// A key file: `vigie-key-v1 <base64 of 32 bytes>`, mode 0600, refused if group or others may read it.
    case keyFile(String)
    /// A passphrase in the named environment variable.
    case passphraseEnvironment(String)

    static let keyFileHeader = "vigie-key-v1 "

    /// Creates a new key file with a random key, mode 0600; refuses to overwrite an existing file.
    static func createKeyFile(at path: String) throws(VaultError) -> SecretKey {
        let key: SecretKey
        do {
            key = try SecretKey.random()
        } catch {
            throw VaultError(.keyFile, "cannot generate a key: libsodium is unavailable")
        }
        // Every copy of the key is a byte buffer zeroed after use (a String could not be).
        var bytes = key.copyBytes()
        defer { bytes.withUnsafeMutableBytes { Sodium.zero($0) } }
        var encoded = Data(bytes).base64EncodedData()
        defer { encoded.withUnsafeMutableBytes { Sodium.zero($0) } }
        var text = Array(keyFileHeader.utf8) + [UInt8](encoded) + [0x0A]
        defer { text.withUnsafeMutableBytes { Sodium.zero($0) } }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw VaultError(.keyFile, "\(path): cannot create the key file (it may already exist)")
        }
        defer { close(descriptor) }
        let written = text.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count) }
        guard written == text.count, fsync(descriptor) == 0 else {
            throw VaultError(.keyFile, "\(path): cannot write the key file")
        }
        return key
    }

    /// Reads a key file, refusing one that group or others can read.
    static func readKeyFile(at path: String) throws(VaultError) -> SecretKey {
        var info = stat()
        guard stat(path, &info) == 0 else { throw VaultError(.keyFile, "\(path): no such key file") }
        guard info.st_mode & 0o077 == 0 else {
            throw VaultError(.keyFile, "\(path): the key file is readable by group or others; run 'chmod 600 \(path)'")
        }
        // The file, its base64 text and the decoded key stay in byte buffers, each zeroed after use.
        guard var data = FileManager.default.contents(atPath: path) else { throw VaultError(.keyFile, "\(path): cannot read the key file") }
        defer { data.withUnsafeMutableBytes { Sodium.zero($0) } }
        let header = Array(keyFileHeader.utf8)
        var encoded = data.starts(with: header) ? Data(data.dropFirst(header.count)) : Data()
        defer { encoded.withUnsafeMutableBytes { Sodium.zero($0) } }
        while let last = encoded.last, [0x0A, 0x0D, 0x20, 0x09].contains(last) { encoded.removeLast() }
        guard !encoded.isEmpty, var decoded = Data(base64Encoded: encoded) else {
            throw VaultError(.keyFile, "\(path): not a Vigie key file")
        }
        defer { decoded.withUnsafeMutableBytes { Sodium.zero($0) } }
        var bytes = [UInt8](decoded)
        defer { bytes.withUnsafeMutableBytes { Sodium.zero($0) } }
        do {
            return try SecretKey.copying(bytes)
        } catch {
            throw VaultError(.keyFile, "\(path): not a Vigie key file")
        }
    }

    /// Makes a new root key from this source — a new key file, or the passphrase with a fresh salt — and the
    /// vault metadata that lets it be derived again (`key_source`, and the Argon2id salt and limits).
    func establish(passwordCost: PasswordCost, environment: [String: String]) throws(VaultError) -> (SecretKey, [String: [UInt8]]) {
        switch self {
        case .keyFile(let path):
            return (try Self.createKeyFile(at: path), ["key_source": Array("file".utf8)])
        case .passphraseEnvironment:
            var passphrase = try passphrase(environment: environment)
            defer { passphrase.withUnsafeMutableBytes { Sodium.zero($0) } }
            let salt = try crypto { () throws(CryptoError) in try Sodium.randomBytes(Sodium.passwordSaltBytes) }
            let root = try crypto { () throws(CryptoError) in
                try Sodium.passwordKey(passphrase, salt: salt, opsLimit: passwordCost.opsLimit, memLimit: passwordCost.memLimit)
            }
            return (root, [
                "key_source": Array("passphrase".utf8), "pwhash_salt": salt,
                "pwhash_opslimit": Array(String(passwordCost.opsLimit).utf8),
                "pwhash_memlimit": Array(String(passwordCost.memLimit).utf8),
            ])
        }
    }

    /// The passphrase bytes from the environment variable.
    func passphrase(environment: [String: String]) throws(VaultError) -> [UInt8] {
        guard case .passphraseEnvironment(let variable) = self else { return [] }
        guard let value = environment[variable], !value.isEmpty else {
            throw VaultError(.keyFile, "environment variable \(variable) is empty or unset")
        }
        return Array(value.utf8)
    }
}
