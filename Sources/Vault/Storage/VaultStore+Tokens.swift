public import Foundation
internal import GRDB
import Synchronization
internal import RulesEngine

extension VaultStore {
    /// The longest holder text accepted in a token.
    public static let maxHolderLength = 200
    /// The longest lifetime a token is issued for: partners' tokens are renewed at least every year, so that a
    /// departed holder's token does not outlive the year (revocation aside).
    public static let maxTokenLifetime: TimeInterval = TimeInterval(maxTokenDays * 86_400)
    /// `maxTokenLifetime` in days.
    public static let maxTokenDays = 366

    private func signingKeys() throws(VaultError) -> (publicKey: [UInt8], secretKey: SecretKey) {
        try crypto { () throws(CryptoError) in try Sodium.signingKeyPair(seed: keys.tokenSeed) }
    }

    /// The token verification key as PASERK (`k4.public.…`): anyone can verify tokens offline with it and the
    /// vault id as implicit assertion.
    public func tokenPublicKey() throws(VaultError) -> String {
        Paseto.paserk(publicKey: try signingKeys().publicKey)
    }

    /// Where a token's sealed holder belongs (sealed under the key-encryption key, re-sealed by a rotation).
    func holderPlace(_ id: String) -> AssociatedData {
        AssociatedData(vaultID: vaultID, subjectID: "#token", itemID: id, kind: "#holder")
    }

    /// Issues a role token for a holder, valid from now for `lifetime` seconds.
    public func issueToken(role: String, groups: [String], holder: String, lifetime: TimeInterval,
                           now: Date = Date()) throws(VaultError) -> IssuedToken
    {
        let (_, ruleSet) = try checkedRuleSet()
        guard ruleSet.roles[role] != nil else {
            let hint = Suggestion.closest(to: role, in: ruleSet.roles.keys).map { "; did you mean '\($0)'?" } ?? ""
            throw VaultError(.invalidInput, "unknown role '\(role)'\(hint)")
        }
        for group in groups where ruleSet.groups[group] == nil {
            throw VaultError(.invalidInput, "unknown group '\(group)'")
        }
        let trimmed = holder.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= Self.maxHolderLength else {
            throw VaultError(.invalidInput, "--holder must name the holder in 1 to \(Self.maxHolderLength) characters")
        }
        guard lifetime > 0, lifetime <= Self.maxTokenLifetime else {
            throw VaultError(.invalidInput, "--ttl must be positive and at most \(Self.maxTokenDays) days")
        }
        let id = try crypto { () throws(CryptoError) in try RandomID.make() }
        let expiry = now.addingTimeInterval(lifetime)
        let claims = TokenClaims(jti: id, sub: trimmed, role: role, groups: groups.uniquedSorted(),
                                 iat: TokenClaims.timestamp(now), nbf: TokenClaims.timestamp(now),
                                 exp: TokenClaims.timestamp(expiry))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let payload = (try? [UInt8](encoder.encode(claims))) ?? []
        let secret = try signingKeys().secretKey
        let token = try crypto { () throws(CryptoError) in
            try Paseto.sign(payload, secretKey: secret, implicit: Array(vaultID.utf8))
        }
        let sealedHolder = try crypto { () throws(CryptoError) in
            try Sodium.seal(Array(trimmed.utf8), key: keys.keyEncryption, associatedData: holderPlace(id).bytes)
        }
        try audited({ _ in
            var event = AuditEvent(nil, .tokenIssued)
            event.detail = "token \(id), role \(role), groups \(claims.groups.joined(separator: ",")), expires \(claims.exp)"
            return event
        }) { db in
            try db.execute(sql: "INSERT INTO tokens (id, role, groups, issued_at, expires_at, holder) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [id, role, claims.groups.joined(separator: ","), Int(now.timeIntervalSince1970),
                                       Int(expiry.timeIntervalSince1970), Data(sealedHolder)])
        }
        return IssuedToken(token: token, id: id, expires: claims.exp)
    }

    /// Verifies a token: header, signature (with this vault's id as implicit assertion), time window, revocation,
    /// and that its role and groups still exist in the loaded policy.
    ///
    /// - Parameter logRefusal: log a refusal (the default); a server that bounds how many refusals it logs
    ///   passes `false` and calls `logRefusedToken` itself.
    /// - Throws: `VaultError.invalidToken` with a reason that names no data.
    public func verifyToken(_ token: String, now: Date = Date(), logRefusal: Bool = true) throws(VaultError) -> Principal {
        do {
            return try checkToken(token, now: now)
        } catch {
            if logRefusal { logRefusedToken(error) }
            throw error
        }
    }

    /// Logs a refused token: the entry names neither the token nor its holder. An error that is not a refusal (the
    /// vault could not check the token: busy, storage, a root key rotated elsewhere) is not logged as one.
    public func logRefusedToken(_ error: VaultError) {
        guard error.code == .invalidToken else { return }
        var denial = AuditEvent(nil, .denial)
        denial.actor = "unauthenticated"
        denial.role = ""
        denial.decision = "refused"
        denial.reasons = [error.message]
        try? write { db in try appendAudit(db, denial) }
    }

    private func checkToken(_ token: String, now: Date) throws(VaultError) -> Principal {
        let text = token.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix(Paseto.header) else {
            throw VaultError(.invalidToken, "invalid token: not a v4.public PASETO token")
        }
        let verified = try verifiedClaims(text)
        let claims = verified.claims
        guard now >= verified.notBefore else { throw VaultError(.invalidToken, "invalid token: not valid yet") }
        guard now < verified.expiry else { throw VaultError(.invalidToken, "invalid token: expired") }
        // The register and the policy in one read.
        let (row, ruleSet): (Row?, CheckedRuleSet) = try read { db in
            (try Row.fetchOne(db.cachedStatement(sql: "SELECT revoked_at FROM tokens WHERE id = ?"), arguments: [claims.jti]),
             try checkedRuleSet(db).1)
        }
        guard let row else { throw VaultError(.invalidToken, "invalid token: unknown to this vault") }
        guard (row[0] as Int?) == nil else { throw VaultError(.invalidToken, "invalid token: revoked") }
        guard ruleSet.roles[claims.role] != nil else {
            throw VaultError(.invalidToken, "invalid token: role '\(claims.role)' is no longer in the policy")
        }
        for group in claims.groups where ruleSet.groups[group] == nil {
            throw VaultError(.invalidToken, "invalid token: group '\(group)' is no longer in the policy")
        }
        return Principal(tokenID: claims.jti, role: claims.role, groups: Set(claims.groups))
    }

    /// The claims of a token whose signature verifies, and its validity window. A server sees the same few tokens
    /// on every request: the outcome of verifying the same bytes is kept (bounded), while the time window,
    /// revocation and policy are checked on every call.
    private func verifiedClaims(_ text: String) throws(VaultError) -> VerifiedToken {
        if let known = verifiedTokens.withLock({ $0[text] }) { return known }
        guard let (payload, _) = Paseto.verify(text, publicKey: try signingKeys().publicKey, implicit: Array(vaultID.utf8))
        else {
            // A token signed since another process rotated the root key does not verify with this process's
            // signing key: that process must be started again, which any transaction says (`wrongKey`, from its
            // key check) before the refusal.
            try read { _ in () }
            throw VaultError(.invalidToken, "invalid token: the signature does not verify for this vault")
        }
        guard let claims = try? JSONDecoder().decode(TokenClaims.self, from: Data(payload)),
            let notBefore = TokenClaims.date(claims.nbf), let expiry = TokenClaims.date(claims.exp)
        else { throw VaultError(.invalidToken, "invalid token: malformed claims") }
        let verified = VerifiedToken(claims: claims, notBefore: notBefore, expiry: expiry)
        verifiedTokens.withLock { cache in
            if cache.count >= Self.verifiedTokenLimit { cache.removeAll() }
            cache[text] = verified
        }
        return verified
    }

    /// How many verified tokens are remembered before the memory is cleared.
    static let verifiedTokenLimit = 1_024

    /// Revokes a token: every later verification refuses it.
    public func revokeToken(_ id: String, now: Date = Date()) throws(VaultError) {
        try audited({ _ in
            var event = AuditEvent(nil, .tokenRevoked)
            event.detail = "token \(id) revoked"
            return event
        }) { db in
            try db.execute(sql: "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                           arguments: [Int(now.timeIntervalSince1970), id])
            guard db.changesCount == 1 else {
                throw VaultError(.notFound, "token \(id): not found or already revoked")
            }
        }
    }

    /// The issued tokens, newest first, with their holders (for the coordinator's console).
    public func tokens() throws(VaultError) -> [TokenRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM tokens ORDER BY issued_at DESC, id").map { row in
                let id: String = row["id"]
                let sealed: Data = row["holder"]
                let holder = try Sodium.open([UInt8](sealed), key: keys.keyEncryption, associatedData: holderPlace(id).bytes)
                func time(_ seconds: Int?) -> String? {
                    seconds.map { TokenClaims.timestamp(Date(timeIntervalSince1970: TimeInterval($0))) }
                }
                return TokenRecord(
                    id: id, role: row["role"], groups: (row["groups"] as String).split(separator: ",").map(String.init),
                    holder: String(decoding: holder, as: UTF8.self), issued: time(row["issued_at"]) ?? "",
                    expires: time(row["expires_at"]) ?? "", revoked: time(row["revoked_at"]))
            }
        }
    }
}

extension Array where Element == String {
    func uniquedSorted() -> [String] { Array(Set(self)).sorted() }
}

/// A token whose signature verified: its claims and validity window, parsed once.
struct VerifiedToken: Sendable {
    let claims: TokenClaims
    let notBefore: Date
    let expiry: Date
}
