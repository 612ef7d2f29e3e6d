import Foundation
internal import GRDB
public import RulesEngine

/// An alert as a partner or the coordinator reads it. `subject` is the subject's random identifier, never an
/// identity.
public struct StoredAlert: Sendable, Encodable {
    public let id: String
    public let rule: String
    public let severity: String
    public let status: String
    public let subject: String
    public let audience: [String]
    public let group: String
    /// Revealed values by name; `nil` (JSON null) for an absent value.
    public let reveal: [String: String?]
    public let evidence: [String]
    public let followUp: String?
    public let created: String
    /// For a reminder, the alert whose follow-up is overdue.
    public let parent: String?
    public let outcome: String?
    public let comment: String?

    enum CodingKeys: String, CodingKey {
        case id, rule, severity, status, subject, audience, group, reveal, evidence, followUp = "follow_up", created
        case parent, outcome, comment
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(rule, forKey: .rule)
        try container.encode(severity, forKey: .severity)
        try container.encode(status, forKey: .status)
        try container.encode(subject, forKey: .subject)
        try container.encode(audience, forKey: .audience)
        try container.encode(group, forKey: .group)
        try container.encode(reveal, forKey: .reveal)
        try container.encode(evidence, forKey: .evidence)
        try container.encode(followUp, forKey: .followUp)
        try container.encode(created, forKey: .created)
        try container.encodeIfPresent(parent, forKey: .parent)
        try container.encodeIfPresent(outcome, forKey: .outcome)
        try container.encodeIfPresent(comment, forKey: .comment)
    }
}

/// How a closed alert ended.
public enum AlertOutcome: String, Sendable, CaseIterable {
    case prisEnCharge = "pris_en_charge", orientation, sansSuite = "sans_suite", dejaConnu = "deja_connu", erreur
}

extension VaultStore {
    /// The rule identifier of reminders raised when an open alert's follow-up date has passed.
    public static let reminderRule = "RELANCE-SUIVI"
    /// The longest comment accepted on an alert.
    public static let maxCommentLength = 500

    /// The rule an alert `a` is decided by (`AccessPolicy.alert`): its own; for a reminder (the only alerts with a
    /// parent, whatever a rule set names its rules), the rule of the alert `p` it reminds of (`parentJoin`), so that
    /// a role that rule no longer notifies loses the reminder with the alert; for a reminder whose alert is gone,
    /// no rule (the coordinator's console only).
    static let decidingRule = "CASE WHEN a.parent_id IS NOT NULL THEN COALESCE(p.rule_id, '') ELSE a.rule_id END"
    /// Joins the alert a reminder reminds of, for `decidingRule`.
    static let parentJoin = "LEFT JOIN alerts p ON p.id = a.parent_id"

    /// An alert's stored audience, a comma-separated list of role names.
    static func audience(_ stored: String) -> [String] { stored.split(separator: ",").map(String.init) }

    /// Stores a new alert unless the same rule already alerted for the subject at that date.
    func insertAlert(_ db: Database, _ alert: Alert, subjectID: String, key: SecretKey, parent: String? = nil) throws -> Bool {
        let id = try RandomID.timeOrdered()
        let sealed = try SealedJSON.seal(json: AlertDetail(alert).json(), key: key,
                                         at: AlertDetail.place(vaultID: vaultID, subjectID: subjectID, alertID: id))
        // A cached statement: an evaluation inserts hundreds of alerts per transaction.
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO alerts (id, subject_id, rule_id, severity, status, audience, group_name, raised_on,
                                          follow_up, parent_id, created_at, detail)
            VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [id, subjectID, alert.ruleID, alert.severity.rawValue, alert.audience.joined(separator: ","),
                             alert.group, alert.date.description, alert.followUp?.description, parent,
                             Int(Date().timeIntervalSince1970), Data(sealed)])
        return db.changesCount > 0
    }

    /// The open alerts whose follow-up date (the argument) has passed and that have no reminder yet, reminders
    /// (alerts with a parent) aside, each with its subject's wrapped key: a reminder is sealed under it, and the
    /// identity is not needed. One range of the index on (status, follow_up).
    static let overdueFollowUps = """
        SELECT a.id, a.subject_id, a.rule_id, a.group_name, a.follow_up, a.audience, k.wrapped FROM alerts a
        LEFT JOIN subject_keys k ON k.subject_id = a.subject_id
        WHERE a.status = 'open' AND a.follow_up IS NOT NULL AND a.follow_up < ? AND a.parent_id IS NULL
          AND NOT EXISTS (SELECT 1 FROM alerts r WHERE r.parent_id = a.id)
        """

    /// Raises one reminder for every alert still open after its follow-up date, in the caller's transaction; returns
    /// how many. A reminder goes to the overdue alert's own audience, in its group: the roles that were to follow it
    /// up, and no other (the coordinator only when the rule notified it: ABS-10DJ, to the school and the
    /// département, does not, and its reminder must not tell the coordinator of it).
    func raiseReminders(_ db: Database, asOf: Day) throws -> Int {
        let overdue = try Row.fetchAll(db, sql: Self.overdueFollowUps, arguments: [asOf.description])
        var raised = 0
        var keys: [String: SecretKey] = [:]
        for row in overdue {
            let subjectID: String = row["subject_id"]
            let key = try dataKey(subjectID, wrapped: row["wrapped"], keys: &keys)
            let rule: String = row["rule_id"]
            let due: String = row["follow_up"]
            let reminder = Alert(
                ruleID: Self.reminderRule, title: "Suivi échu", basis: "CNIL AU-038 : actions datées et suivies",
                group: row["group_name"], severity: .high,
                audience: Self.audience(row["audience"]), labels: [], date: asOf,
                followUp: nil, revealed: [RevealedValue(name: "alerte", value: .text(row["id"])),
                                          RevealedValue(name: "regle", value: .text(rule)),
                                          RevealedValue(name: "echeance", value: .text(due))],
                evidence: [])
            if try insertAlert(db, reminder, subjectID: subjectID, key: key, parent: row["id"]) { raised += 1 }
        }
        return raised
    }

    /// Lists alerts, newest first, optionally of one status, one rule, or addressed to one role. `allowed` decides
    /// on the plaintext audience and group before anything is decrypted.
    public func alerts(status: AlertStatus? = nil, rule: String? = nil, role: String? = nil,
                       allowed: @escaping ([String], String, String) -> Bool = { _, _, _ in true }) throws(VaultError) -> [StoredAlert] {
        try alerts(by: nil, status: status, rule: rule) { _ in AlertFilter(role: role, allowed: allowed) }
    }

    /// What a listing lets through: the role SQL requires in the audience (`nil`: any), and the decision on each
    /// remaining alert's plaintext audience and group, before anything is decrypted.
    struct AlertFilter {
        let role: String?
        /// Audience, group and deciding rule (`decidingRule`) of an alert → may it be shown.
        let allowed: ([String], String, String) -> Bool
    }

    /// Lists alerts and logs the read: no log entry, no alert served. `filter` is built from the rule set read in
    /// the same transaction as the alerts, so a listing is decided by the policy current beside its data (for a
    /// principal, a vault without a rule set is refused).
    func alerts(by principal: Principal?, status: AlertStatus? = nil, rule: String? = nil,
                filter: (CheckedRuleSet?) -> AlertFilter) throws(VaultError) -> [StoredAlert] {
        // Decrypted in a read, beside other readers; then logged in a short write before anything is returned.
        let (ruleSet, alerts) = try read { db in
            let ruleSet = principal == nil ? try? checkedRuleSet(db).1 : try checkedRuleSet(db).1
            let decided = filter(ruleSet)
            return (ruleSet, try fetchAlerts(db, status: status, rule: rule, role: decided.role, allowed: decided.allowed))
        }
        var event = AuditEvent(principal, .alertsRead)
        // A reminder is logged under the labels of the rule of its alert, which it is about (and reveals: `regle`).
        event.labels = Array(Set(alerts.flatMap { alert in
            ruleSet?.rule(alert.parent == nil ? alert.rule : (alert.reveal["regle"] ?? nil) ?? alert.rule)?.labels ?? []
        }))
        event.detail = "\(alerts.count) alerts" + (status.map { ", status \($0.rawValue)" } ?? "") + (rule.map { ", rule \($0)" } ?? "")
        try write { db in try appendAudit(db, event) }
        return alerts
    }

    /// The alerts matching the filters, decrypted; `allowed` decides on plaintext before decryption.
    /// `known`: data keys the caller already opened, by subject (not unwrapped again).
    func fetchAlerts(_ db: Database, status: AlertStatus? = nil, rule: String? = nil, role: String? = nil, subjectID: String? = nil,
                     known: [String: SecretKey] = [:],
                     allowed: ([String], String, String) -> Bool = { _, _, _ in true }) throws -> [StoredAlert] {
        // Each alert comes with its subject's wrapped key, in the same query (one lookup per row in SQLite rather
        // than one statement per alert).
        var sql = "SELECT \(Self.alertColumns) FROM alerts a LEFT JOIN subject_keys k ON k.subject_id = a.subject_id "
            + "\(Self.parentJoin) WHERE 1 = 1"
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let status { sql += " AND a.status = ?"; arguments.append(status.rawValue) }
        if let rule { sql += " AND a.rule_id = ?"; arguments.append(rule) }
        if let subjectID { sql += " AND a.subject_id = ?"; arguments.append(subjectID) }
        // The audience is a comma-separated list of role names: an exact match of one of them. `allowed` decides.
        if let role { sql += " AND instr(',' || a.audience || ',', ?) > 0"; arguments.append(",\(role),") }
        sql += " ORDER BY a.raised_on DESC, a.rule_id, a.id"
        var keys = known
        var alerts: [StoredAlert] = []
        // A cursor: the sealed columns of alerts the caller may not see are never copied out of SQLite.
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments))
        while let row = try rows.next() {
            let audience = Self.audience(row[AlertColumn.audience])
            guard allowed(audience, row[AlertColumn.group], row[AlertColumn.decidingRule]) else { continue }
            let key = try dataKey(row[AlertColumn.subject], wrapped: row[AlertColumn.wrappedKey], keys: &keys)
            alerts.append(try Self.storedAlert(row, key: key, vaultID: vaultID, audience: audience))
        }
        return alerts
    }

    /// The columns `fetchAlerts` reads (`a` the alert, `k` its subject's key), in the order of `AlertColumn` (read by
    /// position: by name, every column lookup folds case).
    private static let alertColumns = "a.id, a.subject_id, a.rule_id, a.severity, a.status, a.audience, a.group_name, "
        + "a.raised_on, a.follow_up, a.parent_id, a.detail, a.resolution, k.wrapped, \(decidingRule)"

    private enum AlertColumn {
        static let id = 0, subject = 1, rule = 2, severity = 3, status = 4, audience = 5, group = 6, raised = 7
        static let followUp = 8, parent = 9, detail = 10, resolution = 11
        /// The subject's wrapped data key.
        static let wrappedKey = 12
        /// `decidingRule`.
        static let decidingRule = 13
    }

    /// Opens one of an alert's sealed parts (`detail`, `resolution`); a failure names the alert and the part.
    static func openAlertPart<T>(_ bytes: Data, _ part: String, of alertID: String, key: SecretKey, at place: AssociatedData,
                                 _ decode: ([UInt8]) throws -> T) throws(VaultError) -> T {
        do {
            return try SealedJSON.open([UInt8](bytes), key: key, at: place, decode: decode)
        } catch {
            throw VaultError(.integrity, "alert \(alertID): integrity failure, its sealed \(part) does not authenticate")
        }
    }

    private static func storedAlert(_ row: Row, key: SecretKey, vaultID: String, audience: [String]) throws -> StoredAlert {
        let id: String = row[AlertColumn.id]
        let subjectID: String = row[AlertColumn.subject]
        let detail = try openAlertPart(row[AlertColumn.detail], "detail", of: id, key: key,
                                       at: AlertDetail.place(vaultID: vaultID, subjectID: subjectID, alertID: id), AlertDetail.decode)
        var resolution = AlertResolution()
        if let bytes = row[AlertColumn.resolution] as Data? {
            resolution = try openAlertPart(bytes, "resolution", of: id, key: key,
                                           at: AlertResolution.place(vaultID: vaultID, subjectID: subjectID, alertID: id),
                                           AlertResolution.decode)
        }
        var reveal: [String: String?] = [:]
        for entry in detail.reveal { reveal[entry.name] = .some(entry.value) }
        return StoredAlert(
            id: id, rule: row[AlertColumn.rule], severity: row[AlertColumn.severity], status: row[AlertColumn.status],
            subject: subjectID, audience: audience, group: row[AlertColumn.group], reveal: reveal, evidence: detail.evidence,
            followUp: row[AlertColumn.followUp], created: row[AlertColumn.raised], parent: row[AlertColumn.parent],
            outcome: resolution.outcome, comment: resolution.comment)
    }

    /// Moves an alert along `open → acknowledged → closed`, recording who, when, the outcome and a comment.
    ///
    /// - Parameters:
    ///   - id: the alert.
    ///   - status: `.acknowledged` or `.closed`.
    ///   - actor: who acts (token id and role, or the console user).
    ///   - principal: the partner acting through the API, whom the audit entry names (the console when `nil`); it may
    ///     move only an alert addressed to it in its groups. A refusal is logged, and thrown as "not found".
    ///   - outcome: required to close.
    ///   - comment: at most `maxCommentLength` characters.
    public func transition(alert id: String, to status: AlertStatus, actor: String, by principal: Principal? = nil,
                           outcome: AlertOutcome?, comment: String?) throws(VaultError)
    {
        if let comment, comment.count > Self.maxCommentLength {
            throw VaultError(.invalidInput, "--comment is longer than \(Self.maxCommentLength) characters")
        }
        if status == .closed && outcome == nil {
            throw VaultError(.invalidInput, "closing an alert needs --outcome (\(AlertOutcome.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let subjectID: String? = try read { db in try String.fetchOne(db, sql: "SELECT subject_id FROM alerts WHERE id = ?", arguments: [id]) }
        do {
            try moveAlert(id, to: status, actor: actor, by: principal, subjectID: subjectID, outcome: outcome, comment: comment)
        } catch where error.code == .notPermitted {
            // Logged with its reason; the partner is told only that there is no such alert for it.
            _ = auditedDenial(principal, .alertTransition, error: error, subjectID: subjectID)
            throw VaultError(.notFound, "alert \(id): not found")
        }
    }

    /// The transition's audited write: the policy decides on the alert's audience and group (a partner's token may
    /// move only an alert addressed to it, in its groups), then the resolution is sealed again.
    private func moveAlert(_ id: String, to status: AlertStatus, actor: String, by principal: Principal?, subjectID: String?,
                           outcome: AlertOutcome?, comment: String?) throws(VaultError)
    {
        try audited({ _ in
            var event = AuditEvent(principal, .alertTransition, subjectID: subjectID)
            event.detail = "alert \(id) → \(status.rawValue) by \(actor)"
            return event
        }) { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT a.subject_id, a.status, a.resolution, a.audience, a.group_name, \(Self.decidingRule) AS rule, k.wrapped
                FROM alerts a LEFT JOIN subject_keys k ON k.subject_id = a.subject_id \(Self.parentJoin) WHERE a.id = ?
                """, arguments: [id]) else {
                throw VaultError(.notFound, "alert \(id): not found")
            }
            if let principal {
                let decision = AccessPolicy(ruleSet: try checkedRuleSet(db).1).alert(
                    principal, audience: Self.audience(row["audience"]), group: row["group_name"], rule: row["rule"])
                guard decision.isPermitted else { throw VaultError(.notPermitted, decision.description) }
            }
            let current = AlertStatus(rawValue: row["status"]) ?? .open
            let allowed = (current == .open && status != .open) || (current == .acknowledged && status == .closed)
            guard allowed else {
                throw VaultError(.invalidInput, "alert \(id) is \(current.rawValue); it cannot become \(status.rawValue)")
            }
            // The resolution needs the subject's data key only: the identity stays sealed.
            let subjectID: String = row["subject_id"]
            var opened: [String: SecretKey] = [:]
            let key = try dataKey(subjectID, wrapped: row["wrapped"], keys: &opened)
            let place = AlertResolution.place(vaultID: vaultID, subjectID: subjectID, alertID: id)
            var resolution = AlertResolution()
            if let bytes = row["resolution"] as Data? {
                resolution = try Self.openAlertPart(bytes, "resolution", of: id, key: key, at: place, AlertResolution.decode)
            }
            if status == .acknowledged { resolution.acknowledgedBy = actor } else { resolution.closedBy = actor }
            if let outcome { resolution.outcome = outcome.rawValue }
            if let comment { resolution.comment = comment }
            let sealed = try SealedJSON.seal(resolution, key: key, at: place)
            let column = status == .acknowledged ? "acknowledged_at" : "closed_at"
            try db.execute(sql: "UPDATE alerts SET status = ?, \(column) = ?, resolution = ? WHERE id = ?",
                           arguments: [status.rawValue, Int(Date().timeIntervalSince1970), Data(sealed), id])
        }
    }
}
