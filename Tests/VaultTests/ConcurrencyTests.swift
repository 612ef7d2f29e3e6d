import Foundation
import GRDB
import RulesEngine
import Testing
@testable import Vault

/// Several processes share one vault: `serve` appends an audit entry for every request while the coordinator
/// imports, evaluates, erases. Each test stands for the other process with a raw SQLite connection to the file.
@Suite struct ConcurrencyTests {
    /// Another process's connection to the vault's database, holding a transaction open until `end()`.
    final class OtherProcess: @unchecked Sendable {
        // SAFETY (@unchecked Sendable): a DatabaseQueue serialises every use of its connection.
        let queue: DatabaseQueue

        init(_ vault: TemporaryVault) throws {
            var configuration = Configuration()
            // The transaction outlives each access to the connection, as another process's would.
            configuration.allowsUnsafeTransactions = true
            queue = try DatabaseQueue(path: vault.directory + "/vault.sqlite", configuration: configuration)
        }

        /// Takes the write lock, as an import's transaction does.
        func lockForWriting() throws { try queue.inDatabase { try $0.execute(sql: "BEGIN IMMEDIATE") } }

        /// Starts reading, as a request of `serve` does: its snapshot keeps the pages of the moment in the log.
        func startReading() throws {
            try queue.inDatabase { db in
                try db.execute(sql: "BEGIN DEFERRED")
                _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM subjects")
            }
        }

        func end() throws { try queue.inDatabase { try $0.execute(sql: "ROLLBACK") } }
    }

    private static let absences = absenceHeader
        + "Dupont,Emilie,2012-03-01,,2025-10-06,matin,false,\nDupont,Emilie,2012-03-01,,2025-10-07,matin,false,\n"

    @Test func aWriterWaitsForAnotherProcessToReleaseTheLock() throws {
        let vault = try TemporaryVault()
        let other = try OtherProcess(vault)
        try other.lockForWriting()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { try? other.end() }
        // Without a busy timeout this failed at once: "the vault database refused the change".
        let issued = try vault.store.issueToken(role: "education_nationale", groups: ["prevention_jeunesse"], holder: "test",
                                                lifetime: 3_600)
        #expect(try vault.store.tokens().map(\.id) == [issued.id])
    }

    @Test func aLockHeldPastTheTimeoutIsBusyAndChangesNothing() throws {
        let vault = try TemporaryVault()
        let store = try VaultStore.open(directory: vault.directory, key: .keyFile(vault.keyFile), environment: [:],
                                        busyTimeout: 0.2)
        let entries = try store.auditSize()
        let other = try OtherProcess(vault)
        try other.lockForWriting()
        #expect {
            _ = try store.issueToken(role: "education_nationale", groups: ["prevention_jeunesse"], holder: "test", lifetime: 3_600)
        } throws: { error in
            guard let error = error as? VaultError else { return false }
            return error.code == .busy && error.message.contains("nothing was changed")
        }
        try other.end()
        #expect(try store.tokens().isEmpty)
        #expect(try store.auditSize() == entries)
    }

    /// An import whose transaction cannot start (another process holds the lock past the timeout) fails as busy and
    /// stores nothing, its reading thread many batches ahead: the path where the storing side gives up
    /// (`RowBatches.abandon`, whose wait for the reader RowBatchesTests checks on its own).
    @Test func anImportThatCannotGetTheLockStoresNothingAndStopsItsReader() throws {
        let vault = try TemporaryVault()
        let store = try VaultStore.open(directory: vault.directory, key: .keyFile(vault.keyFile), environment: [:],
                                        busyTimeout: 0.3)
        let start = try #require(Day(iso: "2000-01-01"))
        let rows = (0..<20_000).map { "Dupont,Emilie,2012-03-01,,\(start.adding(days: $0 / 2)),\($0 % 2 == 0 ? "matin" : "apres_midi"),false," }
        let path = try vault.file("big.csv", absenceHeader + rows.joined(separator: "\n") + "\n")
        let entries = try store.auditSize()
        let other = try OtherProcess(vault)
        try other.lockForWriting()
        #expect { _ = try store.importFile(path, kind: "absence", source: "education_nationale") } throws: {
            ($0 as? VaultError)?.code == .busy
        }
        try other.end()
        #expect(try store.status().records == 0)
        #expect(try store.auditSize() == entries)
        // The same file imports whole once the lock is free.
        #expect(try store.importFile(path, kind: "absence", source: "education_nationale").recordsStored == 20_000)
    }

    @Test func anErasureWaitsForReadersThenLeavesNoCopyInTheLog() throws {
        let vault = try TemporaryVault()
        _ = try vault.store.importFile(try vault.file("a.csv", Self.absences), kind: "absence", source: "education_nationale")
        let id = try #require(try vault.store.findSubjects(identity: ["nom": "Dupont", "prenom": "Emilie", "naissance": "2012-03-01"]).first)
        let other = try OtherProcess(vault)
        let wrapped = try #require(try other.queue.read { db in
            try Data.fetchOne(db, sql: "SELECT wrapped FROM subject_keys WHERE subject_id = ?", arguments: [id])
        })
        let files = { () throws -> Data in
            let base = vault.directory + "/vault.sqlite"
            return try Data(contentsOf: URL(fileURLWithPath: base))
                + ((try? Data(contentsOf: URL(fileURLWithPath: base + "-wal"))) ?? Data())
        }
        #expect(try files().range(of: wrapped) != nil, "the data key is in the files before the erasure")
        try other.startReading()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { try? other.end() }
        #expect(try vault.store.erase(subjectID: id, reason: "droit à l'effacement") == 2)
        let wal = vault.directory + "/vault.sqlite-wal"
        #expect((try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0 == 0)
        #expect(try files().range(of: wrapped) == nil, "the destroyed data key is still in the vault's files")
    }

    @Test func anErasureWhoseLogStaysBusySaysSoAndStands() throws {
        let vault = try TemporaryVault()
        _ = try vault.store.importFile(try vault.file("a.csv", Self.absences), kind: "absence", source: "education_nationale")
        let store = try VaultStore.open(directory: vault.directory, key: .keyFile(vault.keyFile), environment: [:],
                                        busyTimeout: 0.2)
        let id = try #require(try store.findSubjects(identity: ["nom": "Dupont", "prenom": "Emilie", "naissance": "2012-03-01"]).first)
        let other = try OtherProcess(vault)
        try other.startReading()
        #expect {
            _ = try store.erase(subjectID: id, reason: "droit à l'effacement")
        } throws: { error in
            guard let error = error as? VaultError else { return false }
            return error.code == .logNotTruncated && error.message.hasPrefix("subject \(id) is erased, but")
                && error.message.contains("write-ahead log")
        }
        #expect(try store.status().records == 0)
        #expect(try store.status().logBytes > 0)
        try other.end()
        // The next purge truncates the log; `status` says so.
        _ = try store.purge(asOf: .init(iso: "2026-01-01")!)
        #expect(try store.status().logBytes == 0)
    }
}
