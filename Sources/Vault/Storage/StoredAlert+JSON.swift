import Foundation

extension StoredAlert {
    /// `{"alerts":[…]}`, byte for byte what `JSONEncoder` writes with `.sortedKeys` and `.withoutEscapingSlashes`
    /// (the tests compare them). Alert listings are the API's busiest response, and Foundation's encoder dominated
    /// its profile; a listing with a key outside ASCII, whose order the encoder decides by rules of its own, is
    /// left to it.
    public static func listJSON(_ alerts: [StoredAlert]) -> [UInt8] {
        guard alerts.allSatisfy({ FlatJSON.byteOrdered($0.reveal.keys) }) else { return FlatJSON.foundationEncode(["alerts": alerts]) }
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
        var separator = UInt8(ascii: "{")
        func key(_ name: String) {
            out.append(separator)
            separator = UInt8(ascii: ",")
            FlatJSON.appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
        }
        func optional(_ text: String?) {
            if let text { FlatJSON.appendString(text, to: &out) } else { out += Array("null".utf8) }
        }
        key("audience"); FlatJSON.appendArray(audience, to: &out)
        if let comment { key("comment"); FlatJSON.appendString(comment, to: &out) }
        key("created"); FlatJSON.appendString(created, to: &out)
        key("evidence"); FlatJSON.appendArray(evidence, to: &out)
        key("follow_up"); optional(followUp)
        key("group"); FlatJSON.appendString(group, to: &out)
        key("id"); FlatJSON.appendString(id, to: &out)
        if let outcome { key("outcome"); FlatJSON.appendString(outcome, to: &out) }
        if let parent { key("parent"); FlatJSON.appendString(parent, to: &out) }
        key("reveal")
        out.append(UInt8(ascii: "{"))
        for (index, name) in reveal.keys.sorted().enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            FlatJSON.appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
            optional(reveal[name] ?? nil)
        }
        out.append(UInt8(ascii: "}"))
        key("rule"); FlatJSON.appendString(rule, to: &out)
        key("severity"); FlatJSON.appendString(severity, to: &out)
        key("status"); FlatJSON.appendString(status, to: &out)
        key("subject"); FlatJSON.appendString(subject, to: &out)
        out.append(UInt8(ascii: "}"))
    }
}
