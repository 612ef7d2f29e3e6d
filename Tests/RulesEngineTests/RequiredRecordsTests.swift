import RulesEngine
import Testing

/// The records a rule needs before it can fire: what lets an evaluation leave other subjects sealed.
@Suite struct RequiredRecordsTests {
    private func needs(_ condition: String) throws -> [String: Int] {
        let ruleSet = try Fixtures.designRuleSet("""
            rule "TEST-NEEDS" {
              basis "test"
              group prevention_jeunesse
              when \(condition)
              notify coordinateur
            }
            """)
        return try #require(ruleSet.rule("TEST-NEEDS")).requiredRecords
    }

    @Test func countsAndExistsNeedRecords() throws {
        #expect(try needs("age < 16 and count(absence where not justifiee, in calendar_month) >= 4") == ["absence": 4])
        #expect(try needs("count(absence) > 2") == ["absence": 3])
        #expect(try needs("count(absence) == 5") == ["absence": 5])
        #expect(try needs("4 <= count(absence)") == ["absence": 4])
        #expect(try needs("exists(sanction where type == blame)") == ["sanction": 1])
        #expect(try needs("exists(sanction) and count(absence) >= 2") == ["sanction": 1, "absence": 2])
    }

    @Test func orKeepsOnlyWhatBothSidesNeed() throws {
        #expect(try needs("count(absence) >= 4 or count(absence) >= 2") == ["absence": 2])
        #expect(try needs("count(absence) >= 4 or exists(sanction)") == [:])
    }

    @Test func negationsUpperBoundsAndAgeNeedNothing() throws {
        #expect(try needs("not exists(sanction)") == [:])
        #expect(try needs("count(absence) < 3") == [:])
        #expect(try needs("count(absence) >= 0") == [:])
        #expect(try needs("age >= 16") == [:])
    }

    @Test func aSubjectShortOfTheRecordsCannotFire() throws {
        let rule = try #require(try Fixtures.designRuleSet().rule("ABS-4DJ"))
        #expect(!rule.couldFire(recordCounts: ["absence": 3, "sanction": 9]))
        #expect(rule.couldFire(recordCounts: ["absence": 4]))
        #expect(rule.kinds == ["absence"])
    }
}
