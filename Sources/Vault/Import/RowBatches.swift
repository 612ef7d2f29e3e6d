import Foundation

/// Validated rows handed from the thread that reads a partner file to the transaction that stores them, so that
/// both run at once; the reader's verdict on the whole file comes last. One lock and its condition guard every
/// field; both sides wait on it (the writer for a batch, the reader for room).
final class RowBatches: @unchecked Sendable {
    /// A valid row with what the reader already computed for it.
    struct Prepared: Sendable {
        let row: ImportRow
        /// Its normalised identity (`BlindIndex.identityKey`).
        let identityKey: [String]
        /// Its blind index.
        let index: [UInt8]
        /// A fresh random id for its record.
        let recordID: String
    }

    /// Rows in file order.
    struct Batch: Sendable {
        let rows: [Prepared]
        /// The rows in the file, for progress.
        let total: Int
    }

    /// Batches waiting at most: the reader stays a little ahead of the writer, not a whole file ahead.
    let capacity: Int
    private let condition = NSCondition()
    private var pending: [Batch] = []
    private var verdict: Result<Void, VaultError>?
    private var abandoned = false

    init(capacity: Int = 4) {
        self.capacity = capacity
    }

    /// Hands a batch over, waiting while `capacity` batches already wait; `false` once the storing side has given
    /// up (the reader should stop).
    func send(_ batch: Batch) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while pending.count >= capacity && !abandoned { condition.wait() }
        guard !abandoned else { return false }
        pending.append(batch)
        condition.broadcast()
        return true
    }

    /// The reader's end, on every path: `nil` when every row was valid and handed over, else the error listing the
    /// bad rows.
    func finish(_ error: VaultError?) {
        condition.lock()
        defer { condition.unlock() }
        verdict = error.map { .failure($0) } ?? .success(())
        condition.broadcast()
    }

    /// The storing side gives up (it failed): waiting batches are dropped, the reader is told to stop, and this
    /// returns once it has finished, so that no reading goes on after the import returned.
    func abandon() {
        condition.lock()
        defer { condition.unlock() }
        abandoned = true
        pending.removeAll()
        condition.broadcast()
        while verdict == nil { condition.wait() }
    }

    /// The next batch, waiting for it; `nil` once the reader finished with every row valid. Throws the reader's
    /// error as soon as it is known, even with batches left: the file is refused whole.
    func next() throws(VaultError) -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while pending.isEmpty && verdict == nil { condition.wait() }
        if case .failure(let error)? = verdict { throw error }
        guard !pending.isEmpty else { return nil }
        let batch = pending.removeFirst()
        condition.broadcast()
        return batch
    }
}
