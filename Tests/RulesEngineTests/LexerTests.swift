import RulesEngine
import Testing

@Suite struct LexerTests {
    private func check(_ rule: String) throws -> RuleSet.CheckResult {
        try Fixtures.check(rule)
    }

    private func rule(when condition: String) -> String {
        """
        rule "T" {
          basis "test"
          group prevention_jeunesse
          when \(condition)
          notify coordinateur
        }
        """
    }

    @Test func commentsDatesDurationsAndEscapedStringsCheck() throws {
        let source = """
            # a comment line
            rule "T" {  # trailing comment
              title "Guillemets \\"échappés\\", barre \\\\ et saut\\nde ligne"
              basis "test"
              group prevention_jeunesse
              when today - 2025-09-01 >= 30 and today <= 2025-09-01 + 2 months and count(absence, in last 1 day) >= 1
              notify coordinateur
              follow_up 1 week
            }
            """
        let result = try check(source)
        #expect(result.errors.isEmpty, "\(result.errors.map(\.message))")
        let rule = try #require(result.ruleSet?.rule("T"))
        #expect(rule.title == "Guillemets \"échappés\", barre \\ et saut\nde ligne")
        #expect(rule.followUp == Period(1, .weeks))
    }

    @Test func unterminatedStringPointsAtOpeningQuote() throws {
        let result = try check("label x { title \"jamais fermée }\n")
        let diagnostic = try #require(result.errors.first)
        #expect(diagnostic.code == .unterminatedString)
        #expect(result.underlined(diagnostic) == "\"")
        #expect(result.line(of: diagnostic) == 1)
    }

    @Test func invalidEscapeIsReported() throws {
        let result = try check("label x { title \"a\\tb\" }\n")
        let diagnostic = try #require(result.errors.first)
        #expect(diagnostic.code == .invalidEscape)
        #expect(result.underlined(diagnostic) == "\\t")
    }

    @Test(arguments: ["2025-02-30", "2025-13-01", "2025-1-01"])
    func impossibleDatesAreRejected(literal: String) throws {
        let result = try check(rule(when: "today > \(literal)"))
        let diagnostic = try #require(result.errors.first)
        #expect(diagnostic.code == .invalidDate || diagnostic.code == .expectedToken)
        #expect(result.underlined(diagnostic).hasPrefix(String(literal.prefix(4))))
    }

    @Test func unexpectedCharacterIsUnderlinedWhole() throws {
        let result = try check(rule(when: "age < 16 € 3"))
        let diagnostic = try #require(result.errors.first)
        #expect(diagnostic.code == .unexpectedCharacter)
        #expect(result.underlined(diagnostic) == "€")
    }

    @Test func uppercaseIdentifierSuggestsLowercase() throws {
        let result = try check(rule(when: "Age < 16"))
        let diagnostic = try #require(result.errors.first { $0.code == .uppercaseIdentifier })
        #expect(result.underlined(diagnostic) == "Age")
        #expect(diagnostic.help?.contains("'age'") == true)
    }

    @Test func singleEqualsIsReportedOnceAndReadAsComparison() throws {
        let result = try check(rule(when: "age = 16"))
        #expect(result.errors.map(\.code) == [.unexpectedCharacter])
        #expect(result.errors.first?.help == "write '==' to compare")
    }
}
