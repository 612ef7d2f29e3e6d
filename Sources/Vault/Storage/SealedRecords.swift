import Foundation
import RulesEngine

/// One subject's records as stored, opened kind by kind when the evaluator first reads that kind: a rule whose
/// condition on the subject already fails leaves them sealed. A record that does not authenticate stops the
/// subject's evaluation: the evaluator throws the failure naming it.
final class SealedRecords: RecordSource {
    struct Row {
        let id: String
        /// As SQLite gave it: copied into bytes only when opened.
        let sealed: Data
    }

    private let vaultID: String
    private let subjectID: String
    private let key: SecretKey
    private let shapes: [String: RecordShape]
    private let rows: [String: [Row]]

    init(vaultID: String, subjectID: String, key: SecretKey, shapes: [String: RecordShape], rows: [String: [Row]]) {
        self.vaultID = vaultID
        self.subjectID = subjectID
        self.key = key
        self.shapes = shapes
        self.rows = rows
    }

    func records(ofKind kind: String) throws(IntegrityFailure) -> [Record] {
        guard let shape = shapes[kind] else { return [] }
        var records: [Record] = []
        for row in rows[kind] ?? [] {
            let place = AssociatedData(vaultID: vaultID, subjectID: subjectID, itemID: row.id, kind: kind)
            guard let fields = try? SealedFields.open([UInt8](row.sealed), key: key, at: place) else {
                throw IntegrityFailure(item: "record", id: row.id, kind: kind)
            }
            records.append(Record(id: row.id, kind: kind, fields: VaultStore.typed(fields, shape: shape)))
        }
        return records
    }
}
