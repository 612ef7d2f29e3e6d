import ArgumentParser
import RulesEngine
import Vault

extension RulesCommand {
    /// `rulesctl rules check [DIR]`.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a folder of rule files: syntax, names, types, information flow.",
            discussion: """
                All .vigie files of DIR load together as one rule set. On success prints a one-line summary with \
                the rule set's SHA-256 and exits 0; otherwise prints every diagnostic as \
                'file:line:column: error: message [CODE]' with the source line and a caret, and exits 1.
                """
        )

        @Argument(help: "The rule folder.")
        var directory = "Rules"

        @OptionGroup var output: OutputOptions

        struct Summary: Encodable {
            let ok: Bool
            let files: Int
            let labels: Int
            let groups: Int
            let roles: Int
            let kinds: Int
            let rules: [String]
            let sha256: String?
            let diagnostics: [DiagnosticJSON]
        }

        func run() async throws {
            let (result, ruleSet) = try RulesCommand.checkedRuleSet(directory, output: output) { result in
                Summary(ok: false, files: result.files.count, labels: 0, groups: 0, roles: 0, kinds: 0, rules: [],
                        sha256: nil, diagnostics: result.diagnostics.map { DiagnosticJSON($0, files: result.files) })
            }
            let digest: String
            do {
                digest = try RuleSetDigest.hex(of: result.files)
            } catch {
                throw Console.fail("cannot compute the rule set digest: libsodium is unavailable")
            }
            if output.json {
                try Console.json(Summary(
                    ok: true, files: result.files.count, labels: ruleSet.labels.count, groups: ruleSet.groups.count,
                    roles: ruleSet.roles.count, kinds: ruleSet.kinds.count, rules: ruleSet.rules.map(\.id),
                    sha256: digest, diagnostics: result.diagnostics.map { DiagnosticJSON($0, files: result.files) }))
                return
            }
            let warnings = result.diagnostics.count
            Console.out("\(directory): ok; \(result.files.count) files, \(ruleSet.roles.count) roles, "
                + "\(ruleSet.groups.count) groups, \(ruleSet.kinds.count) kinds, \(ruleSet.rules.count) rules"
                + (warnings > 0 ? ", \(warnings) warning\(warnings == 1 ? "" : "s")" : "")
                + "; sha256 \(digest)")
        }
    }
}
