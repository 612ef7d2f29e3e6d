/// A label: a class of information whose readers the policy names (`confidentiel`, `judiciaire`).
public struct LabelDefinition: Sendable, Hashable {
    /// The label's name.
    public let name: String
    /// What it covers, in the coordinator's words.
    public let title: String?
}

/// A CLSPD working group (`prevention_jeunesse`); partners see subjects only through their groups.
public struct GroupDefinition: Sendable, Hashable {
    /// The group's name.
    public let name: String
    /// Its title.
    public let title: String?
}

/// An administrative right a role may hold (`manages rules, tokens`).
public enum Capability: String, Sendable, Hashable, CaseIterable, Comparable {
    case rules, tokens, subjects, imports, alerts

    public static func < (lhs: Capability, rhs: Capability) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A role: what a partner holding a token of this role may see, contribute and manage.
public struct RoleDefinition: Sendable, Hashable {
    /// The role's name.
    public let name: String
    /// Its title.
    public let title: String?
    /// The labels it may see.
    public let sees: Set<String>
    /// The kinds it may contribute (every kind for `contributes *`).
    public let contributes: Set<String>
    /// Its administrative rights.
    public let manages: Set<Capability>
    /// Whether it may read the audit log.
    public let audits: Bool
    /// Access beyond its view in an emergency, with a stated reason, flagged to auditors; `nil` if none.
    public let breakGlass: BreakGlassGrant?
}

/// `break_glass sees L, … for DURATION`: the labels a role may open beyond `sees`, for how long.
public struct BreakGlassGrant: Sendable, Hashable {
    /// The extra labels.
    public let labels: Set<String>
    /// How long an opening lasts.
    public let period: Period
}
