public import RulesEngine
import Yams

/// Reads a YAML fixture file against a checked rule set: every value is validated against the schema, and every
/// problem is reported with its line (`Rules/tests/ABS-4DJ.yaml:12: error: …`), all of them, not only the first.
public struct FixtureReader {
    let ruleSet: CheckedRuleSet
    let path: String
    /// The problems found by the last `read`.
    public private(set) var errors: [RuleFilesError] = []

    /// Creates a reader for one file.
    public init(ruleSet: CheckedRuleSet, path: String) {
        self.ruleSet = ruleSet
        self.path = path
    }

    /// Parses a fixture; returns `nil` and fills `errors` when the file is not valid.
    public mutating func read(_ text: String) -> RuleTestFile? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            errors.append(RuleFilesError(path: path, line: Self.yamlErrorLine(error), message: "invalid YAML"))
            return nil
        }
        guard let root, let mapping = root.mapping else {
            fail(root, "a fixture is a mapping with 'rule' and 'cases'")
            return nil
        }
        checkKeys(mapping, allowed: ["rule", "cases"], in: "fixture")
        guard let ruleID = string(mapping["rule"], "'rule'", parent: root) else { return nil }
        guard let rule = ruleSet.rule(ruleID) else {
            fail(mapping["rule"], "unknown rule '\(ruleID)'")
            return nil
        }
        guard let caseNodes = mapping["cases"]?.sequence, !caseNodes.isEmpty else {
            fail(mapping["cases"] ?? root, "'cases' must be a non-empty list")
            return nil
        }
        let cases = caseNodes.compactMap { readCase($0, rule: rule) }
        return errors.isEmpty ? RuleTestFile(path: path, ruleID: ruleID, cases: cases) : nil
    }

    private mutating func readCase(_ node: Node, rule: CheckedRule) -> RuleTestCase? {
        guard let mapping = node.mapping else {
            fail(node, "a case is a mapping with 'name', 'as_of', 'subject', 'records' and 'expect'")
            return nil
        }
        checkKeys(mapping, allowed: ["name", "as_of", "subject", "records", "history", "expect"], in: "case")
        let name = string(mapping["name"], "'name'", parent: node)
        let asOf = day(mapping["as_of"], "'as_of'", parent: node)
        let subject = fields(mapping["subject"], of: ruleSet.subject, requireAll: false)
        var records: [Record] = []
        for recordNode in mapping["records"]?.sequence ?? [] {
            if let record = readRecord(recordNode) { records.append(record) }
        }
        var history: [PastAlert] = []
        for alertNode in mapping["history"]?.sequence ?? [] {
            if let alert = readPastAlert(alertNode) { history.append(alert) }
        }
        guard let expect = mapping["expect"]?.mapping else {
            fail(mapping["expect"] ?? node, "a case needs 'expect: { fires: true|false }'")
            return nil
        }
        checkKeys(expect, allowed: ["fires", "reveal", "severity"], in: "expect")
        let fires = bool(expect["fires"], "'fires'", parent: mapping["expect"] ?? node)
        var reveal: [(String, String)] = []
        if let revealNode = expect["reveal"] {
            if revealNode.mapping == nil { fail(revealNode, "'reveal' must map revealed names to values") }
            for (key, value) in revealNode.mapping ?? [:] {
                guard let revealName = key.string, rule.revealedNames.contains(revealName) else {
                    fail(key, "rule '\(rule.id)' reveals no '\(key.string ?? "")'"
                        + " (it reveals \(rule.revealedNames.map { "'\($0)'" }.joined(separator: ", ")))")
                    continue
                }
                reveal.append((revealName, value.null != nil ? "absent" : value.string ?? ""))
            }
        }
        var severity: Severity?
        if let severityNode = expect["severity"] {
            severity = Severity(rawValue: severityNode.string ?? "")
            if severity == nil { fail(severityNode, "'severity' is one of low, medium, high, critical") }
        }
        guard let name, let asOf, let subject, let fires else { return nil }
        return RuleTestCase(
            name: name, line: node.mark?.line ?? 0, asOf: asOf, subject: SubjectRecord(id: "subject", fields: FieldValues(subject)),
            records: records, history: history, expectFires: fires, expectReveal: reveal, expectSeverity: severity)
    }

    private mutating func readRecord(_ node: Node) -> Record? {
        guard let mapping = node.mapping, let kindName = mapping["kind"]?.string else {
            fail(node, "a record is a mapping with 'kind' and the kind's fields")
            return nil
        }
        guard let kind = ruleSet.kinds[kindName] else {
            fail(mapping["kind"], "unknown kind '\(kindName)'" + Self.suggestion(kindName, ruleSet.kinds.keys))
            return nil
        }
        guard let values = fields(node, of: kind, requireAll: true, skipping: ["kind"]) else { return nil }
        return Record(id: "line \(node.mark?.line ?? 0)", kind: kindName, fields: FieldValues(values))
    }

    private mutating func readPastAlert(_ node: Node) -> PastAlert? {
        guard let mapping = node.mapping else {
            fail(node, "a past alert is a mapping with 'rule', 'date' and 'status'")
            return nil
        }
        checkKeys(mapping, allowed: ["rule", "date", "status"], in: "history entry")
        guard let ruleID = string(mapping["rule"], "'rule'", parent: node) else { return nil }
        if ruleSet.rule(ruleID) == nil { fail(mapping["rule"], "unknown rule '\(ruleID)'") }
        var status = AlertStatus.open
        if let statusNode = mapping["status"] {
            guard let parsed = AlertStatus(rawValue: statusNode.string ?? "") else {
                fail(statusNode, "'status' is one of open, acknowledged, closed")
                return nil
            }
            status = parsed
        }
        guard let date = day(mapping["date"], "'date'", parent: node) else { return nil }
        return PastAlert(ruleID: ruleID, date: date, status: status)
    }

    /// Converts the fields of a YAML mapping by the shape's types. Missing fields stay absent (records must give
    /// every required field); `null` means absent.
    private mutating func fields(_ node: Node?, of shape: RecordShape, requireAll: Bool,
                                 skipping: Set<String> = []) -> [String: Value]?
    {
        guard let node else { return [:] }
        guard let mapping = node.mapping else {
            fail(node, "expected a mapping of field names to values")
            return nil
        }
        let owner = shape.name == "subject" ? "the subject" : "kind '\(shape.name)'"
        var values: [String: Value] = [:]
        var valid = true
        for (key, valueNode) in mapping {
            guard let name = key.string, !skipping.contains(name) else { continue }
            guard let field = shape.field(named: name) else {
                fail(key, "\(owner) has no field '\(name)'" + Self.suggestion(name, shape.fields.map(\.name)))
                valid = false
                continue
            }
            if valueNode.null != nil, valueNode.scalar?.style == .plain { continue }
            guard let text = valueNode.scalar?.string, let value = field.type.parse(text) else {
                fail(valueNode, "field '\(name)' of \(owner) must be \(field.type.expectation)")
                valid = false
                continue
            }
            values[name] = value
        }
        if requireAll {
            for field in shape.fields where !field.optional && values[field.name] == nil {
                fail(node, "record of kind '\(shape.name)' lacks the required field '\(field.name)'")
                valid = false
            }
        }
        return valid ? values : nil
    }

    // MARK: Scalars and errors

    private mutating func string(_ node: Node?, _ what: String, parent: Node) -> String? {
        guard let text = node?.scalar?.string, !text.isEmpty else {
            fail(node ?? parent, "\(what) must be a non-empty string")
            return nil
        }
        return text
    }

    private mutating func day(_ node: Node?, _ what: String, parent: Node) -> Day? {
        guard let text = node?.scalar?.string, let day = Day(iso: text) else {
            fail(node ?? parent, "\(what) must be a date YYYY-MM-DD")
            return nil
        }
        return day
    }

    private mutating func bool(_ node: Node?, _ what: String, parent: Node) -> Bool? {
        guard let text = node?.scalar?.string, text == "true" || text == "false" else {
            fail(node ?? parent, "\(what) must be true or false")
            return nil
        }
        return text == "true"
    }

    private mutating func checkKeys(_ mapping: Node.Mapping, allowed: [String], in what: String) {
        for key in mapping.keys where !allowed.contains(key.string ?? "") {
            fail(key, "unknown key '\(key.string ?? "")' in \(what)" + Self.suggestion(key.string ?? "", allowed))
        }
    }

    private mutating func fail(_ node: Node?, _ message: String) {
        errors.append(RuleFilesError(path: path, line: node?.mark?.line, message: message))
    }

    private static func suggestion(_ word: String, _ candidates: some Sequence<String>) -> String {
        Suggestion.closest(to: word, in: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }


    private static func yamlErrorLine(_ error: any Error) -> Int? {
        guard case let yamlError as YamlError = error else { return nil }
        switch yamlError {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }
}
