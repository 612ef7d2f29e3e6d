import Foundation
import Hummingbird
import Vault

/// Refuses a token that exceeds its request rate (429), per token id.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = VaultRequestContext

    let limiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let token = context.principal?.tokenID, !(await limiter.allow(token)) {
            throw APIError(.tooManyRequests, code: "rate_limited", "too many requests for this token; slow down")
        }
        return try await next(request, context)
    }
}

/// At most `limit` requests per token in each fixed window of `seconds` seconds.
public actor RateLimiter {
    let limit: Int
    let seconds: Int
    let clock: @Sendable () -> Int
    private var window = 0
    private var counts: [String: Int] = [:]

    /// Creates a limiter of `limit` requests per token per window of `seconds` seconds.
    /// `clock` gives the current time in seconds (the system clock unless a test fixes it).
    public init(limit: Int, seconds: Int = 1, clock: (@Sendable () -> Int)? = nil) {
        self.limit = limit
        self.seconds = max(1, seconds)
        self.clock = clock ?? { Int(Date().timeIntervalSince1970) }
    }

    func allow(_ token: String) -> Bool {
        let now = clock() / seconds
        if now != window {
            window = now
            counts.removeAll(keepingCapacity: true)
        }
        counts[token, default: 0] += 1
        return counts[token, default: 0] <= limit
    }
}
