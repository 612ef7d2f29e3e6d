import NIOPosix
import Vault

/// The vault, called from request handlers on threads kept for blocking work. A vault call holds its thread
/// while SQLite works, and while it waits for another process's write lock (an import holds it for a whole file,
/// up to the busy timeout). On Swift concurrency's cooperative threads, one per core, two requests waiting for an
/// import's lock stalled every other request, `/healthz` included, for as long as they waited. A vault error
/// becomes its API error.
///
/// Calls that may write (every logged read does) and calls that only read run on separate pools: however many
/// requests wait for the write lock, token checks and the auditors' checkpoints and proofs still have threads.
struct VaultCalls: Sendable {
    let store: VaultStore

    /// SwiftNIO's pools for blocking work, shared by the process. GRDB lets five connections read at once and
    /// one write; writers beyond it wait for the lock in their thread.
    private static let writers = started(NIOThreadPool(numberOfThreads: 16))
    private static let readers = started(NIOThreadPool(numberOfThreads: 8))

    private static func started(_ pool: NIOThreadPool) -> NIOThreadPool {
        pool.start()
        return pool
    }

    /// Runs `body`, which may write, and returns its result, or throws its error as an API error (a vault error
    /// mapped, anything else a 500 that says nothing more).
    func callAsFunction<T: Sendable>(_ body: @escaping @Sendable (VaultStore) throws -> T) async throws(APIError) -> T {
        try await run(on: Self.writers, body)
    }

    /// Runs `body`, which only reads (it waits for the write lock only to log an integrity failure, which
    /// `VaultStore` does whatever the call), as `callAsFunction`.
    func reading<T: Sendable>(_ body: @escaping @Sendable (VaultStore) throws -> T) async throws(APIError) -> T {
        try await run(on: Self.readers, body)
    }

    private func run<T: Sendable>(on pool: NIOThreadPool, _ body: @escaping @Sendable (VaultStore) throws -> T)
        async throws(APIError) -> T
    {
        let store = self.store
        do {
            return try await pool.runIfActive { try body(store) }
        } catch {
            throw APIError(error)
        }
    }
}
