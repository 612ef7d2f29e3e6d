import Foundation
import RulesEngine
import Testing
import Vault

@Suite struct RuleSetDigestTests {
    private let policy = SourceFile(path: "Rules/policy.vigie", text: "label a { title \"A\" }\n")
    private let schema = SourceFile(path: "Rules/schema.vigie", text: "subject {\n  label a\n}\n")

    @Test func emptyRuleSetHashesToSHA256OfNothing() throws {
        #expect(try RuleSetDigest.hex(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func digestIgnoresFileOrderAndFolder() throws {
        let moved = [schema, policy].map { SourceFile(path: "/srv/clspd/" + $0.path.split(separator: "/").last!, text: $0.text) }
        #expect(try RuleSetDigest.hex(of: [policy, schema]) == RuleSetDigest.hex(of: moved))
    }

    @Test func anyChangeOfTextOrNameChangesTheDigest() throws {
        let base = try RuleSetDigest.hex(of: [policy, schema])
        let edited = SourceFile(path: policy.path, text: policy.text.replacingOccurrences(of: "A", with: "B"))
        let renamed = SourceFile(path: "Rules/politique.vigie", text: policy.text)
        // Moving text from one file to the next must not collide: lengths are part of the encoding.
        let shifted = [SourceFile(path: "a.vigie", text: "xy"), SourceFile(path: "b.vigie", text: "z")]
        let shiftedBack = [SourceFile(path: "a.vigie", text: "x"), SourceFile(path: "b.vigie", text: "yz")]
        #expect(try RuleSetDigest.hex(of: [edited, schema]) != base)
        #expect(try RuleSetDigest.hex(of: [renamed, schema]) != base)
        #expect(try RuleSetDigest.hex(of: shifted) != RuleSetDigest.hex(of: shiftedBack))
        #expect(base.count == 64)
    }
}
