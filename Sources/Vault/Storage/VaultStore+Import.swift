import Foundation
internal import GRDB
public import RulesEngine

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
        try importRows(kind: kind, source: source, progress: progress) { shape, subject throws(VaultError) in
            try ImportFile.read(path, kind: shape, subject: subject)
        }
    }

    /// Imports records sent by a partner (the HTTP API), as JSON lines of one kind, all or nothing; errors name
    /// `label:N` with N the record's number.
    public func importRecords(jsonLines: String, label: String, kind: String, source: String) throws(VaultError) -> ImportSummary {
        try importRows(kind: kind, source: source) { shape, subject throws(VaultError) in
            try ImportFile.validate(jsonLines, label: label, jsonLines: true, kind: shape, subject: subject)
        }
    }

    private func importRows(kind: String, source: String, progress: (Int, Int) -> Void = { _, _ in },
                            rows readRows: (RecordShape, RecordShape) throws(VaultError) -> [ImportRow]) throws(VaultError) -> ImportSummary
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
            throw VaultError(.forbidden, "forbidden: role '\(source)' does not contribute kind '\(kind)' (policy)")
        }
        let rows = try readRows(shape, ruleSet.subject)
        var identityKeys: [[String]] = []
        var indexes: [[UInt8]] = []
        identityKeys.reserveCapacity(rows.count)
        indexes.reserveCapacity(rows.count)
        // A partner file lists the same young person on many rows: each spelling is folded and indexed once.
        var indexed: [[String]: (key: [String], index: [UInt8])] = [:]
        for row in rows {
            let spelling = BlindIndex.identityFields.map { row.subject[$0] ?? "" }
            if let known = indexed[spelling] {
                identityKeys.append(known.key)
                indexes.append(known.index)
                continue
            }
            let identityKey = BlindIndex.identityKey(row.subject)
            let index = try crypto { () throws(CryptoError) in
                try BlindIndex.value(ofKey: identityKey, key: keys.blindIndex, bits: indexBits)
            }
            indexed[spelling] = (identityKey, index)
            identityKeys.append(identityKey)
            indexes.append(index)
        }
        var recordIDs = try crypto { () throws(CryptoError) in try RandomID.many(rows.count) }.makeIterator()
        let now = Int(Date().timeIntervalSince1970)
        return try audited({ (summary: ImportSummary) in
            var event = AuditEvent(nil, .imported)
            event.labels = [shape.label]
            event.detail = "kind \(kind) from \(source): \(summary.rows) rows, \(summary.recordsStored) stored, "
                + "\(summary.duplicates) duplicates, \(summary.subjectsCreated) new subjects"
            return event
        }) { db in
            let fingerprintKey = try fingerprintKey(db)
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
            var created = 0, matched = 0, stored = 0, duplicates = 0
            for (number, row) in rows.enumerated() {
                var subject: OpenSubject
                if let known = opened[identityKeys[number]] {
                    subject = known
                    matched += 1
                } else if let found = try match(row.subject, index: indexes[number]) {
                    subject = found
                    matched += 1
                } else {
                    subject = try createSubject(db, identity: row.subject, index: indexes[number], now: now)
                    openedIDs.insert(subject.id)
                    opened[identityKeys[number]] = subject
                    created += 1
                }
                // Identity fields keep their first spelling; other subject fields (etablissement…) take the newest.
                let changed = row.subject.contains { name, value in
                    !BlindIndex.identityFields.contains(name) && subject.identity[name] != value
                }
                if changed {
                    for (name, value) in row.subject where !BlindIndex.identityFields.contains(name) { subject.identity[name] = value }
                    try updateIdentity(db, subject)
                    opened[identityKeys[number]] = subject
                }
                guard let recordID = recordIDs.next() else { throw VaultError(.integrity, "record identifiers ran out") }
                if try storeRecord(db, id: recordID, subject: subject, kind: kind, source: source, fields: row.fields,
                                   fingerprintKey: fingerprintKey, now: now) {
                    stored += 1
                    if touched.insert(subject.id).inserted {
                        try db.cachedStatement(sql: "INSERT OR IGNORE INTO touched_subjects (subject_id) VALUES (?)")
                            .execute(arguments: [subject.id])
                    }
                } else {
                    duplicates += 1
                }
                if (number + 1) % 5_000 == 0 { progress(number + 1, rows.count) }
            }
            progress(rows.count, rows.count)
            return ImportSummary(rows: rows.count, subjectsCreated: created, subjectsMatched: matched,
                                 recordsStored: stored, duplicates: duplicates)
        }
    }

    /// Seals and stores one record unless the same one is already there (its fingerprint is unique); returns
    /// whether it was stored.
    private func storeRecord(_ db: Database, id: String, subject: OpenSubject, kind: String, source: String,
                             fields: [String: String], fingerprintKey: SecretKey, now: Int) throws -> Bool
    {
        var plaintext = SealedFields.encode(fields)
        defer { plaintext.withUnsafeMutableBytes { Sodium.zero($0) } }
        let fingerprint = try Sodium.keyedHash(Array("\(subject.id)|\(kind)|".utf8) + plaintext, key: fingerprintKey, length: 32)
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
