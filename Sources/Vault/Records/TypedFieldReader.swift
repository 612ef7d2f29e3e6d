import RulesEngine

/// Reads an opened plaintext straight into values typed by a shape: what `FlatJSON.decode` then
/// `VaultStore.typed` give, without their intermediate strings and dictionary. An evaluation reads every record
/// of the rules' kinds this way, and that intermediate step cost it more than the decryption.
///
/// Only the canonical form `FlatJSON.encode` writes is read here (no whitespace, no escape, each field of the
/// shape once, at most 64 fields); its values are typed by `FieldType.parse(utf8:)`, as `VaultStore.typed` types
/// them. Anything else (another writer's JSON, a key that is not plain ASCII and
/// names no field byte for byte) makes `values` return `nil`, and the caller takes the general path: the result
/// is always the general path's.
struct TypedFieldReader: Sendable {
    /// A class: the search for a key's field goes through them, and copying a structure retained each member.
    private final class Field: Sendable {
        let definition: FieldDefinition
        let name: [UInt8]

        init(_ definition: FieldDefinition) {
            self.definition = definition
            name = Array(definition.name.utf8)
        }
    }

    let shape: RecordShape
    private let fields: [Field]

    init(shape: RecordShape) {
        self.shape = shape
        fields = shape.fields.map(Field.init)
    }

    /// The typed fields of a canonical plaintext, or `nil` when it is not one this reader decides alone.
    func values(_ bytes: [UInt8]) -> FieldValues? {
        bytes.withUnsafeBufferPointer { values($0) }
    }

    private func values(_ bytes: UnsafeBufferPointer<UInt8>) -> FieldValues? {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "{"), bytes[bytes.count - 1] == UInt8(ascii: "}") else {
            return nil
        }
        var result = FieldValues(minimumCapacity: fields.count)
        var seen: UInt64 = 0
        var position = 1
        if bytes.count == 2 { return result }
        while true {
            guard let key = Self.string(bytes, &position), position < bytes.count, bytes[position] == UInt8(ascii: ":")
            else { return nil }
            position += 1
            guard let value = Self.string(bytes, &position), position < bytes.count else { return nil }
            if let index = fields.firstIndex(where: { $0.name.elementsEqual(bytes[key]) }) {
                // A repeated field: the general reader keeps the last one, typed or dropped; leave that to it.
                guard index < 64, seen & (1 << index) == 0 else { return nil }
                seen |= 1 << index
                if let typed = fields[index].definition.type.parse(utf8: bytes[value]) {
                    result.appendNew(fields[index].definition.name, typed)
                }
            } else if bytes[key].contains(where: { $0 >= 0x80 }) {
                // A name that may equal a field's under Unicode equivalence, as `String` compares them.
                return nil
            }
            switch bytes[position] {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): return position == bytes.count - 1 ? result : nil
            default: return nil
            }
        }
    }

    /// The range of a string's bytes, between its quotes, moving past it; `nil` for an escape or a control byte.
    private static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ position: inout Int) -> Range<Int>? {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return nil }
        let start = position + 1
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
            guard bytes[end] >= 0x20, bytes[end] != UInt8(ascii: "\\") else { return nil }
            end += 1
        }
        guard end < bytes.count else { return nil }
        position = end + 1
        return start..<end
    }
}
