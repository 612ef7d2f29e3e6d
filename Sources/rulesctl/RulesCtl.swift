import ArgumentParser

/// `rulesctl`: the coordinator's command line for Vigie.
@main
struct RulesCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rulesctl",
        abstract: "Vigie: lawful information sharing and alerts for a CLSPD.",
        discussion: """
            Rule files (.vigie) declare the policy (labels, groups, roles), the schema (the subject and the kinds of \
            record partners contribute) and the rules that raise alerts. Check them with 'rulesctl rules check', \
            test them with 'rulesctl rules test'. Exit status: 0 success, 1 a failure to act on (diagnostics, \
            failed tests, bad input), 64 a usage error.
            """,
        version: "0.1.0",
        subcommands: [
            InitCommand.self, StatusCommand.self, VerifyCommand.self, RotateKeyCommand.self, RulesCommand.self,
            ImportCommand.self, SynthCommand.self, EvaluateCommand.self, AlertsCommand.self, SubjectCommand.self,
            PurgeCommand.self, TokenCommand.self, AuditCommand.self, ServeCommand.self,
            BenchCommand.self,
            DemoCommand.self,
        ]
    )
}
