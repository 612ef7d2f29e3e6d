import RulesEngine
import Testing

/// The checker faces files written by hand: whatever the input, it answers with diagnostics, never a crash.
@Suite struct RobustnessTests {
    @Test func deeplyNestedExpressionIsRefusedNotAStackOverflow() throws {
        let nested = String(repeating: "(", count: 10_000) + "age" + String(repeating: ")", count: 10_000)
        let result = try Fixtures.check("rule \"T\" {\n  basis \"a\"\n  group prevention_jeunesse\n  when \(nested) < 16\n  notify coordinateur\n}\n")
        #expect(result.errors.contains { $0.message.contains("nested more than") })
        let nots = String(repeating: "not ", count: 10_000) + "age < 16"
        let notResult = try Fixtures.check("rule \"T\" {\n  when \(nots)\n}\n")
        #expect(notResult.errors.contains { $0.message.contains("nested more than") })
    }

    /// Deterministic mutations of the design rule set: delete, duplicate or replace a byte, cut the file.
    @Test(arguments: 0..<8)
    func mutatedRuleFilesNeverCrash(seed: Int) throws {
        let original = Array(try Fixtures.design().text.utf8)
        var generator = SplitMix(state: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1)
        let alphabet = Array("{}()\",:.*=<>!+-#\\\n azZ09é_".utf8)
        for _ in 0..<60 {
            var bytes = original
            for _ in 0..<Int(generator.next() % 6 + 1) {
                let position = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 4 {
                case 0: bytes.remove(at: position)
                case 1: bytes.insert(bytes[position], at: position)
                case 2: bytes[position] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                default: bytes = Array(bytes[..<position])
                }
                if bytes.isEmpty { bytes = [0x7B] }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let result = RuleSet.check([SourceFile(path: "m.vigie", text: text)])
            for diagnostic in result.diagnostics {
                #expect(!DiagnosticRenderer.render(diagnostic, in: result.files).isEmpty)
            }
        }
    }
}

/// A small deterministic generator, so that a failing mutation can be replayed.
struct SplitMix {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
