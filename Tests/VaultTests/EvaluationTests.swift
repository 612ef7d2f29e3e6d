import Foundation
import GRDB
import RuleFiles
import RulesEngine
import Synthetic
import Testing
@testable import Vault

@Suite struct EvaluationTests {
    private let asOf = Day(iso: "2026-03-20")!

    @Test func everyReferenceRuleFiresOnSynthDataAndASecondRunAddsNothing() async throws {
        let vault = try TemporaryVault(population: 2_000)
        _ = try vault.importSynthetic(subjects: 2_000, seed: 5)
        let first = try await vault.store.evaluate(asOf: asOf)
        let ruleSet = try #require(try vault.store.checkedRuleSet().1 as CheckedRuleSet?)
        for rule in ruleSet.rules {
            #expect((first.rules[rule.id]?.new ?? 0) > 0, "\(rule.id) never fired on synthetic data")
        }
        #expect(first.errors.isEmpty)
        let total = try vault.store.status().alerts
        let second = try await vault.store.evaluate(asOf: asOf)
        #expect(second.rules.values.allSatisfy { $0.new == 0 })
        // ABS-4DJ has 'once per calendar_month'; SUIVI-INACTIF has none, so an open alert holds it back.
        #expect((second.rules["ABS-4DJ"]?.deduplicated ?? 0) == first.rules["ABS-4DJ"]?.new)
        #expect((second.rules["SUIVI-INACTIF"]?.alreadyOpen ?? 0) == first.rules["SUIVI-INACTIF"]?.new)
        #expect(try vault.store.status().alerts == total)
    }

    /// Incremental evaluation after an import equals a full evaluation from the same state, on random data.
    @Test(arguments: [UInt64(21), 22, 23])
    func incrementalEqualsFull(seed: UInt64) async throws {
        let vault = try TemporaryVault()
        let manifest = try vault.importSynthetic(subjects: 250, seed: seed, keepEvery: 2)
        _ = try await vault.store.evaluate(asOf: asOf)
        // The other rows arrive: some new subjects, new records for known ones.
        for file in manifest.files {
            let rest = vault.root.appendingPathComponent("synth/rest-" + file.path).path
            guard try String(contentsOfFile: rest, encoding: .utf8).split(separator: "\n").count > 1 else { continue }
            _ = try vault.store.importFile(rest, kind: file.kind, source: file.source)
        }
        let copy = vault.root.appendingPathComponent("copy").path
        try FileManager.default.copyItem(atPath: vault.directory, toPath: copy)
        let twin = try VaultStore.open(directory: copy, key: .keyFile(vault.keyFile), environment: [:])
        let incremental = try await vault.store.evaluate(asOf: asOf, changedOnly: true)
        let full = try await twin.evaluate(asOf: asOf)
        #expect(incremental.subjects < full.subjects)
        #expect(try alertKeys(vault.directory) == alertKeys(copy))
        #expect(try alertKeys(vault.directory).count > 0)
    }

    /// A batch selects its records by subject alone when the rules read every kind, by subject and kind
    /// otherwise: both give the same subjects, rules and records in the same order, and a kind the rule set no
    /// longer declares is left out of both.
    @Test func aBatchReadsTheSameWhetherItSelectsByKindOrNot() throws {
        let vault = try TemporaryVault()
        _ = try vault.importSynthetic(subjects: 200, seed: 3)
        let ruleSet = try vault.referenceRuleSet()
        let store = vault.store
        try store.write { db in
            let subject = try String.fetchOne(db, sql: "SELECT id FROM subjects ORDER BY id LIMIT 1")
            try db.execute(sql: """
                INSERT INTO records (id, subject_id, kind, created_at, sealed, fingerprint)
                VALUES ('retired-record', ?, 'retired', 0, x'00', randomblob(16))
                """, arguments: [subject])
        }
        let rules = ruleSet.rules.map { (id: $0.id, needs: $0.requiredRecords) }
        let kinds = Set(ruleSet.kinds.keys)
        func summary(_ batch: [SealedSubject]) -> [String] {
            batch.map { subject in
                "\(subject.id) \(subject.rules.sorted()) \(subject.wrapped.count) " + subject.records.keys.sorted().map { kind in
                    kind + ":" + (subject.records[kind] ?? []).map(\.id).joined(separator: ",")
                }.joined(separator: ";")
            }
        }
        let abs4 = try #require(ruleSet.rule("ABS-4DJ"))
        let (byKind, bySubject, oneRule) = try store.read { db in
            let ids = try String.fetchAll(db, sql: "SELECT id FROM subjects ORDER BY id")
            return (try store.sealedBatch(db, ids, rules: rules, kinds: kinds, everyKind: false),
                    try store.sealedBatch(db, ids, rules: rules, kinds: kinds, everyKind: true),
                    try store.sealedBatch(db, ids, rules: [(abs4.id, abs4.requiredRecords)], kinds: abs4.kinds))
        }
        #expect(byKind.count > 100 && byKind.allSatisfy { !$0.wrapped.isEmpty && !$0.identity.isEmpty })
        #expect(summary(byKind) == summary(bySubject))
        #expect(!summary(bySubject).contains { $0.contains("retired") })
        // One rule: only the subjects holding what it needs, with only the kind it reads.
        #expect(!oneRule.isEmpty && oneRule.count < byKind.count)
        #expect(oneRule.allSatisfy { $0.rules == [abs4.id] && Set($0.records.keys) == ["absence"]
            && ($0.records["absence"]?.count ?? 0) >= 4 })
        // Rules needing several kinds, or one of several: the subjects counted in SQL are those counted here.
        let mixed: [(id: String, needs: [String: Int])] = [("A", ["absence": 6]), ("B", ["incident": 1, "sanction": 1])]
        let (ids, mixedBatch, held) = try store.read { db in
            let ids = try String.fetchAll(db, sql: "SELECT id FROM subjects ORDER BY id")
            var held: [String: [String: Int]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT subject_id, kind, COUNT(*) FROM records GROUP BY subject_id, kind") {
                held[row[0], default: [:]][row[1]] = row[2]
            }
            return (ids, try store.sealedBatch(db, ids, rules: mixed, kinds: ["absence", "incident", "sanction"]), held)
        }
        func firing(_ id: String) -> Set<String> {
            Set(mixed.filter { rule in rule.needs.allSatisfy { (held[id]?[$0.key] ?? 0) >= $0.value } }.map(\.id))
        }
        let expected = ids.filter { !firing($0).isEmpty }
        #expect(!expected.isEmpty && expected.contains { firing($0).contains("B") })
        #expect(mixedBatch.map(\.id) == expected)
        #expect(mixedBatch.allSatisfy { $0.rules == firing($0.id) })
    }

    /// The count on the index keeps exactly the subjects holding what a rule needs, and no other.
    @Test func theIndexCountKeepsTheSubjectsWhoCouldFire() throws {
        let vault = try TemporaryVault()
        _ = try vault.importSynthetic(subjects: 200, seed: 3)
        let counted = try vault.store.read { db in
            let ids = try String.fetchAll(db, sql: "SELECT id FROM subjects ORDER BY id")
            let absences = try Dictionary(uniqueKeysWithValues: ids.map { id in
                (id, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM records WHERE subject_id = ? AND kind = 'absence'",
                                      arguments: [id]) ?? 0)
            })
            let sanctions = try Set(String.fetchAll(db, sql: "SELECT DISTINCT subject_id FROM records WHERE kind = 'sanction'"))
            return (ids: ids, absences: absences, sanctions: sanctions,
                    four: try vault.store.couldFire(db, ids, rules: [(id: "a", needs: ["absence": 4])]),
                    either: try vault.store.couldFire(db, ids, rules: [(id: "a", needs: ["absence": 4]),
                                                                       (id: "s", needs: ["sanction": 1])]))
        }
        let four = counted.ids.filter { counted.absences[$0, default: 0] >= 4 }
        #expect(!four.isEmpty && four.count < counted.ids.count)
        #expect(counted.four == four)
        #expect(counted.either == counted.ids.filter { four.contains($0) || counted.sanctions.contains($0) })
        #expect(counted.either.count > four.count)
    }

    /// Evaluating one rule does not bring subjects up to date: a later `--changed` run still evaluates them.
    @Test func evaluatingOneRuleLeavesSubjectsToTheNextIncrementalRun() async throws {
        let vault = try TemporaryVault()
        _ = try vault.importSynthetic(subjects: 200, seed: 4)
        let one = try await vault.store.evaluate(asOf: asOf, only: ["ABS-4DJ"])
        #expect(one.rules.keys.allSatisfy { $0 == "ABS-4DJ" })
        let changed = try await vault.store.evaluate(asOf: asOf, changedOnly: true)
        #expect(changed.subjects == one.subjects)
        #expect(changed.rules.contains { $0.key != "ABS-4DJ" && $0.value.new > 0 })
        let again = try await vault.store.evaluate(asOf: asOf, changedOnly: true)
        #expect(again.subjects == 0)
    }

    /// A run writes one transaction, and one audit entry, per chunk of 1 024 subjects; the last also raises the
    /// follow-up reminders and finishes the run's record. A run with nothing to evaluate still records both.
    @Test func aRunWritesOneAuditedTransactionPerChunkAndTheLastFinishesIt() async throws {
        let vault = try TemporaryVault(population: 2_000)
        _ = try vault.importSynthetic(subjects: 1_800, seed: 6)
        let started = UInt64(Date().timeIntervalSince1970 * 1_000)
        let full = try await vault.store.evaluate(asOf: asOf)
        let ended = UInt64(Date().timeIntervalSince1970 * 1_000) + 1
        #expect(full.subjects > 1_024 && full.subjects <= 2_048, "two chunks")
        let entries = try evaluationEntries(vault)
        #expect(entries.count == 2)
        #expect(entries.map { $0.detail.contains("follow-up reminders: 0") } == [false, true])
        let nothing = try await vault.store.evaluate(asOf: asOf, changedOnly: true)
        #expect(nothing.subjects == 0)
        let after = try evaluationEntries(vault)
        #expect(after.count == 3)
        #expect(after.last?.detail.hasSuffix("subjects 0; follow-up reminders: 0") == true)
        let runs = try DatabaseQueue(path: vault.directory + "/vault.sqlite").read { db in
            try Row.fetchAll(db, sql: "SELECT mode, subjects, alerts, finished_at FROM evaluations ORDER BY id")
        }
        #expect(runs.map { $0["mode"] as String } == ["full", "changed"])
        #expect(runs.map { $0["subjects"] as Int } == [full.subjects, 0])
        // The run's total counts the alerts of every chunk, not the last one's only.
        let raised = full.rules.values.reduce(0) { $0 + $1.new } + full.reminders
        #expect(runs.first?["alerts"] as Int? == raised)
        #expect(raised == (try vault.store.status().alerts))
        #expect(runs.allSatisfy { ($0["finished_at"] as Int?) != nil })
        // Alert identifiers begin with their creation time (`RandomID.timeOrdered`), so each chunk's alerts were
        // added at the end of the identifier index, in the order they were written.
        let ids = try await DatabaseQueue(path: vault.directory + "/vault.sqlite").read { db in
            try String.fetchAll(db, sql: "SELECT id FROM alerts ORDER BY rowid")
        }
        let times = ids.compactMap { UInt64($0.prefix(12), radix: 16) }
        #expect(!ids.isEmpty && times.count == ids.count)
        #expect(times == times.sorted())
        #expect(times.allSatisfy { (started...ended).contains($0) })
    }

    /// A record imported while a run evaluates (after the chunk was read, before it is written) keeps its
    /// subject's touched mark: the next incremental run evaluates it.
    @Test func anImportDuringARunKeepsItsSubjectForTheNextIncrementalRun() async throws {
        let vault = try TemporaryVault()
        _ = try vault.store.importFile(try vault.file("a.csv", absenceHeader + "Dupont,Emilie,2012-03-01,Collège X,2026-03-02,matin,false,\n"
            + "Martin,Lucas,2011-02-02,Collège X,2026-03-02,matin,false,\n"), kind: "absence", source: "education_nationale")
        let late = try vault.file("b.csv", absenceHeader + "Dupont,Emilie,2012-03-01,Collège X,2026-03-03,matin,false,\n")
        var imported = false
        let run = try await vault.store.evaluateRun(asOf: asOf, only: nil, changedOnly: true, progress: { _, _ in }) { () throws(VaultError) in
            guard !imported else { return }
            imported = true
            _ = try vault.store.importFile(late, kind: "absence", source: "education_nationale")
        }
        #expect(imported && run.subjects == 2)
        // Lucas's mark is gone with the run; Emilie's, set again by the late import, stays.
        let next = try await vault.store.evaluate(asOf: asOf, changedOnly: true)
        #expect(next.subjects == 1)
        #expect(try await vault.store.evaluate(asOf: asOf, changedOnly: true).subjects == 0)
    }

    /// A rule that fails for a subject (here an overflowing sum) is reported, and the subject stays due for the
    /// next incremental run instead of being marked evaluated.
    @Test func aSubjectARuleFailedOnStaysDue() async throws {
        let vault = try TemporaryVault()
        // Two exclusions of Int.max days each, in the school year but not in the last 90 days: EXCL-REPETEE sums them.
        let csv = "nom,prenom,naissance,date,type,avec_sursis,duree_jours\n"
            + ["2025-10-01", "2025-10-02"].map { "Dupont,Emilie,2012-03-01,\($0),exclusion_temporaire_classe,false,\(Int.max)" }
                .joined(separator: "\n") + "\n"
        _ = try vault.store.importFile(try vault.file("s.csv", csv), kind: "sanction", source: "education_nationale")
        let first = try await vault.store.evaluate(asOf: asOf, changedOnly: true)
        #expect(first.errors.count == 1)
        #expect(first.errors.first?.contains("overflow") == true)
        let again = try await vault.store.evaluate(asOf: asOf, changedOnly: true)
        #expect(again.subjects == 1)
    }

    /// Warming up loads and evaluates a sample, and keeps nothing: no alert, no audit entry, every subject still
    /// due for the next incremental run.
    @Test func warmingUpWritesNothing() async throws {
        let vault = try TemporaryVault()
        _ = try vault.importSynthetic(subjects: 150, seed: 3)
        let before = try vault.store.status()
        try await vault.store.warmUp(asOf: asOf)
        let after = try vault.store.status()
        #expect(after.alerts == 0 && before.alerts == 0)
        #expect(after.auditEntries == before.auditEntries)
        let changed = try await vault.store.evaluate(asOf: asOf, changedOnly: true)
        #expect(changed.subjects == before.subjects)
        #expect(changed.rules.values.contains { $0.new > 0 })
    }

    private func alertKeys(_ directory: String) throws -> Set<String> {
        let db = try DatabaseQueue(path: directory + "/vault.sqlite")
        return Set(try db.read { db in
            try String.fetchAll(db, sql: "SELECT subject_id || '|' || rule_id || '|' || raised_on FROM alerts")
        })
    }

    @Test func overdueFollowUpRaisesOneReminderToTheAlertsAudience() async throws {
        let vault = try TemporaryVault()
        let csv = absenceHeader + (6...9).map { "Dupont,Emilie,2012-03-01,,2025-10-0\($0),matin,false," }.joined(separator: "\n") + "\n"
        _ = try vault.store.importFile(try vault.file("a.csv", csv), kind: "absence", source: "education_nationale")
        _ = try await vault.store.evaluate(asOf: Day(iso: "2025-10-20")!, only: ["ABS-4DJ"])
        let alert = try #require(try vault.store.alerts(rule: "ABS-4DJ").first)
        let due = try #require(alert.followUp)
        let before = try await vault.store.evaluate(asOf: Day(iso: due)!, only: ["ABS-4DJ"])
        #expect(before.reminders == 0)
        let after = try await vault.store.evaluate(asOf: Day(iso: due)!.adding(days: 1), only: ["ABS-4DJ"])
        #expect(after.reminders == 1)
        let logged = try vault.store.auditLog(try vault.store.consolePrincipal()).last { $0.action == "evaluation" }
        #expect(logged?.detail.hasSuffix("follow-up reminders: 1") == true)
        let reminder = try #require(try vault.store.alerts(rule: VaultStore.reminderRule).first)
        #expect(reminder.audience == alert.audience)
        #expect(reminder.audience == ["education_nationale", "coordinateur"])
        // A listing of the reminder alone is logged under the labels of the rule it is about.
        let school = Principal(tokenID: "t", role: "education_nationale", groups: ["prevention_jeunesse"])
        let listed = try vault.store.status().auditEntries
        #expect(try vault.store.alerts(for: school, rule: VaultStore.reminderRule).count == 1)
        let read = try #require(try vault.store.auditLog(try vault.store.consolePrincipal()).last { $0.seq > listed && $0.action == "alerts_read" })
        let labels = try #require(try vault.referenceRuleSet().rule("ABS-4DJ")?.labels)
        #expect(!labels.isEmpty && Set(read.labels) == labels)
        #expect(reminder.parent == alert.id)
        #expect(reminder.subject == alert.subject)
        let again = try await vault.store.evaluate(asOf: Day(iso: due)!.adding(days: 2), only: ["ABS-4DJ"])
        #expect(again.reminders == 0)
    }

    /// Two alerts of one subject overdue on the same day raise two reminders (they share one rule id and date).
    @Test func twoOverdueAlertsOfOneSubjectRaiseTwoReminders() async throws {
        let vault = try TemporaryVault()
        // Ten unjustified half-days in October: ABS-4DJ and ABS-10DJ fire the same day, each with a follow-up.
        let csv = absenceHeader + (6...15).map { "Dupont,Emilie,2012-03-01,,2025-10-\(String(format: "%02d", $0)),matin,false," }
            .joined(separator: "\n") + "\n"
        _ = try vault.store.importFile(try vault.file("a.csv", csv), kind: "absence", source: "education_nationale")
        let rules: Set<String> = ["ABS-4DJ", "ABS-10DJ"]
        _ = try await vault.store.evaluate(asOf: Day(iso: "2025-10-20")!, only: rules)
        let alerts = try vault.store.alerts(rule: "ABS-4DJ") + vault.store.alerts(rule: "ABS-10DJ")
        #expect(alerts.count == 2 && Set(alerts.map(\.subject)).count == 1)
        let late = try await vault.store.evaluate(asOf: Day(iso: "2025-12-31")!, only: rules)
        #expect(late.reminders == 2)
        let reminders = try vault.store.alerts(rule: VaultStore.reminderRule)
        #expect(Set(reminders.compactMap(\.parent)) == Set(alerts.map(\.id)))
        // Each reminder goes to its alert's audience only: ABS-10DJ does not notify the coordinator, nor does its
        // reminder, which the coordinator's token does not list.
        for alert in alerts {
            #expect(reminders.first { $0.parent == alert.id }?.audience == alert.audience)
        }
        let heavy = try #require(try vault.store.alerts(rule: "ABS-10DJ").first)
        #expect(!heavy.audience.contains("coordinateur"))
        let coordinator = Principal(tokenID: "t", role: "coordinateur", groups: ["prevention_jeunesse"])
        let seen = try vault.store.alerts(for: coordinator, rule: VaultStore.reminderRule)
        #expect(seen.compactMap(\.parent) == [try #require(try vault.store.alerts(rule: "ABS-4DJ").first).id])
        let department = Principal(tokenID: "t", role: "conseil_departemental", groups: ["prevention_jeunesse"])
        #expect(try vault.store.alerts(for: department, rule: VaultStore.reminderRule).compactMap(\.parent) == [heavy.id])
        #expect(try await vault.store.evaluate(asOf: Day(iso: "2026-01-02")!, only: rules).reminders == 0)
    }

    @Test func lifecycleOpenAcknowledgedClosedWithSealedOutcome() async throws {
        let vault = try TemporaryVault()
        let csv = absenceHeader + (6...9).map { "Dupont,Emilie,2012-03-01,,2025-10-0\($0),matin,false," }.joined(separator: "\n") + "\n"
        _ = try vault.store.importFile(try vault.file("a.csv", csv), kind: "absence", source: "education_nationale")
        _ = try await vault.store.evaluate(asOf: Day(iso: "2025-10-20")!)
        let alert = try #require(try vault.store.alerts(rule: "ABS-4DJ").first)
        #expect(alert.status == "open")
        #expect(alert.reveal["demi_journees"] == .some("4"))
        #expect(throws: VaultError.self) {
            try vault.store.transition(alert: alert.id, to: .closed, actor: "test", outcome: nil, comment: nil)
        }
        #expect(throws: VaultError.self) {
            try vault.store.transition(alert: alert.id, to: .acknowledged, actor: "test", outcome: nil,
                                       comment: String(repeating: "x", count: 501))
        }
        try vault.store.transition(alert: alert.id, to: .acknowledged, actor: "test", outcome: nil, comment: "CPE informé")
        try vault.store.transition(alert: alert.id, to: .closed, actor: "test", outcome: .dejaConnu, comment: nil)
        let closed = try #require(try vault.store.alerts(status: .closed).first)
        #expect(closed.outcome == "deja_connu")
        #expect(closed.comment == "CPE informé")
        #expect(throws: VaultError.self) {
            try vault.store.transition(alert: alert.id, to: .acknowledged, actor: "test", outcome: nil, comment: nil)
        }
        // Outcome and comment are sealed: not in the database file in clear (the rule set text, stored in clear,
        // does not use the word 'deja_connu').
        #expect(try vault.vaultBytes().range(of: Data("CPE informé".utf8)) == nil)
        #expect(try vault.vaultBytes().range(of: Data("deja_connu".utf8)) == nil)
    }

    /// The same fixture evaluated through the vault and through `rules test` gives the same alerts.
    @Test func vaultEvaluationMatchesRuleFixtures() async throws {
        let rulesPath = TemporaryVault.packageRoot.appendingPathComponent("Rules").path
        let ruleSet = try #require(try RuleDirectory.check(rulesPath).ruleSet)
        var compared = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: rulesPath + "/tests").sorted() {
            var reader = FixtureReader(ruleSet: ruleSet, path: rulesPath + "/tests/" + name)
            let parsed = reader.read(try String(contentsOfFile: rulesPath + "/tests/" + name, encoding: .utf8))
            let file = try #require(parsed)
            for testCase in file.cases where testCase.history.isEmpty && testCase.subject.fields["naissance"] != nil {
                let memory = RuleTestRunner.run(testCase, of: file, in: ruleSet)
                let vault = try TemporaryVault()
                try vault.importCase(testCase, ruleSet: ruleSet)
                _ = try await vault.store.evaluate(asOf: testCase.asOf, only: [file.ruleID])
                let stored = try vault.store.alerts(rule: file.ruleID)
                #expect(stored.count == (testCase.expectFires ? 1 : 0), "\(file.ruleID): \(testCase.name)")
                #expect(memory.passed, "\(file.ruleID): \(testCase.name)")
                if let alert = stored.first {
                    let expected = Evaluator(ruleSet: ruleSet).evaluate(
                        subject: testCase.subject, records: testCase.records, history: [], asOf: testCase.asOf,
                        only: [file.ruleID]).alerts.first
                    for value in expected?.revealed ?? [] {
                        #expect(alert.reveal[value.name] == .some(value.value == .missing ? nil : value.value.description))
                    }
                }
                compared += 1
            }
        }
        #expect(compared >= 40)
    }

    @Test func aTamperedRecordStopsTheEvaluationNamingItAndStoresNothing() async throws {
        let vault = try TemporaryVault()
        _ = try vault.importSynthetic(subjects: 300)
        let ids = try tamperEveryAbsence(in: vault.directory + "/vault.sqlite")
        await #expect {
            _ = try await vault.store.evaluate(asOf: asOf, only: ["ABS-4DJ"])
        } throws: { error in
            guard let error = error as? VaultError, error.code == .integrity else { return false }
            return ids.contains { error.message.contains("record \($0) ") } && error.message.contains("integrity failure")
        }
        #expect(try vault.store.alerts(rule: "ABS-4DJ").isEmpty)
        // The run is not logged (nothing of it was stored); the failure is, naming the record.
        let entries = try vault.store.auditLog(try vault.store.consolePrincipal())
        #expect(!entries.contains { $0.action == "evaluation" })
        let failures = entries.filter { $0.action == "integrity_check" && $0.decision == "failed" }
        #expect(failures.contains { entry in ids.contains { id in entry.reasons.contains { $0.contains("record \(id)") } } })
    }

    /// A subject whose sealed identity or wrapped key was altered stops the evaluation that opens it, naming the
    /// subject, and nothing of its chunk is stored.
    @Test(arguments: ["identity", "wrapped key"])
    func aTamperedSubjectStopsTheEvaluationNamingIt(part: String) async throws {
        let vault = try TemporaryVault()
        _ = try vault.importSynthetic(subjects: 300)
        let subject = try await DatabaseQueue(path: vault.directory + "/vault.sqlite").write { db -> String in
            let subject = try #require(try String.fetchOne(db, sql: """
                SELECT subject_id FROM records WHERE kind = 'absence' GROUP BY subject_id HAVING COUNT(*) >= 4 LIMIT 1
                """))
            let (table, column, key) = part == "identity" ? ("subjects", "identity", "id") : ("subject_keys", "wrapped", "subject_id")
            try db.execute(sql: "UPDATE \(table) SET \(column) = CAST(\(column) AS BLOB) || x'00' WHERE \(key) = ?", arguments: [subject])
            return subject
        }
        let error = await #expect(throws: VaultError.self) { _ = try await vault.store.evaluate(asOf: asOf, only: ["ABS-4DJ"]) }
        #expect(error?.code == .integrity)
        #expect(error?.message.contains("subject \(subject)") == true)
        #expect(try vault.store.status().alerts == 0)
    }

    /// An alert whose sealed detail or subject key was altered stops a listing, naming the alert or subject; the
    /// listing is not logged as served, the failure is (DESIGN.md §3).
    @Test(arguments: ["detail", "wrapped key"])
    func aTamperedAlertStopsTheListing(part: String) async throws {
        let vault = try TemporaryVault()
        _ = try vault.importSynthetic(subjects: 300)
        _ = try await vault.store.evaluate(asOf: asOf, only: ["ABS-4DJ"])
        let alert = try #require(try vault.store.alerts(rule: "ABS-4DJ").first)
        try await DatabaseQueue(path: vault.directory + "/vault.sqlite").write { db in
            if part == "detail" {
                try db.execute(sql: "UPDATE alerts SET detail = CAST(detail AS BLOB) || x'00' WHERE id = ?", arguments: [alert.id])
            } else {
                try db.execute(sql: "UPDATE subject_keys SET wrapped = CAST(wrapped AS BLOB) || x'00' WHERE subject_id = ?",
                               arguments: [alert.subject])
            }
        }
        let before = try vault.store.status().auditEntries
        let error = #expect(throws: VaultError.self) { try vault.store.alerts(for: try vault.store.consolePrincipal()) }
        #expect(error?.code == .integrity)
        #expect(error?.message.contains(part == "detail" ? "alert \(alert.id)" : "subject \(alert.subject)") == true)
        let logged = try vault.store.auditLog(try vault.store.consolePrincipal()).filter { $0.seq > before }
        #expect(logged.first?.action == "integrity_check" && logged.first?.decision == "failed")
        #expect(logged.first?.reasons == [error?.message ?? "-"])
        #expect(!logged.contains { $0.action == "alerts_read" })
    }

    /// A tampered resolution (the sealed outcome of an acknowledged alert) stops a listing and a move as an
    /// integrity failure naming the alert, logged; not as a storage error.
    @Test func aTamperedResolutionIsAnIntegrityFailureLogged() async throws {
        let vault = try TemporaryVault()
        _ = try vault.importSynthetic(subjects: 300)
        _ = try await vault.store.evaluate(asOf: asOf, only: ["ABS-4DJ"])
        let alert = try #require(try vault.store.alerts(rule: "ABS-4DJ").first)
        try vault.store.transition(alert: alert.id, to: .acknowledged, actor: "test", outcome: nil, comment: "vu")
        try await DatabaseQueue(path: vault.directory + "/vault.sqlite").write { db in
            try db.execute(sql: "UPDATE alerts SET resolution = CAST(resolution AS BLOB) || x'00' WHERE id = ?", arguments: [alert.id])
        }
        let before = try vault.store.status().auditEntries
        let listing = #expect(throws: VaultError.self) { try vault.store.alerts(for: try vault.store.consolePrincipal()) }
        #expect(listing?.code == .integrity)
        #expect(listing?.message.contains("alert \(alert.id)") == true)
        let move = #expect(throws: VaultError.self) {
            try vault.store.transition(alert: alert.id, to: .closed, actor: "test", outcome: .orientation, comment: nil)
        }
        #expect(move?.code == .integrity)
        let logged = try vault.store.auditLog(try vault.store.consolePrincipal()).filter { $0.seq > before }
        #expect(logged.filter { $0.action == "integrity_check" && $0.decision == "failed" }.count == 2)
    }

    /// Moving an alert needs its subject's data key, not the identity: the identity stays sealed (here it could
    /// not even be opened, tampered with), while the resolution is still sealed and authenticated.
    @Test func anAlertMovesWithoutOpeningItsSubjectsIdentity() async throws {
        let vault = try TemporaryVault()
        _ = try vault.importSynthetic(subjects: 300)
        _ = try await vault.store.evaluate(asOf: asOf, only: ["ABS-4DJ"])
        let alert = try #require(try vault.store.alerts(rule: "ABS-4DJ").first)
        try await DatabaseQueue(path: vault.directory + "/vault.sqlite").write { db in
            try db.execute(sql: "UPDATE subjects SET identity = CAST(identity AS BLOB) || x'00' WHERE id = ?", arguments: [alert.subject])
        }
        let comment = "vu en cellule avec la famille"
        try vault.store.transition(alert: alert.id, to: .acknowledged, actor: "test", outcome: nil, comment: comment)
        let moved = try #require(try vault.store.alerts(rule: "ABS-4DJ").first { $0.id == alert.id })
        #expect(moved.status == "acknowledged")
        #expect(moved.comment == comment)
        #expect(try vault.store.verify().failures.map(\.item) == ["identity"])
        // Sealed: the comment is not in the row.
        let stored = try await DatabaseQueue(path: vault.directory + "/vault.sqlite").read { db in
            try Data.fetchOne(db, sql: "SELECT resolution FROM alerts WHERE id = ?", arguments: [alert.id])
        }
        #expect(stored.map { $0.range(of: Data(comment.utf8)) == nil } == true)
    }

    /// A run that fails in its second chunk keeps what its first chunk committed (its alerts, its audit entry, the
    /// run's unfinished record, its subjects brought up to date) and nothing of the second; once the records are
    /// mended, the next run completes it with exactly the alerts of an uninterrupted run.
    @Test func aRunFailingInItsSecondChunkKeepsTheFirstAndTheNextRunCompletesIt() async throws {
        let vault = try TemporaryVault(population: 2_000)
        _ = try vault.importSynthetic(subjects: 1_800, seed: 6)
        let clean = vault.root.appendingPathComponent("clean").path
        try vault.store.copy(to: clean)
        let path = vault.directory + "/vault.sqlite"
        let ids = try await DatabaseQueue(path: path).read { db in try String.fetchAll(db, sql: "SELECT id FROM subjects ORDER BY id") }
        try #require(ids.count > 1_024 && ids.count <= 2_048)
        let boundary = ids[1_023]
        _ = try tamperEveryAbsence(in: path, after: boundary)
        await #expect { _ = try await vault.store.evaluate(asOf: asOf) } throws: { error in
            (error as? VaultError)?.code == .integrity
        }
        let state = try DatabaseQueue(path: path).read { db in
            (runs: try Row.fetchAll(db, sql: "SELECT finished_at FROM evaluations"),
             alerted: try String.fetchAll(db, sql: "SELECT subject_id FROM alerts"),
             touched: try String.fetchAll(db, sql: "SELECT subject_id FROM touched_subjects"))
        }
        #expect(state.runs.count == 1 && (state.runs.first?["finished_at"] as Int?) == nil)
        #expect(!state.alerted.isEmpty && state.alerted.allSatisfy { $0 <= boundary })
        #expect(!state.touched.isEmpty && state.touched.allSatisfy { $0 > boundary })
        #expect(try evaluationEntries(vault).count == 1)
        // Flipping the same bytes back mends the records.
        _ = try tamperEveryAbsence(in: path, after: boundary)
        let resumed = try await vault.store.evaluate(asOf: asOf)
        // The first chunk's alerts are found again, not raised twice; the run's record counts what it raised.
        let total = try vault.store.status().alerts
        #expect(resumed.rules.values.reduce(0) { $0 + $1.new } + resumed.reminders == total - state.alerted.count)
        let finished = try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "SELECT alerts, finished_at FROM evaluations ORDER BY id")
        }
        #expect(finished.count == 2 && (finished.last?["finished_at"] as Int?) != nil)
        #expect(finished.last?["alerts"] as Int? == total - state.alerted.count)
        let twin = try VaultStore.open(directory: clean, key: .keyFile(vault.keyFile), environment: [:])
        _ = try await twin.evaluate(asOf: asOf)
        #expect(try alertKeys(vault.directory) == alertKeys(clean))
        #expect(try evaluationEntries(vault).count == 3)
    }

    private func evaluationEntries(_ vault: TemporaryVault) throws -> [AuditEntry] {
        try vault.store.auditLog(try vault.store.consolePrincipal()).filter { $0.action == "evaluation" }
    }

    /// Flips the last byte of every sealed absence record (of the subjects whose identifier sorts after `after`);
    /// returns their identifiers.
    private func tamperEveryAbsence(in path: String, after: String = "") throws -> Set<String> {
        let db = try DatabaseQueue(path: path)
        return try db.write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, sealed FROM records WHERE kind = 'absence' AND subject_id > ?",
                                        arguments: [after])
            for row in rows {
                var sealed = [UInt8](row["sealed"] as Data)
                sealed[sealed.count - 1] ^= 0x01
                try db.execute(sql: "UPDATE records SET sealed = ? WHERE id = ?", arguments: [Data(sealed), row["id"] as String])
            }
            return Set(rows.map { $0["id"] as String })
        }
    }
}
