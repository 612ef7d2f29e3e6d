import Foundation
import RulesEngine

/// Field values sealed with XChaCha20-Poly1305 under a subject's data key: a record's fields or a subject's
/// identity. The plaintext is a JSON object of strings with sorted keys; it exists only in memory.
enum SealedFields {
    /// Seals field values for a place.
    static func seal(_ fields: [String: String], key: SecretKey, at place: AssociatedData) throws(CryptoError) -> [UInt8] {
        var plaintext = Self.encode(fields)
        defer { plaintext.withUnsafeMutableBytes { Sodium.zero($0) } }
        return try Sodium.seal(plaintext, key: key, associatedData: place.bytes)
    }

    /// Opens sealed field values; `.authenticationFailed` if the bytes, the key or the place differ.
    static func open(_ sealed: [UInt8], key: SecretKey, at place: AssociatedData) throws(CryptoError) -> [String: String] {
        try opened(sealed, key: key, at: place) { plaintext throws(CryptoError) in try decode(plaintext) }
    }

    /// Opens sealed field values typed by the reader's shape, as `VaultStore.typed` types what `open` gives; fields
    /// the shape does not have, or whose text does not fit their type, are dropped.
    static func open(_ sealed: [UInt8], key: SecretKey, at place: AssociatedData,
                     typedBy reader: TypedFieldReader) throws(CryptoError) -> FieldValues {
        try opened(sealed, key: key, at: place) { plaintext throws(CryptoError) in
            if let values = reader.values(plaintext) { return values }
            return FieldValues(VaultStore.typed(try decode(plaintext), shape: reader.shape))
        }
    }

    /// Reads the plaintext of a sealed item with `read`, then zeroes it.
    private static func opened<T>(_ sealed: [UInt8], key: SecretKey, at place: AssociatedData,
                                  _ read: ([UInt8]) throws(CryptoError) -> T) throws(CryptoError) -> T {
        var plaintext = try Sodium.open(sealed, key: key, associatedData: place.bytes)
        defer { plaintext.withUnsafeMutableBytes { Sodium.zero($0) } }
        return try read(plaintext)
    }

    /// The fields of an opened plaintext (`FlatJSON`, or any JSON object of strings).
    private static func decode(_ plaintext: [UInt8]) throws(CryptoError) -> [String: String] {
        if let fields = FlatJSON.decode(plaintext) { return fields }
        // Read in place (no copy of the plaintext left unzeroed); the caller zeroes it.
        let object = plaintext.withUnsafeBytes { bytes -> [String: String]? in
            guard let base = bytes.baseAddress else { return nil }
            let data = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count, deallocator: .none)
            return (try? JSONSerialization.jsonObject(with: data)) as? [String: String]
        }
        guard let object else { throw .authenticationFailed }
        return object
    }

    /// The canonical encoding: JSON with sorted keys (`FlatJSON`).
    static func encode(_ fields: [String: String]) -> [UInt8] { FlatJSON.encode(fields) }
}
