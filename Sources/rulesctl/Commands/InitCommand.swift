import ArgumentParser
import Vault

/// `rulesctl init`.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a vault and its root key.",
        discussion: """
            With --key-file, creates the key file (mode 0600): it is the coordinator's credential, keep it off the \
            vault's disk and back it up apart. With --passphrase-env VAR, the key is derived from the passphrase \
            in VAR with Argon2id. Refuses a folder that already holds a vault.
            """
    )

    @OptionGroup var vault: VaultOptions

    @Option(help: "The number of subjects the vault is sized for (blind-index width).")
    var population = 100_000

    @Flag(help: "Print {\"vault_id\": …} as JSON.")
    var json = false

    func validate() throws {
        guard population >= 2 else { throw ValidationError("--population must be at least 2") }
    }

    func run() async throws {
        let directory = try vault.directory()
        let source = try vault.keySource()
        let store: VaultStore
        do {
            store = try VaultStore.create(directory: directory, key: source, population: population,
                                          environment: vault.environment)
        } catch {
            throw Console.fail(error, json: json)
        }
        if json {
            try Console.json(["vault_id": store.vaultID])
        } else {
            Console.out("created vault \(store.vaultID) in \(directory)")
        }
    }
}
