import ArgumentParser
import Vault

/// `rulesctl subject …`.
struct SubjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subject", abstract: "Subjects of the vault.", subcommands: [Find.self, Show.self, Erase.self])

    /// `rulesctl subject find`.
    struct Find: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find a subject by identity (blind index), with a stated purpose.",
            discussion: """
                Prints the subjects found that the token's role may open, with only the fields whose labels it \
                sees. A person the role may not open is left out rather than refused, so that a search never \
                reveals that someone is known.
                """
        )

        @OptionGroup var vault: VaultOptions
        @OptionGroup var token: TokenOptions
        @Option(help: "Family name.") var nom: String
        @Option(help: "First name.") var prenom: String
        @Option(help: "Birth date, YYYY-MM-DD.") var naissance: String
        @Option(help: "Why you search (logged; at most 200 characters).") var purpose: String
        @Flag(help: "Print {\"matches\": [...]}.") var json = false

        func run() async throws {
            let store = try vault.open(json: json)
            let principal = try token.principal(store, json: json)
            let matches: [SubjectView]
            do {
                matches = try store.findSubjects(principal, identity: ["nom": nom, "prenom": prenom, "naissance": naissance],
                                                 purpose: purpose)
            } catch {
                throw Console.fail(error, json: json)
            }
            if json {
                try Console.json(["matches": matches.map { ["id": $0.id].merging($0.fields) { a, _ in a } }])
                return
            }
            for match in matches {
                Console.out(match.id + "  " + match.fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                    .joined(separator: " "))
            }
            Console.out("\(matches.count) match\(matches.count == 1 ? "" : "es")")
        }
    }

    /// `rulesctl subject show`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a subject as the token's role may see it, with a stated purpose.",
            discussion: """
                --break-glass --reason TEXT opens, where the policy grants the role a break-glass, a time-boxed \
                view beyond its usual labels; every use is flagged to the auditors.
                """
        )

        @OptionGroup var vault: VaultOptions
        @OptionGroup var token: TokenOptions
        @Argument(help: "The subject's identifier.") var id: String
        @Option(help: "Why you look (logged; at most 200 characters).") var purpose: String
        @Flag(help: "Open a break-glass view (needs --reason).") var breakGlass = false
        @Option(help: "The break-glass reason.") var reason: String?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            if breakGlass && reason == nil { throw ValidationError("--break-glass needs --reason") }
        }

        func run() async throws {
            let store = try vault.open(json: json)
            let principal = try token.principal(store, json: json)
            let view: SubjectView
            do {
                view = try store.showSubject(principal, id: id, purpose: purpose, breakGlassReason: breakGlass ? reason : nil)
            } catch {
                throw Console.fail(error, json: json)
            }
            if json {
                try Console.json(view)
                return
            }
            Console.out("subject \(view.id)" + (view.breakGlass ? "  [BREAK-GLASS]" : ""))
            for (name, value) in view.fields.sorted(by: { $0.key < $1.key }) { Console.out("  \(name): \(value)") }
            for record in view.records {
                Console.out("  \(record.kind): " + record.fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                    .joined(separator: " "))
            }
            for alert in view.alerts { Console.out("  alert \(alert.rule) [\(alert.status)] raised \(alert.created)") }
            if !view.hiddenLabels.isEmpty { Console.out("  hidden from your role: \(view.hiddenLabels.joined(separator: ", "))") }
        }
    }

    /// `rulesctl subject erase`.
    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Crypto-shred a subject: destroy its data key, then its identity, indexes and records.",
            discussion: """
                Once the wrapped data key is destroyed, no copy of the subject's sealed rows opens with the vault's \
                keys. Backups taken before the erasure still hold the wrapped key: run 'rulesctl rotate-key' and \
                destroy the old root key so that those backups no longer open either. The write-ahead log is \
                truncated afterwards, once other readers (a running 'rulesctl serve') are done with older pages; if \
                one keeps reading past 10 seconds, the erasure stands and the command exits 1 with \
                log_not_truncated: the old pages go when that process stops or at the next purge.
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
