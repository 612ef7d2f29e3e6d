extension Retention {
    /// The day this clause destroys a record (or, for the subject's shape, the whole file): the record is kept
    /// until the day before. `fields` are the record's typed values (the subject's for the subject's shape), `birth`
    /// the subject's birth date. `nil` when the clause cannot apply: its date field is absent, or the birth date.
    public func deadline(fields: FieldValues, birth: Day?, calendar: SchoolCalendar) -> Day? {
        switch self {
        case .untilAge(let age):
            return birth?.birthday(turning: age)
        case .untilSchoolYearEnd(atAge: nil):
            guard case .date(let date)? = fields["date"] else { return nil }
            return calendar.schoolYearEnd(containing: date).adding(days: 1)
        case .untilSchoolYearEnd(atAge: let age?):
            guard let birthday = birth?.birthday(turning: age) else { return nil }
            return calendar.schoolYearEnd(containing: birthday).adding(days: 1)
        case .after(let period, let field):
            guard case .date(let date)? = fields[field] else { return nil }
            return period.added(to: date)
        }
    }
}

extension RecordShape {
    /// The earliest deadline of the shape's `retain` clauses ("the earliest one wins"); `nil` when none applies.
    public func retentionDeadline(fields: FieldValues, birth: Day?, calendar: SchoolCalendar) -> Day? {
        retention.compactMap { $0.deadline(fields: fields, birth: birth, calendar: calendar) }.min()
    }
}
