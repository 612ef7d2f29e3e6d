import ArgumentParser
import Foundation
import Vault

/// `rulesctl audit …`.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The tamper-evident audit log: verify, read, checkpoints, proofs, pseudonyms.",
        discussion: """
            Every read, write, refusal, import, rule-set load, token operation, evaluation, erasure and key \
            operation appends one entry, in the same transaction as the operation. Entries are the leaves of an RFC \
            6962 Merkle tree; the vault signs a C2SP checkpoint after each. Keep copies of checkpoints outside \
            the vault: a consistency proof from your copy to today's proves nothing was rewritten (docs/AUDIT.md).
            """,
        subcommands: [Verify.self, Log.self, Checkpoint.self, PublicKey.self, Prove.self, Resolve.self]
    )

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recompute the tree and check every stored checkpoint.")
        @OptionGroup var vault: VaultOptions
        @Flag(help: "Print {\"ok\", \"entries\", \"root\", …}.") var json = false

        func run() async throws {
            let store = try vault.open(json: json)
            let result: AuditVerification
            do {
                result = try store.verifyAudit()
            } catch {
                throw Console.fail(error, json: json)
            }
            if json {
                try Console.json(result)
            } else if result.ok {
                Console.out("ok: \(result.entries) entries, \(result.checkpoints) checkpoints, root \(result.root)")
            }
            if !result.ok {
                for problem in result.problems { Console.err("error: \(problem)") }
                throw Console.fail("the audit log does not verify; first bad entry \(result.firstBadEntry.map(String.init) ?? "?")")
            }
        }
    }

    struct Log: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Read the log (auditor role, or the console).")
        @OptionGroup var vault: VaultOptions
        @OptionGroup var token: TokenOptions
        @Option(help: "From this entry number.") var since = 1
        @Flag(help: "Print {\"entries\": [...]}.") var json = false

        func run() async throws {
            let store = try vault.open(json: json)
            let principal = try token.principal(store, json: json)
            let entries: [AuditEntry]
            do {
                entries = try store.auditLog(principal, since: since)
            } catch {
                throw Console.fail(error, json: json)
            }
            if json {
                try Console.json(["entries": entries])
                return
            }
            for entry in entries {
                Console.out("\(entry.seq)  \(entry.time)  \(entry.actor) (\(entry.role))  \(entry.action)  \(entry.decision)"
                    + (entry.subject.isEmpty ? "" : "  subject \(entry.subject)")
                    + (entry.purpose.map { "  purpose: \($0)" } ?? "") + (entry.detail.isEmpty ? "" : "  — \(entry.detail)"))
            }
        }
    }

    struct Checkpoint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the latest signed checkpoint.")
        @OptionGroup var vault: VaultOptions

        func run() async throws {
            let store = try vault.open()
            do {
                FileHandle.standardOutput.write(Data(try store.auditCheckpoint().utf8))
            } catch {
                throw Console.fail(error.message)
            }
        }
    }

    struct PublicKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "public-key", abstract: "Print the signed-note verifier key of the checkpoints.")
        @OptionGroup var vault: VaultOptions

        func run() async throws {
            let store = try vault.open()
            do {
                Console.out(try store.auditPublicKey())
            } catch {
                throw Console.fail(error.message)
            }
        }
    }

    struct Prove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "An inclusion proof (--entry N [--size S]) or a consistency proof (--from M --to N).")
        @OptionGroup var vault: VaultOptions
        @Option(help: "The entry (1-based) to prove included.") var entry: Int?
        @Option(help: "The tree size to prove against (default: the current size).") var size: Int?
        @Option(help: "The older tree size.") var from: Int?
        @Option(help: "The newer tree size.") var to: Int?
        @Flag(help: "Print JSON (hashes in standard base64).") var json = false

        func validate() throws {
            guard (entry != nil) != (from != nil && to != nil), (from == nil) == (to == nil) else {
                throw ValidationError("give --entry N [--size S], or --from M --to N")
            }
        }

        func run() async throws {
            let store = try vault.open(json: json)
            func b64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
            do {
                if let entry {
                    let proof = try store.auditInclusionProof(entry: entry, size: size)
                    struct Inclusion: Encodable {
                        let leaf_index: Int, tree_size: Int, leaf_hash: String, root: String, proof: [String]
                    }
                    try Console.json(Inclusion(leaf_index: proof.leafIndex, tree_size: proof.treeSize, leaf_hash: b64(proof.leafHash),
                                               root: b64(proof.root), proof: proof.proof.map(b64)))
                } else if let from, let to {
                    struct Consistency: Encodable { let size1: Int, size2: Int, proof: [String] }
                    try Console.json(Consistency(size1: from, size2: to, proof: try store.auditConsistencyProof(from: from, to: to).map(b64)))
                }
            } catch let error as VaultError {
                throw Console.fail(error, json: json)
            }
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resolve a pseudonym to its subject, to answer a right-of-access request (logged).")
        @OptionGroup var vault: VaultOptions
        @Argument(help: "The pseudonym.") var pseudonym: String
        @Option(help: "Why (e.g. the request's reference).") var reason: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let store = try vault.open(json: json)
            let result: (subjectID: String, entries: [Int])
            do {
                result = try store.resolvePseudonym(pseudonym, reason: reason)
            } catch {
                throw Console.fail(error, json: json)
            }
            if json {
                try Console.json(["subject": result.subjectID, "entries": result.entries.map(String.init).joined(separator: ",")])
            } else {
                Console.out("subject \(result.subjectID); entries about it: \(result.entries.map(String.init).joined(separator: ", "))")
            }
        }
    }
}
