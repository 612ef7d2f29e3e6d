/// A rule set that passed every check: the policy, the schema and the rules. The only input the
/// evaluator accepts. Immutable and shareable across threads.
public struct CheckedRuleSet: Sendable {
    /// The labels by name.
    public let labels: [String: LabelDefinition]
    /// The groups by name.
    public let groups: [String: GroupDefinition]
    /// The roles by name.
    public let roles: [String: RoleDefinition]
    /// The subject's shape.
    public let subject: RecordShape
    /// The kinds by name.
    public let kinds: [String: RecordShape]
    /// The school calendar.
    public let calendar: SchoolCalendar
    /// The rules, sorted by identifier.
    public let rules: [CheckedRule]
    /// Warnings found while checking (an unneeded `declassify`, …).
    public let warnings: [Diagnostic]

    /// The rule with this identifier.
    public func rule(_ id: String) -> CheckedRule? { rules.first { $0.id == id } }
}
