/// A record of one kind about one subject, decrypted and validated against its kind.
public struct Record: Sendable, Hashable {
    /// A stable identifier shown in explanations (a random vault id, or the fixture's record number).
    public let id: String
    /// The kind's name.
    public let kind: String
    /// The field values; an optional field that was not given is absent.
    public let fields: FieldValues
    /// The record's `date` field, if it has one (read once: windows and ordering read it for every record).
    public let date: Day?

    /// Creates a record.
    public init(id: String, kind: String, fields: FieldValues) {
        self.id = id
        self.kind = kind
        self.fields = fields
        if case .date(let day) = fields["date"] { self.date = day } else { self.date = nil }
    }
}

/// The subject's fields, as far as the caller knows them.
public struct SubjectRecord: Sendable, Hashable {
    /// The subject's random identifier.
    public let id: String
    /// The field values; absent fields are missing.
    public let fields: FieldValues

    /// Creates a subject.
    public init(id: String, fields: FieldValues) {
        self.id = id
        self.fields = fields
    }
}

/// Where an alert is in its lifecycle.
public enum AlertStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case open, acknowledged, closed
}

/// An alert raised before, for deduplication (`once per`) and escalation (`alerts("ID")`, `open_alert("ID")`).
public struct PastAlert: Sendable, Hashable {
    /// The rule that raised it.
    public let ruleID: String
    /// The evaluation date it was raised at.
    public let date: Day
    /// Its status now.
    public let status: AlertStatus

    /// Creates a past alert.
    public init(ruleID: String, date: Day, status: AlertStatus) {
        self.ruleID = ruleID
        self.date = date
        self.status = status
    }
}
