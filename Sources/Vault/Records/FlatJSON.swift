import Foundation

/// The canonical text of field values: a JSON object of strings, keys in `String` order, no whitespace, only the
/// escapes JSON requires (`\"`, `\\`, `\b`, `\t`, `\n`, `\f`, `\r`, `\u00XX` for other control characters).
/// It is byte for byte what `JSONEncoder` writes with `.sortedKeys` and `.withoutEscapingSlashes` (the tests
/// compare them), so fingerprints computed before this encoder existed still match; it is written and read here
/// because Foundation's general JSON machinery dominated import and evaluation profiles. Keys are schema field
/// names, ASCII, whose order is byte order; for any other key the encoder orders by rules of its own (not
/// `String`'s), so such objects are left to it.
enum FlatJSON {
    /// The canonical bytes of `fields`.
    static func encode(_ fields: [String: String]) -> [UInt8] {
        guard byteOrdered(fields.keys) else { return foundationEncode(fields) }
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(16 + fields.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count + 6 })
        for (index, key) in fields.keys.sorted().enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendString(fields[key] ?? "", to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Whether `JSONEncoder`'s `.sortedKeys` puts these keys in byte order (ASCII keys); the writers here order
    /// keys by bytes, and leave any other object to `foundationEncode`.
    static func byteOrdered(_ keys: some Sequence<String>) -> Bool {
        keys.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }
    }

    /// What `JSONEncoder` writes with `.sortedKeys` and `.withoutEscapingSlashes`, for values made of strings,
    /// arrays, dictionaries and optionals only.
    static func foundationEncode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // INVARIANT: strings, arrays and dictionaries of strings and optionals always encode.
        return (try? Array(encoder.encode(value))) ?? []
    }

    /// A JSON array of strings (for SQLite's `json_each`).
    static func array(_ values: [String]) -> String {
        var out: [UInt8] = []
        appendArray(values, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends a JSON array of strings.
    static func appendArray(_ values: [String], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendString(value, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// Appends `text` as a JSON string, escaped as `JSONEncoder` escapes it with `.withoutEscapingSlashes`.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // The common case: nothing to escape, the bytes are copied as they are (scanned in place when the string's
        // storage is contiguous, as native strings are).
        func plain(_ byte: UInt8) -> Bool { byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") }
        let copied = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard bytes.allSatisfy(plain) else { return false }
            out.append(contentsOf: bytes)
            return true
        } ?? {
            guard text.utf8.allSatisfy(plain) else { return false }
            out += text.utf8
            return true
        }()
        if copied {
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0..<0x20: out += Array("\\u00".utf8) + [hexDigit(byte >> 4), hexDigit(byte & 0xF)]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }

    /// The fields of a JSON object whose values are all strings (whitespace between tokens allowed); `nil` for
    /// anything else, which callers hand to a general JSON parser.
    static func decode(_ bytes: [UInt8]) -> [String: String]? {
        var reader = Reader(bytes: bytes)
        return reader.object()
    }

    /// A JSON document made of strings, nulls, arrays and objects only (what sealed alert details hold); `nil`
    /// for anything else (numbers, booleans, malformed text), which callers hand to a general JSON parser.
    static func parse(_ bytes: [UInt8]) -> JSONValue? {
        var reader = Reader(bytes: bytes)
        guard let value = reader.value(depth: 0), reader.atEnd() else { return nil }
        return value
    }

    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        /// The deepest nesting `value` accepts.
        static let maxDepth = 16

        mutating func value(depth: Int) -> JSONValue? {
            skipSpace()
            guard position < bytes.count, depth <= Self.maxDepth else { return nil }
            switch bytes[position] {
            case UInt8(ascii: "\""):
                return string().map(JSONValue.string)
            case UInt8(ascii: "n"):
                guard bytes[position...].starts(with: "null".utf8) else { return nil }
                position += 4
                return .null
            case UInt8(ascii: "["):
                position += 1
                var items: [JSONValue] = []
                skipSpace()
                if take(UInt8(ascii: "]")) { return .array(items) }
                repeat {
                    guard let item = value(depth: depth + 1) else { return nil }
                    items.append(item)
                    skipSpace()
                } while take(UInt8(ascii: ","))
                return take(UInt8(ascii: "]")) ? .array(items) : nil
            case UInt8(ascii: "{"):
                position += 1
                var members: [String: JSONValue] = [:]
                skipSpace()
                if take(UInt8(ascii: "}")) { return .object(members) }
                repeat {
                    skipSpace()
                    guard let key = string() else { return nil }
                    skipSpace()
                    guard take(UInt8(ascii: ":")), let member = value(depth: depth + 1) else { return nil }
                    members[key] = member
                    skipSpace()
                } while take(UInt8(ascii: ","))
                return take(UInt8(ascii: "}")) ? .object(members) : nil
            default:
                return nil
            }
        }

        mutating func object() -> [String: String]? {
            skipSpace()
            guard take(UInt8(ascii: "{")) else { return nil }
            var fields: [String: String] = [:]
            skipSpace()
            if take(UInt8(ascii: "}")) { return atEnd() ? fields : nil }
            repeat {
                skipSpace()
                guard let key = string() else { return nil }
                skipSpace()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipSpace()
                guard let value = string() else { return nil }
                fields[key] = value
                skipSpace()
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")) else { return nil }
            return atEnd() ? fields : nil
        }

        mutating func atEnd() -> Bool {
            skipSpace()
            return position == bytes.count
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }

        private mutating func skipSpace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        private mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = position
            // The common case: no escape, the bytes are the string.
            while position < bytes.count, bytes[position] != UInt8(ascii: "\""), bytes[position] != UInt8(ascii: "\\") {
                guard bytes[position] >= 0x20 else { return nil }
                position += 1
            }
            guard position < bytes.count else { return nil }
            if bytes[position] == UInt8(ascii: "\"") {
                position += 1
                return String(decoding: bytes[start..<(position - 1)], as: UTF8.self)
            }
            var out = Array(bytes[start..<position])
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard escape(into: &out) else { return nil }
                case 0..<0x20:
                    return nil
                default:
                    out.append(byte)
                }
            }
            return nil
        }

        private mutating func escape(into out: inout [UInt8]) -> Bool {
            guard position < bytes.count else { return false }
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(byte)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hex4() else { return false }
                if (0xD800..<0xDC00).contains(scalar) {
                    guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")), let low = hex4(), (0xDC00..<0xE000).contains(low)
                    else { return false }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let unicode = Unicode.Scalar(scalar) else { return false }
                out += Array(String(Character(unicode)).utf8)
            default: return false
            }
            return true
        }

        private mutating func hex4() -> UInt32? {
            guard position + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for byte in bytes[position..<(position + 4)] {
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
            }
            position += 4
            return value
        }
    }
}

/// A JSON value of the kinds `FlatJSON.parse` reads.
enum JSONValue: Equatable {
    case string(String)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    var string: String? { if case .string(let text) = self { text } else { nil } }
    var array: [JSONValue]? { if case .array(let items) = self { items } else { nil } }
    subscript(key: String) -> JSONValue? { if case .object(let members) = self { members[key] } else { nil } }
}
