import ArgumentParser
import Hummingbird
import VigieHTTP

/// `rulesctl serve`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the partner HTTP API (JSON, bearer role tokens).",
        discussion: """
            Binds to 127.0.0.1 by default: put a TLS-terminating reverse proxy (nginx, Caddy) in front and never \
            expose the plain port. SIGTERM or SIGINT stops accepting connections and finishes the requests in \
            flight. The OpenAPI 3.1 document is at /openapi.json. Access logs (stderr) hold the method, route \
            pattern, status, duration and an error's code, never a query string, token or personal data. Imports and \
            evaluations may run beside it: every read is logged, so a request waits for their write lock up to 10 \
            seconds, then answers 503 "busy" with Retry-After (nothing served, nothing changed); import large files \
            outside office hours.
            """
    )

    @OptionGroup var vault: VaultOptions
    @Option(help: "The address to bind.") var host = "127.0.0.1"
    @Option(help: "The port.") var port = 8080
    @Option(help: "Requests per second allowed per token before 429.") var rateLimit = 50

    func validate() throws {
        guard (1...65_535).contains(port) else { throw ValidationError("--port must be between 1 and 65535") }
        guard rateLimit > 0 else { throw ValidationError("--rate-limit must be positive") }
    }

    func run() async throws {
        let store = try vault.open()
        try await VigieAPI.application(store: store, host: host, port: port, requestsPerSecond: rateLimit).runService()
    }
}
