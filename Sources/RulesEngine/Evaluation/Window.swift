/// A closed interval of days: both `start` and `end` are included.
public struct DayInterval: Sendable, Hashable, CustomStringConvertible {
    /// The first day included.
    public let start: Day
    /// The last day included.
    public let end: Day

    /// Whether the day lies in the interval, both ends included.
    public func contains(_ day: Day) -> Bool { start <= day && day <= end }

    /// `2025-10-01…2025-10-20`.
    public var description: String { "\(start)…\(end)" }
}

extension CheckedWindow {
    /// The days this window covers when evaluating at `asOf`. Every window ends on the evaluation date
    /// (records after it are ignored anyway):
    /// - `calendar_month`: from the 1st of the evaluation date's month;
    /// - `school_year`: from the start of the school year containing the evaluation date;
    /// - `last N days` / `last N weeks`: the N days (7N days) ending on the evaluation date, both ends included;
    /// - `last N months` / `last N years`: from the day after the same date N months (12N months) earlier, a day
    ///   the month lacks becoming its last day (31 March − 1 month = 28 February, so the window starts 1 March);
    /// - `since D`: from D included; `nil` when D is missing, so that the aggregate is missing too.
    func interval(asOf: Day, calendar: SchoolCalendar, start: () -> Value) -> DayInterval? {
        switch self {
        case .calendarMonth:
            return DayInterval(start: asOf.firstOfMonth, end: asOf)
        case .schoolYear:
            return DayInterval(start: calendar.schoolYearStart(containing: asOf), end: asOf)
        case .last(let period):
            switch period.unit {
            case .days, .weeks:
                let days = period.unit == .days ? period.amount : period.amount * 7
                return DayInterval(start: asOf.adding(days: -(days - 1)), end: asOf)
            case .months, .years:
                return DayInterval(start: period.added(to: asOf, sign: -1).adding(days: 1), end: asOf)
            }
        case .since:
            guard case .date(let day) = start() else { return nil }
            return DayInterval(start: day, end: asOf)
        }
    }
}
