import Foundation
import Testing
@testable import Vault

/// The canonical field encoding must stay byte for byte what JSONEncoder wrote, or stored fingerprints would no
/// longer match re-imported rows.
@Suite struct FlatJSONTests {
    private static let alphabet: [Character] = Array("aZ_9 -'\"\\/é😀\u{0}\u{1}\u{8}\u{9}\u{A}\u{C}\u{D}\u{1F}\u{7F}\u{2028}e\u{301}")

    private func randomText(_ random: inout SystemRandomNumberGenerator, maxLength: Int) -> String {
        String((0..<Int.random(in: 0...maxLength, using: &random)).map { _ in Self.alphabet.randomElement(using: &random)! })
    }

    @Test func encodingMatchesJSONEncoderAndDecodesBack() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var random = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            var fields: [String: String] = [:]
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                fields[randomText(&random, maxLength: 5)] = randomText(&random, maxLength: 12)
            }
            let ours = FlatJSON.encode(fields)
            #expect(ours == Array(try encoder.encode(fields)), "\(fields)")
            #expect(FlatJSON.decode(ours) == fields)
        }
    }

    @Test func decodesEscapesAndSpacesAsJSONDoes() {
        let text = #" { "a" : "\u00e9\ud83d\ude00\n\/\"" , "b":"" } "#
        #expect(FlatJSON.decode(Array(text.utf8)) == ["a": "é😀\n/\"", "b": ""])
    }

    @Test(arguments: [#"{"a":1}"#, #"{"a":"x"} x"#, #"{"a":"x""#, #"{"a":"\q"}"#, #"{"a":"\ud83d"}"#, "[]", "", "{\"a\":\"\u{1}\"}"])
    func anythingElseIsLeftToTheGeneralParser(text: String) {
        #expect(FlatJSON.decode(Array(text.utf8)) == nil)
    }

    @Test func normalisingASCIIByBytesEqualsTheUnicodePath() {
        var random = SystemRandomNumberGenerator()
        let ascii = Array(" \t\n-'_.aBzZ09,;:!?\u{B}\u{C}\r")
        for _ in 0..<2_000 {
            let text = String((0..<Int.random(in: 0...12, using: &random)).map { _ in ascii.randomElement(using: &random)! })
            #expect(BlindIndex.normalise(text) == BlindIndex.normaliseUnicode(text), "\(text.debugDescription)")
        }
    }

    @Test func keysFromTheLockedSlabKeepTheirBytes() throws {
        // More keys than one slab holds, released in a scattered order and reused.
        var keys = try (0..<2_500).map { _ in try SecretKey.random() }
        let bytes = keys.map { $0.copyBytes() }
        for index in stride(from: 0, to: keys.count, by: 3) { keys[index] = try SecretKey.random() }
        for index in keys.indices where index % 3 != 0 {
            #expect(keys[index].copyBytes() == bytes[index])
        }
        #expect(Set(keys.map { $0.copyBytes() }).count == keys.count)
    }
}
