import ArgumentParser
import RuleFiles
import RulesEngine

extension RulesCommand {
    /// `rulesctl rules test [DIR]`.
    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the YAML fixtures of DIR/tests against the rule set of DIR.",
            discussion: """
                Each fixture (DIR/tests/RULE.yaml) gives cases: a subject, records, past alerts, an evaluation date \
                and whether the rule must fire, with the revealed values to compare. A failing case shows what was \
                expected, what came out and the evaluation's explanation. Ends with 'N passed, M failed'; exits 1 \
                if any case failed or a fixture could not be read.
                """
        )

        @Argument(help: "The rule folder.")
        var directory = "Rules"

        @Flag(name: .shortAndLong, help: "Show every case with its explanation, not only failures.")
        var verbose = false

        @OptionGroup var output: OutputOptions

        struct CaseJSON: Encodable {
            let rule: String
            let name: String
            let location: String
            let passed: Bool
            let failures: [String]
            let explanation: [String]
        }

        struct ReportJSON: Encodable {
            let ok: Bool
            let passed: Int
            let failed: Int
            let cases: [CaseJSON]
            let errors: [String]
            let untestedRules: [String]
            let diagnostics: [DiagnosticJSON]
        }

        func run() async throws {
            let (_, ruleSet) = try RulesCommand.checkedRuleSet(directory, output: output) { result in
                ReportJSON(ok: false, passed: 0, failed: 0, cases: [], errors: [], untestedRules: [],
                           diagnostics: result.diagnostics.map { DiagnosticJSON($0, files: result.files) })
            }
            let report = RuleTestRunner.run(ruleSet, directory: directory)
            if output.json {
                try Console.json(ReportJSON(
                    ok: report.failed == 0, passed: report.passed, failed: report.failed,
                    cases: report.outcomes.map {
                        CaseJSON(rule: $0.ruleID, name: $0.name, location: $0.location, passed: $0.passed,
                                 failures: $0.failures, explanation: $0.evidence.map(\.description))
                    },
                    errors: report.fileErrors.map(\.description), untestedRules: report.untestedRules, diagnostics: []))
            } else {
                printReport(report)
            }
            if report.failed > 0 { throw ExitCode.failure }
        }

        private func printReport(_ report: RuleTestRunner.Report) {
            for error in report.fileErrors { Console.err(error.description) }
            for outcome in report.outcomes {
                if outcome.passed {
                    Console.out("PASS \(outcome.ruleID): \(outcome.name)")
                    if verbose { printExplanation(outcome) }
                    continue
                }
                Console.out("FAIL \(outcome.ruleID): \(outcome.name) (\(outcome.location))")
                for failure in outcome.failures { Console.out("  \(failure)") }
                printExplanation(outcome)
            }
            for rule in report.untestedRules { Console.err("warning: rule '\(rule)' has no test case") }
            Console.out("\(report.passed) passed, \(report.failed) failed")
        }

        private func printExplanation(_ outcome: RuleTestRunner.CaseOutcome) {
            guard !outcome.evidence.isEmpty else { return }
            Console.out("  explanation:")
            for evidence in outcome.evidence { Console.out("    \(evidence)") }
        }
    }
}
