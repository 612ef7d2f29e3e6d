import Testing
@testable import RulesEngine

/// `retain` deadlines (docs/LANGUAGE.md 4.7): the day each clause destroys a record, the earliest winning.
@Suite struct RetentionTests {
    private let born = day("2010-05-15")
    private let calendar = SchoolCalendar.france

    private func deadline(_ clause: Retention, _ fields: FieldValues = [:], birth: Day? = nil) -> Day? {
        clause.deadline(fields: fields, birth: birth ?? born, calendar: calendar)
    }

    @Test func eachClauseGivesItsDay() {
        #expect(deadline(.untilAge(25)) == day("2035-05-15"))
        // The school year containing the record's date ends on 31 August: destroyed on 1 September.
        #expect(deadline(.untilSchoolYearEnd(atAge: nil), ["date": .date(day("2025-10-06"))]) == day("2026-09-01"))
        #expect(deadline(.untilSchoolYearEnd(atAge: nil), ["date": .date(day("2026-08-31"))]) == day("2026-09-01"))
        #expect(deadline(.untilSchoolYearEnd(atAge: nil), ["date": .date(day("2026-09-01"))]) == day("2027-09-01"))
        // Turning 16 on 15 May 2026: the end of that school year.
        #expect(deadline(.untilSchoolYearEnd(atAge: 16)) == day("2026-09-01"))
        #expect(deadline(.after(Period(3, .years), field: "date_fin"), ["date_fin": .date(day("2025-02-10"))])
                == day("2028-02-10"))
    }

    /// A 29 February birthday falls on 1 March in common years, as `age` counts: not a day early.
    @Test func aLeapDayBirthdayIsTheFirstOfMarchInCommonYears() {
        let leap = day("2008-02-29")
        #expect(Retention.untilAge(18).deadline(fields: [:], birth: leap, calendar: calendar) == day("2026-03-01"))
        #expect(day("2026-02-28").age(bornOn: leap) == 17 && day("2026-03-01").age(bornOn: leap) == 18)
        #expect(Retention.untilAge(16).deadline(fields: [:], birth: leap, calendar: calendar) == day("2024-02-29"))
        // A school year starting on 1 March: turning 18 on 1 March 2026 is in the school year 2026-27.
        let march = SchoolCalendar(startMonth: 3, startDay: 1)
        #expect(Retention.untilSchoolYearEnd(atAge: 18).deadline(fields: [:], birth: leap, calendar: march) == day("2027-03-01"))
    }

    @Test func aClauseWithoutItsDateGivesNone() {
        #expect(deadline(.after(Period(1, .years), field: "date"), [:]) == nil)
        #expect(deadline(.untilSchoolYearEnd(atAge: nil), ["date": .text("2025-10-06")]) == nil)
        #expect(Retention.untilAge(25).deadline(fields: [:], birth: nil, calendar: calendar) == nil)
    }

    @Test func theEarliestDeadlineWins() {
        let shape = RecordShape(name: "incident", title: nil, label: "ordre_public", fields: [],
                                retention: [.after(Period(3, .years), field: "date"), .untilAge(25)])
        // Three years after an incident at 23 come after the 25th birthday: the birthday wins.
        #expect(shape.retentionDeadline(fields: ["date": .date(day("2033-06-01"))], birth: born, calendar: calendar)
                == day("2035-05-15"))
        #expect(shape.retentionDeadline(fields: ["date": .date(day("2025-06-01"))], birth: born, calendar: calendar)
                == day("2028-06-01"))
        let kept = RecordShape(name: "k", title: nil, label: "l", fields: [], retention: [])
        #expect(kept.retentionDeadline(fields: [:], birth: born, calendar: calendar) == nil)
    }
}
