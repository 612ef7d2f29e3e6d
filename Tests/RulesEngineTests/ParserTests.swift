import Foundation
import RulesEngine
import Testing

@Suite struct ParserTests {
    @Test func designExampleParsesAndChecks() throws {
        let ruleSet = try Fixtures.designRuleSet()
        #expect(ruleSet.roles.keys.sorted() == ["auditeur", "coordinateur", "education_nationale"])
        #expect(ruleSet.roles["auditeur"]?.audits == true)
        #expect(ruleSet.roles["coordinateur"]?.contributes == ["absence", "mesure_judiciaire", "sanction"])
        #expect(ruleSet.roles["coordinateur"]?.manages == [.rules, .tokens, .subjects])
        #expect(ruleSet.subject.fields.filter(\.identifying).map(\.name) == ["nom", "prenom", "naissance", "ine"])
        #expect(ruleSet.subject.retention == [.untilAge(25)])
        #expect(ruleSet.kinds["absence"]?.retention == [.untilSchoolYearEnd(atAge: 16)])
        #expect(ruleSet.kinds["mesure_judiciaire"]?.retention == [.after(Period(3, .years), field: "date")])
        #expect(ruleSet.kinds["absence"]?.field(named: "motif")?.optional == true)
        let rule = try #require(ruleSet.rule("ABS-4DJ"))
        #expect(rule.severity == .high)
        #expect(rule.audience == ["education_nationale", "coordinateur"])
        #expect(rule.revealedNames == ["etablissement", "demi_journees"])
        #expect(rule.followUp == Period(15, .days))
        #expect(rule.deduplication == .calendarMonth)
        #expect(rule.labels == ["confidentiel"])
    }

    @Test func everyErrorOfAFileIsReportedAndParsingResumes() throws {
        let text = try Fixtures.text("broken/recovery.vigie")
        let result = try Fixtures.check(text)
        let expected = markers(in: text)
        let reported = Set(result.errors.filter { $0.range.file == 1 }.map { Marker(line: result.line(of: $0), code: $0.code.rawValue) })
        #expect(reported == expected)
    }

    @Test func unknownDeclarationSkipsToTheNextOne() throws {
        let result = try Fixtures.check("""
            regle "X" { basis "a" }
            group vif { title "Violences intrafamiliales" }
            """)
        #expect(result.errors.map(\.code) == [.unknownDeclaration])
    }

    @Test func itemGivenTwiceIsReported() throws {
        let result = try Fixtures.check("""
            rule "T" {
              basis "a"
              basis "b"
              group prevention_jeunesse
              when age < 16
              notify coordinateur
            }
            """)
        let diagnostic = try #require(result.errors.first)
        #expect(diagnostic.code == .duplicateItem)
        #expect(result.line(of: diagnostic) == 3)
    }

    @Test func unknownItemSuggestsTheClosest() throws {
        let result = try Fixtures.check("""
            rule "T" {
              basis "a"
              group prevention_jeunesse
              when age < 16
              notfy coordinateur
            }
            """)
        let diagnostic = try #require(result.errors.first { $0.code == .unknownItem })
        #expect(result.underlined(diagnostic) == "notfy")
        #expect(diagnostic.help == "did you mean 'notify'?")
    }

    @Test func windowWithoutInGetsAHint() throws {
        let result = try Fixtures.check("""
            rule "T" {
              basis "a"
              group prevention_jeunesse
              when count(absence, last 30 days) >= 1
              notify coordinateur
            }
            """)
        let diagnostic = try #require(result.errors.first)
        #expect(diagnostic.code == .expectedToken)
        #expect(result.underlined(diagnostic) == "last")
        #expect(diagnostic.help?.contains(", in last") == true)
    }

    @Test func sinceMayStandWithoutIn() throws {
        let ruleSet = try Fixtures.designRuleSet("""
            rule "T" {
              basis "a"
              group prevention_jeunesse
              when count(absence, since 2025-09-01) == count(absence, in since 2025-09-01)
              notify coordinateur
            }
            """)
        #expect(ruleSet.rule("T") != nil)
    }

    @Test func misspeltItemIsNotAlsoReportedMissing() throws {
        let result = try Fixtures.check("""
            rule "T" {
              basis "a"
              group prevention_jeunesse
              when age < 16
              notfy coordinateur
            }
            """)
        #expect(result.errors.map(\.code) == [.unknownItem])
    }

    @Test func reservedWordCannotNameAField() throws {
        let result = try Fixtures.check("kind note {\n  label confidentiel\n  field age: int\n}\n")
        let diagnostic = try #require(result.errors.first)
        #expect(diagnostic.message == "expected a field name, found reserved word 'age'")
        #expect(result.underlined(diagnostic) == "age")
    }

    @Test func nonPositiveDurationPointsAtItself() throws {
        let result = try Fixtures.check("""
            rule "T" {
              basis "a"
              group prevention_jeunesse
              when age < 16
              notify coordinateur
              follow_up 0 days
            }
            """)
        let diagnostic = try #require(result.errors.first)
        #expect(diagnostic.code == .invalidValue)
        #expect(result.underlined(diagnostic) == "0 days")
    }

    @Test func precedenceBindsAndTighterThanOr() throws {
        // With 'and' binding tighter, 'true or false and false' is true.
        let ruleSet = try Fixtures.designRuleSet("""
            rule "P" {
              basis "a"
              group prevention_jeunesse
              when age > 100 or age < 100 and not age == 13
              notify coordinateur
            }
            """)
        let evaluator = Evaluator(ruleSet: ruleSet)
        let subject = SubjectRecord(id: "s", fields: ["naissance": .date(day("2012-03-01"))])
        let at13 = evaluator.evaluate(subject: subject, records: [], history: [], asOf: day("2025-10-20"), only: ["P"])
        let at14 = evaluator.evaluate(subject: subject, records: [], history: [], asOf: day("2026-03-01"), only: ["P"])
        #expect(at13.alerts.isEmpty)
        #expect(at14.alerts.count == 1)
    }
}

/// An expected diagnostic: `# error: CODE` at the end of a line.
struct Marker: Hashable {
    let line: Int
    let code: String
}

func markers(in text: String) -> Set<Marker> {
    var found: Set<Marker> = []
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        guard let range = line.range(of: "# error: ") else { continue }
        found.insert(Marker(line: index + 1, code: String(line[range.upperBound...].prefix(6))))
    }
    return found
}
