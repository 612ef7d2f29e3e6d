import RulesEngine
import Testing

@Suite struct DayTests {
    @Test(arguments: ["1970-01-01", "2000-02-29", "2024-12-31", "2025-03-01", "1899-07-14", "9999-12-31"])
    func isoRoundTrip(text: String) {
        #expect(Day(iso: text)?.description == text)
    }

    @Test(arguments: ["2026-+1-05", "2026-01-5 ", "2026-1-05", "20260105", "2026-01-05x", "-026-01-05", "2026-13-01",
                      "2025-02-29", "", "２０２６-01-05"])
    func malformedOrImpossibleDatesAreRefused(text: String) {
        #expect(Day(iso: text) == nil)
    }

    @Test func ordinalsAreConsecutiveAcrossLeapDays() {
        #expect(day("2024-03-01").days(since: day("2024-02-28")) == 2)
        #expect(day("2025-03-01").days(since: day("2025-02-28")) == 1)
        #expect(day("1970-01-01").ordinal == 0)
    }

    @Test(arguments: [
        ("2012-03-01", "2025-02-28", 12), ("2012-03-01", "2025-03-01", 13),  // birthday counts on its day
        ("2008-02-29", "2025-02-28", 16), ("2008-02-29", "2025-03-01", 17),  // 29 February: 1 March in common years
        ("2008-02-29", "2024-02-28", 15), ("2008-02-29", "2024-02-29", 16),  // and on its day in leap years
        ("2010-12-31", "2026-12-30", 15), ("2010-12-31", "2026-12-31", 16),
    ])
    func ageInWholeYears(birth: String, on date: String, expected: Int) {
        #expect(day(date).age(bornOn: day(birth)) == expected)
    }

    @Test(arguments: [
        ("2025-03-31", -1, "2025-02-28"), ("2024-03-31", -1, "2024-02-29"), ("2025-01-31", 1, "2025-02-28"),
        ("2025-10-20", -2, "2025-08-20"), ("2025-01-15", -13, "2023-12-15"),
    ])
    func addingMonthsClampsToTheMonthEnd(start: String, months: Int, expected: String) {
        #expect(day(start).adding(months: months) == day(expected))
    }

    @Test func schoolYearRunsFromSeptemberToAugust() {
        let calendar = SchoolCalendar.france
        #expect(calendar.schoolYearStart(containing: day("2025-10-20")) == day("2025-09-01"))
        #expect(calendar.schoolYearStart(containing: day("2026-08-31")) == day("2025-09-01"))
        #expect(calendar.schoolYearStart(containing: day("2025-09-01")) == day("2025-09-01"))
        #expect(calendar.schoolYearEnd(containing: day("2025-09-01")) == day("2026-08-31"))
        let overseas = SchoolCalendar(startMonth: 8, startDay: 20)
        #expect(overseas.schoolYearStart(containing: day("2025-08-19")) == day("2024-08-20"))
    }
}
