import Foundation
import GRDB
import RulesEngine
import Testing
@testable import Vault

@Suite struct AuditTests {
    private let identity = ["nom": "Dupont", "prenom": "Emilie", "naissance": "2012-03-01"]

    private func populated() async throws -> TemporaryVault {
        let vault = try TemporaryVault()
        let csv = absenceHeader + (6...9).map { "Dupont,Emilie,2012-03-01,Collège X,2025-10-0\($0),matin,false," }.joined(separator: "\n") + "\n"
        _ = try vault.store.importFile(try vault.file("a.csv", csv), kind: "absence", source: "education_nationale")
        _ = try await vault.store.evaluate(asOf: Day(iso: "2025-10-20")!)
        return vault
    }

    private func token(_ vault: TemporaryVault, _ role: String, groups: [String] = ["prevention_jeunesse"]) throws -> Principal {
        try vault.store.verifyToken(try vault.store.issueToken(role: role, groups: groups, holder: "t", lifetime: 3_600).token)
    }

    private func actions(_ vault: TemporaryVault) throws -> [String] {
        try vault.store.auditLog(try vault.store.consolePrincipal()).map(\.action)
    }

    @Test func everyOperationAppendsAnEntryAndTheLogVerifies() async throws {
        let vault = try await populated()
        let school = try token(vault, "education_nationale")
        _ = try vault.store.alerts(for: school)
        _ = try vault.store.findSubjects(school, identity: identity, purpose: "assiduité")
        _ = try? vault.store.showSubject(try token(vault, "bailleur"), id: "nope", purpose: "x")
        let logged = try actions(vault)
        for action in ["vault_created", "rule_set_loaded", "import", "evaluation", "token_issued", "alerts_read", "search"] {
            #expect(logged.contains(action), "no \(action) entry")
        }
        let verification = try vault.store.verifyAudit()
        #expect(verification.ok, "\(verification.problems)")
        #expect(verification.entries >= logged.count)
        #expect(verification.checkpoints == verification.entries)
    }

    @Test func statusCountsEveryAuditEntry() async throws {
        let vault = try await populated()
        let before = try vault.store.status().auditEntries
        #expect(before == (try vault.store.verifyAudit().entries))
        #expect(before >= 4, "vault created, rule set loaded, import, evaluation")
        _ = try vault.store.alerts(for: try token(vault, "education_nationale"))
        let after = try vault.store.status().auditEntries
        #expect(after > before, "the token's issue and the listing are logged")
        #expect(after == (try vault.store.verifyAudit().entries))
    }

    @Test func searchIsLoggedWithItsPurposeAndNoIdentity() async throws {
        let vault = try await populated()
        let school = try token(vault, "education_nationale")
        let found = try vault.store.findSubjects(school, identity: identity, purpose: "réunion cellule du 20 octobre")
        #expect(found.count == 1)
        let auditor = try token(vault, "auditeur", groups: [])
        let entries = try vault.store.auditLog(auditor)
        let search = try #require(entries.last { $0.action == "search" })
        #expect(search.purpose == "réunion cellule du 20 octobre")
        #expect(search.subject.count == 32)
        #expect(search.actor.hasPrefix("token:"))
        let json = String(decoding: try JSONEncoder().encode(entries), as: UTF8.self)
        for secret in ["Dupont", "Emilie", "2012-03-01", "Collège X"] { #expect(!json.contains(secret)) }
        // The purpose is sealed on disk.
        #expect(try vault.vaultBytes().range(of: Data("réunion cellule".utf8)) == nil)
        // A partner that does not audit cannot read the log, and the refusal is itself logged.
        #expect(throws: VaultError.self) { try vault.store.auditLog(school) }
        #expect(try actions(vault).contains("audit_read"))
    }

    @Test func changingOneByteOfAStoredEntryFailsVerifyNamingIt() async throws {
        let vault = try await populated()
        let db = try DatabaseQueue(path: vault.directory + "/vault.sqlite")
        try await db.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_update")
            try db.execute(sql: "UPDATE audit_log SET detail = detail || 'x' WHERE seq = 3")
        }
        let result = try vault.store.verifyAudit()
        #expect(!result.ok)
        #expect(result.firstBadEntry == 3)
        // Rewriting the stored leaf too is caught by the signed checkpoints.
        let second = try await populated()
        let db2 = try DatabaseQueue(path: second.directory + "/vault.sqlite")
        try await db2.write { db in
            for table in ["audit_log", "audit_nodes"] { try db.execute(sql: "DROP TRIGGER \(table)_no_update") }
            try db.execute(sql: "UPDATE audit_log SET actor = 'someone else' WHERE seq = 2")
        }
        let recomputed = try second.store.verifyAudit()
        #expect(!recomputed.ok)
        #expect(recomputed.firstBadEntry == 2)
    }

    @Test func appendOnlyTriggersRefuseEditsAndDeletes() async throws {
        let vault = try await populated()
        let db = try DatabaseQueue(path: vault.directory + "/vault.sqlite")
        #expect(throws: (any Error).self) { try db.write { try $0.execute(sql: "DELETE FROM audit_log WHERE seq = 1") } }
        #expect(throws: (any Error).self) { try db.write { try $0.execute(sql: "UPDATE audit_checkpoints SET note = ''") } }
    }

    /// Fail-closed: if the entry cannot be written, nothing is served.
    @Test func partnerReadsFailWhenTheLogCannotBeWritten() async throws {
        let vault = try await populated()
        let school = try token(vault, "education_nationale")
        #expect(try !vault.store.alerts(for: school).isEmpty)
        let id = try #require(try vault.store.findSubjects(identity: identity).first)
        let db = try DatabaseQueue(path: vault.directory + "/vault.sqlite")
        try await db.write { try $0.execute(sql: "CREATE TRIGGER refuse BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'no'); END") }
        #expect(throws: VaultError.self) { try vault.store.alerts(for: school) }
        #expect(throws: VaultError.self) { try vault.store.showSubject(school, id: id, purpose: "assiduité") }
        #expect(throws: VaultError.self) { try vault.store.findSubjects(school, identity: identity, purpose: "assiduité") }
        let before = try vault.store.status().records
        let csv = absenceHeader + "Martin,Lucas,2011-01-01,,2025-10-10,matin,false,\n"
        #expect(throws: VaultError.self) {
            try vault.store.importFile(try vault.file("b.csv", csv), kind: "absence", source: "education_nationale")
        }
        #expect(try vault.store.status().records == before)
    }

    @Test func proofsVerifyAndRotationKeepsTheLogVerifiable() async throws {
        let vault = try await populated()
        let opened = try vault.store.findSubjects(try vault.store.consolePrincipal(), identity: identity, purpose: "contrôle")
        #expect(opened.count == 1)
        let keyBefore = try vault.store.auditPublicKey()
        let size = try vault.store.auditSize()
        let inclusion = try vault.store.auditInclusionProof(entry: 2, size: size)
        #expect(inclusion.leafIndex == 1)
        #expect(inclusion.proof.count >= 1)
        let consistency = try vault.store.auditConsistencyProof(from: 2, to: size)
        #expect(!consistency.isEmpty)
        // A token register and a break-glass opening, both sealed under the key-encryption key.
        let dpo = try token(vault, "auditeur", groups: [])
        let subject = try #require(try vault.store.findSubjects(identity: identity).first)
        _ = try vault.store.showSubject(dpo, id: subject, purpose: "droit d'accès", breakGlassReason: "demande n° 7")
        let tokensBefore = try vault.store.tokens()
        let newKey = vault.root.appendingPathComponent("new.key").path
        _ = try vault.store.rotateKey(to: .keyFile(newKey), environment: [:])
        let rotated = try VaultStore.open(directory: vault.directory, key: .keyFile(newKey), environment: [:])
        #expect(try rotated.auditPublicKey() == keyBefore)
        // The register still opens under the new key, holders included, and the break-glass list is intact.
        #expect(try rotated.tokens().map(\.holder) == tokensBefore.map(\.holder))
        #expect(try rotated.breakGlassUses().count == 1)
        // The break-glass reason was sealed again under the new key: it opens with it, in its place (it did not:
        // the rotation's update matched no row).
        let reason = try rotated.read { db -> String in
            let row = try #require(try Row.fetchOne(db, sql: "SELECT token_id, subject_id, reason FROM break_glass"))
            let place = rotated.breakGlassPlace(subjectID: row["subject_id"], token: row["token_id"])
            let opened = try Sodium.open([UInt8](row["reason"] as Data), key: rotated.keys.keyEncryption, associatedData: place.bytes)
            return String(decoding: opened, as: UTF8.self)
        }
        #expect(reason == "demande n° 7")
        #expect(try rotated.verify().failures.isEmpty)
        let result = try rotated.verifyAudit()
        #expect(result.ok, "\(result.problems)")
        let id = try #require(try rotated.findSubjects(identity: identity).first)
        let pseudonymBefore = try #require(try rotated.auditLog(try rotated.consolePrincipal()).first { !$0.subject.isEmpty }?.subject)
        let resolved = try rotated.resolvePseudonym(pseudonymBefore, reason: "demande d'accès n° 12")
        #expect(resolved.subjectID == id)
        #expect(!resolved.entries.isEmpty)
    }
}
