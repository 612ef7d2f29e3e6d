import Foundation
internal import GRDB
public import RulesEngine

/// A subject as one principal may see it: only fields and records whose labels it sees, only alerts addressed
/// to it.
public struct SubjectView: Sendable, Encodable {
    /// A record of the subject.
    public struct RecordView: Sendable, Encodable {
        public let id: String
        public let kind: String
        public let fields: [String: String]
    }

    public let id: String
    public let fields: [String: String]
    public let records: [RecordView]
    public let alerts: [StoredAlert]
    /// Labels the subject has data under that this principal does not see.
    public let hiddenLabels: [String]
    /// Whether this view was opened by break-glass (flagged to auditors).
    public let breakGlass: Bool
    /// The decision that let it through.
    public let decision: String

    enum CodingKeys: String, CodingKey {
        case id, fields, records, alerts, hiddenLabels = "hidden_labels", breakGlass = "break_glass", decision
    }
}

extension VaultStore {
    /// The longest purpose a search or view may state.
    public static let maxPurposeLength = 200

    /// The console principal: the coordinator, in every group of the loaded policy.
    public func consolePrincipal() throws(VaultError) -> Principal {
        .console(groups: Set(try checkedRuleSet().1.groups.keys))
    }

    /// Finds subjects by identity for a principal, with a stated purpose. The search itself is decided first;
    /// matches the principal may not open are left out, so a refusal never reveals that a person is known.
    public func findSubjects(_ principal: Principal, identity: [String: String], purpose: String) throws(VaultError) -> [SubjectView] {
        let policy = AccessPolicy(ruleSet: try checkedRuleSet().1)
        do {
            try require(policy.search(principal, purpose: purpose))
        } catch {
            throw auditedDenial(principal, .search, error: error, purpose: purpose)
        }
        var views: [SubjectView] = []
        let ids = try findSubjects(identity: identity)
        for id in ids {
            do {
                views.append(try view(id, principal: principal, breakGlassReason: nil, purpose: purpose, action: .search))
            } catch where error.code == .forbidden || error.code == .notPermitted {
                continue
            }
        }
        if views.isEmpty {
            // A search that found nothing it may open is logged too, without saying whether anyone matched.
            try audited({ _ in
                var event = AuditEvent(principal, .search)
                event.purpose = purpose
                event.detail = "no subject this role may open"
                return event
            }) { _ in () }
        }
        return views
    }

    /// Opens one subject for a principal, with a stated purpose; `breakGlassReason` opens a break-glass the
    /// policy grants the role (time-boxed, flagged to auditors).
    public func showSubject(_ principal: Principal, id: String, purpose: String,
                            breakGlassReason: String? = nil) throws(VaultError) -> SubjectView
    {
        do {
            try require(AccessPolicy.purpose(purpose))
        } catch {
            throw auditedDenial(principal, .subjectRead, error: error, subjectID: id, purpose: purpose)
        }
        return try view(id, principal: principal, breakGlassReason: breakGlassReason, purpose: purpose, action: .subjectRead)
    }

    /// The alerts a principal may see, decided on plaintext facts before any decryption.
    public func alerts(for principal: Principal, status: AlertStatus? = nil, rule: String? = nil) throws(VaultError) -> [StoredAlert] {
        try alerts(by: principal, status: status, rule: rule) { ruleSet in
            // `alerts(by:)` refuses a principal's listing without a policy before this runs; fail closed anyway.
            guard let ruleSet else { return AlertFilter(role: nil) { _, _, _ in false } }
            let policy = AccessPolicy(ruleSet: ruleSet)
            // SQL leaves out the alerts the policy says cannot be permitted, before the decision runs on the rest.
            return AlertFilter(role: policy.requiredAudience(principal)) { audience, group, rule in
                policy.alert(principal, audience: audience, group: group, rule: rule).isPermitted
            }
        }
    }

    private func require(_ decision: AccessDecision) throws(VaultError) {
        switch decision.outcome {
        case .permit: return
        case .forbidden: throw VaultError(.forbidden, decision.description)
        case .notPermitted: throw VaultError(.notPermitted, decision.description)
        }
    }

    /// Opens one subject for a principal in one write transaction: the policy, the facts it decides on
    /// (contributions, alerts, an open break-glass), the decision, the decryption and the audit entry (the view's,
    /// or the refusal's) all belong to the same moment of the vault.
    private func view(_ id: String, principal: Principal, breakGlassReason: String?, purpose: String,
                      action: AuditEvent.Action) throws(VaultError) -> SubjectView
    {
        let now = Date()
        // A refusal commits its audit entry and is thrown once the transaction is over.
        let opened: Result<SubjectView, VaultError> = try write { db in
            let policy = AccessPolicy(ruleSet: try checkedRuleSet(db).1)
            let role = policy.ruleSet.roles[principal.role]
            let facts = try viewFacts(db, id, principal: principal, policy: policy, breakGlassPeriod: role?.breakGlass?.period,
                                      now: now)
            guard facts.exists else { throw VaultError(.notFound, "subject \(id): not found") }
            func refuse(_ action: AuditEvent.Action, _ error: VaultError) throws -> Result<SubjectView, VaultError> {
                try appendAudit(db, Self.denial(principal, action, error: error, subjectID: id, purpose: purpose))
                return .failure(error)
            }
            if let reason = breakGlassReason {
                guard role?.breakGlass != nil || principal.isConsole else {
                    return try refuse(.breakGlass, VaultError(
                        .forbidden, "forbidden: the policy grants no break-glass to role '\(principal.role)'"))
                }
                let trimmed = reason.trimmingCharacters(in: .whitespaces)
                guard !trimmed.isEmpty, trimmed.count <= Self.maxPurposeLength else {
                    throw VaultError(.invalidInput, "--reason must say why, in 1 to \(Self.maxPurposeLength) characters")
                }
            }
            let breakGlass = breakGlassReason != nil || facts.openBreakGlass
            let decision = policy.subject(principal, contributed: facts.contributed, alerted: facts.alerted, breakGlass: breakGlass)
            do throws(VaultError) {
                try require(decision)
            } catch {
                return try refuse(action, error)
            }
            let labels = policy.visibleLabels(principal, breakGlass: breakGlass)
            if let reason = breakGlassReason, let token = principal.tokenID {
                let sealed = try Sodium.seal(Array(reason.utf8), key: keys.keyEncryption,
                                             associatedData: breakGlassPlace(subjectID: id, token: token).bytes)
                try db.execute(sql: "INSERT INTO break_glass (token_id, role, subject_id, used_at, reason) VALUES (?, ?, ?, ?, ?)",
                               arguments: [token, principal.role, id, Int(now.timeIntervalSince1970), Data(sealed)])
            }
            let view = try decryptView(db, id, labels: labels, principal: principal, policy: policy, breakGlass: breakGlass,
                                       source: decision.ownRecordsOnly ? principal.role : nil, decision: decision.description)
            var event = AuditEvent(principal, breakGlass ? .breakGlass : action, subjectID: id)
            event.purpose = breakGlassReason.map { "\(purpose) — break-glass: \($0)" } ?? purpose
            event.labels = Array(labels.intersection(Set(policy.ruleSet.labels.keys)))
            event.reasons = decision.reasons
            event.detail = "\(view.records.count) records, \(view.alerts.count) alerts" + (breakGlass ? "; BREAK-GLASS" : "")
            try appendAudit(db, event)
            return .success(view)
        }
        return try opened.get()
    }

    /// Where a break-glass reason belongs (sealed under the key-encryption key, re-sealed by a rotation).
    func breakGlassPlace(subjectID: String, token: String) -> AssociatedData {
        AssociatedData(vaultID: vaultID, subjectID: subjectID, itemID: token, kind: "#break-glass")
    }

    /// What a subject's view is decided on, read in the view's transaction.
    private func viewFacts(_ db: Database, _ id: String, principal: Principal, policy: AccessPolicy, breakGlassPeriod: Period?,
                           now: Date) throws -> (exists: Bool, contributed: Bool, alerted: Bool, openBreakGlass: Bool)
    {
        let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM subjects WHERE id = ?", arguments: [id]) ?? false
        let contributed = try Bool.fetchOne(
            db, sql: "SELECT 1 FROM records WHERE subject_id = ? AND source = ? LIMIT 1", arguments: [id, principal.role]) ?? false
        // The console opens every subject by `manages subjects`: its alerts are not looked at.
        var alerted = false
        if !principal.isConsole {
            let sql = "SELECT a.audience, a.group_name, \(Self.decidingRule) FROM alerts a \(Self.parentJoin) WHERE a.subject_id = ?"
            alerted = try Row.fetchAll(db, sql: sql, arguments: [id]).contains { row in
                policy.alert(principal, audience: Self.audience(row[0]), group: row[1], rule: row[2]).isPermitted
            }
        }
        var open = false
        if let token = principal.tokenID, let period = breakGlassPeriod {
            let since = period.added(to: Day(ordinal: Int(now.timeIntervalSince1970) / 86_400), sign: -1)
            open = try Bool.fetchOne(db, sql: "SELECT 1 FROM break_glass WHERE token_id = ? AND subject_id = ? AND used_at > ?",
                                     arguments: [token, id, since.ordinal * 86_400]) ?? false
        }
        return (exists, contributed, alerted, open)
    }

    /// The subject as the principal sees it: identity fields and records of the labels it sees (of `source` only, when
    /// given), the alerts addressed to it. `hidden_labels` names the identity fields' labels it does not see, which
    /// are the same for every subject; records it may not see are left out without a trace, not even their label,
    /// which would tell a school that a pupil has a judicial measure.
    private func decryptView(_ db: Database, _ id: String, labels: Set<String>, principal: Principal, policy: AccessPolicy,
                             breakGlass: Bool, source: String?, decision: String) throws -> SubjectView
    {
        let ruleSet = policy.ruleSet
        var hidden: Set<String> = []
        let subject = try openSubject(db, id: id)
        var fields: [String: String] = [:]
        for (name, value) in subject.identity {
            guard let label = ruleSet.subject.field(named: name)?.label else { continue }
            if labels.contains(label) { fields[name] = value } else { hidden.insert(label) }
        }
        var records: [SubjectView.RecordView] = []
        for row in try Row.fetchAll(db, sql: """
            SELECT id, kind, sealed FROM records WHERE subject_id = ?1 AND (?2 IS NULL OR source = ?2) ORDER BY created_at, id
            """, arguments: [id, source]) {
            let kind: String = row["kind"]
            guard let shape = ruleSet.kinds[kind], labels.contains(shape.label) else { continue }
            let recordID: String = row["id"]
            let sealed: Data = row["sealed"]
            let place = AssociatedData(vaultID: vaultID, subjectID: id, itemID: recordID, kind: kind)
            guard let opened = try? SealedFields.open([UInt8](sealed), key: subject.key, at: place) else {
                throw VaultError(.integrity, "record \(recordID) (kind \(kind)): integrity failure")
            }
            records.append(.init(id: recordID, kind: kind,
                                 fields: opened.filter { labels.contains(shape.field(named: $0.key)?.label ?? shape.label) }))
        }
        let alerts = try fetchAlerts(db, subjectID: id, known: [id: subject.key]) { audience, group, rule in
            policy.alert(principal, audience: audience, group: group, rule: rule).isPermitted
        }
        return SubjectView(id: id, fields: fields, records: records, alerts: alerts, hiddenLabels: hidden.sorted(),
                           breakGlass: breakGlass, decision: decision)
    }
}

/// A recorded break-glass opening, for the auditors: who, which subject, when; the reason stays sealed.
public struct BreakGlassUse: Sendable, Encodable {
    public let tokenID: String
    public let role: String
    public let subject: String
    public let usedAt: Int

    enum CodingKeys: String, CodingKey {
        case tokenID = "token", role, subject, usedAt = "used_at"
    }
}

extension VaultStore {
    /// Every break-glass opening, newest first.
    public func breakGlassUses() throws(VaultError) -> [BreakGlassUse] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT token_id, role, subject_id, used_at FROM break_glass ORDER BY used_at DESC, id DESC")
                .map { BreakGlassUse(tokenID: $0["token_id"], role: $0["role"], subject: $0["subject_id"], usedAt: $0["used_at"]) }
        }
    }
}
