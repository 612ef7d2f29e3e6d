import Foundation
internal import GRDB
internal import RulesEngine
import Synchronization

/// One CLSPD's vault: a folder holding `vault.sqlite` (WAL). Opening it needs the root key; every public method
/// is one transaction. Keys live in memory only, never in the database.
public final class VaultStore: Sendable {
    /// The vault's random identifier, bound into every sealed item.
    public let vaultID: String
    /// The vault folder.
    public let directory: String
    let writer: DatabasePool
    let keys: VaultKeys
    /// Bits kept in blind indexes (CipherSweet rule for the configured population).
    let indexBits: Int
    /// The current rule set, checked once per loaded version.
    let ruleSetCache = Mutex<(StoredRuleSet, CheckedRuleSet)?>(nil)
    /// Vault-wide keys already read from `vault_meta`, unwrapped (`vaultKey`).
    let vaultKeyCache = Mutex<[VaultKeyName: SecretKey]>([:])
    /// The checkpoint signing key pair (`auditKeys`).
    let auditKeyCache = Mutex<(publicKey: [UInt8], secretKey: SecretKey)?>(nil)
    /// Tokens whose signature verified, with their claims and validity window (`verifiedClaims`).
    let verifiedTokens = Mutex<[String: VerifiedToken]>([:])

    /// The key check value of the root key this process holds (`vault_meta.key_check` when it opened the vault).
    let keyCheck: [UInt8]

    private init(vaultID: String, directory: String, writer: DatabasePool, keys: VaultKeys, indexBits: Int, keyCheck: [UInt8]) {
        self.vaultID = vaultID
        self.directory = directory
        self.writer = writer
        self.keys = keys
        self.indexBits = indexBits
        self.keyCheck = keyCheck
    }

    static func databasePath(_ directory: String) -> String { directory + "/vault.sqlite" }

    /// Creates a vault folder if it does not exist and makes it owner-only (0700), also when it existed, empty,
    /// with a wider mode: nobody else may list a vault's files.
    static func makeOwnerOnlyFolder(_ directory: String) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory)
    }

    /// How long a connection waits for another one's write lock (an import's transaction, a server's audit
    /// entries, a checkpoint's readers) before it gives up with `VaultError.Code.busy`.
    public static let defaultBusyTimeout: Double = 10

    private static func connect(_ path: String, busyTimeout: TimeInterval) throws(VaultError) -> DatabasePool {
        // The database, its WAL and shared-memory files are readable by the owner only.
        umask(0o077)
        var configuration = Configuration()
        // Several processes share a vault (`serve` logging every request while the coordinator imports and
        // evaluates): a writer waits for the lock instead of failing at once.
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in
            // Deleted content is overwritten, so that erased rows do not linger in free pages.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            // 32 MiB of page cache per connection: evaluations and imports revisit the same pages.
            try db.execute(sql: "PRAGMA cache_size = -32768")
            // Reads map the file instead of copying each page through a system call.
            try db.execute(sql: "PRAGMA mmap_size = 268435456")
        }
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            try Migrations.migrator.migrate(pool)
            // The writer holds an import's modified index pages until commit (one transaction per partner
            // file): with too small a cache they spill to the log and are read back, many times over for a
            // large file. 256 MiB, for the one writer only; it grows only as far as a transaction needs.
            // The log is copied back into the database every 10 000 pages (about 40 MiB) instead of SQLite's 1 000:
            // an import or an evaluation commits many transactions that touch the same index pages, and each
            // checkpoint copies a page once however often it changed since the last.
            try pool.barrierWriteWithoutTransaction { db in
                try db.execute(sql: "PRAGMA cache_size = -262144")
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 10000")
            }
            return pool
        } catch {
            throw storageError(error, otherwise: VaultError(.storage, "\(path): cannot open the database"))
        }
    }

    /// Creates a vault in a new (or empty) folder.
    ///
    /// - Parameters:
    ///   - directory: the vault folder; refused if it already holds a vault or other files.
    ///   - key: a key file to create (mode 0600), or a passphrase variable.
    ///   - population: the expected number of subjects, which sizes the blind indexes.
    ///   - passwordCost: the Argon2id cost for a passphrase.
    ///   - environment: where passphrase variables are read.
    /// - Returns: the open vault.
    public static func create(directory: String, key: RootKeySource, population: Int = 100_000,
                              passwordCost: PasswordCost = .moderate,
                              environment: [String: String]) throws(VaultError) -> VaultStore
    {
        let manager = FileManager.default
        if manager.fileExists(atPath: databasePath(directory)) {
            throw VaultError(.alreadyExists, "\(directory): a vault already exists here")
        }
        if let contents = try? manager.contentsOfDirectory(atPath: directory), !contents.isEmpty {
            throw VaultError(.alreadyExists, "\(directory): the folder is not empty")
        }
        do {
            try makeOwnerOnlyFolder(directory)
        } catch {
            throw VaultError(.storage, "\(directory): cannot create the folder")
        }
        let (root, keyMeta) = try key.establish(passwordCost: passwordCost, environment: environment)
        var meta = keyMeta
        let vaultID = try crypto { () throws(CryptoError) in try RandomID.make() }
        let keys = try crypto { () throws(CryptoError) in try VaultKeys(root: root) }
        let bits = BlindIndex.bits(forPopulation: population)
        meta["vault_id"] = Array(vaultID.utf8)
        meta["format"] = Array("1".utf8)
        meta["key_check"] = try crypto { () throws(CryptoError) in try keys.checkValue(vaultID: vaultID) }
        meta["population"] = Array(String(population).utf8)
        meta["index_bits"] = Array(String(bits).utf8)
        meta["created_at"] = Array(String(Int(Date().timeIntervalSince1970)).utf8)
        let pool = try connect(databasePath(directory), busyTimeout: defaultBusyTimeout)
        try write(pool) { db in
            for (name, value) in meta {
                try db.execute(sql: "INSERT INTO vault_meta (name, value) VALUES (?, ?)", arguments: [name, Data(value)])
            }
        }
        let store = VaultStore(vaultID: vaultID, directory: directory, writer: pool, keys: keys, indexBits: bits,
                               keyCheck: meta["key_check"] ?? [])
        try store.audited({ _ in
            var event = AuditEvent(nil, .vaultCreated)
            event.detail = "key source \(String(decoding: meta["key_source"] ?? [], as: UTF8.self)), population \(population)"
            return event
        }) { _ in () }
        return store
    }

    /// Opens an existing vault with its root key; a wrong key or passphrase is refused before anything is read.
    /// `busyTimeout`: how long each transaction waits for another process's write lock before it fails as `busy`.
    public static func open(directory: String, key: RootKeySource, environment: [String: String],
                            busyTimeout: Double = defaultBusyTimeout) throws(VaultError) -> VaultStore
    {
        guard FileManager.default.fileExists(atPath: databasePath(directory)) else {
            throw VaultError(.notAVault, "\(directory): no vault here; create one with 'rulesctl init'")
        }
        let pool = try connect(databasePath(directory), busyTimeout: busyTimeout)
        let meta: [String: [UInt8]] = try read(pool) { db in
            var values: [String: [UInt8]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, value FROM vault_meta") {
                let data: Data = row["value"]
                values[row["name"]] = [UInt8](data)
            }
            return values
        }
        func text(_ name: String) -> String? { meta[name].map { String(decoding: $0, as: UTF8.self) } }
        guard let vaultID = text("vault_id"), let check = meta["key_check"], let bits = text("index_bits").flatMap(Int.init)
        else { throw VaultError(.notAVault, "\(directory): the vault's metadata is incomplete") }
        let root: SecretKey
        switch (key, text("key_source")) {
        case (.keyFile(let path), "file"):
            root = try RootKeySource.readKeyFile(at: path)
        case (.passphraseEnvironment, "passphrase"):
            guard let salt = meta["pwhash_salt"], let ops = text("pwhash_opslimit").flatMap(UInt64.init),
                let mem = text("pwhash_memlimit").flatMap(Int.init)
            else { throw VaultError(.notAVault, "\(directory): the vault's passphrase parameters are missing") }
            var passphrase = try key.passphrase(environment: environment)
            defer { passphrase.withUnsafeMutableBytes { Sodium.zero($0) } }
            root = try crypto { () throws(CryptoError) in try Sodium.passwordKey(passphrase, salt: salt, opsLimit: ops, memLimit: mem) }
        case (.keyFile, _):
            throw VaultError(.wrongKey, "this vault is opened with a passphrase (--passphrase-env), not a key file")
        case (.passphraseEnvironment, _):
            throw VaultError(.wrongKey, "this vault is opened with a key file (--key-file), not a passphrase")
        }
        let keys = try crypto { () throws(CryptoError) in try VaultKeys(root: root) }
        let expected = try crypto { () throws(CryptoError) in try keys.checkValue(vaultID: vaultID) }
        let matches = expected.withUnsafeBytes { a in check.withUnsafeBytes { b in Sodium.constantTimeEqual(a, b) } }
        guard matches else { throw VaultError(.wrongKey, "the key does not open this vault") }
        return VaultStore(vaultID: vaultID, directory: directory, writer: pool, keys: keys, indexBits: bits, keyCheck: expected)
    }

    // MARK: Transactions

    static func write<T>(_ pool: DatabasePool, _ body: (Database) throws -> T) throws(VaultError) -> T {
        do {
            return try pool.write(body)
        } catch let error as VaultError {
            throw error
        } catch let error as CryptoError {
            throw VaultError(sealed: error)
        } catch {
            throw storageError(error, otherwise: VaultError(.storage, "the vault database refused the change; nothing was stored"))
        }
    }

    static func read<T>(_ pool: DatabasePool, _ body: (Database) throws -> T) throws(VaultError) -> T {
        do {
            return try pool.read(body)
        } catch let error as VaultError {
            throw error
        } catch let error as CryptoError {
            throw VaultError(sealed: error)
        } catch {
            throw storageError(error, otherwise: VaultError(.storage, "cannot read the vault database"))
        }
    }

    /// A database error as the vault reports it: a lock held past the busy timeout is `busy` (the transaction was
    /// rolled back, so nothing changed), anything else `otherwise`.
    static func storageError(_ error: any Error, otherwise: VaultError) -> VaultError {
        guard let database = error as? DatabaseError,
              database.resultCode == .SQLITE_BUSY || database.resultCode == .SQLITE_LOCKED else { return otherwise }
        return VaultError(.busy, "the vault is busy: another connection (an import, an evaluation, `rulesctl serve`) "
            + "held its database for too long; nothing was changed; try again")
    }

    /// A write transaction of this process: refused once the key was rotated elsewhere, its integrity failures logged.
    func write<T>(_ body: (Database) throws -> T) throws(VaultError) -> T {
        do { return try Self.write(writer) { db in try underCurrentKey(db, body) } } catch { throw loggedIfIntegrity(error) }
    }

    /// A read transaction of this process, as `write`.
    func read<T>(_ body: (Database) throws -> T) throws(VaultError) -> T {
        do { return try Self.read(writer) { db in try underCurrentKey(db, body) } } catch { throw loggedIfIntegrity(error) }
    }

    private func underCurrentKey<T>(_ db: Database, _ body: (Database) throws -> T) throws -> T {
        try requireCurrentKey(db)
        return try body(db)
    }

    /// Refuses to go on once another process rotated the root key: this one would read with keys that no longer
    /// open the subjects' data keys, and write data keys, tokens and blind indexes under the old key, unreadable
    /// under the new one. One indexed read of `vault_meta` per transaction.
    private func requireCurrentKey(_ db: Database) throws {
        let stored = try Data.fetchOne(db.cachedStatement(sql: "SELECT value FROM vault_meta WHERE name = 'key_check'")) ?? Data()
        let current = stored.count == keyCheck.count
            && stored.withUnsafeBytes { a in keyCheck.withUnsafeBytes { b in Sodium.constantTimeEqual(a, b) } }
        guard current else {
            throw VaultError(.wrongKey, "the vault's root key was rotated after this process opened the vault: "
                + "start it again with the new key")
        }
    }

    /// A failed decryption is never silent (DESIGN.md §3): the operation it stopped is rolled back, its own audit
    /// entry with it, so the failure is logged in a transaction of its own (`integrity_check`, failed, naming the
    /// item by its random identifier) before it is thrown. If even that cannot be written, the error still is.
    func loggedIfIntegrity(_ error: VaultError) -> VaultError {
        guard error.code == .integrity else { return error }
        var event = AuditEvent(nil, .integrityCheck)
        event.decision = "failed"
        event.reasons = [error.message]
        event.detail = "an operation stopped on a sealed item that does not authenticate"
        _ = try? Self.write(writer) { db in try appendAudit(db, event) }
        return error
    }
}

/// The Argon2id cost of a passphrase vault. `moderate` (libsodium's MODERATE) unless a test needs speed.
public enum PasswordCost: Sendable {
    case moderate
    /// For tests only: libsodium's minimum limits.
    case minimum

    var opsLimit: UInt64 { self == .moderate ? Sodium.passwordOpsLimit : Sodium.passwordMinOpsLimit }
    var memLimit: Int { self == .moderate ? Sodium.passwordMemLimit : Sodium.passwordMinMemLimit }
}

/// Runs a cryptographic step, turning its failure into a vault error.
func crypto<T>(_ body: () throws(CryptoError) -> T) throws(VaultError) -> T {
    do {
        return try body()
    } catch {
        throw VaultError(.integrity, "a cryptographic operation failed (\(error))")
    }
}

/// Random identifiers: 16 random bytes, hex. They carry no information about anyone.
enum RandomID {
    private static let digits = Array("0123456789abcdef".utf8)

    static func make() throws(CryptoError) -> String { hex(try Sodium.randomBytes(16)[...]) }

    /// An identifier that sorts by creation time, in the same 32 hex digits: 6 bytes of milliseconds since 1970,
    /// then 10 random bytes (80 bits). The rows of a table keyed by it are added at the end of its index instead of
    /// on random pages, so a transaction adding hundreds of them (an evaluation's alerts) rewrites a few pages, not
    /// one per row, however large the table. It tells the creation time, which the rows store in plaintext anyway.
    static func timeOrdered(at date: Date = Date()) throws(CryptoError) -> String {
        let milliseconds = UInt64(max(0, (date.timeIntervalSince1970 * 1_000).rounded()))
        let time = (0..<6).map { UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - $0))) }
        return hex((time + (try Sodium.randomBytes(10)))[...])
    }

    /// `count` identifiers from one call to the system's random source (an import needs one per row).
    static func many(_ count: Int) throws(CryptoError) -> [String] {
        let bytes = try Sodium.randomBytes(16 * count)
        return (0..<count).map { hex(bytes[($0 * 16)..<($0 * 16 + 16)]) }
    }

    private static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        var hex: [UInt8] = []
        hex.reserveCapacity(32)
        for byte in bytes {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
