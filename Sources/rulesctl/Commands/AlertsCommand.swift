import ArgumentParser
import Foundation
import RulesEngine
import Vault

/// `rulesctl alerts`, `alerts ack`, `alerts close`.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "List alerts, acknowledge or close them.",
        discussion: """
            The local console holding the key file acts as the coordinator and sees every alert; with --token (or \
            VIGIE_TOKEN) only the alerts addressed to the token's role in its groups. Alerts propose; a person decides: acknowledge an alert when someone takes it up, close it with an outcome.
            """,
        subcommands: [List.self, Acknowledge.self, Close.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List alerts.")

        @OptionGroup var vault: VaultOptions
        @OptionGroup var token: TokenOptions
        @Option(help: "Only alerts with this status (open, acknowledged, closed).") var status: String?
        @Option(help: "Only alerts of this rule.") var rule: String?
        @Option(help: "Only alerts addressed to this role.") var role: String?
        @Flag(help: "Print JSON: {\"alerts\": [...]}.") var json = false

        func validate() throws {
            if let status, AlertStatus(rawValue: status) == nil {
                throw ValidationError("--status must be one of open, acknowledged, closed")
            }
        }

        func run() async throws {
            let store = try vault.open(json: json)
            let principal = try token.principal(store, json: json)
            let alerts: [StoredAlert]
            do {
                alerts = try store.alerts(for: principal, status: status.flatMap(AlertStatus.init), rule: rule)
                    .filter { alert in role.map { alert.audience.contains($0) } ?? true }
            } catch {
                throw Console.fail(error, json: json)
            }
            if json {
                try Console.json(["alerts": alerts])
                return
            }
            for alert in alerts { AlertsCommand.print(alert) }
            Console.out("\(alerts.count) alerts")
        }
    }

    struct Acknowledge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ack", abstract: "Acknowledge an alert.")

        @OptionGroup var vault: VaultOptions
        @Argument(help: "The alert's identifier.") var id: String
        @Option(help: "The outcome so far.") var outcome: String?
        @Option(help: "A short comment (at most 500 characters; no judgement on the person).") var comment: String?

        func run() async throws {
            try AlertsCommand.transition(vault, id: id, to: .acknowledged, outcome: outcome, comment: comment)
            Console.out("alert \(id) acknowledged")
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "close", abstract: "Close an alert with an outcome.")

        @OptionGroup var vault: VaultOptions
        @Argument(help: "The alert's identifier.") var id: String
        @Option(help: "pris_en_charge, orientation, sans_suite, deja_connu or erreur.") var outcome: String
        @Option(help: "A short comment (at most 500 characters; no judgement on the person).") var comment: String?

        func run() async throws {
            try AlertsCommand.transition(vault, id: id, to: .closed, outcome: outcome, comment: comment)
            Console.out("alert \(id) closed (\(outcome))")
        }
    }

    static func transition(_ vault: VaultOptions, id: String, to status: AlertStatus, outcome: String?,
                           comment: String?) throws
    {
        var parsed: AlertOutcome?
        if let outcome {
            guard let value = AlertOutcome(rawValue: outcome) else {
                throw ValidationError("--outcome must be one of \(AlertOutcome.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            parsed = value
        }
        let store = try vault.open()
        let actor = "console:" + (ProcessInfo.processInfo.environment["USER"] ?? "coordinateur")
        do {
            try store.transition(alert: id, to: status, actor: actor, outcome: parsed, comment: comment)
        } catch {
            throw Console.fail(error.message)
        }
    }

    static func print(_ alert: StoredAlert) {
        Console.out("\(alert.id)  \(alert.rule)  [\(alert.severity)] \(alert.status)  subject \(alert.subject)  "
            + "raised \(alert.created)" + (alert.followUp.map { ", follow-up by \($0)" } ?? ""))
        Console.out("  to: \(alert.audience.joined(separator: ", "))")
        if !alert.reveal.isEmpty {
            Console.out("  reveals: " + alert.reveal.sorted { $0.key < $1.key }
                .map { "\($0.key) = \($0.value ?? "absent")" }.joined(separator: ", "))
        }
        for line in alert.evidence { Console.out("  because \(line)") }
    }
}
