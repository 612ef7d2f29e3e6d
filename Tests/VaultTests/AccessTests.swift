import Foundation
import GRDB
import RuleFiles
import RulesEngine
import Testing
import Vault

/// Need-to-know: DOMAIN.md's matrix against Rules/policy.vigie, and decisions on a vault of synthetic data.
@Suite struct AccessMatrixTests {
    static let ruleSet: CheckedRuleSet? = try? RuleDirectory.check(
        TemporaryVault.packageRoot.appendingPathComponent("Rules").path).ruleSet

    /// What each role must never see, from DOMAIN.md's "never sees" column (and the law behind it).
    static let neverSees: [String: Set<String>] = [
        "maire": ["secret_social", "judiciaire", "libre_adhesion"],  // social-work detail; art. 11 CPP
        "referent": ["judiciaire", "ordre_public", "secret_social"],  // only the young people assigned to them
        "education_nationale": ["judiciaire", "ordre_public", "secret_social"],  // police data, ASE detail
        "police_nationale": ["scolarite", "discipline", "secret_social", "suivi", "formation"],  // school, social
        "gendarmerie": ["scolarite", "discipline", "secret_social", "suivi", "formation"],
        "police_municipale": ["scolarite", "discipline", "secret_social", "suivi", "judiciaire"],
        "pjj": ["discipline", "secret_social"],  // school detail beyond attendance flags
        "spip": ["scolarite", "discipline", "secret_social"],  // minors' files
        "conseil_departemental": ["judiciaire", "ordre_public"],  // police narrative
        "ccas": ["judiciaire", "ordre_public", "scolarite", "discipline"],  // police data
        "prevention_specialisee": ["confidentiel", "judiciaire", "ordre_public", "scolarite", "discipline", "secret_social"],
        "mission_locale": ["judiciaire", "ordre_public", "discipline", "secret_social"],  // police, discipline detail
        "bailleur": ["confidentiel", "judiciaire", "ordre_public", "scolarite", "discipline", "secret_social", "suivi"],
        "auditeur": ["confidentiel", "judiciaire", "ordre_public", "scolarite", "discipline", "secret_social", "suivi"],
    ]

    /// What each role must see to do its job (DOMAIN.md's "sees" column).
    static let mustSee: [String: Set<String>] = [
        "coordinateur": ["confidentiel", "suivi", "scolarite", "discipline", "formation", "ordre_public", "judiciaire"],
        "maire": ["scolarite", "ordre_public", "cddf"],  // avertissement lists, exclusions, rappel à l'ordre
        "education_nationale": ["scolarite", "discipline", "suivi"],  // its pupils, status of actions
        "police_nationale": ["ordre_public"], "gendarmerie": ["ordre_public"], "police_municipale": ["ordre_public"],
        "parquet": ["judiciaire"], "pjj": ["judiciaire"], "spip": ["judiciaire"],
        "conseil_departemental": ["secret_social"], "ccas": ["secret_social"], "mission_locale": ["formation"],
        "prevention_specialisee": ["libre_adhesion"],
    ]

    @Test func everyRoleAgainstEveryLabel() throws {
        let ruleSet = try #require(Self.ruleSet)
        let policy = AccessPolicy(ruleSet: ruleSet)
        #expect(Set(Self.neverSees.keys).union(Self.mustSee.keys).isSuperset(of: Set(ruleSet.roles.keys).subtracting(["iscg"])))
        for role in ruleSet.roles.keys.sorted() {
            let principal = Principal(tokenID: "t", role: role, groups: Set(ruleSet.groups.keys))
            let visible = policy.visibleLabels(principal, breakGlass: false)
            for label in ruleSet.labels.keys.sorted() {
                if Self.neverSees[role]?.contains(label) == true {
                    #expect(!visible.contains(label), "\(role) must never see \(label)")
                }
                if Self.mustSee[role]?.contains(label) == true {
                    #expect(visible.contains(label), "\(role) must see \(label)")
                }
            }
        }
    }

    @Test func everyRoleAgainstEveryKind() throws {
        let ruleSet = try #require(Self.ruleSet)
        for (name, role) in ruleSet.roles {
            for kind in ruleSet.kinds.values {
                // A role contributes only what it sees; police and justice contribute no school or social kind.
                if role.contributes.contains(kind.name) { #expect(role.sees.contains(kind.label), "\(name) → \(kind.name)") }
                if Self.neverSees[name]?.contains(kind.label) == true {
                    #expect(!role.contributes.contains(kind.name), "\(name) must not contribute \(kind.name)")
                }
            }
        }
        #expect(ruleSet.roles["auditeur"]?.contributes.isEmpty == true)
        #expect(ruleSet.roles["bailleur"]?.contributes == ["signalement_bailleur"])
    }

    /// Only a view granted by the role's own contributions is limited to them: the decision says so itself.
    @Test func aViewGrantedByContributionAloneIsLimitedToTheRolesOwnRecords() throws {
        let policy = AccessPolicy(ruleSet: try #require(Self.ruleSet))
        let referent = Principal(tokenID: "t", role: "referent", groups: ["prevention_jeunesse"])
        let own = policy.subject(referent, contributed: true, alerted: false, breakGlass: false)
        #expect(own.isPermitted && own.ownRecordsOnly)
        #expect(!policy.subject(referent, contributed: true, alerted: true, breakGlass: false).ownRecordsOnly)
        #expect(!policy.subject(referent, contributed: false, alerted: false, breakGlass: false).isPermitted)
        let coordinator = Principal(tokenID: "t", role: "coordinateur", groups: ["prevention_jeunesse"])
        let managed = policy.subject(coordinator, contributed: true, alerted: false, breakGlass: false)
        #expect(managed.isPermitted && !managed.ownRecordsOnly)
        #expect(!policy.subject(.console(groups: []), contributed: true, alerted: false, breakGlass: false).ownRecordsOnly)
    }

    @Test func everyRuleAgainstEveryRole() throws {
        let ruleSet = try #require(Self.ruleSet)
        let policy = AccessPolicy(ruleSet: ruleSet)
        for rule in ruleSet.rules {
            for role in ruleSet.roles.keys {
                let member = Principal(tokenID: "t", role: role, groups: [rule.group])
                let outsider = Principal(tokenID: "t", role: role, groups: [])
                let decision = policy.alert(member, audience: rule.audience, group: rule.group, rule: rule.id)
                #expect(decision.isPermitted == rule.audience.contains(role))
                #expect(!policy.alert(outsider, audience: rule.audience, group: rule.group, rule: rule.id).isPermitted)
                if rule.labels.contains("judiciaire") { #expect(!(role == "education_nationale" && decision.isPermitted)) }
            }
        }
    }
}

/// A principal verified under one policy is decided by the policy of the moment: a role or a group that left it
/// sees no alert.
@Suite struct AccessPolicyChangeTests {
    @Test func aRoleOrGroupNoLongerInThePolicyIsNotPermittedAnAlert() throws {
        let reference = try #require(RuleSet.check(try TemporaryVault.referenceSources()).ruleSet)
        let withoutRole = try #require(RuleSet.check(try TemporaryVault.referenceSources(withoutRole: "bailleur")).ruleSet)
        let principal = Principal(tokenID: "t", role: "bailleur", groups: ["prevention_jeunesse", "cellule_ancienne"])
        // No rule notifies the bailleur (a rule set naming a role it does not declare would not check): today the
        // rule refuses it; without the role, the role itself is unknown, whatever the rule.
        let addressed = (audience: ["bailleur", "coordinateur"], group: "prevention_jeunesse", rule: "RAO-RECIDIVE")
        #expect(AccessPolicy(ruleSet: reference).alert(principal, audience: addressed.audience, group: addressed.group,
                                                       rule: addressed.rule).description
                == "not permitted: rule 'RAO-RECIDIVE' no longer notifies role 'bailleur'")
        let refused = AccessPolicy(ruleSet: withoutRole).alert(principal, audience: addressed.audience, group: addressed.group,
                                                               rule: addressed.rule)
        #expect(refused.outcome == .notPermitted)
        #expect(refused.description == "not permitted: unknown role 'bailleur'")
        // An alert of a group the policy no longer has, to a token that still lists it.
        let gone = AccessPolicy(ruleSet: reference).alert(principal, audience: addressed.audience, group: "cellule_ancienne",
                                                          rule: addressed.rule)
        #expect(gone.description == "not permitted: group 'cellule_ancienne' is no longer in the policy")
        // The console still reads everything.
        #expect(AccessPolicy(ruleSet: withoutRole).alert(.console(groups: []), audience: addressed.audience, group: "x",
                                                         rule: "ABS-4DJ").isPermitted)
    }

    /// Through the vault: once a newer rule set stops notifying the school of ABS-4DJ, its listing no longer
    /// carries the alerts raised before, nor their reminders (raised to the alert's audience of the time), and its
    /// view of the subject no longer opens through them.
    @Test func aRuleSetThatStopsNotifyingARoleTakesItsOldAlertsAway() async throws {
        let vault = try TemporaryVault()
        let csv = absenceHeader + (6...9).map { "Dupont,Emilie,2012-03-01,,2025-10-0\($0),matin,false," }.joined(separator: "\n") + "\n"
        _ = try vault.store.importFile(try vault.file("a.csv", csv), kind: "absence", source: "education_nationale")
        _ = try await vault.store.evaluate(asOf: try #require(Day(iso: "2025-10-20")), only: ["ABS-4DJ"])
        let school = try vault.store.verifyToken(try vault.store.issueToken(role: "education_nationale", groups: ["prevention_jeunesse"],
                                                                            holder: "CPE", lifetime: 3_600).token)
        #expect(try vault.store.alerts(for: school).contains { $0.rule == "ABS-4DJ" })
        // Overdue: its reminder goes to the school too, while the rule notifies it.
        #expect(try await vault.store.evaluate(asOf: try #require(Day(iso: "2025-12-01")), only: ["ABS-4DJ"]).reminders == 1)
        #expect(try vault.store.alerts(for: school).map(\.rule).sorted() == ["ABS-4DJ", VaultStore.reminderRule])
        let subject = try #require(try vault.store.alerts(rule: "ABS-4DJ").first?.subject)
        let reference = try TemporaryVault.referenceSources()
        let narrowed = reference.map { file in
            file.path.hasSuffix("scolarite.vigie")
                ? SourceFile(path: file.path, text: file.text.replacingOccurrences(
                    of: "  notify education_nationale, coordinateur\n  reveal etablissement, count(absence where not justifiee, in calendar_month) as demi_journees",
                    with: "  notify coordinateur\n  reveal etablissement, count(absence where not justifiee, in calendar_month) as demi_journees"))
                : file
        }
        #expect(narrowed != reference)
        _ = try vault.store.loadRuleSet(narrowed)
        #expect(try vault.store.alerts(for: school).isEmpty)
        #expect(try vault.store.alerts(rule: VaultStore.reminderRule).first?.audience.contains("education_nationale") == true)
        // The school contributed the absences: it still sees those, by contribution only, and no alert.
        let view = try vault.store.showSubject(school, id: subject, purpose: "assiduité")
        #expect(view.alerts.isEmpty && view.decision.contains("its own records only"))
        // The alert is still there, for the coordinator; the school can no longer move it, and its try is logged.
        let alert = try #require(try vault.store.alerts(rule: "ABS-4DJ").first)
        #expect(try vault.store.alerts(rule: "ABS-4DJ").count == 1)
        let logged = try vault.store.status().auditEntries
        #expect(throws: VaultError.self) {
            try vault.store.transition(alert: alert.id, to: .acknowledged, actor: "CPE", by: school, outcome: nil, comment: nil)
        }
        let refusals = try vault.store.auditLog(try vault.store.consolePrincipal()).filter { $0.seq > logged }
        #expect(refusals.map(\.decision) == ["not permitted"] && refusals.first?.role == "education_nationale")
        #expect(try vault.store.alerts(rule: "ABS-4DJ").first?.status == "open")
    }

    /// The audience stored with an alert is checked against the rule of that name today: a role its rule no
    /// longer notifies, or an alert of a rule no longer declared, is not permitted.
    @Test func anAlertIsPermittedOnlyWhileItsRuleStillNotifiesTheRole() throws {
        let policy = AccessPolicy(ruleSet: try #require(RuleSet.check(try TemporaryVault.referenceSources()).ruleSet))
        let school = Principal(tokenID: "t", role: "education_nationale", groups: ["prevention_jeunesse"])
        let group = "prevention_jeunesse"
        // ABS-4DJ notifies the school today.
        #expect(policy.alert(school, audience: ["education_nationale"], group: group, rule: "ABS-4DJ").isPermitted)
        // An alert stored when SUIVI-INACTIF (now: referent, coordinateur) also notified the school.
        let narrowed = policy.alert(school, audience: ["education_nationale", "referent"], group: group, rule: "SUIVI-INACTIF")
        #expect(narrowed.description == "not permitted: rule 'SUIVI-INACTIF' no longer notifies role 'education_nationale'")
        let dropped = policy.alert(school, audience: ["education_nationale"], group: group, rule: "ABS-ANCIENNE")
        #expect(dropped.description == "not permitted: rule 'ABS-ANCIENNE' is no longer in the rule set")
        // The reminder rule is not a rule of the rule set: a reminder is decided by its alert's rule (through the
        // vault: `aRuleSetThatStopsNotifyingARoleTakesItsOldAlertsAway`).
        let coordinator = Principal(tokenID: "c", role: "coordinateur", groups: [group])
        #expect(!policy.alert(coordinator, audience: ["coordinateur"], group: group, rule: VaultStore.reminderRule).isPermitted)
        #expect(policy.alert(.console(groups: []), audience: [], group: group, rule: "ABS-ANCIENNE").isPermitted)
    }
}

@Suite struct AccessVaultTests {
    private let asOf = Day(iso: "2026-03-20")!

    private func token(_ vault: TemporaryVault, _ role: String, groups: [String] = ["prevention_jeunesse"]) throws -> Principal {
        try vault.store.verifyToken(try vault.store.issueToken(role: role, groups: groups, holder: "test", lifetime: 3_600).token)
    }

    @Test func partnersSeeOnlyWhatReachesThem() async throws {
        let vault = try TemporaryVault()
        _ = try vault.importSynthetic(subjects: 600, seed: 5)
        _ = try await vault.store.evaluate(asOf: asOf)
        let all = try vault.store.alerts(for: try vault.store.consolePrincipal())
        #expect(!all.isEmpty)
        let school = try vault.store.alerts(for: try token(vault, "education_nationale"))
        #expect(!school.isEmpty)
        #expect(school.allSatisfy { $0.audience.contains("education_nationale") })
        let judicial = Set(["TIG-NON-CONCLUANT", "TIG-NON-CONCLUANT-PJJ", "FIN-MESURE"])
        #expect(school.allSatisfy { !judicial.contains($0.rule) })
        #expect(school.count == all.filter { $0.audience.contains("education_nationale") }.count)
        #expect(try vault.store.alerts(for: try token(vault, "education_nationale", groups: [])).isEmpty)
        #expect(try vault.store.alerts(for: try token(vault, "bailleur")).isEmpty)
    }

    /// A refused view is logged as such, by the transaction that decided it, and keeps nothing else; a break-glass
    /// the policy does not grant is refused and logged as a break-glass.
    @Test func aRefusedViewIsLoggedAndKeepsNothingElse() async throws {
        let vault = try TemporaryVault()
        let csv = absenceHeader + "Dupont,Emilie,2012-03-01,Collège X,2025-10-06,matin,false,\n"
        _ = try vault.store.importFile(try vault.file("a.csv", csv), kind: "absence", source: "education_nationale")
        let id = try #require(try vault.store.findSubjects(identity: ["nom": "Dupont", "prenom": "Emilie", "naissance": "2012-03-01"]).first)
        let bailleur = try token(vault, "bailleur")
        let before = try vault.store.status()
        let refusedView = #expect(throws: VaultError.self) { try vault.store.showSubject(bailleur, id: id, purpose: "vérification") }
        #expect(refusedView?.code == .notPermitted)
        let breakGlass = #expect(throws: VaultError.self) {
            try vault.store.showSubject(bailleur, id: id, purpose: "vérification", breakGlassReason: "urgence")
        }
        #expect(breakGlass?.code == .forbidden)
        let after = try vault.store.status()
        #expect(after.auditEntries == before.auditEntries + 2)
        #expect(after.records == before.records && after.alerts == before.alerts)
        let entries = try vault.store.auditLog(try vault.store.consolePrincipal()).filter { $0.role == "bailleur" }
        #expect(entries.map(\.action).suffix(2) == ["subject_read", "break_glass"])
        #expect(entries.suffix(2).map(\.decision) == ["not permitted", "forbidden"])
        #expect(entries.suffix(2).allSatisfy { !$0.subject.isEmpty && $0.purpose == "vérification" })
        #expect(try vault.store.breakGlassUses().isEmpty)
        // A subject that does not exist is not found, and nothing is logged for it (reading the log was).
        let logged = try vault.store.status().auditEntries
        let unknown = #expect(throws: VaultError.self) { try vault.store.showSubject(bailleur, id: "nobody", purpose: "vérification") }
        #expect(unknown?.code == .notFound)
        #expect(try vault.store.status().auditEntries == logged)
        // A role granted break-glass that gives no reason is refused as bad input: nothing logged, nothing kept.
        let dpo = try token(vault, "auditeur", groups: [])
        let counted = try vault.store.status().auditEntries
        let blank = #expect(throws: VaultError.self) {
            try vault.store.showSubject(dpo, id: id, purpose: "droit d'accès", breakGlassReason: "   ")
        }
        #expect(blank?.code == .invalidInput)
        #expect(try vault.store.status().auditEntries == counted)
        #expect(try vault.store.breakGlassUses().isEmpty)
    }

    @Test func bailleurCannotOpenASubjectAndAuditorIsForbidden() async throws {
        let vault = try TemporaryVault()
        let csv = absenceHeader + "Dupont,Emilie,2012-03-01,Collège X,2025-10-06,matin,false,\n"
        _ = try vault.store.importFile(try vault.file("a.csv", csv), kind: "absence", source: "education_nationale")
        let id = try #require(try vault.store.findSubjects(identity: ["nom": "Dupont", "prenom": "Emilie", "naissance": "2012-03-01"]).first)
        let bailleur = try #require(throws: VaultError.self) {
            try vault.store.showSubject(try token(vault, "bailleur"), id: id, purpose: "vérification")
        }
        #expect(bailleur.code == .notPermitted)
        #expect(bailleur.message.hasPrefix("not permitted: "))
        #expect(!bailleur.message.contains("Dupont"))
        let found = try vault.store.findSubjects(try token(vault, "bailleur"),
                                                 identity: ["nom": "Dupont", "prenom": "Emilie", "naissance": "2012-03-01"],
                                                 purpose: "vérification")
        #expect(found.isEmpty)
        let auditor = try #require(throws: VaultError.self) {
            try vault.store.findSubjects(try token(vault, "auditeur", groups: []),
                                         identity: ["nom": "Dupont", "prenom": "Emilie", "naissance": "2012-03-01"],
                                         purpose: "contrôle")
        }
        #expect(auditor.code == .forbidden || auditor.code == .notPermitted)
        let noPurpose = try #require(throws: VaultError.self) {
            try vault.store.findSubjects(try token(vault, "education_nationale"),
                                         identity: ["nom": "Dupont", "prenom": "Emilie", "naissance": "2012-03-01"], purpose: "  ")
        }
        #expect(noPurpose.code == .forbidden)
    }

    @Test func contributorSeesOnlyItsLabels() throws {
        let vault = try TemporaryVault()
        let identity = "Dupont,Emilie,2012-03-01"
        _ = try vault.store.importFile(try vault.file("a.csv", absenceHeader + identity + ",Collège X,2025-10-06,matin,false,\n"),
                                       kind: "absence", source: "education_nationale")
        _ = try vault.store.importFile(try vault.file("i.csv", "nom,prenom,naissance,date,source,type,lieu,implication\n"
            + identity + ",2025-10-08,police_municipale,degradation,parc_jardin,mis_en_cause\n"),
            kind: "incident", source: "police_municipale")
        let id = try #require(try vault.store.findSubjects(identity: ["nom": "Dupont", "prenom": "Emilie", "naissance": "2012-03-01"]).first)
        let school = try vault.store.showSubject(try token(vault, "education_nationale"), id: id, purpose: "suivi assiduité")
        #expect(school.fields["nom"] == "Dupont")
        #expect(school.fields["etablissement"] == "Collège X")
        #expect(school.records.map(\.kind) == ["absence"])
        // The school is not told that other partners hold records it may not see, not even by their label.
        #expect(school.hiddenLabels.isEmpty)
        let police = try vault.store.showSubject(try token(vault, "police_municipale"), id: id, purpose: "constat")
        #expect(police.records.map(\.kind) == ["incident"])
        #expect(police.fields["etablissement"] == nil)
        // Only identity fields' labels are named, the same for every subject.
        #expect(police.hiddenLabels == ["scolarite"])
        // The mission locale contributed nothing and received no alert: not permitted.
        #expect(throws: VaultError.self) {
            try vault.store.showSubject(try token(vault, "mission_locale"), id: id, purpose: "insertion")
        }
    }

    /// Anyone may contribute a record about anyone: a contribution opens the subject to the role for its own
    /// records only, never for what other partners hold, even under labels the role sees.
    @Test func aContributionOpensOnlyTheRolesOwnRecords() throws {
        let vault = try TemporaryVault()
        let identity = "Dupont,Emilie,2012-03-01"
        let incidents = "nom,prenom,naissance,date,source,type,lieu,implication\n"
        _ = try vault.store.importFile(try vault.file("a.csv", absenceHeader + identity + ",Collège X,2025-10-06,matin,false,\n"),
                                       kind: "absence", source: "education_nationale")
        _ = try vault.store.importFile(try vault.file("g.csv", incidents + identity + ",2025-10-08,gendarmerie,degradation,parc_jardin,mis_en_cause\n"),
                                       kind: "incident", source: "gendarmerie")
        _ = try vault.store.importFile(try vault.file("m.csv", incidents + identity + ",2025-10-09,police_municipale,incivilite,voie_publique,mis_en_cause\n"),
                                       kind: "incident", source: "police_municipale")
        // The referent sees attendance (scolarite) by its policy, but has no alert about her: one action of its own
        // does not open her absences.
        _ = try vault.store.importRecords(jsonLines: #"{"nom":"Dupont","prenom":"Emilie","naissance":"2012-03-01","date":"2025-10-10","type":"entretien_jeune","resultat":"realise"}"# + "\n",
                                          label: "record", kind: "action", by: try token(vault, "referent"))
        let id = try #require(try vault.store.findSubjects(identity: ["nom": "Dupont", "prenom": "Emilie", "naissance": "2012-03-01"]).first)
        let referent = try vault.store.showSubject(try token(vault, "referent"), id: id, purpose: "suivi du parcours")
        #expect(referent.records.map(\.kind) == ["action"])
        #expect(referent.fields["nom"] == "Dupont")
        #expect(referent.decision.contains("its own records only"))
        // The municipal police sees its own incident, not the gendarmerie's.
        let municipal = try vault.store.showSubject(try token(vault, "police_municipale"), id: id, purpose: "constat")
        #expect(municipal.records.count == 1)
        #expect(municipal.records.first?.fields["source"] == "police_municipale")
        // The coordinator's console sees every record.
        let console = try vault.store.showSubject(try vault.store.consolePrincipal(), id: id, purpose: "cellule")
        #expect(console.records.map(\.kind).sorted() == ["absence", "action", "incident", "incident"])
    }

    @Test func breakGlassOpensTheIdentityForADayAndIsRecorded() throws {
        let vault = try TemporaryVault()
        _ = try vault.store.importFile(try vault.file("a.csv", absenceHeader + "Dupont,Emilie,2012-03-01,Collège X,2025-10-06,matin,false,\n"),
                                       kind: "absence", source: "education_nationale")
        let id = try #require(try vault.store.findSubjects(identity: ["nom": "Dupont", "prenom": "Emilie", "naissance": "2012-03-01"]).first)
        let dpo = try token(vault, "auditeur", groups: [])
        #expect(throws: VaultError.self) { try vault.store.showSubject(dpo, id: id, purpose: "droit d'accès") }
        let opened = try vault.store.showSubject(dpo, id: id, purpose: "droit d'accès", breakGlassReason: "demande RGPD art. 15 n° 2026-04")
        #expect(opened.breakGlass)
        #expect(opened.fields["nom"] == "Dupont")
        #expect(opened.fields["etablissement"] == nil)
        #expect(opened.records.isEmpty)
        // Within the day the opening holds without a new reason; it stays flagged.
        #expect(try vault.store.showSubject(dpo, id: id, purpose: "droit d'accès").breakGlass)
        #expect(try vault.store.breakGlassUses().count == 1)
        // A role without a break-glass clause cannot use one.
        let refused = try #require(throws: VaultError.self) {
            try vault.store.showSubject(try token(vault, "bailleur"), id: id, purpose: "x", breakGlassReason: "urgence")
        }
        #expect(refused.code == .forbidden)
        // Erasing her takes her break-glass openings (and their sealed reasons) too.
        _ = try vault.store.erase(subjectID: id, reason: "droit à l'effacement")
        #expect(try vault.store.breakGlassUses().isEmpty)
        let left = try DatabaseQueue(path: vault.directory + "/vault.sqlite").read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM break_glass") ?? -1
        }
        #expect(left == 0)
    }
}
