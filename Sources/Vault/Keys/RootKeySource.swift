import Foundation

/// Where the vault's root key comes from: a key file (the coordinator's credential) or a passphrase read from an
/// environment variable and stretched with Argon2id. The root key is never stored in the database.
public enum RootKeySource: Sendable, Hashable {
    /// A key file: `vigie-key-v1 <base64 of 32 bytes>`, mode 0600, refused if group or others may read it.
    case keyFile(String)
    /// A passphrase in the named environment variable.
    case passphraseEnvironment(String)

    static let keyFileHeader = "vigie-key-v1 "
    /// Larger files are not key files (one is 58 bytes).
    static let maxKeyFileSize = 4_096

    /// Creates a new key file with a random key, mode 0600; refuses to overwrite an existing file.
    static func createKeyFile(at path: String) throws(VaultError) -> SecretKey {
        let key: SecretKey
        do {
            key = try SecretKey.random()
        } catch {
            throw VaultError(.keyFile, "cannot generate a key: libsodium is unavailable")
        }
        // The file's text is written in one byte buffer, zeroed after use: base64 goes from the locked key straight
        // into it (libsodium's codec, no intermediate copy; a String could not be zeroed).
        let header = Array(keyFileHeader.utf8)
        var text = [UInt8](repeating: 0, count: header.count + Sodium.base64Length(32))
        defer { text.withUnsafeMutableBytes { Sodium.zero($0) } }
        text.withUnsafeMutableBytes { out in
            out.copyBytes(from: header)
            let encoded = UnsafeMutableRawBufferPointer(rebasing: out[header.count...])
            key.withUnsafeBytes { Sodium.base64($0, into: encoded) }
        }
        text[text.count - 1] = 0x0A  // the codec's closing NUL becomes the line's end
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
        // The file is read into one byte buffer of ours, zeroed after use (not through Foundation, whose buffers
        // we cannot zero); its base64 is decoded straight into the locked key.
        guard info.st_size <= maxKeyFileSize else { throw VaultError(.keyFile, "\(path): not a Vigie key file") }
        var data = [UInt8](repeating: 0, count: Int(info.st_size))
        defer { data.withUnsafeMutableBytes { Sodium.zero($0) } }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw VaultError(.keyFile, "\(path): cannot read the key file") }
        defer { close(descriptor) }
        let count = data.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count == data.count else { throw VaultError(.keyFile, "\(path): cannot read the key file") }
        let header = Array(keyFileHeader.utf8)
        var end = data.count
        while end > header.count, [0x0A, 0x0D, 0x20, 0x09].contains(data[end - 1]) { end -= 1 }
        guard data.starts(with: header), end > header.count else {
            throw VaultError(.keyFile, "\(path): not a Vigie key file")
        }
        do {
            return try data.withUnsafeBytes { file throws(CryptoError) in
                let encoded = UnsafeRawBufferPointer(rebasing: file[header.count..<end])
                return try SecretKey.filled(count: 32) { Sodium.fromBase64(encoded, into: $0) }
            }
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
