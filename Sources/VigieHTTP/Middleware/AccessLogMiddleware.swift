import Hummingbird
import Logging

/// Access logs without personal data: method, route pattern (never the query, which may hold a purpose),
/// status, duration and, for an error, its stable code (never its message). Errors become JSON (`APIError`), never
/// a stack trace.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = VaultRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, context, status: response.status.code, since: start)
            return response
        } catch {
            let failure = APIError(error)
            log(request, context, status: failure.status.code, since: start, error: failure.code)
            throw failure
        }
    }

    private func log(_ request: Request, _ context: Context, status: Int, since start: ContinuousClock.Instant,
                     error code: String? = nil) {
        var metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue), "route": .string(context.endpointPath ?? "unmatched"),
            "status": .stringConvertible(status),
            "ms": .stringConvertible(milliseconds(ContinuousClock.now - start)),
        ]
        if let code { metadata["error"] = .string(code) }
        // A failure of the server's own (5xx: busy, a rotated key, storage) is one the operator must see.
        context.logger.log(level: status >= 500 ? .error : .info, "request", metadata: metadata)
    }

    private func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
