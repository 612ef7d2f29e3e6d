/// Who is asking: a partner holding a verified role token, or the local console holding the key file, which
/// acts as the coordinator.
public struct Principal: Sendable, Hashable {
    /// The token's `jti`; `nil` for the console.
    public let tokenID: String?
    /// The role.
    public let role: String
    /// The working groups the token grants.
    public let groups: Set<String>

    /// A principal; the vault makes them from verified tokens (`verifyToken`).
    package init(tokenID: String?, role: String, groups: Set<String>) {
        self.tokenID = tokenID
        self.role = role
        self.groups = groups
    }

    /// The local console: the coordinator, in every group.
    public static func console(groups: Set<String>) -> Principal {
        Principal(tokenID: nil, role: "coordinateur", groups: groups)
    }

    /// Whether this is the local console.
    public var isConsole: Bool { tokenID == nil }

    /// How the audit log names the actor: `token:<jti>/<role>` or `console`.
    public var actor: String { tokenID.map { "token:\($0)/\(role)" } ?? "console" }
}
