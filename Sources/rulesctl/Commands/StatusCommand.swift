import ArgumentParser
import Vault

/// `rulesctl status`.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show a vault's counts and current rule set; nothing personal.")

    @OptionGroup var vault: VaultOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let store = try vault.open(json: json)
        let status: VaultStatus
        do {
            status = try store.status()
        } catch {
            throw Console.fail(error, json: json)
        }
        if json {
            try Console.json(status)
            return
        }
        Console.out("vault \(status.vaultID): \(status.subjects) subjects, \(status.records) records, "
            + "\(status.alerts) alerts, \(status.auditEntries) audit entries")
        Console.out("rule set: " + (status.ruleSet.map { "version \(status.ruleSetVersion ?? 0), sha256 \($0)" } ?? "none loaded"))
        for (kind, count) in status.recordsByKind.sorted(by: { $0.key < $1.key }) { Console.out("  \(kind): \(count)") }
        Console.out("write-ahead log: \(status.logBytes) bytes since the last checkpoint")
    }
}
