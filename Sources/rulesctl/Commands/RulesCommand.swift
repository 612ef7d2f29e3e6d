import ArgumentParser
import RuleFiles
import RulesEngine

/// `rulesctl rules …`: check and test a folder of rule files.
struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Check and test rule files.",
        subcommands: [Check.self, Test.self, Load.self]
    )

    /// Checks a folder; on errors prints them (text on stderr, or the JSON document) and throws exit status 1.
    static func checkedRuleSet(_ directory: String, output: OutputOptions,
                               json failureDocument: (RuleSet.CheckResult) -> any Encodable) throws -> (RuleSet.CheckResult, CheckedRuleSet)
    {
        let result: RuleSet.CheckResult
        do {
            result = try RuleDirectory.check(directory)
        } catch {
            if output.json { try Console.json(FailureJSON(error: error.reason)) }
            throw Console.fail(error.reason)
        }
        if !output.json {
            for diagnostic in result.diagnostics {
                Console.err(DiagnosticRenderer.render(diagnostic, in: result.files, color: output.color))
            }
        }
        guard let ruleSet = result.ruleSet else {
            if output.json { try Console.json(failureDocument(result)) }
            let count = result.errors.count
            throw Console.fail("\(count) error\(count == 1 ? "" : "s") in \(directory); the rule set is refused")
        }
        return (result, ruleSet)
    }
}

/// `{"ok": false, "error": "…"}`.
struct FailureJSON: Encodable {
    let ok = false
    let error: String
}
