import Foundation
import Hummingbird
import Logging
import Vault

/// Verifies the bearer role token of every request but the open routes, and puts the principal in the context.
/// Each refused token is logged, up to `refusals` a second for the whole server: beyond that the request is
/// answered 429 and not logged, so that a client sending forged tokens in a loop cannot grow the audit log
/// without bound, nor hold its write lock against partners' requests.
struct TokenAuthMiddleware: RouterMiddleware {
    typealias Context = VaultRequestContext

    let vault: VaultCalls
    let refusals: RateLimiter
    static let openPaths: Set<String> = ["/healthz", "/openapi.json"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !Self.openPaths.contains(request.uri.path) else { return try await next(request, context) }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw APIError(.unauthorized, code: "unauthorized", "a bearer role token is required")
        }
        var context = context
        let token = String(header.dropFirst("Bearer ".count))
        let verified = try await vault.reading { store in
            Result { () throws(VaultError) in try store.verifyToken(token, logRefusal: false) }
        }
        switch verified {
        case .success(let principal):
            context.principal = principal
        case .failure(let error) where error.code != .invalidToken:
            // Not a refused token: the vault could not check it (busy, storage, a key rotated elsewhere): nothing to
            // log as a refusal, nothing counted against the budget.
            throw APIError(error)
        case .failure(let error):
            guard await refusals.allow("refused tokens") else {
                throw APIError(.tooManyRequests, code: "rate_limited", "too many refused tokens; slow down")
            }
            try await vault { $0.logRefusedToken(error) }
            throw APIError(error)
        }
        return try await next(request, context)
    }
}
