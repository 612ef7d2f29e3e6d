import ArgumentParser
import Vault

/// `rulesctl subject …`.
struct SubjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subject", abstract: "Subjects of the vault.", subcommands: [Erase.self])

    /// `rulesctl subject erase`.
    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Crypto-shred a subject: destroy its data key, then its identity, indexes and records.",
            discussion: """
                Once the wrapped data key is destroyed, no copy of the subject's sealed rows opens with the vault's \
                keys. Backups taken before the erasure still hold the wrapped key: run 'rulesctl rotate-key' and \
                destroy the old root key so that those backups no longer open either.
                """
        )

        @OptionGroup var vault: VaultOptions

        @Argument(help: "The subject's identifier.")
        var id: String

        @Option(help: "Why the subject is erased (retention, right to erasure…).")
        var reason: String

        func run() async throws {
            let store = try vault.open()
            do {
                let records = try store.erase(subjectID: id, reason: reason)
                Console.out("erased subject \(id): its data key and \(records) records are destroyed")
            } catch {
                throw Console.fail(error.message)
            }
        }
    }
}
