/// A field of the subject or of a kind.
public struct FieldDefinition: Sendable, Hashable {
    /// The field's name.
    public let name: String
    /// Its type.
    public let type: FieldType
    /// Whether it identifies the person (the vault indexes it blindly and never shows it in logs).
    public let identifying: Bool
    /// Whether records may omit it.
    public let optional: Bool
    /// The label that governs who may see it.
    public let label: String
}

/// The subject or a kind: named fields under a label, with retention clauses.
public struct RecordShape: Sendable, Hashable {
    /// The kind's name (`absence`), or `subject`.
    public let name: String
    /// The human title, if any.
    public let title: String?
    /// The default label of the fields.
    public let label: String
    /// The fields in declaration order.
    public let fields: [FieldDefinition]
    /// The retention clauses; the earliest deadline wins.
    public let retention: [Retention]

    /// The field with this name, if declared.
    public func field(named name: String) -> FieldDefinition? { fields.first { $0.name == name } }

    /// Whether records of this shape have a `date: date` field, which windows filter on.
    public var isDated: Bool { field(named: "date")?.type == .date }
}

/// A `retain` clause: how long data is kept.
public enum Retention: Sendable, Hashable {
    /// Until the subject's Nth birthday.
    case untilAge(Int)
    /// Until the end of the school year containing the record's date, or, with an age, of the school year
    /// in which the subject reaches that age.
    case untilSchoolYearEnd(atAge: Int?)
    /// A period after a date field of the record.
    case after(Period, field: String)
}

/// The school calendar: the school year starts on a given month and day (1 September by default).
public struct SchoolCalendar: Sendable, Hashable {
    /// The month the school year starts (1–12).
    public let startMonth: Int
    /// The day of that month.
    public let startDay: Int

    /// The French default: 1 September to 31 August.
    public static let france = SchoolCalendar(startMonth: 9, startDay: 1)

    /// Creates a calendar whose school year starts on the given month and day.
    public init(startMonth: Int, startDay: Int) {
        self.startMonth = startMonth
        self.startDay = startDay
    }

    /// The first day of the school year containing `day`.
    public func schoolYearStart(containing day: Day) -> Day {
        let year = day.components.year
        let thisYear = Day(year: year, month: startMonth, day: min(startDay, Day.daysIn(month: startMonth, year: year)))
        if let thisYear, thisYear <= day { return thisYear }
        let previous = year - 1
        return Day(ordinal: Day.ordinal(year: previous, month: startMonth,
                                        day: min(startDay, Day.daysIn(month: startMonth, year: previous))))
    }

    /// The last day of the school year containing `day`.
    public func schoolYearEnd(containing day: Day) -> Day {
        schoolYearStart(containing: day).adding(months: 12).adding(days: -1)
    }
}
