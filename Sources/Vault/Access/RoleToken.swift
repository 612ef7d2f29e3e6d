import Foundation

/// The claims of a role token: `jti, sub, role, groups, iat, nbf, exp`, times in RFC 3339 UTC.
public struct TokenClaims: Codable, Sendable, Hashable {
    public let jti: String
    public let sub: String
    public let role: String
    public let groups: [String]
    public let iat: String
    public let nbf: String
    public let exp: String

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// Parses an RFC 3339 time, with or without fractional seconds (a format style, not a formatter: every
    /// request's token goes through here).
    static func date(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle().parse(text))
            ?? (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
    }
}

/// A token as `token issue` prints it.
public struct IssuedToken: Sendable, Encodable {
    /// The `v4.public.…` token.
    public let token: String
    /// Its `jti`.
    public let id: String
    /// When it expires (RFC 3339).
    public let expires: String
}

/// An issued token as `token list` shows it to the coordinator.
public struct TokenRecord: Sendable, Encodable {
    public let id: String
    public let role: String
    public let groups: [String]
    public let holder: String
    public let issued: String
    public let expires: String
    public let revoked: String?
}
