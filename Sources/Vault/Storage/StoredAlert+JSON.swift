import Foundation

extension StoredAlert {
    /// `{"alerts":[…]}`, byte for byte what `JSONEncoder` writes with `.sortedKeys` and `.withoutEscapingSlashes`
    /// (the tests compare them). Alert listings are the API's busiest response, and Foundation's encoder dominated
    /// its profile; a listing with a key outside ASCII, whose order the encoder decides by rules of its own, is
    /// left to it.
    public static func listJSON(_ alerts: [StoredAlert]) -> [UInt8] {
        let ascii = alerts.allSatisfy { alert in alert.reveal.keys.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } } }
        guard ascii else { return foundationEncode(["alerts": alerts]) }
        var out: [UInt8] = Array(#"{"alerts":["#.utf8)
        out.reserveCapacity(alerts.count * 1_024)
        for (index, alert) in alerts.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            alert.appendJSON(to: &out)
        }
        out += Array("]}".utf8)
        return out
    }

    /// The members in byte order of their keys, as `.sortedKeys` orders ASCII keys.
    private func appendJSON(to out: inout [UInt8]) {
        // The buffer moves into the writer and back, so that appending never copies it.
        var members = Members()
        swap(&members.out, &out)
        members.open()
        members.add("audience") { $0.strings(audience) }
        if let comment { members.add("comment") { $0.string(comment) } }
        members.add("created") { $0.string(created) }
        members.add("evidence") { $0.strings(evidence) }
        members.add("follow_up") { $0.optional(followUp) }
        members.add("group") { $0.string(group) }
        members.add("id") { $0.string(id) }
        if let outcome { members.add("outcome") { $0.string(outcome) } }
        if let parent { members.add("parent") { $0.string(parent) } }
        members.add("reveal") { writer in
            writer.out.append(UInt8(ascii: "{"))
            for (index, name) in reveal.keys.sorted().enumerated() {
                if index > 0 { writer.out.append(UInt8(ascii: ",")) }
                writer.string(name)
                writer.out.append(UInt8(ascii: ":"))
                writer.optional(reveal[name] ?? nil)
            }
            writer.out.append(UInt8(ascii: "}"))
        }
        members.add("rule") { $0.string(rule) }
        members.add("severity") { $0.string(severity) }
        members.add("status") { $0.string(status) }
        members.add("subject") { $0.string(subject) }
        members.close()
        swap(&members.out, &out)
    }

    private static func foundationEncode(_ value: [String: [StoredAlert]]) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // INVARIANT: every member of a StoredAlert is a string, an array or dictionary of strings, or an optional.
        return (try? Array(encoder.encode(value))) ?? []
    }
}

/// Writes one JSON object's members in the order they are added.
private struct Members {
    var out: [UInt8] = []
    private var count = 0

    mutating func open() { out.append(UInt8(ascii: "{")) }

    mutating func close() { out.append(UInt8(ascii: "}")) }

    mutating func add(_ key: String, _ value: (inout Members) -> Void) {
        if count > 0 { out.append(UInt8(ascii: ",")) }
        count += 1
        string(key)
        out.append(UInt8(ascii: ":"))
        value(&self)
    }

    mutating func string(_ text: String) { FlatJSON.appendString(text, to: &out) }

    mutating func optional(_ text: String?) {
        if let text { string(text) } else { out += Array("null".utf8) }
    }

    mutating func strings(_ texts: [String]) {
        out.append(UInt8(ascii: "["))
        for (index, text) in texts.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            string(text)
        }
        out.append(UInt8(ascii: "]"))
    }
}
