import NIOPosix
import Vault

/// The vault, called from request handlers on threads kept for blocking work. A vault call holds its thread
/// while SQLite works, and while it waits for another process's write lock (an import holds it for a whole file,
/// up to the busy timeout). On Swift concurrency's cooperative threads, one per core, two requests waiting for an
/// import's lock stalled every other request, `/healthz` included, for as long as they waited. A vault error
/// becomes its API error.
struct VaultCalls: Sendable {
    let store: VaultStore

    /// SwiftNIO's pool for blocking work, shared by the process: enough threads that requests waiting for a lock
    /// leave others to run (GRDB lets five read at once, and one write).
    private static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 16)
        pool.start()
        return pool
    }()

    /// Runs `body` on the pool and returns its result, or throws its error as an API error (a vault error mapped,
    /// anything else a 500 that says nothing more).
    func callAsFunction<T: Sendable>(_ body: @escaping @Sendable (VaultStore) throws -> T) async throws(APIError) -> T {
        let store = self.store
        do {
            return try await Self.pool.runIfActive { try body(store) }
        } catch {
            throw APIError(error)
        }
    }
}
