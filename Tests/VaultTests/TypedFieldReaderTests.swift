import Foundation
import RuleFiles
import RulesEngine
import Testing
@testable import Vault

/// The typed reader an evaluation opens records with must give exactly what the general path gives
/// (`FlatJSON.decode`, then `VaultStore.typed`), and must decide the canonical plaintexts on its own.
@Suite struct TypedFieldReaderTests {
    private static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    private static func shapes() throws -> [RecordShape] {
        let ruleSet = try #require(try RuleDirectory.check(packageRoot.appendingPathComponent("Rules").path).ruleSet)
        return [ruleSet.subject] + ruleSet.kinds.values.sorted { $0.name < $1.name }
    }

    /// The general path's result.
    private static func general(_ bytes: [UInt8], _ shape: RecordShape) throws -> FieldValues {
        FieldValues(VaultStore.typed(try #require(FlatJSON.decode(bytes)), shape: shape))
    }

    /// A text for a field: valid for its type, or near misses (other case, padding, impossible dates, unicode).
    private static func text(for field: FieldDefinition, _ random: inout SystemRandomNumberGenerator) -> String {
        // Free text with a quote, a backslash or a control character is escaped, and read by the general path.
        var candidates = ["", " ", "x", "é", "e\u{301}", "😀", "2026-02-30", "2026-2-03", "2026-03-04 ", "１２", "-7", "+7",
                          "TRUE", "oui", "0", "1", "l'\"école\"", "a\\b", "deux\nlignes", "\u{1}", "tab\t"]
        switch field.type {
        case .bool: candidates += ["true", "false", "true", "false"]
        case .int: candidates += ["12", "0", "-3", "9223372036854775807", "9223372036854775808"]
        case .date: candidates += ["2026-03-04", "2024-02-29", "2023-02-29", "0000-01-01", "9999-12-31"]
        case .enumeration(let cases): candidates += cases + cases.map { $0.uppercased() } + cases.map { $0 + " " }
        case .text: candidates += ["Camille", "d'Artagnan", "Zoé"]
        }
        return candidates.randomElement(using: &random) ?? ""
    }

    @Test func canonicalPlaintextsAreReadAloneAndAsTheGeneralPathReadsThem() throws {
        var random = SystemRandomNumberGenerator()
        let key = try SecretKey.random()
        let place = AssociatedData(vaultID: "vault", subjectID: "subject", itemID: "record", kind: "kind")
        var decidedAlone = 0
        var leftToTheGeneralPath = 0
        for shape in try Self.shapes() {
            let reader = TypedFieldReader(shape: shape)
            for _ in 0..<300 {
                var fields: [String: String] = [:]
                for field in shape.fields where Bool.random(using: &random) || !field.optional {
                    fields[field.name] = Self.text(for: field, &random)
                }
                if Int.random(in: 0..<4, using: &random) == 0 { fields["inconnu_\(Int.random(in: 0..<9, using: &random))"] = "x" }
                let bytes = FlatJSON.encode(fields)
                let expected = try Self.general(bytes, shape)
                let alone = reader.values(bytes)
                if let alone {
                    decidedAlone += 1
                    #expect(alone == expected, "\(shape.name): \(fields)")
                } else {
                    leftToTheGeneralPath += 1
                }
                // Without an escape (the unknown keys here are ASCII), the reader never needs the general path.
                if !bytes.contains(UInt8(ascii: "\\")) { #expect(alone != nil, "\(shape.name): \(fields)") }
                // Sealed, the record opens typed, through whichever path, as the general path reads it.
                let sealed = try SealedFields.seal(fields, key: key, at: place)
                #expect(try SealedFields.open(sealed, key: key, at: place, typedBy: reader) == expected)
            }
        }
        #expect(decidedAlone > 1_000 && leftToTheGeneralPath > 50)
    }

    @Test func anotherWritersJSONOpensTypedThroughTheGeneralPath() throws {
        let shape = try #require(try Self.shapes().first { $0.name == "absence" })
        let key = try SecretKey.random()
        let place = AssociatedData(vaultID: "vault", subjectID: "subject", itemID: "record", kind: "absence")
        let text = #"{ "date" : "2026-03-04", "justifiee":"tru\u0065", "motif" : "inconnu", "autre": "é" }"#
        let sealed = try Sodium.seal(Array(text.utf8), key: key, associatedData: place.bytes)
        let typed = try SealedFields.open(sealed, key: key, at: place, typedBy: TypedFieldReader(shape: shape))
        #expect(typed == ["date": .date(try #require(Day(iso: "2026-03-04"))), "justifiee": .bool(true),
                          "motif": .enumCase("inconnu")])
    }

    @Test(arguments: [
        #"{ "date":"2026-03-04"}"#,                              // whitespace: another writer's JSON
        #"{"date":"2026-03-04","date":"2026-03-05"}"#,           // a repeated field: the general path keeps the last
        #"{"justifiee":"tru\u0065"}"#,                            // an escape
        #"{"dat\u0065":"2026-03-04"}"#,                           // an escaped key
        "{\"e\u{301}tablissement\":\"x\"}",                       // a key outside ASCII, left to String's comparison
        #"{"date":"2026-03-04"} "#, #"{"date":"2026-03-04""#, #"{"date":1}"#, "{}x", "[]", "",
    ])
    func anythingElseIsLeftToTheGeneralPath(text: String) throws {
        let shape = try #require(try Self.shapes().first { $0.name == "absence" })
        #expect(TypedFieldReader(shape: shape).values(Array(text.utf8)) == nil)
    }

    @Test func aSealedRecordOpensTypedAsItOpensAsText() throws {
        let shape = try #require(try Self.shapes().first { $0.name == "absence" })
        let key = try SecretKey.random()
        let place = AssociatedData(vaultID: "vault", subjectID: "subject", itemID: "record", kind: "absence")
        let fields = ["date": "2026-03-04", "demi_journee": "matin", "justifiee": "false", "motif": "inconnu"]
        let sealed = try SealedFields.seal(fields, key: key, at: place)
        let typed = try SealedFields.open(sealed, key: key, at: place, typedBy: TypedFieldReader(shape: shape))
        #expect(typed == FieldValues(VaultStore.typed(try SealedFields.open(sealed, key: key, at: place), shape: shape)))
        #expect(typed["date"] == .date(try #require(Day(iso: "2026-03-04"))) && typed["justifiee"] == .bool(false))
        // Another place: the record does not open, typed or not.
        let elsewhere = AssociatedData(vaultID: "vault", subjectID: "subject", itemID: "other", kind: "absence")
        #expect(throws: CryptoError.self) {
            _ = try SealedFields.open(sealed, key: key, at: elsewhere, typedBy: TypedFieldReader(shape: shape))
        }
    }

    @Test func fieldValuesAreEqualWhateverTheirOrder() {
        var built = FieldValues(minimumCapacity: 2)
        built.appendNew("b", .int(2))
        built.appendNew("a", .text("x"))
        let literal: FieldValues = ["a": .text("x"), "b": .int(2)]
        #expect(built == literal && built.hashValue == literal.hashValue && built["a"] == .text("x") && built["c"] == nil)
        var changed = literal
        changed["b"] = .int(3)
        #expect(changed != literal && changed.count == 2)
        changed["b"] = nil
        #expect(changed == ["a": .text("x")])
    }

    /// `AssociatedData.init` is built from `Subject` too: the bytes themselves are pinned by
    /// `SealingTests.associatedDataKeepsItsByteFormat`; this checks the places of one subject against it.
    @Test func subjectPlacesEncodeAsWholePlaces() {
        func field(_ text: String) -> [UInt8] {
            let count = UInt32(text.utf8.count)
            return [UInt8(count >> 24), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)] + Array(text.utf8)
        }
        let places = AssociatedData.Subject(vaultID: "vault-é", subjectID: "sujet")
        for (item, kind) in [("r1", "absence"), ("", ""), ("sujet", "#identity"), ("😀", "incident")] {
            let expected = Array("vigie-aad".utf8) + field("v1") + field("vault-é") + field("sujet") + field(item) + field(kind)
            #expect(places.item(item, kind: kind).bytes == expected)
        }
        #expect(places.item("r1", kind: "absence").bytes != places.item("r", kind: "1absence").bytes)
    }
}
