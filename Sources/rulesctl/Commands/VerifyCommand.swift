import ArgumentParser
import Vault

/// `rulesctl verify`.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Open every sealed item of the vault; exit 1 naming each one that fails to authenticate.")

    @OptionGroup var vault: VaultOptions
    @Flag(help: "Print JSON.") var json = false

    struct Report: Encodable {
        let ok: Bool
        let checked: Int
        let failures: [String]
    }

    func run() async throws {
        let store = try vault.open(json: json)
        let result: (checked: Int, failures: [IntegrityFailure])
        do {
            result = try store.verify()
        } catch {
            throw Console.fail(error, json: json)
        }
        if json {
            try Console.json(Report(ok: result.failures.isEmpty, checked: result.checked,
                                    failures: result.failures.map(\.description)))
        } else {
            for failure in result.failures { Console.err("error: \(failure)") }
            if result.failures.isEmpty { Console.out("ok: \(result.checked) sealed items open") }
        }
        if !result.failures.isEmpty {
            throw Console.fail("\(result.failures.count) of \(result.checked) sealed items fail authentication")
        }
    }
}
