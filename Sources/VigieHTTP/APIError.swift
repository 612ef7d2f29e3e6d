public import Hummingbird
import Foundation
import Vault

/// An API error: `{"error": {"code": "...", "message": "..."}}` with its status; never a stack trace, a token,
/// SQL or personal data.
public struct APIError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// Seconds after which the client may try again (`Retry-After`), for a vault busy with another writer.
    public let retryAfter: Int?

    public init(_ status: HTTPResponse.Status, code: String, _ message: String, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    /// The vault's refusals and failures, as HTTP.
    init(_ error: VaultError) {
        switch error.code {
        case .invalidToken: self.init(.unauthorized, code: "invalid_token", error.message)
        case .forbidden: self.init(.forbidden, code: "forbidden", error.message)
        case .notPermitted: self.init(.forbidden, code: "not_permitted", error.message)
        case .notFound: self.init(.notFound, code: "not_found", error.message)
        case .invalidInput: self.init(.unprocessableContent, code: "invalid_input", error.message)
        case .noRuleSet: self.init(.serviceUnavailable, code: "no_rule_set", error.message)
        // An import or an evaluation holds the write lock: this request changed nothing and logged nothing.
        case .busy: self.init(.serviceUnavailable, code: "busy", "the vault is busy with an import or an evaluation; try again",
                              retryAfter: 1)
        // The coordinator rotated the root key while this server ran: it must be started again with the new one.
        case .wrongKey: self.init(.serviceUnavailable, code: "key_rotated",
                                  "the vault's root key was rotated; the server must be restarted with the new key")
        default: self.init(.internalServerError, code: error.code.rawValue, "the vault could not serve the request")
        }
    }

    /// Any error of a handler or of Hummingbird: the vault's mapped, ours kept, Hummingbird's by status, anything
    /// else a 500 that says nothing more.
    init(_ error: any Error) {
        switch error {
        case let api as APIError: self = api
        case let vault as VaultError: self.init(vault)
        case let http as any HTTPResponseError:
            switch http.status.code {
            case 413: self.init(http.status, code: "body_too_large", "the request body is over \(APIConfiguration.maxBodySize) bytes")
            case 404: self.init(http.status, code: "not_found", "no such route")
            case 500...: self.init(http.status, code: "internal", "the request could not be served")
            default: self.init(http.status, code: "bad_request", "malformed request: \(http.status.reasonPhrase.lowercased())")
            }
        default: self.init(.internalServerError, code: "internal", "the request could not be served")
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(ErrorBody(error: .init(code: code, message: message)))) ?? Data()
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// `{"error": {"code", "message"}}`.
private struct ErrorBody: Encodable {
    struct Detail: Encodable {
        let code: String
        let message: String
    }

    let error: Detail
}
