/// A length of calendar time written in a rule: `15 days`, `2 weeks`, `2 months`, `1 year`.
public struct Period: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The calendar unit of a period.
    public enum Unit: String, Sendable, Hashable, Codable {
        case days, weeks, months, years
    }

    /// How many units.
    public let amount: Int
    /// Which unit.
    public let unit: Unit

    /// Creates a period.
    public init(_ amount: Int, _ unit: Unit) {
        self.amount = amount
        self.unit = unit
    }

    /// Parses a unit word, singular or plural.
    static func unit(named word: String) -> Unit? {
        switch word {
        case "day", "days": .days
        case "week", "weeks": .weeks
        case "month", "months": .months
        case "year", "years": .years
        default: nil
        }
    }

    /// `15 days`, `1 year`.
    public var description: String {
        let word = amount == 1 ? String(unit.rawValue.dropLast()) : unit.rawValue
        return "\(amount) \(word)"
    }

    /// The day this period after `day` (before if `sign` is -1). Months and years clamp to the month's end.
    public func added(to day: Day, sign: Int = 1) -> Day {
        switch unit {
        case .days: day.adding(days: sign * amount)
        case .weeks: day.adding(days: sign * amount * 7)
        case .months: day.adding(months: sign * amount)
        case .years: day.adding(months: sign * amount * 12)
        }
    }

    /// A rough length in days, used only to compare periods with each other.
    var approximateDays: Int {
        switch unit {
        case .days: amount
        case .weeks: amount * 7
        case .months: amount * 30
        case .years: amount * 365
        }
    }
}
