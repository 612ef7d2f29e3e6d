import Foundation
internal import RulesEngine

/// What an alert says about its subject, sealed under the subject's data key: the revealed values and the
/// explanation. Only the rule, status, severity, audience and lifecycle dates stay in plaintext.
struct AlertDetail: Codable {
    /// Revealed values in the rule's order; `nil` for an absent value.
    var reveal: [RevealedEntry]
    /// The explanation, condition by condition.
    var evidence: [String]
    /// The records the explanation cites, each once (what retention decides on); `nil` in alerts sealed before
    /// 2026-12, whose records are read out of the explanation's text.
    var records: [String]?

    struct RevealedEntry: Codable {
        let name: String
        let value: String?
    }

    init(_ alert: Alert) {
        reveal = alert.revealed.map { RevealedEntry(name: $0.name, value: $0.value == .missing ? nil : $0.value.description) }
        evidence = alert.evidence.map(\.description)
        var seen: Set<String> = []
        records = alert.evidence.flatMap(\.recordIDs).filter { seen.insert($0).inserted }
    }

    init(reveal: [RevealedEntry], evidence: [String], records: [String]? = nil) {
        self.reveal = reveal
        self.evidence = evidence
        self.records = records
    }

    static func place(vaultID: String, subjectID: String, alertID: String) -> AssociatedData {
        AssociatedData(vaultID: vaultID, subjectID: subjectID, itemID: alertID, kind: "#alert")
    }

    /// The records the explanation cites: `records`, or for an alert sealed before it was, each condition's
    /// `records a, b, …` in the bracket that ends its line (`Evidence.description` of the time). Text that does not
    /// read as record identifiers (`RandomID`'s 32 hexadecimal digits) cites nothing, so that a purge keeps the
    /// alert rather than destroy it on a misreading.
    var citedRecords: [String] {
        if let records { return records }
        let cited = evidence.flatMap { line -> [String] in
            guard line.hasSuffix("]"), let open = line.range(of: " [", options: .backwards) else { return [] }
            let details = line[open.upperBound..<line.index(before: line.endIndex)]
            return details.components(separatedBy: "; ").filter { $0.hasPrefix("records ") }
                .flatMap { $0.dropFirst("records ".count).components(separatedBy: ", ") }
        }
        let hex = Set("0123456789abcdef".utf8)
        return cited.allSatisfy { $0.utf8.count == 32 && $0.utf8.allSatisfy(hex.contains) } ? cited : []
    }

    /// The JSON sealed for this detail, written directly (an evaluation seals one per alert it raises): byte for
    /// byte what `JSONEncoder` writes with `.sortedKeys` and `.withoutEscapingSlashes`, an absent value left out.
    func json() -> [UInt8] {
        var out = Array(#"{"evidence":"#.utf8)
        out.reserveCapacity(64 + evidence.reduce(0) { $0 + $1.utf8.count + 3 } + reveal.reduce(0) {
            $0 + $1.name.utf8.count + ($1.value?.utf8.count ?? 0) + 24
        })
        FlatJSON.appendArray(evidence, to: &out)
        if let records {
            out += #","records":"#.utf8
            FlatJSON.appendArray(records, to: &out)
        }
        out += #","reveal":["#.utf8
        for (index, entry) in reveal.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += #"{"name":"#.utf8
            FlatJSON.appendString(entry.name, to: &out)
            if let value = entry.value {
                out += #","value":"#.utf8
                FlatJSON.appendString(value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        out += "]}".utf8
        return out
    }

    /// Reads the sealed JSON: `FlatJSON.parse` for the shape this code writes (alert listings decode dozens per
    /// request), `JSONDecoder` for anything else.
    static func decode(_ bytes: [UInt8]) throws -> AlertDetail {
        if let value = FlatJSON.parse(bytes), let detail = AlertDetail(json: value) { return detail }
        return try JSONDecoder().decode(AlertDetail.self, from: Data(bytes))
    }

    private init?(json: JSONValue) {
        guard let reveal = json["reveal"]?.array, let evidence = json["evidence"]?.array else { return nil }
        var entries: [RevealedEntry] = []
        for item in reveal {
            guard let name = item["name"]?.string else { return nil }
            switch item["value"] {
            case .string(let value)?: entries.append(RevealedEntry(name: name, value: value))
            case .null?, nil: entries.append(RevealedEntry(name: name, value: nil))
            default: return nil
            }
        }
        guard let lines = Self.strings(evidence) else { return nil }
        var records: [String]?
        if let cited = json["records"] {
            guard let array = cited.array, let ids = Self.strings(array) else { return nil }
            records = ids
        }
        self.init(reveal: entries, evidence: lines, records: records)
    }

    /// The strings of a JSON array; `nil` if any item is not one.
    private static func strings(_ items: [JSONValue]) -> [String]? {
        var strings: [String] = []
        for item in items {
            guard let text = item.string else { return nil }
            strings.append(text)
        }
        return strings
    }
}

/// Who acknowledged or closed an alert, with which outcome and comment: sealed too.
struct AlertResolution: Codable {
    var acknowledgedBy: String?
    var closedBy: String?
    var outcome: String?
    var comment: String?

    static func place(vaultID: String, subjectID: String, alertID: String) -> AssociatedData {
        AssociatedData(vaultID: vaultID, subjectID: subjectID, itemID: alertID, kind: "#alert-resolution")
    }

    /// Reads the sealed JSON: `FlatJSON.decode` for the object of strings `JSONEncoder` writes for it (every
    /// listing reads one per acknowledged or closed alert), `JSONDecoder` for anything else.
    static func decode(_ bytes: [UInt8]) throws -> AlertResolution {
        if let fields = FlatJSON.decode(bytes) {
            return AlertResolution(acknowledgedBy: fields["acknowledgedBy"], closedBy: fields["closedBy"],
                                   outcome: fields["outcome"], comment: fields["comment"])
        }
        return try JSONDecoder().decode(AlertResolution.self, from: Data(bytes))
    }
}

/// Seals and opens a `Codable` value as JSON with XChaCha20-Poly1305.
enum SealedJSON {
    static func seal(_ value: some Encodable, key: SecretKey, at place: AssociatedData) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try seal(json: [UInt8](try encoder.encode(value)), key: key, at: place)
    }

    /// Seals JSON already written; the plaintext is zeroed afterwards (taken, not copied: callers pass a
    /// temporary, so the bytes zeroed are the only ones).
    static func seal(json plaintext: consuming [UInt8], key: SecretKey, at place: AssociatedData) throws -> [UInt8] {
        defer { plaintext.withUnsafeMutableBytes { Sodium.zero($0) } }
        return try Sodium.seal(plaintext, key: key, associatedData: place.bytes)
    }

    /// Opens and decodes with `decode`; the plaintext is zeroed afterwards.
    static func open<T>(_ sealed: [UInt8], key: SecretKey, at place: AssociatedData,
                        decode: ([UInt8]) throws -> T) throws -> T {
        var plaintext = try Sodium.open(sealed, key: key, associatedData: place.bytes)
        defer { plaintext.withUnsafeMutableBytes { Sodium.zero($0) } }
        return try decode(plaintext)
    }
}
