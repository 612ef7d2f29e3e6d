/// How urgent an alert is.
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable {
    case low, medium, high, critical
}

/// How often a rule may alert about one subject (`once per`).
public enum Deduplication: Sendable, Hashable {
    /// Default: not while an alert of the rule is open or acknowledged for the subject.
    case whileOpen
    case calendarMonth
    case schoolYear
    /// At most once ever per subject.
    case subject
    /// Not again within this period of the last alert.
    case period(Period)
}

/// A justified exception to the information-flow check, recorded in the audit log with the rule set.
public struct Declassification: Sendable, Hashable {
    /// The label the roles may receive although they do not see it.
    public let label: String
    /// The roles.
    public let roles: [String]
    /// The coordinator's justification.
    public let reason: String
}

/// A checked rule, ready to evaluate. A class, immutable: every subject's evaluation goes through every rule,
/// and a structure of this size was copied (each of its fields retained) at every step.
public final class CheckedRule: Sendable, Hashable {
    /// The rule's identifier (`ABS-4DJ`).
    public let id: String
    /// Its title.
    public let title: String?
    /// Its legal basis, with version or date.
    public let basis: String
    /// The working group its alerts belong to.
    public let group: String
    /// The alerts' severity.
    public let severity: Severity
    /// The notified roles, in the order written.
    public let audience: [String]
    /// The labels an alert of this rule carries (what its condition and revealed values read).
    public let labels: Set<String>
    /// Justified exceptions to the flow check.
    public let declassifications: [Declassification]
    /// The follow-up deadline after the alert.
    public let followUp: Period?
    /// Deduplication.
    public let deduplication: Deduplication
    /// The file the rule is written in and its line, for explanations.
    public let location: String
    /// The names of the revealed values, in order.
    public var revealedNames: [String] { reveal.map(\.name) }

    let when: CheckedExpr
    let reveal: [(name: String, expr: CheckedExpr)]

    init(id: String, title: String?, basis: String, group: String, severity: Severity, audience: [String],
         labels: Set<String>, declassifications: [Declassification], followUp: Period?, deduplication: Deduplication,
         location: String, when: CheckedExpr, reveal: [(name: String, expr: CheckedExpr)]) {
        self.id = id
        self.title = title
        self.basis = basis
        self.group = group
        self.severity = severity
        self.audience = audience
        self.labels = labels
        self.declassifications = declassifications
        self.followUp = followUp
        self.deduplication = deduplication
        self.location = location
        self.when = when
        self.reveal = reveal
    }

    public static func == (lhs: CheckedRule, rhs: CheckedRule) -> Bool {
        lhs.id == rhs.id && lhs.location == rhs.location && lhs.when == rhs.when
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(location)
    }
}
