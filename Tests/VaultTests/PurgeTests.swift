import Foundation
import GRDB
import Testing
import RulesEngine
@testable import Vault

/// `purge`: what the reference schema's `retain` clauses say is due is destroyed, the rest kept, each destruction
/// logged under a pseudonym.
@Suite struct PurgeTests {
    private let incidents = "nom,prenom,naissance,date,source,type,lieu,implication\n"

    /// Emilie (born 2012): an absence kept until the end of the school year of her 16th birthday, two incidents
    /// kept one year each. Lucas (born 2001): 25 on 10 January 2026, his whole file is due.
    private func vault() throws -> TemporaryVault {
        let vault = try TemporaryVault()
        _ = try vault.store.importFile(try vault.file("a.csv", absenceHeader
            + "Dupont,Emilie,2012-03-01,Collège X,2025-10-06,matin,false,\n"
            + "Martin,Lucas,2001-01-10,Lycée Y,2016-10-06,matin,false,\n"), kind: "absence", source: "education_nationale")
        _ = try vault.store.importFile(try vault.file("i.csv", incidents
            + "Dupont,Emilie,2012-03-01,2025-10-08,police_municipale,degradation,parc_jardin,mis_en_cause\n"
            + "Dupont,Emilie,2012-03-01,2026-05-01,police_municipale,incivilite,voie_publique,mis_en_cause\n"
            + "Martin,Lucas,2001-01-10,2025-06-01,police_municipale,incivilite,voie_publique,temoin\n"),
            kind: "incident", source: "police_municipale")
        return vault
    }

    private let emilie = ["nom": "Dupont", "prenom": "Emilie", "naissance": "2012-03-01"]
    private let lucas = ["nom": "Martin", "prenom": "Lucas", "naissance": "2001-01-10"]

    @Test func whatIsDueIsDestroyedAndTheRestKept() throws {
        let vault = try vault()
        let day = try #require(Day(iso: "2026-12-01"))
        // A dry run counts without destroying; it logs one preview entry, naming no subject.
        let previewed = try vault.store.status().auditEntries
        let preview = try vault.store.purge(asOf: day, dryRun: true)
        let previewEntries = try vault.store.auditLog(try vault.store.consolePrincipal()).filter { $0.seq > previewed && $0.action == "purge" }
        #expect(previewEntries.count == 1 && previewEntries.first?.subject == "")
        #expect(previewEntries.first?.detail.contains("nothing destroyed") == true)
        #expect(preview.subjectsErased == 1 && preview.recordsDestroyed == 3)
        #expect(try vault.store.status().records == 5)
        #expect(try vault.store.status().subjects == 2)

        let lucasID = try #require(try vault.store.findSubjects(identity: lucas).first)
        // The rows that name him, by table.
        func naming(_ id: String) throws -> [Int] {
            try vault.store.read { db in
                try ["subject_keys", "records", "blind_indexes", "alerts", "subjects"].map { table in
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(table == "subjects" ? "id" : "subject_id") = ?",
                                     arguments: [id]) ?? -1
                }
            }
        }
        #expect(try naming(lucasID) == [1, 2, 1, 0, 1])
        let before = try vault.store.status().auditEntries
        let summary = try vault.store.purge(asOf: day)
        #expect(summary.subjects == 2)
        // Lucas's file (his absence and his incident) and Emilie's first incident, a year old.
        #expect(summary.subjectsErased == 1)
        #expect(summary.recordsDestroyed == 3)
        #expect(try vault.store.findSubjects(identity: lucas).isEmpty)
        // Crypto-shredding: his wrapped data key is gone, and every row that named him.
        #expect(try naming(lucasID) == [0, 0, 0, 0, 0])
        let id = try #require(try vault.store.findSubjects(identity: emilie).first)
        let kept = try vault.store.showSubject(try vault.store.consolePrincipal(), id: id, purpose: "contrôle de la purge")
        #expect(kept.records.map(\.kind).sorted() == ["absence", "incident"])
        #expect(kept.records.first { $0.kind == "incident" }?.fields["date"] == "2026-05-01")

        // One entry per subject touched, under its pseudonym, naming no one.
        let entries = try vault.store.auditLog(try vault.store.consolePrincipal()).filter { $0.seq > before && $0.action == "purge" }
        #expect(entries.count == 2)
        #expect(entries.allSatisfy { $0.subject.count == 32 && $0.role == "coordinateur" })
        #expect(entries.contains { $0.detail.contains("file destroyed") })
        #expect(entries.contains { $0.detail.contains("1 records destroyed (incident 1)") && $0.labels == ["ordre_public"] })
        for entry in entries {
            // Nor a deadline, which for `until age 25` is the 25th birthday.
            for value in ["Dupont", "Emilie", "Martin", "Lucas", "2012-03-01", "2001-01-10", "2026-01-10", "2025-10-08", "2026-10-08"] {
                #expect(!entry.detail.contains(value))
            }
        }
        #expect(try vault.store.verify().failures.isEmpty)
        #expect(try vault.store.verifyAudit().ok)

        // Nothing more is due the same day; later, the absence goes at the end of the school year of her 16th birthday.
        let again = try vault.store.purge(asOf: day)
        #expect(again.subjectsErased == 0 && again.recordsDestroyed == 0)
        #expect(try vault.store.purge(asOf: try #require(Day(iso: "2028-08-31"))).recordsDestroyed == 1)
        #expect(try vault.store.purge(asOf: try #require(Day(iso: "2028-09-01"))).recordsDestroyed == 1)
        #expect(try vault.store.status().records == 0)
    }

    /// A closed alert whose records reached their retention goes with them, its reminder too; an open one is still
    /// followed up and stays, until it is closed and the next purge takes it.
    @Test func closedAlertsGoWithTheRecordsTheyCite() async throws {
        let vault = try TemporaryVault()
        let rows = ["Dupont,Emilie,2012-03-01", "Durand,Lea,2012-05-05"].flatMap { person in
            (6...9).map { "\(person),Collège X,2025-10-0\($0),matin,false," }
        }
        _ = try vault.store.importFile(try vault.file("a.csv", absenceHeader + rows.joined(separator: "\n") + "\n"),
                                       kind: "absence", source: "education_nationale")
        _ = try await vault.store.evaluate(asOf: try #require(Day(iso: "2025-10-20")), only: ["ABS-4DJ"])
        // Both overdue: each gets its reminder.
        #expect(try await vault.store.evaluate(asOf: try #require(Day(iso: "2025-12-01")), only: ["ABS-4DJ"]).reminders == 2)
        let emilie = try #require(try vault.store.findSubjects(identity: emilie).first)
        let alerts = try vault.store.alerts(rule: "ABS-4DJ")
        let closed = try #require(alerts.first { $0.subject == emilie })
        let open = try #require(alerts.first { $0.subject != emilie })
        try vault.store.transition(alert: closed.id, to: .closed, actor: "CPE", outcome: .prisEnCharge, comment: nil)
        // What an alert cites is sealed with it; alerts sealed before that are read from their explanation's text.
        let records = try vault.store.showSubject(try vault.store.consolePrincipal(), id: emilie, purpose: "contrôle").records
        #expect(AlertDetail(reveal: [], evidence: closed.evidence).citedRecords.sorted() == records.map(\.id).sorted())
        let sealed = try vault.store.read { db in
            let row = try #require(try Row.fetchOne(db, sql: "SELECT detail FROM alerts WHERE id = ?", arguments: [closed.id]))
            return try VaultStore.openAlertPart(row[0], "detail", of: closed.id, key: try vault.store.openSubject(db, id: emilie).key,
                                                at: AlertDetail.place(vaultID: vault.store.vaultID, subjectID: emilie, alertID: closed.id),
                                                AlertDetail.decode)
        }
        #expect(sealed.records?.sorted() == records.map(\.id).sorted())
        // Text that does not read as record identifiers cites nothing (the alert is kept).
        #expect(AlertDetail(reveal: [], evidence: ["age < 16: 13 < 16 → true [records 4 demi-journées]"]).citedRecords.isEmpty)

        let due = try #require(Day(iso: "2028-09-01"))
        let preview = try vault.store.purge(asOf: due, dryRun: true)
        #expect(preview.recordsDestroyed == 8 && preview.alertsDestroyed == 1)
        #expect(try vault.store.alerts().count == 4)
        let before = try vault.store.status().auditEntries
        let summary = try vault.store.purge(asOf: due)
        #expect(summary.recordsDestroyed == 8 && summary.alertsDestroyed == 1)
        #expect(try vault.store.alerts(rule: "ABS-4DJ").map(\.id) == [open.id])
        #expect(try vault.store.alerts(rule: VaultStore.reminderRule).compactMap(\.parent) == [open.id])
        let entries = try vault.store.auditLog(try vault.store.consolePrincipal()).filter { $0.seq > before && $0.action == "purge" }
        #expect(entries.map(\.detail).sorted() == [
            "retention as of 2028-09-01: 4 records destroyed (absence 4)",
            "retention as of 2028-09-01: 4 records destroyed (absence 4); 1 closed alerts destroyed, every record they cite being gone",
        ])

        // Closed later, the other alert goes at the next purge: the records it cites are already gone.
        try vault.store.transition(alert: open.id, to: .closed, actor: "CPE", outcome: .orientation, comment: nil)
        let later = try vault.store.status().auditEntries
        #expect(try vault.store.purge(asOf: due).alertsDestroyed == 1)
        let last = try vault.store.auditLog(try vault.store.consolePrincipal()).filter { $0.seq > later && $0.action == "purge" }
        #expect(last.map(\.detail) == ["retention as of 2028-09-01: 1 closed alerts destroyed, every record they cite being gone"])
        #expect(try vault.store.alerts().isEmpty)
        #expect(try vault.store.verifyAudit().ok)
    }

    /// A vault where Emilie's four absences of October 2025 raised an ABS-4DJ alert, closed since.
    private func closedAlert() async throws -> (TemporaryVault, StoredAlert) {
        let vault = try TemporaryVault()
        let rows = (6...9).map { "Dupont,Emilie,2012-03-01,Collège X,2025-10-0\($0),matin,false," }
        _ = try vault.store.importFile(try vault.file("a.csv", absenceHeader + rows.joined(separator: "\n") + "\n"),
                                       kind: "absence", source: "education_nationale")
        _ = try await vault.store.evaluate(asOf: try #require(Day(iso: "2025-10-20")), only: ["ABS-4DJ"])
        let alert = try #require(try vault.store.alerts(rule: "ABS-4DJ").first)
        try vault.store.transition(alert: alert.id, to: .closed, actor: "CPE", outcome: .dejaConnu, comment: nil)
        return (vault, alert)
    }

    /// A closed alert still citing a kept record stays (the rule could fire on it again, and the alert's `once per`
    /// holds it back); it goes once every record it cites is gone.
    @Test func aClosedAlertStaysWhileARecordItCitesIsKept() async throws {
        let (vault, alert) = try await closedAlert()
        // One of its records gone already (as by an earlier purge under another rule set).
        try await DatabaseQueue(path: vault.directory + "/vault.sqlite").write { db in
            try db.execute(sql: "DELETE FROM records WHERE rowid = (SELECT MIN(rowid) FROM records)")
        }
        #expect(try vault.store.purge(asOf: try #require(Day(iso: "2027-01-01"))).alertsDestroyed == 0)
        #expect(try vault.store.alerts(rule: "ABS-4DJ").map(\.id) == [alert.id])
        let due = try vault.store.purge(asOf: try #require(Day(iso: "2028-09-01")))
        #expect(due.recordsDestroyed == 3 && due.alertsDestroyed == 1)
        #expect(try vault.store.alerts().isEmpty)
    }

    /// A closed alert whose sealed detail was tampered with stops the purge as an integrity failure naming it;
    /// nothing of its chunk is destroyed.
    @Test func aTamperedClosedAlertStopsThePurge() async throws {
        let (vault, alert) = try await closedAlert()
        try await DatabaseQueue(path: vault.directory + "/vault.sqlite").write { db in
            try db.execute(sql: "UPDATE alerts SET detail = CAST(detail AS BLOB) || x'00' WHERE id = ?", arguments: [alert.id])
        }
        let error = try #require(throws: VaultError.self) { try vault.store.purge(asOf: try #require(Day(iso: "2028-09-01"))) }
        #expect(error.code == .integrity && error.message.contains("alert \(alert.id)"))
        #expect(try vault.store.status().records == 4 && vault.store.status().alerts == 1)
    }

    /// A purge stopped in its second chunk keeps what the first destroyed, and still truncates the log, so that the
    /// destroyed pages do not stay in it.
    @Test func aPurgeStoppedMidwayKeepsItsFirstChunkAndTruncatesTheLog() throws {
        let vault = try TemporaryVault(population: 2_000)
        _ = try vault.importSynthetic(subjects: 800)
        let ids = try vault.store.read { db in try String.fetchAll(db, sql: "SELECT id FROM subjects ORDER BY id") }
        #expect(ids.count > VaultStore.purgeChunk)
        let last = try #require(ids.last)
        try DatabaseQueue(path: vault.directory + "/vault.sqlite").write { db in
            try db.execute(sql: "UPDATE subjects SET identity = CAST(identity AS BLOB) || x'00' WHERE id = ?", arguments: [last])
        }
        // In 2060 every file is past its 25th birthday.
        let error = try #require(throws: VaultError.self) { try vault.store.purge(asOf: try #require(Day(iso: "2060-01-01"))) }
        #expect(error.code == .integrity)
        #expect(try vault.store.status().subjects == ids.count - VaultStore.purgeChunk)
        let log = try FileManager.default.attributesOfItem(atPath: vault.directory + "/vault.sqlite-wal")[.size] as? Int
        #expect(log == 0)
    }

    @Test func aTamperedRecordStopsThePurgeNamingItAndDestroysNothingOfItsChunk() throws {
        let vault = try vault()
        let id = try #require(try vault.store.findSubjects(identity: emilie).first)
        let tampered = try DatabaseQueue(path: vault.directory + "/vault.sqlite").write { db -> [String] in
            try db.execute(sql: "UPDATE records SET sealed = CAST(sealed AS BLOB) || x'00' WHERE kind = 'incident' AND subject_id = ?",
                           arguments: [id])
            return try String.fetchAll(db, sql: "SELECT id FROM records WHERE kind = 'incident' AND subject_id = ?", arguments: [id])
        }
        let day = try #require(Day(iso: "2026-12-01"))
        let error = try #require(throws: VaultError.self) { try vault.store.purge(asOf: day) }
        #expect(error.code == .integrity)
        #expect(tampered.contains { error.message.contains("record \($0)") })
        let failures = try vault.store.auditLog(try vault.store.consolePrincipal()).filter { $0.action == "integrity_check" }
        #expect(failures.contains { $0.decision == "failed" && tampered.contains(where: $0.reasons.joined().contains) })
        #expect(try vault.store.status().records == 5)
        #expect(try vault.store.status().subjects == 2)
    }
}
