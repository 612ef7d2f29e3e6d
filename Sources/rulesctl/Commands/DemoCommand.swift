import ArgumentParser
import Foundation
import RuleFiles
import RulesEngine
import Vault

/// `rulesctl demo`: the whole story on synthetic data.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole story on synthetic data.",
        discussion: """
            Checks the rule folder and runs its fixtures; creates a vault in a fresh temporary folder (or --workspace), \
            loads the rules, writes synthetic partner files for 300 young people and imports them sealed, verifies \
            and crypto-shreds one subject; evaluates a synthetic cellule and shows each partner the alerts addressed \
            to it, with their explanations; shows the checker refusing a rule that would send judicial information \
            to a school.
            """
    )

    @Argument(help: "The rule folder.")
    var directory = "Rules"

    @Option(help: "Where to create the demo vault (default: a new temporary folder, removed at the end).")
    var workspace: String?

    func run() async throws {
        let checked: RuleSet.CheckResult
        do {
            checked = try RuleDirectory.check(directory)
        } catch {
            throw Console.fail(error.reason)
        }
        guard let ruleSet = checked.ruleSet else {
            for diagnostic in checked.diagnostics { Console.err(DiagnosticRenderer.render(diagnostic, in: checked.files)) }
            throw Console.fail("the rule set in \(directory) has errors; run 'rulesctl rules check \(directory)'")
        }
        let digest = (try? RuleSetDigest.hex(of: checked.files)) ?? "unavailable"
        Console.out("Vigie demo, rule set \(directory) (sha256 \(digest.prefix(16))…)\n")
        Console.out("1. The rule set checks: \(ruleSet.roles.count) roles, \(ruleSet.groups.count) groups, "
            + "\(ruleSet.kinds.count) kinds, \(ruleSet.rules.count) rules, each with its legal basis.")
        let report = RuleTestRunner.run(ruleSet, directory: directory)
        Console.out("2. Its fixtures: \(report.passed) passed, \(report.failed) failed.\n")
        let temporary = workspace == nil
        let folder = workspace ?? FileManager.default.temporaryDirectory.appendingPathComponent("vigie-demo-\(UUID().uuidString)").path
        defer { if temporary { try? FileManager.default.removeItem(atPath: folder) } }
        try DemoVault(workspace: folder, files: checked.files, ruleSet: ruleSet).run()
        try evaluateStory(ruleSet)
        showFlowRefusal()
        Console.out("""
            6. Coming in the next stages: evaluation over the vault and the alert lifecycle, PASETO role tokens and \
            need-to-know decisions, the Merkle audit log, the partner HTTP API, and benchmarks.
            """)
    }

    private func evaluateStory(_ ruleSet: CheckedRuleSet) throws {
        let story = DemoStory()
        guard let asOf = story.asOf else { throw Console.fail("the demo's evaluation date is invalid") }
        let people: [(SubjectRecord, [Record])]
        do {
            people = try story.typed(for: ruleSet)
        } catch {
            throw Console.fail(error.message)
        }
        let evaluator = Evaluator(ruleSet: ruleSet)
        var alerts: [(String, Alert)] = []
        for (subject, records) in people {
            let result = evaluator.evaluate(subject: subject, records: records, history: [], asOf: asOf)
            alerts += result.alerts.map { (subject.id, $0) }
        }
        let recordCount = people.reduce(0) { $0 + $1.1.count }
        Console.out("4. A synthetic cellule evaluated on \(asOf): \(people.count) young people, \(recordCount) records, "
            + "\(alerts.count) alerts. Each alert proposes; a person decides.\n")
        for (pseudonym, alert) in alerts {
            Console.out("   \(alert.ruleID) [\(alert.severity.rawValue)] \(pseudonym): \(alert.title ?? "")")
            Console.out("     basis: \(alert.basis)")
            Console.out("     to: \(alert.audience.joined(separator: ", "))"
                + (alert.followUp.map { "; follow-up by \($0)" } ?? ""))
            if !alert.revealed.isEmpty {
                Console.out("     reveals: " + alert.revealed.map { "\($0.name) = \($0.value)" }.joined(separator: ", "))
            }
            for evidence in alert.evidence { Console.out("     because \(evidence)") }
            Console.out("")
        }
        Console.out("   What each partner receives:")
        let roles = ruleSet.roles.keys.sorted()
        let width = roles.map(\.count).max() ?? 0
        for role in roles {
            let mine = alerts.filter { $0.1.audience.contains(role) }
            let list = mine.isEmpty ? "nothing" : mine.map { "\($0.1.ruleID) (\($0.0))" }.joined(separator: ", ")
            Console.out("   " + role.padding(to: width) + "  " + list)
        }
        Console.out("")
    }

    private func showFlowRefusal() {
        let rule = """
            rule "DEMO-TIG-ECOLE" {
              basis "démonstration"
              group prevention_jeunesse
              when exists(tig where statut == non_concluant)
              notify education_nationale
            }
            """
        Console.out("5. A rule that would tell a school about a TIG is refused before it can run:\n")
        guard let files = try? RuleDirectory.sources(in: directory) else { return }
        let result = RuleSet.check(files + [SourceFile(path: "demo-tig-ecole.vigie", text: rule)])
        for diagnostic in result.errors {
            Console.out(DiagnosticRenderer.render(diagnostic, in: result.files).split(separator: "\n")
                .map { "   " + $0 }.joined(separator: "\n"))
        }
        Console.out("")
    }
}

extension String {
    fileprivate func padding(to width: Int) -> String {
        self + String(repeating: " ", count: max(0, width - count))
    }
}
