/// The associated data that binds a sealed item to its place: format version, vault, subject, item id and kind.
/// A ciphertext copied to another row, subject or vault no longer opens.
struct AssociatedData {
    static let formatVersion = "v1"

    let bytes: [UInt8]

    /// Length-prefixed fields, so that no two different places encode alike (the layout is `Subject`'s, which
    /// shares the head among one subject's places).
    init(vaultID: String, subjectID: String, itemID: String, kind: String) {
        self = Subject(vaultID: vaultID, subjectID: subjectID).item(itemID, kind: kind)
    }

    fileprivate init(bytes: [UInt8]) { self.bytes = bytes }

    /// The places of one subject's items, the fields they share encoded once: an evaluation opens every record
    /// of a subject, and builds each place from this.
    struct Subject {
        private let head: [UInt8]

        init(vaultID: String, subjectID: String) {
            var head = AssociatedData.prefix
            head.reserveCapacity(AssociatedData.prefix.count + 12 + AssociatedData.formatVersion.utf8.count
                + vaultID.utf8.count + subjectID.utf8.count)
            for field in [AssociatedData.formatVersion, vaultID, subjectID] { AssociatedData.append(field, to: &head) }
            self.head = head
        }

        /// The place of an item of the subject.
        func item(_ itemID: String, kind: String) -> AssociatedData {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(head.count + 8 + itemID.utf8.count + kind.utf8.count)
            bytes += head
            AssociatedData.append(itemID, to: &bytes)
            AssociatedData.append(kind, to: &bytes)
            return AssociatedData(bytes: bytes)
        }
    }

    private static let prefix = Array("vigie-aad".utf8)

    /// Appends a field: its length on four bytes, big-endian, then its UTF-8 bytes.
    private static func append(_ field: String, to bytes: inout [UInt8]) {
        let count = UInt32(field.utf8.count)
        bytes.append(UInt8(truncatingIfNeeded: count >> 24))
        bytes.append(UInt8(truncatingIfNeeded: count >> 16))
        bytes.append(UInt8(truncatingIfNeeded: count >> 8))
        bytes.append(UInt8(truncatingIfNeeded: count))
        bytes += field.utf8
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
