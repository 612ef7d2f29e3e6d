import Foundation
public import RulesEngine

/// The answer to "may this principal do this?", with its reasons. Deny by default: `notPermitted` when nothing
/// grants the request, `forbidden` when a rule of the policy refuses it.
public struct AccessDecision: Sendable, Hashable, CustomStringConvertible {
    /// The decision.
    public enum Outcome: String, Sendable, Hashable {
        case permit
        case forbidden
        case notPermitted = "not permitted"
    }

    /// The decision.
    public let outcome: Outcome
    /// Why: the role clause, label or group that decided.
    public let reasons: [String]
    /// A subject view permitted by the role's own contributions alone: it shows only the records the role
    /// contributed. Any role may contribute the kinds it contributes about anyone (an import, or `POST /v1/records`
    /// with a name and a birth date): a contribution must not open what other partners hold.
    public let ownRecordsOnly: Bool

    init(outcome: Outcome, reasons: [String], ownRecordsOnly: Bool) {
        self.outcome = outcome
        self.reasons = reasons
        self.ownRecordsOnly = ownRecordsOnly
    }

    /// Whether the request may go on.
    public var isPermitted: Bool { outcome == .permit }

    /// `not permitted: role 'bailleur' is not in the alert's audience`.
    public var description: String { outcome.rawValue + (reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; ")) }

    /// A permit for anything but a subject's view (whose grants `AccessPolicy.subject` scopes itself).
    static func permit(_ reasons: String...) -> AccessDecision {
        AccessDecision(outcome: .permit, reasons: reasons, ownRecordsOnly: false)
    }
    static func forbidden(_ reasons: String...) -> AccessDecision {
        AccessDecision(outcome: .forbidden, reasons: reasons, ownRecordsOnly: false)
    }
    static func notPermitted(_ reasons: String...) -> AccessDecision {
        AccessDecision(outcome: .notPermitted, reasons: reasons, ownRecordsOnly: false)
    }
}

/// The policy's decisions, pure functions of the checked rule set and plaintext facts (audience, group,
/// provenance); they run before anything is decrypted.
public struct AccessPolicy: Sendable {
    let ruleSet: CheckedRuleSet

    /// Creates the policy of a rule set.
    public init(ruleSet: CheckedRuleSet) { self.ruleSet = ruleSet }

    /// The role an alert's audience must name for `alert` to permit it to the principal (`nil`: any alert may be
    /// permitted), so that a listing can leave the others out in SQL; it changes with `alert`.
    public func requiredAudience(_ principal: Principal) -> String? {
        principal.isConsole ? nil : principal.role
    }

    /// May the principal see an alert of `rule` addressed to `audience` in `group`? Only its revealed values, if
    /// so. The audience is the one stored when the alert was raised; the current rule set must still agree: its rule
    /// of that name must still notify the role (a policy narrowed since takes its old alerts from the role too), and
    /// an alert of a rule no longer declared is the coordinator's only. A reminder is decided by the rule of the alert
    /// it reminds of (the caller passes it: `VaultStore.decidingRule`), with its own stored audience.
    public func alert(_ principal: Principal, audience: [String], group: String, rule: String) -> AccessDecision {
        if principal.isConsole { return .permit("the console holding the key file acts as the coordinator") }
        // A principal verified under an earlier policy: its role and the alert's group must still be in this one.
        guard ruleSet.roles[principal.role] != nil else { return .notPermitted("unknown role '\(principal.role)'") }
        guard ruleSet.groups[group] != nil else { return .notPermitted("group '\(group)' is no longer in the policy") }
        guard let current = ruleSet.rule(rule) else { return .notPermitted("rule '\(rule)' is no longer in the rule set") }
        guard current.audience.contains(principal.role) else {
            return .notPermitted("rule '\(rule)' no longer notifies role '\(principal.role)'")
        }
        guard audience.contains(principal.role) else {
            return .notPermitted("role '\(principal.role)' is not in the alert's audience")
        }
        guard principal.groups.contains(group) else {
            return .notPermitted("the token's groups do not include the alert's group '\(group)'")
        }
        return .permit("role '\(principal.role)' is notified", "group '\(group)' is in the token")
    }

    /// May the principal open a subject? `contributed`: the role contributed records about it; `alerted`: an
    /// alert about it is addressed to the role in one of the token's groups; `breakGlass`: an open break-glass.
    /// A view permitted by contribution alone shows the role's own records only (`ownRecordsOnly`).
    public func subject(_ principal: Principal, contributed: Bool, alerted: Bool, breakGlass: Bool) -> AccessDecision {
        // Every grant of a view says how much it opens.
        func grant(_ reason: String, ownRecordsOnly: Bool) -> AccessDecision {
            AccessDecision(outcome: .permit, reasons: [reason], ownRecordsOnly: ownRecordsOnly)
        }
        if principal.isConsole { return grant("the console holding the key file acts as the coordinator", ownRecordsOnly: false) }
        guard let role = ruleSet.roles[principal.role] else { return .notPermitted("unknown role '\(principal.role)'") }
        if breakGlass, role.breakGlass != nil {
            return grant("break-glass granted to role '\(role.name)' by the policy, with a stated reason", ownRecordsOnly: false)
        }
        if role.audits { return .forbidden("role '\(role.name)' audits: auditors see no subject (policy: audits)") }
        if role.manages.contains(.subjects) { return grant("role '\(role.name)' manages subjects (policy)", ownRecordsOnly: false) }
        if alerted {
            return grant("an alert about this subject is addressed to role '\(role.name)' in the token's groups", ownRecordsOnly: false)
        }
        if contributed {
            return grant("role '\(role.name)' contributed records about this subject (it sees its own records only)",
                         ownRecordsOnly: true)
        }
        return .notPermitted("nothing in the policy grants role '\(role.name)' this subject")
    }

    /// Every search and view states a purpose, of bounded length.
    public static func purpose(_ purpose: String) -> AccessDecision {
        let trimmed = purpose.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return .forbidden("a search or view must state its purpose") }
        guard trimmed.count <= VaultStore.maxPurposeLength else {
            return .forbidden("the purpose is longer than \(VaultStore.maxPurposeLength) characters")
        }
        return .permit("purpose stated")
    }

    /// May the principal search subjects at all (before any lookup)?
    public func search(_ principal: Principal, purpose: String) -> AccessDecision {
        let stated = Self.purpose(purpose)
        guard stated.isPermitted else { return stated }
        if principal.isConsole { return .permit("the console holding the key file acts as the coordinator") }
        guard let role = ruleSet.roles[principal.role] else { return .notPermitted("unknown role '\(principal.role)'") }
        if role.audits {
            return .forbidden("role '\(role.name)' audits: auditors search no subject (policy: audits)")
        }
        return .permit("role '\(role.name)' may search the subjects it is granted")
    }

    /// The labels the principal sees, with a break-glass opening or not.
    public func visibleLabels(_ principal: Principal, breakGlass: Bool) -> Set<String> {
        if principal.isConsole { return Set(ruleSet.labels.keys) }
        guard let role = ruleSet.roles[principal.role] else { return [] }
        return role.sees.union(breakGlass ? role.breakGlass?.labels ?? [] : [])
    }
}

