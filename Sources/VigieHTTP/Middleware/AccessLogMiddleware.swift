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
            let failure = Self.apiError(error)
            log(request, context, status: failure.status.code, since: start, error: failure.code)
            throw failure
        }
    }

    /// Any error of a route or of Hummingbird, as the API answers it.
    private static func apiError(_ error: any Error) -> APIError {
        switch error {
        case let api as APIError:
            return api
        case let http as any HTTPResponseError:
            switch http.status.code {
            case 413: return APIError(http.status, code: "body_too_large", "the request body is over \(APIConfiguration.maxBodySize) bytes")
            case 404: return APIError(http.status, code: "not_found", "no such route")
            case 500...: return APIError(http.status, code: "internal", "the request could not be served")
            default: return APIError(http.status, code: "bad_request", "malformed request: \(http.status.reasonPhrase.lowercased())")
            }
        default:
            return APIError(.internalServerError, code: "internal", "the request could not be served")
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
