import Foundation

/// Validated rows handed from the thread that reads a partner file to the transaction that stores them, so that
/// both run at once; the reader's verdict on the whole file comes last. A lock and a condition guard every field.
final class RowBatches: @unchecked Sendable {
    /// Rows in file order, with what the reader already computed for them.
    struct Batch: Sendable {
        let rows: [ImportRow]
        /// Each row's normalised identity (`BlindIndex.identityKey`).
        let identityKeys: [[String]]
        /// Each row's blind index.
        let indexes: [[UInt8]]
        /// A fresh random id for each row's record.
        let recordIDs: [String]
        /// The rows in the file, for progress.
        let total: Int
    }

    private let condition = NSCondition()
    private var pending: [Batch] = []
    private var verdict: Result<Void, VaultError>?
    private var abandoned = false

    /// Hands a batch over (dropped if the storing side has given up).
    func send(_ batch: Batch) {
        condition.lock()
        defer { condition.unlock() }
        guard !abandoned else { return }
        pending.append(batch)
        condition.signal()
    }

    /// The reader's end: `nil` when every row was valid and handed over, else the error listing the bad rows.
    func finish(_ error: VaultError?) {
        condition.lock()
        defer { condition.unlock() }
        verdict = error.map { .failure($0) } ?? .success(())
        condition.signal()
    }

    /// The storing side stops taking batches (it failed): later ones are dropped instead of kept in memory.
    func abandon() {
        condition.lock()
        defer { condition.unlock() }
        abandoned = true
        pending.removeAll()
    }

    /// The next batch, waiting for it; `nil` once the reader finished with every row valid. Throws the reader's
    /// error as soon as it is known, even with batches left: the file is refused whole.
    func next() throws(VaultError) -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while pending.isEmpty && verdict == nil { condition.wait() }
        if case .failure(let error)? = verdict { throw error }
        return pending.isEmpty ? nil : pending.removeFirst()
    }
}
