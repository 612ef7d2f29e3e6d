import Foundation
import Testing
@testable import Vault

/// Alert listings are written and sealed details read without Foundation's JSON machinery: the bytes must stay
/// what JSONEncoder writes, and what JSONEncoder wrote must read back the same.
@Suite struct AlertJSONTests {
    private static let alphabet: [Character] = Array("aZ_9 -'\"\\/é😀\u{0}\u{1}\u{8}\u{9}\u{A}\u{C}\u{D}\u{1F}\u{7F}\u{2028}e\u{301}")

    private func text(_ random: inout SystemRandomNumberGenerator, _ maxLength: Int = 12) -> String {
        String((0..<Int.random(in: 0...maxLength, using: &random)).map { _ in Self.alphabet.randomElement(using: &random)! })
    }

    private func maybe(_ random: inout SystemRandomNumberGenerator) -> String? {
        Bool.random(using: &random) ? text(&random) : nil
    }

    private func alert(_ random: inout SystemRandomNumberGenerator) -> StoredAlert {
        var reveal: [String: String?] = [:]
        for index in 0..<Int.random(in: 0...4, using: &random) {
            reveal[["demi_journees", "etablissement", "a", "a_b", "ab", "z9"][index % 6] + String(index)] = maybe(&random)
        }
        return StoredAlert(
            id: text(&random), rule: text(&random), severity: text(&random), status: text(&random), subject: text(&random),
            audience: (0..<Int.random(in: 0...3, using: &random)).map { _ in text(&random) }, group: text(&random),
            reveal: reveal, evidence: (0..<Int.random(in: 0...3, using: &random)).map { _ in text(&random, 40) },
            followUp: maybe(&random), created: text(&random), parent: maybe(&random), outcome: maybe(&random),
            comment: maybe(&random))
    }

    @Test func listingIsWhatJSONEncoderWrites() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var random = SystemRandomNumberGenerator()
        for count in [0, 1, 2, 5, 5, 5, 20] {
            for _ in 0..<20 {
                let alerts = (0..<count).map { _ in alert(&random) }
                let ours = StoredAlert.listJSON(alerts)
                let theirs = Array(try encoder.encode(["alerts": alerts]))
                #expect(ours == theirs, "\(String(decoding: ours, as: UTF8.self))")
            }
        }
    }

    @Test func listingWithAKeyOutsideASCIIIsStillValidJSON() throws {
        var random = SystemRandomNumberGenerator()
        let base = alert(&random)
        let odd = StoredAlert(id: base.id, rule: base.rule, severity: base.severity, status: base.status, subject: base.subject,
                              audience: base.audience, group: base.group, reveal: ["é": "1", "e": nil], evidence: base.evidence,
                              followUp: nil, created: base.created, parent: nil, outcome: nil, comment: nil)
        let object = try JSONSerialization.jsonObject(with: Data(StoredAlert.listJSON([odd]))) as? [String: [[String: Any]]]
        let reveal = try #require(object?["alerts"]?.first?["reveal"] as? [String: Any])
        #expect(reveal["é"] as? String == "1")
        #expect(reveal["e"] is NSNull)
    }

    @Test func sealedDetailsWrittenByJSONEncoderReadBack() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var random = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let detail = AlertDetail(
                reveal: (0..<Int.random(in: 0...3, using: &random)).map { _ in .init(name: text(&random), value: maybe(&random)) },
                evidence: (0..<Int.random(in: 0...3, using: &random)).map { _ in text(&random, 40) },
                records: Bool.random(using: &random) ? nil : (0..<Int.random(in: 0...3, using: &random)).map { _ in text(&random, 32) })
            let bytes = Array(try encoder.encode(detail))
            // The fast reader takes what the vault writes; JSONDecoder is only the fallback.
            #expect(FlatJSON.parse(bytes) != nil)
            let read = try AlertDetail.decode(bytes)
            #expect(read.reveal.map(\.name) == detail.reveal.map(\.name))
            #expect(read.reveal.map(\.value) == detail.reveal.map(\.value))
            #expect(read.evidence == detail.evidence)
            #expect(read.records == detail.records)
        }
    }

    @Test func sealedDetailsAreWrittenAsJSONEncoderWritesThem() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var random = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let detail = AlertDetail(
                reveal: (0..<Int.random(in: 0...3, using: &random)).map { _ in .init(name: text(&random), value: maybe(&random)) },
                evidence: (0..<Int.random(in: 0...3, using: &random)).map { _ in text(&random, 40) + "/" },
                records: Bool.random(using: &random) ? nil : (0..<Int.random(in: 0...3, using: &random)).map { _ in text(&random, 32) })
            #expect(detail.json() == Array(try encoder.encode(detail)))
            // Read back by the flat reader the listings use, not only by Foundation.
            #expect(FlatJSON.parse(detail.json()) != nil)
            let read = try AlertDetail.decode(detail.json())
            #expect(read.reveal.map(\.name) == detail.reveal.map(\.name) && read.reveal.map(\.value) == detail.reveal.map(\.value))
            #expect(read.evidence == detail.evidence)
            #expect(read.records == detail.records)
        }
    }

    @Test func sealedResolutionsWrittenByJSONEncoderReadBackThroughTheFlatReader() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var random = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let resolution = AlertResolution(acknowledgedBy: maybe(&random), closedBy: maybe(&random), outcome: maybe(&random),
                                             comment: maybe(&random))
            let bytes = Array(try encoder.encode(resolution))
            // The flat reader takes what the vault writes; JSONDecoder is only the fallback.
            #expect(FlatJSON.decode(bytes) != nil)
            let read = try AlertResolution.decode(bytes)
            #expect(read.acknowledgedBy == resolution.acknowledgedBy && read.closedBy == resolution.closedBy)
            #expect(read.outcome == resolution.outcome && read.comment == resolution.comment)
        }
        // Other JSON goes to JSONDecoder: an explicit null reads as absent, a number fails cleanly.
        #expect(try AlertResolution.decode(Array(#"{"comment":null,"outcome":"orientation"}"#.utf8)).outcome == "orientation")
        #expect(throws: (any Error).self) { try AlertResolution.decode(Array(#"{"outcome":3}"#.utf8)) }
    }

    @Test func theFastReaderLeavesOtherJSONToTheGeneralOne() throws {
        #expect(FlatJSON.parse(Array(#"{"a":[null,"x",{"b":[]}]}"#.utf8))
            == .object(["a": .array([.null, .string("x"), .object(["b": .array([])])])]))
        for text in [#"{"a":1}"#, #"[true]"#, #"{"a":"x"} x"#, #"["x""#, #"nul"#, String(repeating: "[", count: 40) + String(repeating: "]", count: 40)] {
            #expect(FlatJSON.parse(Array(text.utf8)) == nil, "\(text)")
        }
        // A detail the fast reader does not take (a number where a string belongs) still fails cleanly.
        #expect(throws: (any Error).self) { try AlertDetail.decode(Array(#"{"evidence":[1],"reveal":[]}"#.utf8)) }
        let spaced = try AlertDetail.decode(Array(#" { "evidence" : [ "a\/b" ] , "reveal" : [ { "name" : "n" } ] } "#.utf8))
        #expect(spaced.evidence == ["a/b"] && spaced.reveal.first?.name == "n" && spaced.reveal.first?.value == nil)
    }
}
