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
            and crypto-shreds one subject; evaluates the vault and shows each partner the alerts addressed to it, \
            with their explanations; shows the checker refusing a rule that would send judicial information \
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
        try await DemoVault(workspace: folder, files: checked.files, ruleSet: ruleSet).run()
        showFlowRefusal()
        Console.out("""
            6. The same, for partners over HTTP: 'rulesctl serve' (docs/API.md). Speed: 'rulesctl bench' (docs/PERFORMANCE.md).
            """)
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

