import Foundation
import Hummingbird
import Logging
import Vault

/// Verifies the bearer role token of every request but the open routes, and puts the principal in the context.
struct TokenAuthMiddleware: RouterMiddleware {
    typealias Context = VaultRequestContext

    let store: VaultStore
    static let openPaths: Set<String> = ["/healthz", "/openapi.json"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !Self.openPaths.contains(request.uri.path) else { return try await next(request, context) }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw APIError(.unauthorized, code: "unauthorized", "a bearer role token is required")
        }
        var context = context
        do {
            context.principal = try store.verifyToken(String(header.dropFirst("Bearer ".count)))
        } catch {
            throw APIError(error)
        }
        return try await next(request, context)
    }
}
