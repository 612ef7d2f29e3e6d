import ArgumentParser
import Foundation
import Vault

/// `rulesctl token issue|revoke|list|public-key`.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Issue, revoke and list partners' role tokens (PASETO v4.public).",
        discussion: """
            A token names its holder, a role and working groups, and is valid for --ttl. Partners present it to \
            the console commands (--token, or better VIGIE_TOKEN) and to the HTTP API. Anyone can verify a token \
            offline with 'rulesctl token public-key' and the vault id as implicit assertion.
            """,
        subcommands: [Issue.self, Revoke.self, List.self, PublicKey.self]
    )

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a role token.")
        @OptionGroup var vault: VaultOptions
        @Option(help: "The role.") var role: String
        @Option(name: .customLong("group"), help: "A working group (repeatable).") var groups: [String] = []
        @Option(help: "Who holds it, e.g. \"CPE collège Camille Claudel\".") var holder: String
        @Option(help: "How long it is valid: 12h, 30d, 8w.") var ttl = "30d"
        @Flag(help: "Print {\"token\", \"id\", \"expires\"}.") var json = false

        func run() async throws {
            guard let lifetime = TokenCommand.seconds(ttl) else {
                throw ValidationError(
                    "--ttl must be a number followed by h, d or w, e.g. 30d, of at most \(VaultStore.maxTokenDays) days")
            }
            let store = try vault.open(json: json)
            let issued: IssuedToken
            do {
                issued = try store.issueToken(role: role, groups: groups, holder: holder, lifetime: lifetime)
            } catch {
                throw Console.fail(error, json: json)
            }
            if json {
                try Console.json(issued)
            } else {
                Console.out(issued.token)
                Console.err("token \(issued.id) for role \(role), expires \(issued.expires)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by its id.")
        @OptionGroup var vault: VaultOptions
        @Argument(help: "The token's id (jti).") var id: String

        func run() async throws {
            let store = try vault.open()
            do {
                try store.revokeToken(id)
            } catch {
                throw Console.fail(error.message)
            }
            Console.out("token \(id) revoked")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List issued tokens.")
        @OptionGroup var vault: VaultOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let store = try vault.open(json: json)
            let tokens: [TokenRecord]
            do {
                tokens = try store.tokens()
            } catch {
                throw Console.fail(error, json: json)
            }
            if json {
                try Console.json(["tokens": tokens])
                return
            }
            for token in tokens {
                Console.out("\(token.id)  \(token.role)  [\(token.groups.joined(separator: ","))]  \(token.holder)  "
                    + "expires \(token.expires)" + (token.revoked.map { "  REVOKED \($0)" } ?? ""))
            }
        }
    }

    struct PublicKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "public-key", abstract: "Print the PASERK k4.public key that verifies the vault's tokens.")
        @OptionGroup var vault: VaultOptions

        func run() async throws {
            let store = try vault.open()
            do {
                Console.out(try store.tokenPublicKey())
                Console.err("implicit assertion (vault id): \(store.vaultID)")
            } catch {
                throw Console.fail(error.message)
            }
        }
    }

    /// `12h`, `30d`, `8w` in seconds, at most `VaultStore.maxTokenLifetime`; `nil` for anything else.
    static func seconds(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let amount = Int(text.dropLast()), amount > 0, amount <= VaultStore.maxTokenDays * 24 else { return nil }
        let scale: Int
        switch unit {
        case "h": scale = 3_600
        case "d": scale = 86_400
        case "w": scale = 7 * 86_400
        default: return nil
        }
        let seconds = TimeInterval(amount * scale)
        return seconds <= VaultStore.maxTokenLifetime ? seconds : nil
    }
}
