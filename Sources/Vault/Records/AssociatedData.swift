/// The associated data that binds a sealed item to its place: format version, vault, subject, item id and kind.
/// A ciphertext copied to another row, subject or vault no longer opens.
struct AssociatedData {
    static let formatVersion = "v1"

    let bytes: [UInt8]

    /// Length-prefixed fields, so that no two different places encode alike.
    init(vaultID: String, subjectID: String, itemID: String, kind: String) {
        var bytes = Array("vigie-aad".utf8)
        for field in [AssociatedData.formatVersion, vaultID, subjectID, itemID, kind] {
            let utf8 = Array(field.utf8)
            let count = UInt32(utf8.count)
            bytes += [UInt8(count >> 24 & 0xFF), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)]
            bytes += utf8
        }
        self.bytes = bytes
    }

    /// The place of a subject's wrapped data key.
    static func dataKey(vaultID: String, subjectID: String) -> AssociatedData {
        AssociatedData(vaultID: vaultID, subjectID: subjectID, itemID: subjectID, kind: "#data-key")
    }

    /// The place of a subject's sealed identity.
    static func identity(vaultID: String, subjectID: String) -> AssociatedData {
        AssociatedData(vaultID: vaultID, subjectID: subjectID, itemID: subjectID, kind: "#identity")
    }
}
