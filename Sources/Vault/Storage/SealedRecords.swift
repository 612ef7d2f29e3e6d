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

    private let places: AssociatedData.Subject
    private let key: SecretKey
    private let readers: [String: TypedFieldReader]
    private let rows: [String: [Row]]

    /// - Parameter readers: the typed reader of each kind's shape; kinds without one give no record.
    init(vaultID: String, subjectID: String, key: SecretKey, readers: [String: TypedFieldReader], rows: [String: [Row]]) {
        self.places = AssociatedData.Subject(vaultID: vaultID, subjectID: subjectID)
        self.key = key
        self.readers = readers
        self.rows = rows
    }

    func records(ofKind kind: String) throws(IntegrityFailure) -> [Record] {
        guard let reader = readers[kind], let rows = rows[kind] else { return [] }
        var records: [Record] = []
        records.reserveCapacity(rows.count)
        for row in rows {
            guard let fields = try? SealedFields.open([UInt8](row.sealed), key: key, at: places.item(row.id, kind: kind),
                                                      typedBy: reader)
            else {
                throw IntegrityFailure(item: "record", id: row.id, kind: kind)
            }
            records.append(Record(id: row.id, kind: kind, fields: fields))
        }
        return records
    }
}
