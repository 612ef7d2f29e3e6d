import Hummingbird
import Logging

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
        } catch let error as any HTTPResponseError {
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
            "ms": .stringConvertible(milliseconds(ContinuousClock.now - start)),
        ])
    }

    private func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
