/// An identifier as written, with its place. Equality compares the text only.
struct Name: Sendable, Hashable, CustomStringConvertible {
    let text: String
    let range: SourceRange

    static func == (lhs: Name, rhs: Name) -> Bool { lhs.text == rhs.text }
    func hash(into hasher: inout Hasher) { hasher.combine(text) }
    var description: String { text }
}
