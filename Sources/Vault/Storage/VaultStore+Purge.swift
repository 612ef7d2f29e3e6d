import Foundation
internal import GRDB
public import RulesEngine

/// What a retention purge destroyed; nothing about any person.
public struct PurgeSummary: Sendable, Encodable {
    /// The date the deadlines were compared with.
    public let asOf: String
    /// Subjects examined.
    public let subjects: Int
    /// Whole files destroyed (the subject's own `retain` clause was due).
    public let subjectsErased: Int
    /// Records destroyed, those of erased subjects included.
    public let recordsDestroyed: Int
    /// Closed alerts destroyed because a record they cite was (with their reminders; those of erased subjects
    /// aside, which go with the file).
    public let alertsDestroyed: Int

    enum CodingKeys: String, CodingKey {
        case asOf = "as_of", subjects, subjectsErased = "subjects_erased", recordsDestroyed = "records_destroyed"
        case alertsDestroyed = "alerts_destroyed"
    }
}

extension VaultStore {
    static let purgeChunk = 512

    /// Destroys what the rule set's `retain` clauses say is due on `asOf` (docs/LANGUAGE.md 4.7, the earliest
    /// deadline of a shape winning): a subject whose own deadline has come is crypto-shredded whole, like an
    /// erasure; otherwise each record whose kind's deadline has come is destroyed. Every subject is opened to read
    /// the dates (none is stored in plaintext). Subjects are taken a chunk at a time, each chunk one transaction
    /// with one audit entry per subject touched, under its pseudonym and without identity: a purge killed midway
    /// keeps what it committed, and running it again completes it. The log is checkpointed at the end (also after a
    /// failed chunk), so that no destroyed page stays in it. A record that does not authenticate stops the purge,
    /// naming it. With `dryRun` nothing is destroyed: the summary says what would be, and one audit entry records
    /// the preview.
    public func purge(asOf: Day, dryRun: Bool = false) throws(VaultError) -> PurgeSummary {
        _ = try checkedRuleSet()
        let ids = try read { db in try String.fetchAll(db, sql: "SELECT id FROM subjects ORDER BY id") }
        var tally = Tally()
        do {
            try purgeChunks(ids, asOf: asOf, dryRun: dryRun, tally: &tally)
        } catch {
            // What the committed chunks destroyed must not stay in the log because a later chunk failed.
            if !dryRun { try? checkpoint(after: "the purge stopped") }
            guard error.code == .busy, tally.erased + tally.records + tally.alerts > 0, !dryRun else { throw error }
            throw VaultError(.busy, "the vault was busy after the purge destroyed \(tally.erased) files, \(tally.records) "
                + "records and \(tally.alerts) alerts; run it again to complete it")
        }
        if dryRun {
            try audited({ _ in
                var event = AuditEvent(nil, .purge)
                event.detail = "preview as of \(asOf), nothing destroyed: \(tally.erased) files, \(tally.records) records and "
                    + "\(tally.alerts) closed alerts due"
                return event
            }) { _ in () }
        } else {
            try checkpoint(after: "the purge is done (\(tally.erased) files, \(tally.records) records and \(tally.alerts) "
                + "alerts destroyed)")
        }
        return PurgeSummary(asOf: asOf.description, subjects: ids.count, subjectsErased: tally.erased,
                            recordsDestroyed: tally.records, alertsDestroyed: tally.alerts)
    }

    /// What a purge destroyed (or, dry, would).
    private struct Tally {
        var erased = 0, records = 0, alerts = 0

        static func += (lhs: inout Tally, rhs: Tally) {
            lhs.erased += rhs.erased
            lhs.records += rhs.records
            lhs.alerts += rhs.alerts
        }
    }

    /// The purge's chunks, each one transaction (a read for a dry run) deciding with the rule set of its moment.
    private func purgeChunks(_ ids: [String], asOf: Day, dryRun: Bool, tally: inout Tally) throws(VaultError) {
        for start in stride(from: 0, to: ids.count, by: Self.purgeChunk) {
            let chunk = ids[start..<min(start + Self.purgeChunk, ids.count)]
            let purgeChunk = { (db: Database) throws -> Tally in
                let ruleSet = try self.checkedRuleSet(db).1
                let readers = Readers(subject: TypedFieldReader(shape: ruleSet.subject),
                                      kinds: ruleSet.kinds.filter { !$0.value.retention.isEmpty }.mapValues(TypedFieldReader.init))
                var tally = Tally()
                for id in chunk {
                    tally += try self.purgeSubject(db, id, ruleSet: ruleSet, readers: readers, asOf: asOf, dryRun: dryRun)
                }
                return tally
            }
            tally += dryRun ? try read(purgeChunk) : try write(purgeChunk)
        }
    }

    /// The typed readers of a purge's rule set: the subject's, and those of the kinds with `retain` clauses.
    private struct Readers {
        let subject: TypedFieldReader
        let kinds: [String: TypedFieldReader]
    }

    /// Purges one subject in the caller's transaction and logs what it destroyed (with `dryRun`, only counts what
    /// is due); a subject erased since the list was read is skipped.
    private func purgeSubject(_ db: Database, _ id: String, ruleSet: CheckedRuleSet, readers: Readers, asOf: Day,
                              dryRun: Bool) throws -> Tally
    {
        let subject: (key: SecretKey, fields: FieldValues)
        do {
            subject = try openTypedSubject(db, id: id, reader: readers.subject)
        } catch let error as VaultError where error.code == .notFound {
            return Tally()
        }
        let identity = subject.fields
        let birth: Day? = if case .date(let day)? = identity["naissance"] { day } else { nil }
        if let due = ruleSet.subject.retentionDeadline(fields: identity, birth: birth, calendar: ruleSet.calendar), due <= asOf {
            if dryRun { return Tally(erased: 1, records: try recordCount(db, id)) }
            let records = try destroySubject(db, id)
            var event = AuditEvent(nil, .purge, subjectID: id)
            // The deadline is not written: `until age 25` would give the birth date away.
            event.detail = "retention as of \(asOf): file destroyed, \(records) records"
            try appendAudit(db, event)
            return Tally(erased: 1, records: records)
        }
        var destroyed: [String: Int] = [:]
        var destroyedIDs: Set<String> = []
        let places = AssociatedData.Subject(vaultID: vaultID, subjectID: id)
        let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT id, kind, sealed FROM records WHERE subject_id = ?"),
                                    arguments: [id])
        for row in rows {
            let recordID: String = row[0]
            let kind: String = row[1]
            // A kind the rule set no longer declares, or without a clause, is kept.
            guard let reader = readers.kinds[kind] else { continue }
            guard let fields = try? SealedFields.open([UInt8](row[2] as Data), key: subject.key, at: places.item(recordID, kind: kind),
                                                      typedBy: reader)
            else {
                throw VaultError(IntegrityFailure(item: "record", id: recordID, kind: kind))
            }
            guard let due = reader.shape.retentionDeadline(fields: fields, birth: birth, calendar: ruleSet.calendar),
                  due <= asOf else { continue }
            if !dryRun {
                try db.cachedStatement(sql: "DELETE FROM records WHERE id = ? AND subject_id = ?").execute(arguments: [recordID, id])
            }
            destroyed[kind, default: 0] += 1
            destroyedIDs.insert(recordID)
        }
        let count = destroyed.values.reduce(0, +)
        let kept = Set(rows.map { $0[0] as String }).subtracting(destroyedIDs)
        let alerts = try purgeClosedAlerts(db, id, key: subject.key, keeping: kept, dryRun: dryRun)
        if (count > 0 || alerts > 0) && !dryRun {
            var event = AuditEvent(nil, .purge, subjectID: id)
            event.labels = Array(Set(destroyed.keys.compactMap { ruleSet.kinds[$0]?.label })).sorted()
            var parts: [String] = []
            if count > 0 {
                parts.append("\(count) records destroyed ("
                    + destroyed.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")")
            }
            if alerts > 0 { parts.append("\(alerts) closed alerts destroyed, every record they cite being gone") }
            event.detail = "retention as of \(asOf): " + parts.joined(separator: "; ")
            try appendAudit(db, event)
        }
        return Tally(records: count, alerts: alerts)
    }

    /// Destroys the subject's closed alerts every record of whose explanation is no longer in the vault (`kept`: the
    /// records this purge leaves; the others were destroyed by it or an earlier one). Their follow-up is over, and what they explain has reached its
    /// retention; their reminders go with them. An alert still citing a kept record stays: the rule could fire again
    /// on it, and the alert's `once per` holds it back. Open and acknowledged alerts are still being followed up,
    /// and stay. Returns how many (with `dryRun`, how many would go).
    private func purgeClosedAlerts(_ db: Database, _ subjectID: String, key: SecretKey, keeping kept: Set<String>,
                                   dryRun: Bool) throws -> Int
    {
        let closed = try Row.fetchAll(db.cachedStatement(sql: "SELECT id, detail FROM alerts WHERE subject_id = ? AND status = 'closed'"),
                                      arguments: [subjectID])
        var count = 0
        for row in closed {
            let alertID: String = row[0]
            let detail = try Self.openAlertPart(row[1], "detail", of: alertID, key: key,
                                                at: AlertDetail.place(vaultID: vaultID, subjectID: subjectID, alertID: alertID),
                                                AlertDetail.decode)
            let cited = detail.citedRecords
            guard !cited.isEmpty, cited.allSatisfy({ !kept.contains($0) }) else { continue }
            if !dryRun {
                try db.cachedStatement(sql: "DELETE FROM alerts WHERE id = ? OR parent_id = ?").execute(arguments: [alertID, alertID])
            }
            count += 1
        }
        return count
    }
}
