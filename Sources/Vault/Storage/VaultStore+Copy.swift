import Foundation
internal import GRDB

extension VaultStore {
    /// Writes a consistent copy of the vault into a new folder, page by page through SQLite's online backup, while
    /// the vault stays in use: the same sealed rows, opened with the same key. For the benchmark only (package
    /// access), which measures each evaluation on identical copies of synthetic vaults. It is no backup feature: a
    /// copy shares the vault's identifier, keys and audit log, so writing to it forks that log (two signed
    /// checkpoints of the same size), and the copy itself is not audited.
    ///
    /// - Throws: `VaultError.alreadyExists` if the folder holds anything; `.storage` if the copy cannot be written
    ///   (what it wrote is removed).
    package func copy(to destination: String) throws(VaultError) {
        let manager = FileManager.default
        let existed = manager.fileExists(atPath: destination)
        if existed, (try? manager.contentsOfDirectory(atPath: destination))?.isEmpty != true {
            throw VaultError(.alreadyExists, "\(destination): the folder is not empty")
        }
        let path = Self.databasePath(destination)
        var target: DatabaseQueue?
        do {
            try Self.makeOwnerOnlyFolder(destination)
            let queue = try DatabaseQueue(path: path)
            target = queue
            try manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            try writer.backup(to: queue)
            try queue.close()
        } catch {
            try? target?.close()
            for suffix in ["", "-wal", "-shm", "-journal"] { try? manager.removeItem(atPath: path + suffix) }
            if !existed { try? manager.removeItem(atPath: destination) }
            throw VaultError(.storage, "\(destination): cannot write the copy of the vault")
        }
    }
}
