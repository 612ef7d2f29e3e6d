public import RulesEngine

/// One file of rule tests: the cases of one rule.
public struct RuleTestFile: Sendable {
    /// The fixture's path.
    public let path: String
    /// The rule the cases test.
    public let ruleID: String
    /// The cases, in file order.
    public let cases: [RuleTestCase]
}

/// One case: a subject, its records and past alerts, an evaluation date, and what must come out.
public struct RuleTestCase: Sendable {
    /// What the case shows (`quatre demi-journées non justifiées en octobre`).
    public let name: String
    /// The case's line in its file.
    public let line: Int
    /// The evaluation date.
    public let asOf: Day
    /// The subject's fields.
    public let subject: SubjectRecord
    /// The records; each record's id is `line N`, its line in the fixture.
    public let records: [Record]
    /// Alerts raised before.
    public let history: [PastAlert]
    /// Whether the rule must raise an alert.
    public let expectFires: Bool
    /// Revealed values to compare, by name, as text (`absent` for a missing value); others are not compared.
    public let expectReveal: [(name: String, value: String)]
    /// The expected severity, if the case checks it.
    public let expectSeverity: Severity?
}
