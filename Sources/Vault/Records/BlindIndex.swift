import Foundation

/// Blind indexes: keyed BLAKE2b over normalised identity fields, truncated so that a lookup returns a few false
/// positives (CipherSweet's planner rule), which are then decrypted and compared. Exact match only.
package enum BlindIndex {
    /// The identity fields indexed together, in this order.
    static let identityFields = ["nom", "prenom", "naissance"]

    /// Case, accents, hyphens, apostrophes and runs of spaces folded: "  Émilie-Anne " → "emilie anne".
    package static func normalise(_ value: String) -> String {
        value.utf8.allSatisfy({ $0 < 0x80 }) ? normaliseASCII(value) : normaliseUnicode(value)
    }

    /// The folding for any text: canonical decomposition, lowercase, combining marks dropped.
    package static func normaliseUnicode(_ value: String) -> String {
        let decomposed = value.decomposedStringWithCanonicalMapping.lowercased()
        var folded = ""
        var pendingSpace = false
        for scalar in decomposed.unicodeScalars {
            if scalar.properties.generalCategory == .nonspacingMark { continue }
            if scalar.properties.isWhitespace || "-‐–—'’_.".unicodeScalars.contains(scalar) {
                pendingSpace = !folded.isEmpty
                continue
            }
            if pendingSpace {
                folded.append(" ")
                pendingSpace = false
            }
            folded.unicodeScalars.append(scalar)
        }
        return folded
    }

    /// The same folding for ASCII text, byte by byte (most names): no decomposition, no combining marks.
    private static func normaliseASCII(_ value: String) -> String {
        var folded: [UInt8] = []
        folded.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        for byte in value.utf8 {
            switch byte {
            case 0x09...0x0D, 0x20, UInt8(ascii: "-"), UInt8(ascii: "'"), UInt8(ascii: "_"), UInt8(ascii: "."):
                pendingSpace = !folded.isEmpty
                continue
            default:
                break
            }
            if pendingSpace {
                folded.append(0x20)
                pendingSpace = false
            }
            folded.append((UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte)
        }
        return String(decoding: folded, as: UTF8.self)
    }

    /// The normalised identity fields, in `identityFields` order: two rows are the same person when these match.
    static func identityKey(_ identity: [String: String]) -> [String] {
        identityFields.map { normalise(identity[$0] ?? "") }
    }

    /// Bits kept so that, in a population of `population` subjects, a lookup expects between 2 and √population
    /// coincidental matches: the largest b with population / 2^b ≥ 2 (100 000 subjects: 15 bits, about 3
    /// candidates per lookup).
    package static func bits(forPopulation population: Int) -> Int {
        let size = max(population, 4)
        var bits = 1
        while size >> (bits + 1) >= 2 { bits += 1 }
        return min(max(bits, 1), 64)
    }

    /// The truncated index of the identity values (missing values index as empty strings).
    static func value(of identity: [String: String], key: SecretKey, bits: Int) throws(CryptoError) -> [UInt8] {
        try value(ofKey: identityKey(identity), key: key, bits: bits)
    }

    /// The truncated index of an identity key (`identityKey`).
    static func value(ofKey identityKey: [String], key: SecretKey, bits: Int) throws(CryptoError) -> [UInt8] {
        let message = "vigie-bidx-v1|identity|" + identityKey.joined(separator: "\u{1F}")
        let full = try Sodium.keyedHash(Array(message.utf8), key: key, length: 32)
        let bytes = (bits + 7) / 8
        var truncated = Array(full.prefix(bytes))
        let spare = bytes * 8 - bits
        if spare > 0, let last = truncated.indices.last { truncated[last] &= UInt8(0xFF) << UInt8(spare) }
        return truncated
    }

    /// Whether two identities are the same person: every identity field equal after normalisation.
    static func sameIdentity(_ a: [String: String], _ b: [String: String]) -> Bool {
        identityKey(a) == identityKey(b)
    }
}
