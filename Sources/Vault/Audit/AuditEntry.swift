import Foundation

/// What happened, as the operation describes it before it is appended to the log.
struct AuditEvent {
    enum Action: String {
        case vaultCreated = "vault_created", ruleSetLoaded = "rule_set_loaded", imported = "import"
        case evaluated = "evaluation", alertsRead = "alerts_read", alertTransition = "alert_transition"
        case search, subjectRead = "subject_read", breakGlass = "break_glass", denial, erasure, purge
        case tokenIssued = "token_issued", tokenRevoked = "token_revoked", keyRotated = "key_rotated"
        case integrityCheck = "integrity_check", auditRead = "audit_read", pseudonymResolved = "pseudonym_resolved"
    }

    var actor: String
    var role: String
    var action: Action
    var subjectID: String?
    var labels: [String] = []
    var purpose: String?
    var decision = "permit"
    var reasons: [String] = []
    var detail = ""

    init(_ principal: Principal?, _ action: Action, subjectID: String? = nil) {
        self.actor = principal?.actor ?? "console"
        self.role = principal?.role ?? "coordinateur"
        self.action = action
        self.subjectID = subjectID
    }
}

/// An audit entry as stored and shown to auditors: a pseudonym, never an identity.
public struct AuditEntry: Sendable, Encodable {
    public let seq: Int
    public let time: String
    public let actor: String
    public let role: String
    public let action: String
    /// Keyed hash of the subject's identifier (empty when the entry is about no subject).
    public let subject: String
    public let labels: [String]
    /// The stated purpose (sealed in the vault, shown to auditors).
    public let purpose: String?
    public let decision: String
    public let reasons: [String]
    public let ruleSet: String
    public let detail: String

    enum CodingKeys: String, CodingKey {
        case seq, time, actor, role, action, subject, labels, purpose, decision, reasons, ruleSet = "rule_set", detail
    }

    /// The canonical bytes hashed as the entry's Merkle leaf: every stored column, length-prefixed.
    static func canonical(seq: Int, time: Int, actor: String, role: String, action: String, subject: String,
                          labels: String, purpose: [UInt8]?, decision: String, reasons: String, ruleSet: String,
                          detail: String) -> [UInt8]
    {
        var out = Array("vigie-audit-v1".utf8)
        func field(_ bytes: [UInt8]) {
            let count = UInt32(bytes.count)
            out += [UInt8(count >> 24 & 0xFF), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)]
            out += bytes
        }
        for text in [String(seq), String(time), actor, role, action, subject, labels] { field(Array(text.utf8)) }
        field(purpose ?? [])
        for text in [decision, reasons, ruleSet, detail] { field(Array(text.utf8)) }
        return out
    }
}
