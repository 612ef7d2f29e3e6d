public import Hummingbird
public import Foundation
import Logging
public import Vault

/// Building the HTTP application over an open vault.
public enum VigieAPI {
    /// The OpenAPI 3.1 document, served as is from the repository's `Sources/VigieHTTP/openapi.json`.
    public static var openAPIDocument: Data {
        Bundle.module.url(forResource: "openapi", withExtension: "json").flatMap { try? Data(contentsOf: $0) } ?? Data()
    }

    /// The router with every route and middleware: `limiter` bounds each token's requests, `refusals` the refused
    /// tokens the whole server logs each second.
    public static func router(store: VaultStore, limiter: RateLimiter = RateLimiter(limit: 50),
                              refusals: RateLimiter = RateLimiter(limit: 20)) -> Router<VaultRequestContext> {
        let router = Router(context: VaultRequestContext.self)
        router.add(middleware: AccessLogMiddleware())
        let vault = VaultCalls(store: store)
        router.add(middleware: TokenAuthMiddleware(vault: vault, refusals: refusals))
        router.add(middleware: RateLimitMiddleware(limiter: limiter))
        router.get("/healthz") { _, _ -> JSONBody<[String: String]> in JSONBody(["status": "ok"]) }
        router.get("/openapi.json") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: openAPIDocument)))
        }
        AlertsController(vault: vault).addRoutes(to: router)
        SubjectsController(vault: vault).addRoutes(to: router)
        RecordsController(vault: vault).addRoutes(to: router)
        AuditController(vault: vault).addRoutes(to: router)
        return router
    }

    /// The application, bound to `host:port`; `runService()` serves until SIGTERM or SIGINT, finishing the
    /// requests in flight.
    public static func application(store: VaultStore, host: String, port: Int,
                                   requestsPerSecond: Int = 50) -> some ApplicationProtocol {
        var logger = Logger(label: "vigie.http")
        logger.logLevel = .info
        return Application(router: router(store: store, limiter: RateLimiter(limit: requestsPerSecond)),
                           configuration: .init(address: .hostname(host, port: port), serverName: "vigie"),
                           logger: logger)
    }
}
