/// Where an evaluation reads a subject's records. The evaluator asks for one kind at a time, when a rule first
/// needs it, so that a source can leave the other kinds unread: the vault keeps them sealed, and a rule whose
/// first condition on the subject fails (`age < 16 and count(absence …) >= 4` for a 17-year-old) opens none.
public protocol RecordSource {
    /// The subject's records of `kind`, in the order they were given.
    func records(ofKind kind: String) -> [Record]
}

/// Records already in memory.
struct RecordList: RecordSource {
    let byKind: [String: [Record]]

    init(_ records: [Record]) { byKind = Dictionary(grouping: records, by: \.kind) }

    func records(ofKind kind: String) -> [Record] { byKind[kind] ?? [] }
}

/// The records of each kind one subject's evaluation has read so far: dated on or before the evaluation date,
/// oldest first, records of the same date in the source's order (`last` picks the one given last).
final class RecordCache {
    private let source: any RecordSource
    private let asOf: Day
    private var byKind: [String: [Record]] = [:]

    init(_ source: any RecordSource, asOf: Day) {
        self.source = source
        self.asOf = asOf
    }

    func records(ofKind kind: String) -> [Record] {
        if let known = byKind[kind] { return known }
        let asOf = asOf
        // INVARIANT: sorting is stable, so records of the same date keep the source's order.
        let list = source.records(ofKind: kind).filter { $0.date.map { $0 <= asOf } ?? true }.enumerated()
            .sorted { ($0.element.date ?? Day(ordinal: .min), $0.offset) < ($1.element.date ?? Day(ordinal: .min), $1.offset) }
            .map(\.element)
        byKind[kind] = list
        return list
    }
}
