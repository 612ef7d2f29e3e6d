import ArgumentParser
import Foundation
import Vault

/// `--vault`, `--key-file`, `--passphrase-env`, shared by every vault command. `VIGIE_VAULT` and
/// `VIGIE_KEY_FILE` stand in for the first two. Secrets are never taken from the command line.
struct VaultOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The vault folder (default: $VIGIE_VAULT).", valueName: "dir"))
    var vault: String?

    @Option(name: .long, help: ArgumentHelp(
        "The root key file, the coordinator's credential (default: $VIGIE_KEY_FILE).", valueName: "file"))
    var keyFile: String?

    @Option(name: .long, help: ArgumentHelp(
        "The name of an environment variable holding the passphrase, instead of a key file.", valueName: "var"))
    var passphraseEnv: String?

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    func directory() throws -> String {
        guard let directory = vault ?? environment["VIGIE_VAULT"], !directory.isEmpty else {
            throw ValidationError("give the vault folder with --vault DIR or VIGIE_VAULT")
        }
        return directory
    }

    func keySource() throws -> RootKeySource {
        switch (keyFile ?? environment["VIGIE_KEY_FILE"], passphraseEnv) {
        case (let file?, nil): return .keyFile(file)
        case (nil, let variable?): return .passphraseEnvironment(variable)
        case (.some, .some) where keyFile != nil:
            throw ValidationError("give either --key-file or --passphrase-env, not both")
        case (.some, let variable?): return .passphraseEnvironment(variable)
        case (nil, nil): throw ValidationError("give the root key with --key-file FILE (or VIGIE_KEY_FILE) or --passphrase-env VAR")
        }
    }

    /// Opens the vault, or fails with a one-line reason (exit 1), and with `json` the failure's JSON document on
    /// stdout too, as the command's other failures.
    func open(json: Bool = false) throws -> VaultStore {
        let directory = try directory()
        let source = try keySource()
        do {
            return try VaultStore.open(directory: directory, key: source, environment: environment)
        } catch {
            throw Console.fail(error, json: json)
        }
    }
}

extension Console {
    /// Reports a vault error: the JSON document with --json, the one-line reason on stderr, exit status 1.
    static func fail(_ error: VaultError, json: Bool) -> ExitCode {
        if json { try? Console.json(VaultFailureJSON(error: .init(error))) }
        return fail(error.message)
    }
}

/// `{"ok": false, "error": {"code", "message"}}`.
struct VaultFailureJSON: Encodable {
    struct Detail: Encodable {
        let code: String
        let message: String

        init(_ error: VaultError) {
            code = error.code.rawValue
            message = error.message
        }
    }

    let ok = false
    let error: Detail
}
