import Foundation
internal import GRDB
public import RulesEngine
import Synchronization

/// A rule set stored in the vault: its version, digest and files.
public struct StoredRuleSet: Sendable {
    /// Increments with every load.
    public let version: Int
    /// The SHA-256 of the files (`RuleSetDigest`).
    public let sha256: String
    /// The source files, as loaded.
    public let files: [SourceFile]
}

extension VaultStore {
    /// Stores a rule set that checks without error as the new current version.
    ///
    /// - Throws: `VaultError.invalidInput` if the files do not check.
    public func loadRuleSet(_ files: [SourceFile]) throws(VaultError) -> StoredRuleSet {
        guard RuleSet.check(files).ruleSet != nil else {
            throw VaultError(.invalidInput, "the rule set has errors; run 'rulesctl rules check'")
        }
        let digest = try crypto { () throws(CryptoError) in try RuleSetDigest.hex(of: files) }
        let encoded = Self.encode(files)
        let now = Int(Date().timeIntervalSince1970)
        let declassifications = RuleSet.check(files).ruleSet?.rules.flatMap { rule in
            rule.declassifications.map { "\(rule.id): declassify \($0.label) to \($0.roles.joined(separator: ", ")) because \($0.reason)" }
        } ?? []
        let version: Int = try audited({ (version: Int) in
            var event = AuditEvent(nil, .ruleSetLoaded)
            event.detail = "version \(version), sha256 \(digest)"
            event.reasons = declassifications
            return event
        }) { db in
            try db.execute(sql: "INSERT INTO rule_sets (sha256, loaded_at, files) VALUES (?, ?, ?)",
                           arguments: [digest, now, encoded])
            return Int(db.lastInsertedRowID)
        }
        return StoredRuleSet(version: version, sha256: digest, files: files)
    }

    /// The current rule set, or `nil` if none was loaded.
    public func storedRuleSet() throws(VaultError) -> StoredRuleSet? {
        try read { db in try storedRuleSet(db) }
    }

    private func storedRuleSet(_ db: Database) throws -> StoredRuleSet? {
        guard let row = try Row.fetchOne(db, sql: "SELECT version, sha256, files FROM rule_sets ORDER BY version DESC LIMIT 1")
        else { return nil }
        return StoredRuleSet(version: row["version"], sha256: row["sha256"], files: Self.decode(row["files"]))
    }

    /// The current rule set, checked; the schema every import and evaluation follows. The check runs once per
    /// loaded version: later calls only compare the current version's digest with the cached one.
    public func checkedRuleSet() throws(VaultError) -> (StoredRuleSet, CheckedRuleSet) {
        try read { db in try checkedRuleSet(db) }
    }

    /// `checkedRuleSet()` inside a caller's read or write, so that a request reads the policy and its data in one
    /// transaction.
    func checkedRuleSet(_ db: Database) throws -> (StoredRuleSet, CheckedRuleSet) {
        var noRuleSet: VaultError { VaultError(.noRuleSet, "no rule set is loaded; run 'rulesctl rules load --vault \(directory)'") }
        guard let current = try Row.fetchOne(db.cachedStatement(sql: "SELECT version, sha256 FROM rule_sets ORDER BY version DESC LIMIT 1"))
        else { throw noRuleSet }
        if let cached = ruleSetCache.withLock({ $0 }), cached.0.version == current[0] as Int, cached.0.sha256 == current[1] as String {
            return cached
        }
        guard let stored = try storedRuleSet(db) else { throw noRuleSet }
        guard let checked = RuleSet.check(stored.files).ruleSet else {
            throw VaultError(.integrity, "the stored rule set version \(stored.version) no longer checks")
        }
        ruleSetCache.withLock { $0 = (stored, checked) }
        return (stored, checked)
    }

    private static func encode(_ files: [SourceFile]) -> String {
        let list = files.map { ["path": $0.path, "text": $0.text] }
        let data = (try? JSONSerialization.data(withJSONObject: list, options: [.sortedKeys])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    private static func decode(_ text: String) -> [SourceFile] {
        let list = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String: String]] ?? []
        return list.compactMap { entry in
            guard let path = entry["path"], let text = entry["text"] else { return nil }
            return SourceFile(path: path, text: text)
        }
    }
}
