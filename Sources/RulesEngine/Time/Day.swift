/// A civil date (year, month, day) in the proleptic Gregorian calendar, with no time and no time zone.
///
/// Rules speak in days: an absence is a demi-journée of a given date, a window is a set of dates. Using
/// civil dates rather than instants keeps evaluation independent of time zones and daylight saving.
public struct Day: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before).
    public let ordinal: Int

    /// Creates a day from its ordinal (days since 1970-01-01).
    public init(ordinal: Int) { self.ordinal = ordinal }

    /// Creates a day from year, month and day, or `nil` if that date does not exist.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Day.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.ordinal = Day.ordinal(year: year, month: month, day: day)
    }

    /// Parses `YYYY-MM-DD`, or returns `nil`.
    @inlinable
    public init?(iso text: some StringProtocol) {
        self.init(isoBytes: text.utf8)
    }

    /// Parses the UTF-8 bytes of `YYYY-MM-DD`, or returns `nil`: what `init(iso:)` reads, without a string.
    /// Inlinable, so that callers in other modules (the vault reads every record's date) get it specialized.
    @inlinable
    public init?(isoBytes bytes: some Sequence<UInt8>) {
        // Exactly ten bytes: four digits, '-', two digits, '-', two digits.
        var fields = (year: 0, month: 0, day: 0)
        var count = 0
        for byte in bytes {
            count += 1
            if count == 5 || count == 8 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte), count <= 10 else { return nil }
            let digit = Int(byte - UInt8(ascii: "0"))
            switch count {
            case 1...4: fields.year = fields.year * 10 + digit
            case 6, 7: fields.month = fields.month * 10 + digit
            default: fields.day = fields.day * 10 + digit
            }
        }
        guard count == 10 else { return nil }
        self.init(year: fields.year, month: fields.month, day: fields.day)
    }

    /// The year, month and day.
    public var components: (year: Int, month: Int, day: Int) {
        // Howard Hinnant's civil_from_days.
        let z = ordinal + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        let (year, month, day) = components
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public static func < (lhs: Day, rhs: Day) -> Bool { lhs.ordinal < rhs.ordinal }

    /// The day `count` days later (earlier if negative).
    public func adding(days count: Int) -> Day { Day(ordinal: ordinal + count) }

    /// The same day of the month `count` months later (earlier if negative); a day that the target month
    /// lacks (31 April, 29 February in a common year) becomes that month's last day.
    public func adding(months count: Int) -> Day {
        let (year, month, day) = components
        let index = year * 12 + (month - 1) + count
        let newYear = index / 12
        let newMonth = index % 12 + 1
        let clamped = min(day, Day.daysIn(month: newMonth, year: newYear))
        return Day(ordinal: Day.ordinal(year: newYear, month: newMonth, day: clamped))
    }

    /// The number of days from `other` to `self`.
    public func days(since other: Day) -> Int { ordinal - other.ordinal }

    /// Whole years from `birth` to `self`. A birthday counts on its day; a 29 February birthday counts
    /// on 1 March in common years.
    public func age(bornOn birth: Day) -> Int {
        let now = components
        let born = birth.components
        var years = now.year - born.year
        // Comparing (month, day) pairs makes 28 February < 29 February and 1 March > 29 February,
        // so a leap-day birthday falls on 1 March in common years.
        if (now.month, now.day) < (born.month, born.day) { years -= 1 }
        return years
    }

    /// The day someone born on this day turns `years`, as `age(bornOn:)` counts: a 29 February birthday falls on
    /// 1 March in common years.
    public func birthday(turning years: Int) -> Day {
        let (year, month, day) = components
        return Day(year: year + years, month: month, day: day) ?? Day(ordinal: Self.ordinal(year: year + years, month: 3, day: 1))
    }

    /// The first day of this day's month.
    public var firstOfMonth: Day {
        let (year, month, _) = components
        return Day(ordinal: Day.ordinal(year: year, month: month, day: 1))
    }

    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func ordinal(year: Int, month: Int, day: Int) -> Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

private func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
