import ArgumentParser
import Foundation
import Vault

/// `--token`: act as a partner holding a role token instead of as the console (the coordinator).
struct TokenOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Act as the holder of this role token (default: $VIGIE_TOKEN; without one, the console acts as the coordinator).",
        valueName: "token"))
    var token: String?

    /// The principal: the verified token's, or the console's.
    func principal(_ store: VaultStore, json: Bool = false) throws -> Principal {
        do {
            if let token = token ?? ProcessInfo.processInfo.environment["VIGIE_TOKEN"], !token.isEmpty {
                return try store.verifyToken(token)
            }
            return try store.consolePrincipal()
        } catch {
            throw Console.fail(error, json: json)
        }
    }
}
