import ArgumentParser
import Vault

/// `rulesctl rotate-key`.
struct RotateKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-key",
        abstract: "Re-wrap every subject's data key under a new root key.",
        discussion: """
            Opens the vault with the current key (--key-file or --passphrase-env), creates the new key file \
            (--new-key-file, mode 0600) or reads the new passphrase (--new-passphrase-env), and re-wraps the \
            subjects' data keys in one transaction; records are not touched. Then destroy the old key file: \
            backups taken before the rotation open only with it.
            """
    )

    @OptionGroup var vault: VaultOptions

    @Option(help: ArgumentHelp("The new key file to create.", valueName: "file"))
    var newKeyFile: String?

    @Option(help: ArgumentHelp("The environment variable holding the new passphrase.", valueName: "var"))
    var newPassphraseEnv: String?

    func validate() throws {
        guard (newKeyFile == nil) != (newPassphraseEnv == nil) else {
            throw ValidationError("give exactly one of --new-key-file and --new-passphrase-env")
        }
    }

    func run() async throws {
        let store = try vault.open()
        let target: RootKeySource = newKeyFile.map { .keyFile($0) } ?? .passphraseEnvironment(newPassphraseEnv ?? "")
        do {
            let count = try store.rotateKey(to: target, environment: vault.environment)
            Console.out("rotated: \(count) subject keys re-wrapped; destroy the old key now")
        } catch {
            throw Console.fail(error.message)
        }
    }
}
