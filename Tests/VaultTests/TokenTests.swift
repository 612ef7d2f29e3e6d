import Foundation
import RuleFiles
import RulesEngine
import Synchronization
import Testing
@testable import Vault

/// PASETO v4.public against the official vectors, and role tokens end to end.
@Suite struct PasetoVectorTests {
    struct Vector: Decodable {
        let name: String
        let expectFail: Bool
        let publicKey: String?
        let secretKeySeed: String?
        let token: String
        let payload: String?
        let footer: String
        let implicitAssertion: String

        enum CodingKeys: String, CodingKey {
            case name, expectFail = "expect-fail", publicKey = "public-key", secretKeySeed = "secret-key-seed", token
            case payload, footer, implicitAssertion = "implicit-assertion"
        }
    }

    static let vectors: [Vector] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/paseto/v4.json")
        struct File: Decodable { let tests: [Vector] }
        let data = (try? Data(contentsOf: url)) ?? Data()
        return ((try? JSONDecoder().decode(File.self, from: data))?.tests ?? []).filter { !$0.name.hasPrefix("4-E") }
    }()

    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }

    static let vectorKey = hex("1eb9dbbbbc047c03fd70604e0071f0987e16b28b757225c11f00415d0e20b1a2")

    @Test func vectorsAreLoaded() {
        #expect(Self.vectors.filter { $0.name.hasPrefix("4-S") }.count == 3)
        #expect(Self.vectors.filter { $0.name.hasPrefix("4-F") }.count == 5)
    }

    @Test(arguments: vectors.filter { !$0.expectFail })
    func signingReproducesAndVerifiesTheOfficialToken(vector: Vector) throws {
        let seed = try SecretKey.copying(Self.hex(try #require(vector.secretKeySeed)))
        let (publicKey, secretKey) = try Sodium.signingKeyPair(seed: seed)
        #expect(publicKey == Self.hex(try #require(vector.publicKey)))
        let payload = Array(try #require(vector.payload).utf8)
        let token = try Paseto.sign(payload, secretKey: secretKey, footer: Array(vector.footer.utf8),
                                    implicit: Array(vector.implicitAssertion.utf8))
        #expect(token == vector.token)
        let verified = try #require(Paseto.verify(vector.token, publicKey: publicKey, implicit: Array(vector.implicitAssertion.utf8)))
        #expect(verified.payload == payload)
        #expect(verified.footer == Array(vector.footer.utf8))
        // Another implicit assertion, or one changed character, and it no longer verifies.
        #expect(Paseto.verify(vector.token, publicKey: publicKey, implicit: Array("other".utf8)) == nil)
        var tampered = Array(vector.token)
        let position = Paseto.header.count + 5
        tampered[position] = tampered[position] == "A" ? "B" : "A"
        #expect(Paseto.verify(String(tampered), publicKey: publicKey, implicit: Array(vector.implicitAssertion.utf8)) == nil)
    }

    @Test(arguments: vectors.filter(\.expectFail))
    func failureVectorsAreRefused(vector: Vector) {
        #expect(Paseto.verify(vector.token, publicKey: Self.vectorKey, implicit: Array(vector.implicitAssertion.utf8)) == nil)
    }

    @Test func paserkMatchesTheVectors() {
        #expect(Paseto.paserk(publicKey: [UInt8](repeating: 0, count: 32)) == "k4.public.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        #expect(Paseto.paserk(publicKey: Self.hex("707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f"))
            == "k4.public.cHFyc3R1dnd4eXp7fH1-f4CBgoOEhYaHiImKi4yNjo8")
    }
}

extension PasetoVectorTests.Vector: CustomTestStringConvertible {
    var testDescription: String { name }
}

@Suite struct RoleTokenTests {
    @Test func issuedTokenVerifiesAndCarriesItsClaims() throws {
        let vault = try TemporaryVault()
        let issued = try vault.store.issueToken(role: "education_nationale", groups: ["prevention_jeunesse"],
                                                holder: "CPE collège Camille Claudel", lifetime: 3_600)
        let principal = try vault.store.verifyToken(issued.token)
        #expect(principal.role == "education_nationale")
        #expect(principal.groups == ["prevention_jeunesse"])
        #expect(principal.tokenID == issued.id)
        #expect(try vault.store.tokens().first?.holder == "CPE collège Camille Claudel")
        // The holder is sealed in the vault.
        #expect(try vault.vaultBytes().range(of: Data("Camille Claudel".utf8)) == nil)
    }

    @Test func forgedTamperedExpiredEarlyRevokedAndForeignTokensAreRefused() throws {
        let vault = try TemporaryVault()
        let other = try TemporaryVault()
        let now = Date()
        let issued = try vault.store.issueToken(role: "maire", groups: ["prevention_jeunesse"], holder: "Maire",
                                                lifetime: 3_600, now: now)
        func refusal(_ token: String, at date: Date = now) -> String? {
            do {
                _ = try vault.store.verifyToken(token, now: date)
                return nil
            } catch {
                #expect(error.code == .invalidToken)
                return error.message
            }
        }
        let foreign = try other.store.issueToken(role: "maire", groups: [], holder: "Maire", lifetime: 3_600)
        #expect(refusal(foreign.token)?.contains("signature") == true)
        // The same token with a trailing dot (an empty footer) is not a second spelling of it.
        #expect(refusal(issued.token + ".") != nil)
        var tampered = Array(issued.token)
        let position = tampered.count - 10
        tampered[position] = tampered[position] == "x" ? "y" : "x"
        #expect(refusal(String(tampered))?.contains("signature") == true)
        // A token that failed its signature is never remembered: it is verified again, and refused again.
        #expect(vault.store.verifiedTokens.withLock { $0[String(tampered)] == nil && $0[foreign.token] == nil })
        #expect(refusal(String(tampered))?.contains("signature") == true)
        #expect(refusal(issued.token, at: now.addingTimeInterval(3_601)) == "invalid token: expired")
        #expect(refusal(issued.token, at: now.addingTimeInterval(-60)) == "invalid token: not valid yet")
        #expect(refusal("v4.local." + issued.token.dropFirst(10))?.contains("not a v4.public") == true)
        #expect(refusal(issued.token) == nil)
        // The verified token is remembered: the refusals below go through that path, not a fresh verification.
        #expect(vault.store.verifiedTokens.withLock { $0[issued.token] } != nil)
        try vault.store.revokeToken(issued.id)
        #expect(refusal(issued.token) == "invalid token: revoked")
        #expect(throws: VaultError.self) { try vault.store.revokeToken(issued.id) }
    }

    /// A token stays tied to the policy: once a new rule set no longer has its role, it is refused, although its
    /// signature was verified and remembered before.
    @Test func aTokenWhoseRoleLeftThePolicyIsRefused() throws {
        let vault = try TemporaryVault()
        let issued = try vault.store.issueToken(role: "bailleur", groups: ["prevention_jeunesse"], holder: "Bailleur", lifetime: 3_600)
        #expect(try vault.store.verifyToken(issued.token).role == "bailleur")
        #expect(vault.store.verifiedTokens.withLock { $0[issued.token] } != nil)
        let reference = try TemporaryVault.referenceSources()
        let withoutRole = try TemporaryVault.referenceSources(withoutRole: "bailleur")
        _ = try vault.store.loadRuleSet(withoutRole)
        let refused = #expect(throws: VaultError.self) { try vault.store.verifyToken(issued.token) }
        #expect(refused?.code == .invalidToken)
        #expect(refused?.message == "invalid token: role 'bailleur' is no longer in the policy")
        // The role back in the policy, the token (never revoked) is accepted again.
        _ = try vault.store.loadRuleSet(reference)
        #expect(try vault.store.verifyToken(issued.token).role == "bailleur")
    }

    @Test func unknownRoleOrGroupIsRefusedAtIssue() throws {
        let vault = try TemporaryVault()
        #expect(throws: VaultError.self) {
            try vault.store.issueToken(role: "educationnationale", groups: [], holder: "x", lifetime: 60)
        }
        #expect(throws: VaultError.self) {
            try vault.store.issueToken(role: "maire", groups: ["jeunesse"], holder: "x", lifetime: 60)
        }
    }

    /// Only a refused token is logged as a refusal: a vault that could not check one (busy, storage) logs none.
    @Test func onlyRefusedTokensAreLoggedAsRefusals() throws {
        let vault = try TemporaryVault()
        let logged = try vault.store.auditSize()
        vault.store.logRefusedToken(VaultError(.busy, "the vault is busy"))
        vault.store.logRefusedToken(VaultError(.storage, "cannot read the vault database"))
        #expect(try vault.store.auditSize() == logged)
        vault.store.logRefusedToken(VaultError(.invalidToken, "invalid token: expired"))
        let entries = try vault.store.auditLog(try vault.store.consolePrincipal()).filter { $0.seq > logged }
        #expect(entries.first?.action == "denial" && entries.first?.decision == "refused")
        #expect(entries.filter { $0.action == "denial" }.count == 1)
    }

    /// The vault itself bounds a token's lifetime (not only the command line's `--ttl` parser): a year at most.
    @Test func aTokenOfMoreThanAYearIsRefusedAtIssue() throws {
        let vault = try TemporaryVault()
        let logged = try vault.store.auditSize()
        for lifetime: TimeInterval in [VaultStore.maxTokenLifetime + 1, 10 * 366 * 86_400, 0, -60] {
            #expect {
                try vault.store.issueToken(role: "education_nationale", groups: ["prevention_jeunesse"], holder: "x",
                                           lifetime: lifetime)
            } throws: { ($0 as? VaultError)?.code == .invalidInput }
        }
        #expect(try vault.store.tokens().isEmpty)
        #expect(try vault.store.auditSize() == logged)
        let year = try vault.store.issueToken(role: "education_nationale", groups: ["prevention_jeunesse"], holder: "x",
                                              lifetime: VaultStore.maxTokenLifetime)
        #expect(try vault.store.tokens().map(\.id) == [year.id])
    }

    /// pyseto, an independent implementation, verifies our token with the PASERK key and the vault id.
    @Test func independentImplementationVerifiesTheToken() throws {
        let vault = try TemporaryVault()
        let issued = try vault.store.issueToken(role: "pjj", groups: ["prevention_jeunesse"], holder: "Éducatrice PJJ",
                                                lifetime: 3_600)
        let script = """
            import json, sys, pyseto
            from pyseto import Key
            key = Key.from_paserk(sys.argv[1])
            token = pyseto.decode(key, sys.argv[2], implicit_assertion=sys.argv[3].encode())
            claims = json.loads(token.payload)
            print(claims["role"], claims["jti"], ",".join(claims["groups"]))
            """
        let good = try python(script, [try vault.store.tokenPublicKey(), issued.token, vault.store.vaultID])
        #expect(good.status == 0, "\(good.error)")
        #expect(good.output == "pjj \(issued.id) prevention_jeunesse\n")
        let wrongVault = try python(script, [try vault.store.tokenPublicKey(), issued.token, "another-vault"])
        #expect(wrongVault.status != 0)
    }

    private func python(_ script: String, _ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let error = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output, error)
    }
}
