import Foundation
import Testing
@testable import Vault

/// Random identifiers: 32 hex digits; alerts' sort by creation time, so that an evaluation's new alerts are added at
/// the end of the alerts' key index.
@Suite struct RandomIDTests {
    private func isHex32(_ id: String) -> Bool {
        id.utf8.count == 32 && id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    @Test func timeOrderedIdentifiersSortByTimeAndStayRandomWithin() throws {
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        // One identifier per millisecond.
        let ids = try (0..<200).map { try RandomID.timeOrdered(at: Date(timeIntervalSince1970: Double(1_790_000_000_000 + $0) / 1_000)) }
        #expect(ids.allSatisfy(isHex32))
        #expect(ids == ids.sorted())
        // The first 12 digits are the milliseconds since 1970, the other 20 random.
        #expect(ids[0].prefix(12) == String(1_790_000_000_000, radix: 16).leftPadded(to: 12))
        let sameMoment = try (0..<100).map { _ in try RandomID.timeOrdered(at: start) }
        #expect(Set(sameMoment).count == 100)
        #expect(Set(sameMoment.map { $0.prefix(12) }).count == 1)
    }

    @Test func otherIdentifiersAreRandom() throws {
        let ids = try (0..<100).map { _ in try RandomID.make() }
        #expect(ids.allSatisfy(isHex32))
        #expect(Set(ids).count == 100)
        // 100 random identifiers in creation order would be sorted once in 100! tries.
        #expect(ids != ids.sorted())
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
