import Foundation
internal import GRDB

/// Counts that describe a vault without revealing anything about a person.
public struct VaultStatus: Sendable, Encodable {
    /// The vault identifier.
    public let vaultID: String
    /// Subjects.
    public let subjects: Int
    /// Sealed records.
    public let records: Int
    /// Alerts.
    public let alerts: Int
    /// Audit log entries.
    public let auditEntries: Int
    /// The current rule set's SHA-256, if one is loaded.
    public let ruleSet: String?
    /// Its version.
    public let ruleSetVersion: Int?
    /// Records per kind.
    public let recordsByKind: [String: Int]
    /// The size of the write-ahead log: the pages written since the last checkpoint. 0 once an erasure, a purge or
    /// a rotation truncated it, so that no destroyed page is left in it (`log_not_truncated` says when one could
    /// not).
    public let logBytes: Int

    enum CodingKeys: String, CodingKey {
        case vaultID = "vault_id", subjects, records, alerts, auditEntries = "audit_entries", ruleSet = "rule_set"
        case ruleSetVersion = "rule_set_version", recordsByKind = "records_by_kind", logBytes = "log_bytes"
    }
}

extension VaultStore {
    /// The vault's counts.
    public func status() throws(VaultError) -> VaultStatus {
        let stored = try storedRuleSet()
        let log = (try? FileManager.default.attributesOfItem(atPath: Self.databasePath(directory) + "-wal"))?[.size]
        return try read { db in
            var byKind: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT kind, COUNT(*) AS n FROM records GROUP BY kind") {
                byKind[row["kind"]] = row["n"]
            }
            return VaultStatus(
                vaultID: vaultID, subjects: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM subjects") ?? 0,
                records: byKind.values.reduce(0, +), alerts: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM alerts") ?? 0,
                auditEntries: try auditEntryCount(db), ruleSet: stored?.sha256,
                ruleSetVersion: stored?.version, recordsByKind: byKind, logBytes: (log as? Int) ?? 0)
        }
    }
}
