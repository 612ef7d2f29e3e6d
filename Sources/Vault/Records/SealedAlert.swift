import Foundation
public import RulesEngine

/// What an alert says about its subject, sealed under the subject's data key: the revealed values and the
/// explanation. Only the rule, status, severity, audience and lifecycle dates stay in plaintext.
struct AlertDetail: Codable {
    /// Revealed values in the rule's order; `nil` for an absent value.
    var reveal: [RevealedEntry]
    /// The explanation, condition by condition.
    var evidence: [String]

    struct RevealedEntry: Codable {
        let name: String
        let value: String?
    }

    init(_ alert: Alert) {
        reveal = alert.revealed.map { RevealedEntry(name: $0.name, value: $0.value == .missing ? nil : $0.value.description) }
        evidence = alert.evidence.map(\.description)
    }

    init(reveal: [RevealedEntry], evidence: [String]) {
        self.reveal = reveal
        self.evidence = evidence
    }

    static func place(vaultID: String, subjectID: String, alertID: String) -> AssociatedData {
        AssociatedData(vaultID: vaultID, subjectID: subjectID, itemID: alertID, kind: "#alert")
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
}

/// Seals and opens a `Codable` value as JSON with XChaCha20-Poly1305.
enum SealedJSON {
    static func seal(_ value: some Encodable, key: SecretKey, at place: AssociatedData) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var plaintext = [UInt8](try encoder.encode(value))
        defer { plaintext.withUnsafeMutableBytes { Sodium.zero($0) } }
        return try Sodium.seal(plaintext, key: key, associatedData: place.bytes)
    }

    static func open<T: Decodable>(_ type: T.Type, _ sealed: [UInt8], key: SecretKey, at place: AssociatedData) throws -> T {
        var plaintext = try Sodium.open(sealed, key: key, associatedData: place.bytes)
        defer { plaintext.withUnsafeMutableBytes { Sodium.zero($0) } }
        return try JSONDecoder().decode(type, from: Data(plaintext))
    }
}
