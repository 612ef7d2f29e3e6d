/// What evaluating the rules for one subject produced.
public struct EvaluationResult: Sendable {
    /// The new alerts.
    public let alerts: [Alert]
    /// Rules whose condition held but which did not alert because of `once per` (or an open alert).
    public let deduplicated: [Deduplicated]
    /// Rules that could not be evaluated; they produced no alert.
    public let errors: [EvaluationError]
}

/// A rule that fired but was deduplicated.
public struct Deduplicated: Sendable, Hashable {
    /// The rule.
    public let ruleID: String
    /// Why no new alert was raised.
    public let reason: String
    /// Whether it is because an alert of the rule is still open (rather than `once per`).
    public let stillOpen: Bool
}

/// A rule that could not be evaluated for a subject.
public struct EvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The rule.
    public let ruleID: String
    /// Where the rule is written (`Rules/scolarite.vigie:12`).
    public let location: String
    /// What went wrong, without any personal data.
    public let message: String

    /// `Rules/scolarite.vigie:12: rule 'ABS-4DJ': arithmetic overflow`.
    public var description: String { "\(location): rule '\(ruleID)': \(message)" }
}

/// An alert: a proposal to the notified roles; a person decides what to do with it.
public struct Alert: Sendable, Hashable {
    /// The rule.
    public let ruleID: String
    /// The rule's title.
    public let title: String?
    /// The rule's legal basis.
    public let basis: String
    /// The working group.
    public let group: String
    /// Severity.
    public let severity: Severity
    /// The roles it is addressed to.
    public let audience: [String]
    /// The labels it carries.
    public let labels: Set<String>
    /// The evaluation date.
    public let date: Day
    /// The follow-up deadline, if the rule sets one.
    public let followUp: Day?
    /// The revealed values, in the rule's order; a missing value is `.missing` (shown as absent).
    public let revealed: [RevealedValue]
    /// Why it fired: each condition checked, its values and the records it counted.
    public let evidence: [Evidence]

    /// Creates an alert (the evaluator does; the vault does for its reminders).
    package init(ruleID: String, title: String?, basis: String, group: String, severity: Severity, audience: [String],
                 labels: Set<String>, date: Day, followUp: Day?, revealed: [RevealedValue], evidence: [Evidence])
    {
        self.ruleID = ruleID
        self.title = title
        self.basis = basis
        self.group = group
        self.severity = severity
        self.audience = audience
        self.labels = labels
        self.date = date
        self.followUp = followUp
        self.revealed = revealed
        self.evidence = evidence
    }
}

/// A value an alert reveals to its audience.
public struct RevealedValue: Sendable, Hashable {
    /// The name it is revealed under.
    public let name: String
    /// The value.
    public let value: Value

    /// Creates a revealed value.
    package init(name: String, value: Value) {
        self.name = name
        self.value = value
    }
}

/// One condition of a rule as evaluated: an explanation a partner can read.
public struct Evidence: Sendable, Hashable, CustomStringConvertible {
    /// The condition's source text.
    public let expression: String
    /// Its value (`true` / `false` for a condition).
    public let value: Value
    /// For a comparison, the compared values (`4 >= 4`).
    public let comparison: String?
    /// The window the aggregates counted over.
    public let window: DayInterval?
    /// The records the aggregates counted.
    public let recordIDs: [String]

    /// `count(absence where not justifiee, in calendar_month) >= 4: 4 >= 4 → true [2025-10-01…2025-10-20; 4 records]`.
    public var description: String {
        var text = expression + ": " + (comparison.map { "\($0) → " } ?? "") + value.description
        var details: [String] = []
        if let window { details.append("window \(window)") }
        if !recordIDs.isEmpty { details.append("records \(recordIDs.joined(separator: ", "))") }
        if !details.isEmpty { text += " [" + details.joined(separator: "; ") + "]" }
        return text
    }
}
