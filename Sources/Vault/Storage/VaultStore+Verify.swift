import Foundation
internal import GRDB

/// A sealed item that failed to open: which one, never what it holds.
extension VaultError {
    /// An item that does not authenticate, found while reading (not by `verify`): the message sends to `verify`.
    init(_ failure: IntegrityFailure) {
        self.init(.integrity, failure.description + "; run 'rulesctl verify'")
    }

    /// A cryptographic failure inside a transaction that did not name its item: an integrity failure still (never a
    /// storage error), logged as such, with `verify` to find the item.
    init(sealed error: CryptoError) {
        self.init(.integrity, "a sealed item does not open (\(error)); run 'rulesctl verify' to find it")
    }
}

public struct IntegrityFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// `subject-key`, `identity`, `record` or `vault-key`.
    public let item: String
    /// The item's random identifier.
    public let id: String
    /// The record's kind, for records.
    public let kind: String?

    /// `record 3f… (kind absence): authentication failed`.
    public var description: String {
        "\(item) \(id)\(kind.map { " (kind \($0))" } ?? ""): integrity failure, the sealed bytes do not authenticate"
    }
}

extension VaultStore {
    /// Opens every sealed item of the vault: wrapped keys, identities and records.
    ///
    /// - Returns: every item that failed to authenticate (empty when the vault is sound) and the number checked.
    public func verify() throws(VaultError) -> (checked: Int, failures: [IntegrityFailure]) {
        try audited({ (result: (checked: Int, failures: [IntegrityFailure])) in
            var event = AuditEvent(nil, .integrityCheck)
            event.decision = result.failures.isEmpty ? "ok" : "failed"
            event.reasons = result.failures.map(\.description)
            event.detail = "\(result.checked) sealed items checked"
            return event
        }) { db in
            var failures: [IntegrityFailure] = []
            var checked = 0
            for name in VaultKeyName.allCases {
                guard let data = try Data.fetchOne(db, sql: "SELECT value FROM vault_meta WHERE name = ?", arguments: [name.rawValue])
                else { continue }
                checked += 1
                if (try? DataKey.unwrap([UInt8](data), with: keys.keyEncryption, vaultID: vaultID, subjectID: name.place)) == nil {
                    failures.append(IntegrityFailure(item: "vault-key", id: name.rawValue, kind: nil))
                }
            }
            let subjects = try Row.fetchCursor(db, sql: """
                SELECT s.id, s.identity, k.wrapped FROM subjects s LEFT JOIN subject_keys k ON k.subject_id = s.id
                """)
            while let subject = try subjects.next() {
                let id: String = subject["id"]
                let wrapped: Data? = subject["wrapped"]
                let identity: Data = subject["identity"]
                checked += 1
                guard let wrapped,
                    let key = try? DataKey.unwrap([UInt8](wrapped), with: keys.keyEncryption, vaultID: vaultID, subjectID: id)
                else {
                    failures.append(IntegrityFailure(item: "subject-key", id: id, kind: nil))
                    continue
                }
                checked += 1
                if (try? SealedFields.open([UInt8](identity), key: key, at: .identity(vaultID: vaultID, subjectID: id))) == nil {
                    failures.append(IntegrityFailure(item: "identity", id: id, kind: nil))
                }
                let records = try Row.fetchAll(db, sql: "SELECT id, kind, sealed FROM records WHERE subject_id = ?", arguments: [id])
                for record in records {
                    let recordID: String = record["id"]
                    let kind: String = record["kind"]
                    let sealed: Data = record["sealed"]
                    checked += 1
                    let place = AssociatedData(vaultID: vaultID, subjectID: id, itemID: recordID, kind: kind)
                    if (try? SealedFields.open([UInt8](sealed), key: key, at: place)) == nil {
                        failures.append(IntegrityFailure(item: "record", id: recordID, kind: kind))
                    }
                }
            }
            return (checked, failures)
        }
    }
}
