/// A value of the rule language: a field of a record or subject, or what an expression computes.
public enum Value: Sendable, Hashable, CustomStringConvertible {
    case int(Int)
    case bool(Bool)
    case date(Day)
    case period(Period)
    case text(String)
    case enumCase(String)
    /// An optional field that was not given, or a computation over one (`last(K).f` with no record).
    case missing

    /// How the value is shown in explanations and compared in fixtures; `absent` for a missing value.
    public var description: String {
        switch self {
        case .int(let value): String(value)
        case .bool(let value): String(value)
        case .date(let day): day.description
        case .period(let period): period.description
        case .text(let text): text
        case .enumCase(let name): name
        case .missing: "absent"
        }
    }
}

/// The type of a field as declared in the schema.
public enum FieldType: Sendable, Hashable, CustomStringConvertible {
    case text, int, bool, date
    /// An enumeration with its cases in declaration order.
    case enumeration([String])

    /// `text`, `int`, …, `enum { a, b }`.
    public var description: String {
        switch self {
        case .text: "text"
        case .int: "int"
        case .bool: "bool"
        case .date: "date"
        case .enumeration(let cases): "enum { \(cases.joined(separator: ", ")) }"
        }
    }

    /// What a value of this type looks like, for error messages: "a date YYYY-MM-DD", "one of matin, apres_midi".
    public var expectation: String {
        switch self {
        case .text: "text"
        case .int: "an integer"
        case .bool: "true or false"
        case .date: "a date YYYY-MM-DD"
        case .enumeration(let cases): "one of \(cases.joined(separator: ", "))"
        }
    }

    /// `parse` of UTF-8 bytes (a field of a sealed record, read in place): the forms a vault stores — `true`,
    /// `false`, a date, an enumeration case — typed from the bytes themselves, anything else through the text.
    /// Inlinable, as `Day(isoBytes:)`: the vault calls it for every field it reads, and unspecialised across modules
    /// a generic costs more than the parsing.
    @inlinable
    public func parse(utf8 text: some Collection<UInt8>) -> Value? {
        switch self {
        case .bool where text.elementsEqual("true".utf8): return .bool(true)
        case .bool where text.elementsEqual("false".utf8): return .bool(false)
        case .date: return Day(isoBytes: text).map(Value.date)
        case .enumeration(let cases):
            if let match = cases.first(where: { $0.utf8.elementsEqual(text) }) { return .enumCase(match) }
        default: break
        }
        return parse(String(decoding: text, as: UTF8.self))
    }

    /// Converts a textual value (CSV cell, YAML scalar) to a value of this type, or `nil` if it does not fit.
    public func parse(_ text: String) -> Value? {
        switch self {
        case .text: .text(text)
        case .int: Int(text).map(Value.int)
        case .bool:
            // Stored values are canonical; only imported text needs folding.
            switch text {
            case "true": .bool(true)
            case "false": .bool(false)
            default:
                switch text.lowercased() {
                case "true", "oui", "1": .bool(true)
                case "false", "non", "0": .bool(false)
                default: nil
                }
            }
        case .date: Day(iso: text).map(Value.date)
        case .enumeration(let cases): cases.contains(text) ? .enumCase(text) : nil
        }
    }
}
