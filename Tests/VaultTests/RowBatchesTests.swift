import Foundation
import Synchronization
import Testing
@testable import Vault

/// The hand-over between an import's reading thread and its writer: order, waiting, the verdict on the whole
/// file winning over rows already handed over, and giving up.
@Suite struct RowBatchesTests {
    private func batch(_ lines: [Int]) -> RowBatches.Batch {
        RowBatches.Batch(rows: lines.map {
            RowBatches.Prepared(row: ImportRow(line: $0, subject: [:], fields: [:]), identityKey: [], index: [], recordID: String($0))
        }, total: 100)
    }

    /// Runs `body` on a thread of its own, as the import's reader does.
    private func onThread(_ body: @escaping @Sendable () -> Void) {
        Thread(block: body).start()
    }

    @Test func batchesArriveInOrderThenTheEnd() throws {
        let batches = RowBatches(capacity: 2)
        onThread {
            for start in stride(from: 0, to: 10, by: 2) { _ = batches.send(self.batch([start, start + 1])) }
            batches.finish(nil)
        }
        var lines: [Int] = []
        while let next = try batches.next() { lines += next.rows.map(\.row.line) }
        #expect(lines == Array(0..<10))
        #expect(try batches.next() == nil)
    }

    @Test func theReadersErrorWinsOverBatchesStillWaiting() throws {
        let batches = RowBatches()
        #expect(batches.send(batch([1])))
        #expect(batches.send(batch([2])))
        batches.finish(VaultError(.invalidInput, "f.csv:3: error: bad"))
        let error = try #require(throws: VaultError.self) { try batches.next() }
        #expect(error.message == "f.csv:3: error: bad")
    }

    @Test func aFullHandOverMakesTheReaderWaitAndGivingUpStopsIt() throws {
        let batches = RowBatches(capacity: 1)
        let sent = Mutex(0), refused = Mutex(false)
        onThread {
            for line in 0..<5 {
                guard batches.send(self.batch([line])) else {
                    refused.withLock { $0 = true }
                    break
                }
                sent.withLock { $0 += 1 }
            }
            batches.finish(nil)
        }
        // The reader fills the one place and waits; the writer takes one batch, then gives up.
        #expect(try batches.next()?.rows.first?.row.line == 0)
        batches.abandon()
        // `abandon` returns once the reader has finished: it was refused, and sent at most two batches.
        #expect(refused.withLock { $0 })
        #expect(sent.withLock { $0 } <= 2)
        #expect(!batches.send(batch([9])))
    }
}
