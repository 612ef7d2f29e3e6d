import Foundation
internal import GRDB

extension VaultStore {
    /// Writes a consistent copy of the vault into a new folder, page by page through SQLite's online backup, while
    /// other readers and writers go on: the same vault (identifier, root key, sealed rows, audit log), as sealed as
    /// the original. Open it with `VaultStore.open` and the same key. The benchmark measures each evaluation on
    /// identical copies.
    ///
    /// - Throws: `VaultError.alreadyExists` if the folder holds anything; `.storage` if the copy cannot be written
    ///   (the partial copy is removed).
    public func copy(to destination: String) throws(VaultError) {
        let manager = FileManager.default
        let existed = manager.fileExists(atPath: destination)
        if existed, (try? manager.contentsOfDirectory(atPath: destination))?.isEmpty != true {
            throw VaultError(.alreadyExists, "\(destination): the folder is not empty")
        }
        let path = Self.databasePath(destination)
        do {
            try manager.createDirectory(atPath: destination, withIntermediateDirectories: true,
                                        attributes: [.posixPermissions: 0o700])
            // Owner-only, like the original (the umask `connect` set).
            let target = try DatabaseQueue(path: path)
            try writer.backup(to: target)
            try target.close()
        } catch {
            for file in [path, path + "-wal", path + "-shm"] { try? manager.removeItem(atPath: file) }
            if !existed { try? manager.removeItem(atPath: destination) }
            throw VaultError(.storage, "\(destination): cannot write the copy of the vault")
        }
    }
}
