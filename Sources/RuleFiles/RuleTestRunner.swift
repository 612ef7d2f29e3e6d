public import RulesEngine
import Foundation

/// Runs the YAML fixtures of a rule folder (`DIR/tests/*.yaml`) against the rule set of the same folder.
public enum RuleTestRunner {
    /// The outcome of one case.
    public struct CaseOutcome: Sendable {
        /// The rule tested.
        public let ruleID: String
        /// The case's name.
        public let name: String
        /// `path:line` of the case.
        public let location: String
        /// What did not match (empty when the case passed).
        public let failures: [String]
        /// The evaluation's explanation: each condition checked, with its values.
        public let evidence: [Evidence]
        /// Whether the case passed.
        public var passed: Bool { failures.isEmpty }
    }

    /// The outcome of a whole run.
    public struct Report: Sendable {
        /// Every case, in file and case order.
        public let outcomes: [CaseOutcome]
        /// Fixture files that could not be read (each counts as one failure).
        public let fileErrors: [RuleFilesError]
        /// Rules that have no fixture case.
        public let untestedRules: [String]

        /// Cases that passed.
        public var passed: Int { outcomes.filter(\.passed).count }
        /// Cases that failed, plus unreadable fixture files.
        public var failed: Int { outcomes.count - passed + Set(fileErrors.map(\.path)).count }
    }

    /// Reads and runs every fixture of `DIR/tests/`.
    ///
    /// - Parameters:
    ///   - ruleSet: the checked rule set of the folder.
    ///   - directory: the rule folder; fixtures are in its `tests/` subfolder.
    /// - Returns: the report.
    public static func run(_ ruleSet: CheckedRuleSet, directory: String) -> Report {
        let testsPath = (directory.hasSuffix("/") ? directory : directory + "/") + "tests"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: testsPath)) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .sorted()
        var outcomes: [CaseOutcome] = []
        var fileErrors: [RuleFilesError] = []
        var tested: Set<String> = []
        for name in names {
            let path = testsPath + "/" + name
            var reader = FixtureReader(ruleSet: ruleSet, path: path)
            let text: String
            do {
                text = try RuleDirectory.readText(path)
            } catch {
                fileErrors.append(error)
                continue
            }
            guard let file = reader.read(text) else {
                fileErrors += reader.errors
                continue
            }
            tested.insert(file.ruleID)
            outcomes += file.cases.map { run($0, of: file, in: ruleSet) }
        }
        let untested = ruleSet.rules.map(\.id).filter { !tested.contains($0) }
        return Report(outcomes: outcomes, fileErrors: fileErrors, untestedRules: untested)
    }

    /// Evaluates one case and compares the result with its expectation.
    public static func run(_ testCase: RuleTestCase, of file: RuleTestFile, in ruleSet: CheckedRuleSet) -> CaseOutcome {
        let result = Evaluator(ruleSet: ruleSet).evaluate(
            subject: testCase.subject, records: testCase.records, history: testCase.history, asOf: testCase.asOf,
            only: [file.ruleID])
        let alert = result.alerts.first
        var failures: [String] = result.errors.map { "evaluation failed: \($0.message)" }
        switch (testCase.expectFires, alert) {
        case (true, nil):
            let why = result.deduplicated.first.map { " (deduplicated: \($0.reason))" } ?? ""
            failures.append("expected an alert, got none" + why)
        case (false, .some):
            failures.append("expected no alert, got one")
        case (true, let alert?):
            for (name, expected) in testCase.expectReveal {
                let actual = alert.revealed.first { $0.name == name }?.value.description ?? "absent"
                if actual != expected { failures.append("reveal '\(name)': expected \(expected), got \(actual)") }
            }
            if let severity = testCase.expectSeverity, severity != alert.severity {
                failures.append("severity: expected \(severity.rawValue), got \(alert.severity.rawValue)")
            }
        case (false, nil):
            break
        }
        return CaseOutcome(
            ruleID: file.ruleID, name: testCase.name, location: "\(file.path):\(testCase.line)", failures: failures,
            evidence: alert?.evidence ?? explain(testCase, rule: file.ruleID, in: ruleSet))
    }

    /// The explanation of a case that raised no alert: the conditions as evaluated.
    private static func explain(_ testCase: RuleTestCase, rule: String, in ruleSet: CheckedRuleSet) -> [Evidence] {
        Evaluator(ruleSet: ruleSet).explain(
            rule: rule, subject: testCase.subject, records: testCase.records, history: testCase.history,
            asOf: testCase.asOf)
    }
}
