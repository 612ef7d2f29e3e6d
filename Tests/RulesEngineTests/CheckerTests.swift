import RulesEngine
import Testing

@Suite struct CheckerTests {
    static let brokenFiles = [
        "unknown-field", "wrong-enum-case", "type-mismatch", "missing-basis", "unterminated-string", "duplicate-id",
        "flow", "window-without-date", "contribution-flow", "recovery",
    ]

    /// Each broken file, checked with the design rule set, reports exactly the diagnostics its `# error:` markers
    /// name, on their lines.
    @Test(arguments: brokenFiles)
    func brokenFileReportsItsMarkedErrors(name: String) throws {
        let text = try Fixtures.text("broken/\(name).vigie")
        let result = try Fixtures.check(text)
        let reported = Set(result.errors.map { Marker(line: result.line(of: $0), code: $0.code.rawValue) })
        #expect(reported == markers(in: text))
        #expect(result.errors.allSatisfy { $0.range.file == 1 })
        #expect(result.ruleSet == nil)
    }

    private func rule(when condition: String, notify: String = "coordinateur", extra: String = "") -> String {
        """
        rule "T" {
          basis "test"
          group prevention_jeunesse
          when \(condition)
          notify \(notify)
          \(extra)
        }
        """
    }

    @Test func flowErrorNamesRoleLabelAndExpression() throws {
        let result = try Fixtures.check(rule(when: "age < 18 and last(mesure_judiciaire).statut == en_cours",
                                              notify: "education_nationale, coordinateur"))
        let diagnostic = try #require(result.errors.first)
        #expect(result.errors.count == 1)
        #expect(diagnostic.code == .informationFlow)
        #expect(diagnostic.message.contains("'education_nationale'"))
        #expect(diagnostic.message.contains("'judiciaire'"))
        #expect(result.underlined(diagnostic) == "last(mesure_judiciaire).statut")
        #expect(diagnostic.notes.map(\.message) == ["'education_nationale' is notified here"])
        #expect(diagnostic.help?.contains("declassify judiciaire to education_nationale") == true)
    }

    @Test func revealedValuesCarryLabelsToo() throws {
        let result = try Fixtures.check(rule(
            when: "age < 16", notify: "education_nationale",
            extra: "reveal last(mesure_judiciaire).type as mesure"))
        let diagnostic = try #require(result.errors.first)
        #expect(diagnostic.code == .informationFlow)
        #expect(result.underlined(diagnostic) == "last(mesure_judiciaire).type")
    }

    @Test func declassifyWithReasonLetsTheRuleThroughAndIsRecorded() throws {
        let ruleSet = try Fixtures.designRuleSet(rule(
            when: "exists(mesure_judiciaire where statut == en_cours)", notify: "education_nationale",
            extra: "declassify judiciaire to education_nationale because \"test: aménagement de scolarité\""))
        let rule = try #require(ruleSet.rule("T"))
        let declassification = try #require(rule.declassifications.first)
        #expect(declassification.label == "judiciaire")
        #expect(declassification.roles == ["education_nationale"])
        #expect(declassification.reason == "test: aménagement de scolarité")
        #expect(rule.labels == ["judiciaire"])
    }

    @Test func unneededDeclassifyIsAWarning() throws {
        let result = try Fixtures.check(rule(
            when: "age < 16", notify: "education_nationale",
            extra: "declassify judiciaire to education_nationale because \"inutile\""))
        #expect(result.errors.isEmpty)
        let warning = try #require(result.diagnostics.first)
        #expect(warning.code == .unneededDeclassify)
        #expect(warning.severity == .warning)
        #expect(result.ruleSet?.warnings.count == 1)
    }

    @Test func labelsFlowThroughAlertHistory() throws {
        let judicial = """
            rule "J" {
              basis "test"
              group prevention_jeunesse
              when exists(mesure_judiciaire)
              notify coordinateur
            }
            """
        let result = try Fixtures.check(judicial, rule(when: "alerts(\"J\", in last 6 months) >= 1",
                                                        notify: "education_nationale"))
        let diagnostic = try #require(result.errors.first)
        #expect(diagnostic.code == .informationFlow)
        #expect(diagnostic.message.contains("alerts of rule 'J'"))
    }

    @Test(arguments: [
        ("count(absence where justifiee) >= true", DiagnosticCode.typeMismatch, "count(absence where justifiee) >= true"),
        ("sum(absence.justifiee) >= 1", .typeMismatch, "justifiee"),
        ("count(absence) + 2025-01-01 > 1", .typeMismatch, "count(absence) + 2025-01-01"),
        ("age", .typeMismatch, "age"),
        ("exists(absance)", .unknownName, "absance"),
        ("open_alert(\"NOPE\")", .unknownName, "\"NOPE\""),
        ("last(absence).heure == 1", .unknownField, "heure"),
        ("last(absence) == 1", .typeMismatch, "last(absence) == 1"),
        ("count(absence, in last 0 days) > 1", .invalidValue, "last 0 days"),
        ("last(absence).motif in { maladie, grippe }", .unknownEnumCase, "grippe"),
        ("age between 10 and 2025-01-01", .typeMismatch, "2025-01-01"),
        ("etablissement < \"b\"", .typeMismatch, "etablissement < \"b\""),
        ("frobnicate(absence) > 1", .unknownName, "frobnicate"),
    ])
    func expressionErrors(condition: String, code: DiagnosticCode, underlined: String) throws {
        let result = try Fixtures.check(rule(when: condition))
        let diagnostic = try #require(result.errors.first, "no error for \(condition)")
        #expect(diagnostic.code == code)
        #expect(result.underlined(diagnostic) == underlined)
    }

    @Test func unknownNamesSuggestTheClosestDeclaration() throws {
        let result = try Fixtures.check(rule(when: "count(absence where not justifie) >= 4", notify: "coordinateure"))
        // Only the two typos: the misspelt role is not also a flow error.
        #expect(result.errors.map(\.help) == ["did you mean 'justifiee'?", "did you mean 'coordinateur'?"])
    }

    @Test func missingRuleItemsAreEachReported() throws {
        let result = try Fixtures.check("rule \"EMPTY\" {\n  title \"vide\"\n}\n")
        #expect(result.errors.map(\.message) == [
            "rule 'EMPTY' has no 'basis'", "rule 'EMPTY' has no 'group'", "rule 'EMPTY' has no 'when'",
            "rule 'EMPTY' has no 'notify'",
        ])
    }

    @Test func duplicateDeclarationPointsAtTheFirst() throws {
        let result = try Fixtures.check("label judiciaire { title \"encore\" }\n")
        let diagnostic = try #require(result.errors.first)
        #expect(diagnostic.code == .duplicateDeclaration)
        #expect(diagnostic.notes.first?.message == "first declared here")
        #expect(diagnostic.notes.first?.range.file == 0)
    }

    @Test func ruleSetWithoutSubjectIsRefused() {
        let result = RuleSet.check([SourceFile(path: "p.vigie", text: "label a { title \"A\" }\n")])
        #expect(result.errors.map(\.code) == [.subjectDeclaration])
    }

    @Test func kindWithoutLabelIsRefused() throws {
        let result = try Fixtures.check("kind note {\n  field date: date\n}\n")
        let diagnostic = try #require(result.errors.first)
        #expect(diagnostic.code == .missingItem)
        #expect(diagnostic.message == "kind 'note' has no 'label'")
    }

    @Test func contributingEverythingNeedsEveryLabel() throws {
        let result = try Fixtures.check("role greffe {\n  sees confidentiel\n  contributes *\n}\n")
        #expect(result.errors.map(\.code) == [.contributionFlow])
        #expect(result.errors.first?.message.contains("'mesure_judiciaire'") == true)
    }

    @Test func calendarOverridesTheSchoolYear() throws {
        let ruleSet = try Fixtures.designRuleSet("calendar {\n  school_year_start \"08-25\"\n}\n")
        #expect(ruleSet.calendar == SchoolCalendar(startMonth: 8, startDay: 25))
        let bad = try Fixtures.check("calendar {\n  school_year_start \"02-30\"\n}\n")
        #expect(bad.errors.map(\.code) == [.invalidValue])
    }
}
