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

/// Refuses a token that exceeds its request rate (429), per token id, with a one-second window.
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

/// Requests per token and second.
public actor RateLimiter {
    let limit: Int
    private var window = 0
    private var counts: [String: Int] = [:]

    public init(perSecond limit: Int) { self.limit = limit }

    func allow(_ token: String) -> Bool {
        let now = Int(Date().timeIntervalSince1970)
        if now != window {
            window = now
            counts.removeAll(keepingCapacity: true)
        }
        counts[token, default: 0] += 1
        return counts[token, default: 0] <= limit
    }
}

/// Access logs without personal data: method, route pattern (never the query, which may hold a purpose),
/// status and duration. Errors become JSON (`APIError`), never a stack trace.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = VaultRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let status: Int
        do {
            let response = try await next(request, context)
            status = response.status.code
            log(request, context, status: status, since: start)
            return response
        } catch let error as APIError {
            log(request, context, status: error.status.code, since: start)
            throw error
        } catch let error as HTTPResponseError {
            log(request, context, status: error.status.code, since: start)
            switch error.status.code {
            case 413: throw APIError(error.status, code: "body_too_large", "the request body is over \(APIConfiguration.maxBodySize) bytes")
            case 404: throw APIError(error.status, code: "not_found", "no such route")
            default: throw APIError(error.status, code: "bad_request", "malformed request: \(error.status.reasonPhrase.lowercased())")
            }
        } catch {
            log(request, context, status: 500, since: start)
            throw APIError(.internalServerError, code: "internal", "the request could not be served")
        }
    }

    private func log(_ request: Request, _ context: Context, status: Int, since start: ContinuousClock.Instant) {
        context.logger.info("request", metadata: [
            "method": .string(request.method.rawValue), "route": .string(context.endpointPath ?? "unmatched"),
            "status": .stringConvertible(status),
            "ms": .stringConvertible((ContinuousClock.now - start).components.attoseconds / 1_000_000_000_000_000),
        ])
    }
}
