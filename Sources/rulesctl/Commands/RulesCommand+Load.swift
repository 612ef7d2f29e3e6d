import ArgumentParser
import RuleFiles
import RulesEngine
import Vault

extension RulesCommand {
    /// `rulesctl rules load`.
    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a rule folder and store it in the vault as the new current version.")

        @OptionGroup var vault: VaultOptions

        @Argument(help: "The rule folder.")
        var directory = "Rules"

        @OptionGroup var output: OutputOptions

        func run() async throws {
            let store = try vault.open(json: output.json)
            let (result, _) = try RulesCommand.checkedRuleSet(directory, output: output) { result in
                FailureJSON(error: "\(result.errors.count) errors in \(directory)")
            }
            let stored: StoredRuleSet
            do {
                stored = try store.loadRuleSet(result.files)
            } catch {
                throw Console.fail(error, json: output.json)
            }
            if output.json {
                try Console.json(["version": String(stored.version), "sha256": stored.sha256])
            } else {
                Console.out("loaded rule set version \(stored.version), sha256 \(stored.sha256)")
            }
        }
    }
}
