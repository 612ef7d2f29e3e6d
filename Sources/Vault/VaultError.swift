/// A vault operation that could not be done. The message names the place (file and line, record, option)
/// and never contains personal data or key material.
public struct VaultError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure, stable for scripts.
    public enum Code: String, Sendable, Hashable {
        case notAVault = "not_a_vault"
        case alreadyExists = "already_exists"
        case wrongKey = "wrong_key"
        case keyFile = "key_file"
        case noRuleSet = "no_rule_set"
        case integrity
        case invalidInput = "invalid_input"
        case notFound = "not_found"
        case forbidden
        case notPermitted = "not_permitted"
        case invalidToken = "invalid_token"
        case storage
        /// Another connection (an import, an evaluation, a server's audit entries) held the database's write lock
        /// for longer than the busy timeout: the transaction that waited changed nothing (a command of several, an
        /// evaluation or a purge, says what its earlier ones committed); try again.
        case busy
        /// An erasure, purge or rotation committed, but another connection kept reading older pages, so the
        /// write-ahead log could not be truncated: the pages holding what was destroyed or replaced stay in it
        /// until that connection ends or a later checkpoint succeeds. Nothing to retry: the operation stands.
        case logNotTruncated = "log_not_truncated"
    }

    /// The failure's kind.
    public let code: Code
    /// One line: what went wrong and, where it helps, what to do.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
