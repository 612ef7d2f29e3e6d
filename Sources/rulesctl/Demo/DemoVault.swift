import Foundation
import RulesEngine
import Synthetic
import Vault

/// The vault part of the demo: a fresh vault with synthetic partner files imported, sealed, verified, and one
/// subject crypto-shredded.
struct DemoVault {
    let workspace: String
    let files: [SourceFile]
    let ruleSet: CheckedRuleSet

    func run() async throws {
        let vaultDirectory = workspace + "/vault"
        let keyFile = workspace + "/root.key"
        let synthDirectory = workspace + "/partners"
        let store: VaultStore
        let manifest: SyntheticData.Manifest
        do {
            store = try VaultStore.create(directory: vaultDirectory, key: .keyFile(keyFile), population: 1_000,
                                          environment: [:])
            let stored = try store.loadRuleSet(files)
            Console.out("3. A vault: \(vaultDirectory) (key file \(keyFile), mode 0600; in real use the key lives apart).")
            Console.out("   Rule set loaded as version \(stored.version).")
            guard let asOf = Day(iso: "2026-03-20") else { return }
            manifest = try SyntheticData(ruleSet: ruleSet, subjects: 300, seed: 2026, asOf: asOf).write(to: synthDirectory)
            Console.out("   Synthetic partner files for 300 young people in \(synthDirectory); importing:")
            for file in manifest.files {
                let summary = try store.importFile(synthDirectory + "/" + file.path, kind: file.kind, source: file.source)
                Console.out("     \(file.kind) from \(file.source): \(summary.recordsStored) records, "
                    + "\(summary.subjectsCreated) new subjects")
            }
        } catch let error as VaultError {
            throw Console.fail(error.message)
        }
        try showSealed(store, synthDirectory: synthDirectory, manifest: manifest)
        try await evaluate(store, asOf: manifest.asOf)
        try showTokens(store)
        try showAudit(store)
    }

    /// Partners under role tokens: what each sees, and a refusal.
    private func showTokens(_ store: VaultStore) throws {
        do throws(VaultError) {
            Console.out("   Partners under role tokens (PASETO v4.public, verifiable with \(try store.tokenPublicKey().prefix(20))…):")
            for role in ["education_nationale", "mission_locale", "bailleur"] {
                let issued = try store.issueToken(role: role, groups: ["prevention_jeunesse"], holder: "démo \(role)",
                                                  lifetime: 3_600)
                let principal = try store.verifyToken(issued.token)
                Console.out("     \(role): \(try store.alerts(for: principal).count) alerts visible")
                if role == "bailleur", let subject = try store.alerts().first?.subject {
                    do {
                        _ = try store.showSubject(principal, id: subject, purpose: "démonstration")
                    } catch {
                        Console.out("     bailleur opening a subject: \(error.message)")
                    }
                }
            }
            Console.out("")
        } catch {
            throw Console.fail(error.message)
        }
    }

    /// The audit log: every step above left an entry; the log verifies and the checkpoint is signed.
    private func showAudit(_ store: VaultStore) throws {
        let entries: [AuditEntry]
        let result: AuditVerification
        let checkpoint: String
        do throws(VaultError) {
            entries = try store.auditLog(try store.consolePrincipal())
            result = try store.verifyAudit()
            checkpoint = try store.auditCheckpoint()
        } catch {
            throw Console.fail(error.message)
        }
        Console.out("   Audit log: \(entries.count) entries, one per operation; verify: \(result.ok ? "ok" : "FAILED"); "
            + "\(result.checkpoints) signed checkpoints. The last partner reads:")
        for entry in entries.filter({ $0.actor.hasPrefix("token:") }).suffix(3) {
            Console.out("     #\(entry.seq) \(entry.role) \(entry.action) \(entry.decision)"
                + (entry.subject.isEmpty ? "" : " subject \(entry.subject.prefix(12))…")
                + (entry.purpose.map { " purpose \"\($0)\"" } ?? ""))
        }
        Console.out("   Latest checkpoint, to keep outside the vault:")
        for line in checkpoint.split(separator: "\n", omittingEmptySubsequences: false) { Console.out("     " + line) }
    }

    /// Evaluates the demo vault and shows each partner what reaches it.
    private func evaluate(_ store: VaultStore, asOf: String) async throws {
        guard let day = Day(iso: asOf) else { return }
        let summary: EvaluationSummary
        let alerts: [StoredAlert]
        do {
            summary = try await store.evaluate(asOf: day)
            alerts = try store.alerts()
        } catch {
            throw Console.fail(error.message)
        }
        Console.out("4. Evaluated \(summary.subjects) subjects as of \(asOf): \(alerts.count) alerts. Each proposes; a person decides.\n")
        let rules = Set(alerts.map(\.rule)).sorted()
        let roles = ruleSet.roles.keys.sorted()
        let width = roles.map(\.count).max() ?? 0
        Console.out("   What reaches each partner (alerts per rule):")
        for role in roles {
            let mine = alerts.filter { $0.audience.contains(role) }
            let perRule = rules.compactMap { rule -> String? in
                let count = mine.filter { $0.rule == rule }.count
                return count > 0 ? "\(rule) ×\(count)" : nil
            }
            Console.out("   " + role + String(repeating: " ", count: width - role.count) + "  "
                + (perRule.isEmpty ? "nothing" : perRule.joined(separator: ", ")))
        }
        Console.out("\n   One alert of each rule, as its audience reads it:")
        for rule in rules {
            guard let alert = alerts.first(where: { $0.rule == rule }) else { continue }
            Console.out("   \(alert.rule) [\(alert.severity)] subject \(alert.subject.prefix(8))… to \(alert.audience.joined(separator: ", "))"
                + (alert.followUp.map { "; follow-up by \($0)" } ?? ""))
            let reveal = alert.reveal.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value ?? "absent")" }
            if !reveal.isEmpty { Console.out("     reveals: " + reveal.joined(separator: ", ")) }
            for line in alert.evidence { Console.out("     because " + Self.shortened(line)) }
        }
        Console.out("")
    }

    /// Long record lists shortened for the screen.
    private static func shortened(_ line: String) -> String {
        guard let range = line.range(of: "; records ") ?? line.range(of: "[records ") else { return line }
        let count = line[range.upperBound...].split(separator: ",").count
        return String(line[..<range.lowerBound]) + (line[range].hasPrefix("[") ? "[" : "; ") + "\(count) records]"
    }

    private func showSealed(_ store: VaultStore, synthDirectory: String, manifest: SyntheticData.Manifest) throws {
        let status = try store.status()
        Console.out("   The vault holds \(status.subjects) subjects and \(status.records) sealed records.")
        let sample = try firstIdentity(synthDirectory + "/" + (manifest.files.first?.path ?? ""))
        var leaked = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: store.directory) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: store.directory + "/" + name))
            leaked += [sample["nom"], sample["prenom"], sample["naissance"]].compactMap { $0 }
                .filter { bytes.range(of: Data($0.utf8)) != nil }.count
        }
        Console.out("   Searching the vault's files for one young person's name, first name and birth date: "
            + "\(leaked) found.")
        let (checked, failures) = try store.verify()
        Console.out("   verify: \(checked) sealed items open, \(failures.count) failures.")
        let found = try store.findSubjects(identity: sample)
        if let id = found.first {
            Console.out("   Found by blind index (case and accents folded): subject \(id).")
            let destroyed = try store.erase(subjectID: id, reason: "démonstration : fin de la durée de conservation")
            let after = try store.findSubjects(identity: sample)
            Console.out("   Erased (crypto-shredding): data key and \(destroyed) records destroyed; found again: "
                + "\(after.count).\n")
        }
    }

    private func firstIdentity(_ path: String) throws -> [String: String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n")
        guard lines.count > 1 else { return [:] }
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let cells = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let row = Dictionary(zip(header, cells), uniquingKeysWith: { a, _ in a })
        return ["nom": row["nom"] ?? "", "prenom": (row["prenom"] ?? "").uppercased(), "naissance": row["naissance"] ?? ""]
    }
}
