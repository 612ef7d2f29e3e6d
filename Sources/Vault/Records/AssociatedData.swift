/// The associated data that binds a sealed item to its place: format version, vault, subject, item id and kind.
/// A ciphertext copied to another row, subject or vault no longer opens.
struct AssociatedData {
    static let formatVersion = "v1"

    let bytes: [UInt8]

    /// Length-prefixed fields, so that no two different places encode alike. Built once per sealed item opened,
    /// so it is written into one buffer of the right size.
    init(vaultID: String, subjectID: String, itemID: String, kind: String) {
        let fields = [AssociatedData.formatVersion, vaultID, subjectID, itemID, kind]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(fields.reduce(Self.prefix.count) { $0 + 4 + $1.utf8.count })
        bytes += Self.prefix
        for field in fields {
            let count = UInt32(field.utf8.count)
            bytes.append(UInt8(truncatingIfNeeded: count >> 24))
            bytes.append(UInt8(truncatingIfNeeded: count >> 16))
            bytes.append(UInt8(truncatingIfNeeded: count >> 8))
            bytes.append(UInt8(truncatingIfNeeded: count))
            bytes += field.utf8
        }
        self.bytes = bytes
    }

    private static let prefix = Array("vigie-aad".utf8)

    /// The place of a subject's wrapped data key.
    static func dataKey(vaultID: String, subjectID: String) -> AssociatedData {
        AssociatedData(vaultID: vaultID, subjectID: subjectID, itemID: subjectID, kind: "#data-key")
    }

    /// The place of a subject's sealed identity.
    static func identity(vaultID: String, subjectID: String) -> AssociatedData {
        AssociatedData(vaultID: vaultID, subjectID: subjectID, itemID: subjectID, kind: "#identity")
    }
}
