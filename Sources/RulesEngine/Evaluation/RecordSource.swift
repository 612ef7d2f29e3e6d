/// Where an evaluation reads a subject's records. The evaluator asks for one kind at a time, when a rule first
/// needs it, so that a source can leave the other kinds unread: the vault keeps them sealed, and a rule whose
/// first condition on the subject fails (`age < 16 and count(absence …) >= 4` for a 17-year-old) opens none.
/// A source that cannot give a kind's records (the vault: a record that does not authenticate) throws its
/// `Failure`: the subject's evaluation stops there, and none of its results is given.
public protocol RecordSource {
    /// What reading can fail with (`Never` for records already in memory).
    associatedtype Failure: Error
    /// The subject's records of `kind`, in the order they were given.
    func records(ofKind kind: String) throws(Failure) -> [Record]
}

/// Records already in memory.
struct RecordList: RecordSource {
    let byKind: [String: [Record]]

    init(_ records: [Record]) { byKind = Dictionary(grouping: records, by: \.kind) }

    func records(ofKind kind: String) -> [Record] { byKind[kind] ?? [] }
}

/// The records of each kind one subject's evaluation has read so far: dated on or before the evaluation date,
/// oldest first, records of the same date in the source's order (`last` picks the one given last). The source's
/// failure is kept for the evaluator to throw, and reported to the expression being evaluated as
/// `EvaluationFailure.sourceFailed`, which no rule catches.
final class RecordCache<Source: RecordSource> {
    private let source: Source
    private let asOf: Day
    private var byKind: [String: [Record]] = [:]
    /// The source's failure, once it failed.
    private(set) var failure: Source.Failure?

    init(_ source: Source, asOf: Day) {
        self.source = source
        self.asOf = asOf
    }

    func records(ofKind kind: String) throws(EvaluationFailure) -> [Record] {
        if let known = byKind[kind] { return known }
        let given: [Record]
        do {
            given = try source.records(ofKind: kind)
        } catch {
            failure = error
            throw .sourceFailed
        }
        let asOf = asOf
        let kept = given.filter { $0.date.map { $0 <= asOf } ?? true }
        func order(_ record: Record) -> Int { record.date?.ordinal ?? .min }
        // INVARIANT: sorting is stable, so records of the same date keep the source's order; a list already in
        // date order (most are) is that order.
        let sorted = zip(kept, kept.dropFirst()).allSatisfy { order($0) <= order($1) }
        let list = sorted ? kept : kept.enumerated()
            .sorted { (order($0.element), $0.offset) < (order($1.element), $1.offset) }
            .map(\.element)
        byKind[kind] = list
        return list
    }
}
