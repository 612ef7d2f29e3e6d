import Foundation
internal import GRDB
internal import RulesEngine

/// What an import did.
public struct ImportSummary: Sendable, Encodable {
    /// Rows read.
    public let rows: Int
    /// Subjects created.
    public let subjectsCreated: Int
    /// Rows matched to an existing subject.
    public let subjectsMatched: Int
    /// Records stored.
    public let recordsStored: Int
    /// Rows already in the vault (same subject, kind and values), not stored again.
    public let duplicates: Int

    enum CodingKeys: String, CodingKey {
        case rows, subjectsCreated = "subjects_created", subjectsMatched = "subjects_matched"
        case recordsStored = "records_stored", duplicates
    }
}

extension VaultStore {
    /// Imports a partner file of one kind, contributed by `source`, all or nothing, in one transaction.
    ///
    /// - Parameters:
    ///   - path: a CSV (header = line 1) or JSON-lines file.
    ///   - kind: the kind of every row.
    ///   - source: the contributing role; it must be allowed to contribute the kind.
    ///   - progress: called with (rows done, rows in all) every few thousand rows.
    /// - Throws: `VaultError` naming `FILE:LINE` for every bad row, or the refused role; nothing is stored then.
    public func importFile(_ path: String, kind: String, source: String,
                           progress: (Int, Int) -> Void = { _, _ in }) throws(VaultError) -> ImportSummary
    {
        try importRows(kind: kind, source: source, progress: progress) { shape, subject, emit throws(VaultError) in
            try ImportFile.stream(path, kind: shape, subject: subject, emit: emit)
        }
    }

    /// Imports records sent by a partner (the HTTP API), as JSON lines of one kind, all or nothing; errors name
    /// `label:N` with N the record's number. The records' source is the principal's role, and the audit entry
    /// names the principal (its token and role).
    public func importRecords(jsonLines: String, label: String, kind: String, by principal: Principal) throws(VaultError) -> ImportSummary {
        try importRows(kind: kind, source: principal.role, actor: principal) { shape, subject, emit throws(VaultError) in
            try ImportFile.stream(jsonLines, label: label, jsonLines: true, kind: shape, subject: subject, emit: emit)
        }
    }

    /// Reads the rows on another thread while this one stores them, in one transaction that commits only once
    /// the whole file was read and found valid (`RowBatches`): reading and storing overlap, the file is still
    /// taken whole or not at all.
    private func importRows(kind: String, source: String, actor: Principal? = nil, progress: (Int, Int) -> Void = { _, _ in },
                            rows produce: @escaping @Sendable (RecordShape, RecordShape, ([ImportRow], Int) -> Bool) throws(VaultError) -> Void)
        throws(VaultError) -> ImportSummary
    {
        let (_, ruleSet) = try checkedRuleSet()
        guard let shape = ruleSet.kinds[kind] else {
            let hint = Suggestion.closest(to: kind, in: ruleSet.kinds.keys).map { "; did you mean '\($0)'?" } ?? ""
            throw VaultError(.invalidInput, "unknown kind '\(kind)'\(hint)")
        }
        guard let role = ruleSet.roles[source] else {
            throw VaultError(.invalidInput, "unknown role '\(source)'")
        }
        guard role.contributes.contains(kind) else {
            throw auditedDenial(actor, .imported, error: VaultError(
                .forbidden, "forbidden: role '\(source)' does not contribute kind '\(kind)' (policy)"))
        }
        let batches = RowBatches()
        let subjectShape = ruleSet.subject
        // A thread of its own: the storing side waits for it inside a write, off Swift's and Dispatch's pools.
        let reader = Thread {
            do throws(VaultError) {
                try self.readBatches(shape, subjectShape, into: batches, produce)
            } catch {
                batches.finish(error)
            }
        }
        reader.name = "vigie-import-reader"
        reader.start()
        let now = Int(Date().timeIntervalSince1970)
        do {
            // The writer is taken only once the first rows are checked: a file refused at its header or in its
            // first rows never holds it. If storing fails, the reader is stopped before this returns.
            let first = try batches.next()
            return try storeBatches(first, then: batches, shape: shape, kind: kind, source: source, actor: actor, now: now,
                                    progress: progress)
        } catch {
            batches.abandon()
            throw error
        }
    }

    /// The storing side of an import: one transaction over every batch, committed with its audit entry, whose actor
    /// is `actor` (a partner's token) or the console.
    private func storeBatches(_ first: RowBatches.Batch?, then batches: RowBatches, shape: RecordShape, kind: String,
                              source: String, actor: Principal?, now: Int,
                              progress: (Int, Int) -> Void) throws(VaultError) -> ImportSummary
    {
        try audited({ (summary: ImportSummary) in
            var event = AuditEvent(actor, .imported)
            event.labels = [shape.label]
            event.detail = "kind \(kind) from \(source): \(summary.rows) rows, \(summary.recordsStored) stored, "
                + "\(summary.duplicates) duplicates, \(summary.subjectsCreated) new subjects"
            return event
        }) { db in
            let fingerprintKey = try fingerprintKey(db)
            // This import's mark on the subjects it touches: its audit entry's sequence number (v10).
            let touchVersion = try auditEntryCount(db) + 1
            // Subjects met in this file, by normalised identity: each is matched or created once.
            var opened: [[String]: OpenSubject] = [:]
            // Every subject opened so far, `opened` under its identity: a lookup need not decrypt them again.
            var openedIDs: Set<String> = []
            var touched: Set<String> = []
            /// Looks the identity up among the subjects not opened yet, and remembers those it opens. (They are
            /// recorded after the lookup: inserting into `openedIDs` while it is being read would copy it.)
            func match(_ identity: [String: String], index: [UInt8]) throws -> OpenSubject? {
                var met: [OpenSubject] = []
                let found = try matchSubject(db, identity: identity, index: index, skipping: openedIDs) { met.append($0) }
                for candidate in met {
                    openedIDs.insert(candidate.id)
                    let key = BlindIndex.identityKey(candidate.identity)
                    if opened[key] == nil { opened[key] = candidate }
                }
                return found
            }
            var created = 0, matched = 0, stored = 0, duplicates = 0, number = 0
            /// Matches or creates the row's subject, then seals and stores its record.
            func take(_ prepared: RowBatches.Prepared) throws {
                let (row, identityKey, index) = (prepared.row, prepared.identityKey, prepared.index)
                var subject: OpenSubject
                if let known = opened[identityKey] {
                    subject = known
                    matched += 1
                } else if let found = try match(row.subject, index: index) {
                    subject = found
                    matched += 1
                } else {
                    subject = try createSubject(db, identity: row.subject, index: index, now: now)
                    openedIDs.insert(subject.id)
                    opened[identityKey] = subject
                    created += 1
                }
                // Identity fields keep their first spelling; other subject fields (etablissement…) take the newest.
                var changed = false
                for (name, value) in row.subject where !BlindIndex.identityFields.contains(name) && subject.identity[name] != value {
                    subject.identity[name] = value
                    changed = true
                }
                if changed {
                    try updateIdentity(db, subject)
                    opened[identityKey] = subject
                }
                guard try storeRecord(db, id: prepared.recordID, subject: subject, kind: kind, source: source, fields: row.fields,
                                      fingerprintKey: fingerprintKey, now: now)
                else {
                    duplicates += 1
                    return
                }
                stored += 1
                if touched.insert(subject.id).inserted {
                    try db.cachedStatement(sql: """
                        INSERT INTO touched_subjects (subject_id, version) VALUES (?, ?)
                        ON CONFLICT (subject_id) DO UPDATE SET version = excluded.version
                        """).execute(arguments: [subject.id, touchVersion])
                }
            }
            var next = first
            while let batch = next {
                for prepared in batch.rows {
                    try take(prepared)
                    number += 1
                    if number % 5_000 == 0 { progress(number, batch.total) }
                }
                next = try batches.next()
            }
            progress(number, number)
            return ImportSummary(rows: number, subjectsCreated: created, subjectsMatched: matched,
                                 recordsStored: stored, duplicates: duplicates)
        }
    }

    /// The reading side of an import: rows as `produce` validates them, each with its normalised identity, blind
    /// index and a fresh record id, handed to `batches`; then the verdict on the whole file.
    private func readBatches(_ shape: RecordShape, _ subject: RecordShape, into batches: RowBatches,
                             _ produce: (RecordShape, RecordShape, ([ImportRow], Int) -> Bool) throws(VaultError) -> Void)
        throws(VaultError)
    {
        // A partner file lists the same young person on many rows: each spelling is folded and indexed once.
        var indexed: [[String]: (key: [String], index: [UInt8])] = [:]
        var failure: VaultError?
        // Once `emit` says stop (`false`), the reader calls it no more.
        try produce(shape, subject) { rows, total in
            do throws(VaultError) {
                let recordIDs = try crypto { () throws(CryptoError) in try RandomID.many(rows.count) }
                var prepared: [RowBatches.Prepared] = []
                prepared.reserveCapacity(rows.count)
                for (row, recordID) in zip(rows, recordIDs) {
                    let spelling = BlindIndex.identityFields.map { row.subject[$0] ?? "" }
                    let known: (key: [String], index: [UInt8])
                    if let cached = indexed[spelling] {
                        known = cached
                    } else {
                        let identityKey = BlindIndex.identityKey(row.subject)
                        known = (identityKey, try crypto { () throws(CryptoError) in
                            try BlindIndex.value(ofKey: identityKey, key: keys.blindIndex, bits: indexBits)
                        })
                        indexed[spelling] = known
                    }
                    prepared.append(RowBatches.Prepared(row: row, identityKey: known.key, index: known.index, recordID: recordID))
                }
                return batches.send(RowBatches.Batch(rows: prepared, total: total))
            } catch {
                failure = error
                return false
            }
        }
        batches.finish(failure)
    }

    /// Seals and stores one record unless the same one is already there (its fingerprint is unique); returns
    /// whether it was stored.
    private func storeRecord(_ db: Database, id: String, subject: OpenSubject, kind: String, source: String,
                             fields: [String: String], fingerprintKey: SecretKey, now: Int) throws -> Bool
    {
        var plaintext = SealedFields.encode(fields)
        defer { plaintext.withUnsafeMutableBytes { Sodium.zero($0) } }
        var fingerprinted = Array("\(subject.id)|\(kind)|".utf8) + plaintext
        defer { fingerprinted.withUnsafeMutableBytes { Sodium.zero($0) } }
        let fingerprint = try Sodium.keyedHash(fingerprinted, key: fingerprintKey, length: 32)
        let sealed = try Sodium.seal(
            plaintext, key: subject.key,
            associatedData: AssociatedData(vaultID: vaultID, subjectID: subject.id, itemID: id, kind: kind).bytes)
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO records (id, subject_id, kind, created_at, sealed, fingerprint, source)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [id, subject.id, kind, now, Data(sealed), Data(fingerprint), source])
        return db.changesCount > 0
    }
}
