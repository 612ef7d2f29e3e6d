import RulesEngine
import Testing

@Suite struct EvaluatorTests {
    private static let born = "2012-03-01"

    private func ruleSet(when condition: String, extra: String = "") throws -> CheckedRuleSet {
        try Fixtures.designRuleSet("""
            rule "T" {
              basis "test"
              group prevention_jeunesse
              when \(condition)
              notify coordinateur
              \(extra)
            }
            """)
    }

    private func absences(_ dates: [String], justified: Bool = false) -> [Record] {
        dates.enumerated().map { index, date in
            Record(id: "a\(index + 1)", kind: "absence",
                   fields: ["date": .date(day(date)), "demi_journee": .enumCase("matin"), "justifiee": .bool(justified)])
        }
    }

    private func fires(_ ruleSet: CheckedRuleSet, records: [Record], asOf: String, history: [PastAlert] = [],
                       subject: FieldValues = ["naissance": .date(day(born))]) -> Bool
    {
        let result = Evaluator(ruleSet: ruleSet).evaluate(
            subject: SubjectRecord(id: "s", fields: subject), records: records, history: history, asOf: day(asOf),
            only: ["T"])
        return !result.alerts.isEmpty
    }

    @Test func lastNDaysIncludesBothEnds() throws {
        let rules = try ruleSet(when: "count(absence, in last 30 days) >= 1")
        // 30 days ending on 2025-10-30: 2025-10-01 … 2025-10-30.
        #expect(fires(rules, records: absences(["2025-10-01"]), asOf: "2025-10-30"))
        #expect(!fires(rules, records: absences(["2025-09-30"]), asOf: "2025-10-30"))
        #expect(fires(rules, records: absences(["2025-10-30"]), asOf: "2025-10-30"))
    }

    @Test func recordsAfterTheEvaluationDateAreIgnored() throws {
        let rules = try ruleSet(when: "exists(absence)")
        #expect(!fires(rules, records: absences(["2025-10-31"]), asOf: "2025-10-30"))
        #expect(fires(rules, records: absences(["2025-10-31"]), asOf: "2025-10-31"))
    }

    @Test func lastNMonthsStartsTheDayAfterTheSameDateEarlier() throws {
        let rules = try ruleSet(when: "count(absence, in last 2 months) >= 1")
        // As of 2025-10-20: from 2025-08-21.
        #expect(fires(rules, records: absences(["2025-08-21"]), asOf: "2025-10-20"))
        #expect(!fires(rules, records: absences(["2025-08-20"]), asOf: "2025-10-20"))
        // As of 2025-04-30 (1 month): 2025-03-30 + 1 day = 2025-03-31.
        let oneMonth = try ruleSet(when: "count(absence, in last 1 month) >= 1")
        #expect(fires(oneMonth, records: absences(["2025-03-31"]), asOf: "2025-04-30"))
        #expect(!fires(oneMonth, records: absences(["2025-03-30"]), asOf: "2025-04-30"))
        // As of 2025-03-31: the same date a month earlier is 28 February, so the window starts 1 March.
        #expect(fires(oneMonth, records: absences(["2025-03-01"]), asOf: "2025-03-31"))
        #expect(!fires(oneMonth, records: absences(["2025-02-28"]), asOf: "2025-03-31"))
    }

    @Test func calendarMonthIsTheOneContainingTheEvaluationDate() throws {
        let rules = try ruleSet(when: "count(absence where not justifiee, in calendar_month) >= 4")
        let october = absences(["2025-10-01", "2025-10-02", "2025-10-03", "2025-10-31"])
        #expect(fires(rules, records: october, asOf: "2025-10-31"))
        #expect(!fires(rules, records: october, asOf: "2025-10-30"))
        let straddling = absences(["2025-09-30", "2025-10-01", "2025-10-02", "2025-10-03"])
        #expect(!fires(rules, records: straddling, asOf: "2025-10-31"))
        #expect(!fires(rules, records: absences(["2025-10-01", "2025-10-02", "2025-10-03", "2025-10-04"], justified: true),
                       asOf: "2025-10-31"))
    }

    @Test func schoolYearFollowsTheCalendarDeclaration() throws {
        let rules = try ruleSet(when: "count(absence, in school_year) >= 1")
        #expect(fires(rules, records: absences(["2025-09-01"]), asOf: "2026-08-31"))
        #expect(!fires(rules, records: absences(["2025-08-31"]), asOf: "2025-09-01"))
        let shifted = try Fixtures.designRuleSet("""
            calendar {
              school_year_start "08-25"
            }
            rule "T" {
              basis "test"
              group prevention_jeunesse
              when count(absence, in school_year) >= 1
              notify coordinateur
            }
            """)
        #expect(fires(shifted, records: absences(["2025-08-25"]), asOf: "2025-09-10"))
        #expect(!fires(shifted, records: absences(["2025-08-24"]), asOf: "2025-09-10"))
    }

    @Test func sinceStartsOnItsDateIncluded() throws {
        let rules = try ruleSet(when: "count(absence, in since 2025-10-10) >= 2")
        #expect(fires(rules, records: absences(["2025-10-10", "2025-10-11"]), asOf: "2025-10-20"))
        #expect(!fires(rules, records: absences(["2025-10-09", "2025-10-11"]), asOf: "2025-10-20"))
    }

    @Test func sixteenthBirthdayCountsOnItsDayAndLeapDayOnFirstMarch() throws {
        let rules = try ruleSet(when: "age < 16")
        #expect(fires(rules, records: [], asOf: "2028-02-29"))
        #expect(!fires(rules, records: [], asOf: "2028-03-01"))
        let leap: FieldValues = ["naissance": .date(day("2008-02-29"))]
        #expect(fires(rules, records: [], asOf: "2024-02-28", subject: leap))
        #expect(!fires(rules, records: [], asOf: "2024-02-29", subject: leap))
        let leapThirteen = try ruleSet(when: "age < 17")
        #expect(fires(leapThirteen, records: [], asOf: "2025-02-28", subject: leap))
        #expect(!fires(leapThirteen, records: [], asOf: "2025-03-01", subject: leap))
    }

    @Test func betweenIncludesBothEnds() throws {
        let rules = try ruleSet(when: "age between 16 and 17")
        #expect(!fires(rules, records: [], asOf: "2028-02-29"))
        #expect(fires(rules, records: [], asOf: "2028-03-01"))
        #expect(fires(rules, records: [], asOf: "2030-02-28"))
        #expect(!fires(rules, records: [], asOf: "2030-03-01"))
    }

    @Test func missingOptionalFieldMakesComparisonsFalseAndIsRevealedAbsent() throws {
        let rules = try ruleSet(when: "exists(absence)", extra: "reveal etablissement, last(absence).motif as motif")
        let equal = try ruleSet(when: "last(absence).motif == maladie")
        let notEqual = try ruleSet(when: "last(absence).motif != maladie")
        let records = absences(["2025-10-01"])
        #expect(!fires(equal, records: records, asOf: "2025-10-20"))
        #expect(!fires(notEqual, records: records, asOf: "2025-10-20"))
        let alert = try #require(Evaluator(ruleSet: rules).evaluate(
            subject: SubjectRecord(id: "s", fields: [:]), records: records, history: [], asOf: day("2025-10-20")).alerts.first)
        #expect(alert.revealed.map(\.value) == [.missing, .missing])
        #expect(alert.revealed.map(\.value.description) == ["absent", "absent"])
        #expect(!fires(try ruleSet(when: "age < 16"), records: [], asOf: "2025-10-20", subject: [:]))
    }

    @Test func lastPicksTheRecordWithTheLatestDate() throws {
        let rules = try ruleSet(when: "last(absence).demi_journee == apres_midi")
        let late = Record(id: "late", kind: "absence", fields: [
            "date": .date(day("2025-10-15")), "demi_journee": .enumCase("apres_midi"), "justifiee": .bool(false),
        ])
        let early = absences(["2025-10-01", "2025-10-10"])
        #expect(fires(rules, records: [late] + early, asOf: "2025-10-20"))
        #expect(!fires(rules, records: [late] + early, asOf: "2025-10-14"))
        let days = try ruleSet(when: "days_since(last(absence).date) == 5")
        #expect(fires(days, records: early + [late], asOf: "2025-10-20"))
    }

    @Test func deduplicationFollowsOncePer() throws {
        let monthly = try ruleSet(when: "exists(absence)", extra: "once per calendar_month")
        let records = absences(["2025-10-01"])
        let inOctober = [PastAlert(ruleID: "T", date: day("2025-10-02"), status: .closed)]
        #expect(!fires(monthly, records: records, asOf: "2025-10-20", history: inOctober))
        #expect(fires(monthly, records: records, asOf: "2025-11-01", history: inOctober))
        let byDefault = try ruleSet(when: "exists(absence)")
        #expect(!fires(byDefault, records: records, asOf: "2025-11-20",
                       history: [PastAlert(ruleID: "T", date: day("2025-10-02"), status: .acknowledged)]))
        #expect(fires(byDefault, records: records, asOf: "2025-11-20",
                      history: [PastAlert(ruleID: "T", date: day("2025-10-02"), status: .closed)]))
        let rolling = try ruleSet(when: "exists(absence)", extra: "once per 30 days")
        #expect(!fires(rolling, records: records, asOf: "2025-10-31", history: inOctober))
        #expect(fires(rolling, records: records, asOf: "2025-11-01", history: inOctober))
    }

    @Test func alertHistoryCountsForEscalation() throws {
        let rules = try ruleSet(when: "alerts(\"ABS-4DJ\", in last 2 months) >= 2 and not open_alert(\"ABS-4DJ\")")
        let history = [
            PastAlert(ruleID: "ABS-4DJ", date: day("2025-09-05"), status: .closed),
            PastAlert(ruleID: "ABS-4DJ", date: day("2025-10-06"), status: .closed),
        ]
        #expect(fires(rules, records: [], asOf: "2025-10-20", history: history))
        #expect(!fires(rules, records: [], asOf: "2025-11-06", history: history))
        let reopened = history + [PastAlert(ruleID: "ABS-4DJ", date: day("2025-10-07"), status: .open)]
        #expect(!fires(rules, records: [], asOf: "2025-10-20", history: reopened))
    }

    @Test func alertExplainsEveryConditionWithItsRecords() throws {
        let ruleSet = try Fixtures.designRuleSet()
        let records = absences(["2025-10-06", "2025-10-07", "2025-10-13", "2025-10-14", "2025-09-30"])
        let result = Evaluator(ruleSet: ruleSet).evaluate(
            subject: SubjectRecord(id: "s", fields: ["naissance": .date(day(Self.born)), "etablissement": .text("Collège")]),
            records: records, history: [], asOf: day("2025-10-20"))
        let alert = try #require(result.alerts.first)
        #expect(alert.ruleID == "ABS-4DJ")
        #expect(alert.followUp == day("2025-11-04"))
        #expect(alert.audience == ["education_nationale", "coordinateur"])
        #expect(alert.revealed.map(\.name) == ["etablissement", "demi_journees"])
        #expect(alert.revealed.map(\.value) == [.text("Collège"), .int(4)])
        #expect(alert.evidence.count == 2)
        let count = alert.evidence[1]
        #expect(count.expression == "count(absence where not justifiee, in calendar_month) >= 4")
        #expect(count.comparison == "4 >= 4")
        #expect(count.window?.start == day("2025-10-01"))
        #expect(count.window?.end == day("2025-10-20"))
        #expect(count.recordIDs == ["a1", "a2", "a3", "a4"])
    }

    @Test func arithmeticOverflowIsAnEvaluationErrorNotACrash() throws {
        let rules = try ruleSet(when: "count(absence) + 9223372036854775807 > 0")
        let result = Evaluator(ruleSet: rules).evaluate(
            subject: SubjectRecord(id: "s", fields: [:]), records: absences(["2025-10-01"]), history: [],
            asOf: day("2025-10-20"), only: ["T"])
        #expect(result.alerts.isEmpty)
        #expect(result.errors.map(\.ruleID) == ["T"])
        #expect(result.errors.first?.location == "extra1.vigie:1")
    }

    /// Counts which kinds an evaluation asks for.
    private final class CountingSource: RecordSource {
        let records: [Record]
        var asked: [String] = []
        init(_ records: [Record]) { self.records = records }
        func records(ofKind kind: String) -> [Record] {
            asked.append(kind)
            return records.filter { $0.kind == kind }
        }
    }

    private struct Unreadable: Error, Equatable {
        let kind: String
    }

    /// A source that cannot give any record (the vault's: a record that does not authenticate).
    private struct FailingSource: RecordSource {
        func records(ofKind kind: String) throws(Unreadable) -> [Record] { throw Unreadable(kind: kind) }
    }

    /// A source's failure stops the subject's evaluation with that failure: it is no rule's error, and no result
    /// is given; a subject whose conditions never reach the records is evaluated as usual.
    @Test func aSourceThatCannotReadStopsTheSubjectWithItsOwnFailure() throws {
        let rules = try ruleSet(when: "age < 16 and count(absence, in calendar_month) >= 2")
        let evaluator = Evaluator(ruleSet: rules)
        let young = SubjectRecord(id: "s", fields: ["naissance": .date(day(Self.born))])
        #expect(throws: Unreadable(kind: "absence")) {
            _ = try evaluator.evaluate(subject: young, source: FailingSource(), history: [], asOf: day("2026-03-20"), only: ["T"])
        }
        let older = SubjectRecord(id: "s", fields: ["naissance": .date(day("2009-01-01"))])
        let result = try evaluator.evaluate(subject: older, source: FailingSource(), history: [], asOf: day("2026-03-20"), only: ["T"])
        #expect(result.alerts.isEmpty && result.errors.isEmpty)
    }

    @Test func recordsAreReadOnlyWhenAConditionNeedsThemAndOnceEach() throws {
        let rules = try ruleSet(when: "age < 16 and count(absence, in calendar_month) >= 2",
                                extra: "reveal count(absence, in calendar_month) as n")
        let evaluator = Evaluator(ruleSet: rules)
        let march = absences(["2026-03-02", "2026-03-03"])
        // Born 2012-03-01: 14 on 2026-03-20, the condition reads the absences (once, though twice in the rule).
        let young = CountingSource(march)
        let fired = evaluator.evaluate(subject: SubjectRecord(id: "s", fields: ["naissance": .date(day(Self.born))]),
                                       source: young, history: [], asOf: day("2026-03-20"), only: ["T"])
        #expect(fired.alerts.first?.revealed.first?.value == .int(2))
        #expect(young.asked == ["absence"])
        // Born 2009: 17, the first condition fails and the absences are never asked for.
        let older = CountingSource(march)
        let silent = evaluator.evaluate(subject: SubjectRecord(id: "s", fields: ["naissance": .date(day("2009-01-01"))]),
                                        source: older, history: [], asOf: day("2026-03-20"), only: ["T"])
        #expect(silent.alerts.isEmpty)
        #expect(older.asked.isEmpty)
    }

    @Test func anAlertCarriesTheSameExplanationAsTheConditionAlone() throws {
        let rules = try ruleSet(when: "age < 16 and not exists(absence where justifiee, in calendar_month) and count(absence, in calendar_month) >= 2")
        let subject = SubjectRecord(id: "s", fields: ["naissance": .date(day(Self.born))])
        let records = absences(["2026-03-02", "2026-03-03"])
        let evaluator = Evaluator(ruleSet: rules)
        let alert = try #require(evaluator.evaluate(subject: subject, records: records, history: [], asOf: day("2026-03-20"),
                                                    only: ["T"]).alerts.first)
        let explained = evaluator.explain(rule: "T", subject: subject, records: records, history: [], asOf: day("2026-03-20"))
        #expect(alert.evidence.map { $0.description } == explained.map { $0.description })
        #expect(alert.evidence.last?.recordIDs == ["a1", "a2"])
    }
}
