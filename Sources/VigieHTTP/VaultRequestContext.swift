public import Hummingbird
public import Vault

/// The request context: who is asking, once the bearer token is verified.
public struct VaultRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The verified principal; `nil` on the open routes (`/healthz`, `/openapi.json`).
    public var principal: Principal?

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }

    /// Request bodies are limited to 1 MiB.
    public var maxUploadSize: Int { APIConfiguration.maxBodySize }

    /// The principal, or 401.
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw APIError(.unauthorized, code: "unauthorized", "a bearer role token is required") }
        return principal
    }
}
