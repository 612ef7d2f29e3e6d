import Foundation
import RuleFiles
import RulesEngine
import Testing

/// The reference rule set is product: it checks without a single diagnostic and every rule is tested both ways.
@Suite struct ReferenceRulesTests {
    private let rulesPath = CLI.packageRoot.appendingPathComponent("Rules").path

    @Test func referenceRulesHaveNoDiagnosticAtAll() throws {
        let result = try RuleDirectory.check(rulesPath)
        let rendered = result.diagnostics.map { DiagnosticRenderer.render($0, in: result.files) }.joined()
        #expect(result.diagnostics.isEmpty, "\(rendered)")
        #expect(result.ruleSet != nil)
    }

    @Test func requiredRolesGroupsAndRulesAreDeclared() throws {
        let ruleSet = try #require(try RuleDirectory.check(rulesPath).ruleSet)
        let roles: Set<String> = [
            "coordinateur", "maire", "referent", "education_nationale", "police_nationale", "gendarmerie",
            "police_municipale", "parquet", "pjj", "spip", "conseil_departemental", "ccas", "prevention_specialisee",
            "mission_locale", "bailleur", "iscg", "auditeur",
        ]
        #expect(roles.isSubset(of: Set(ruleSet.roles.keys)))
        #expect(Set(["prevention_jeunesse", "violences_intrafamiliales", "radicalisation"]).isSubset(of: Set(ruleSet.groups.keys)))
        let rules: Set<String> = [
            "ABS-4DJ", "ABS-AVERT-RECIDIVE", "ABS-10DJ", "EXCL-REPETEE", "EXCL-DEF-16", "FORMATION-16-18",
            "RAO-RECIDIVE", "MOINS-13-EXPOSE", "SUIVI-INACTIF", "TIG-NON-CONCLUANT", "FIN-MESURE", "MNA-INCIDENT",
        ]
        #expect(rules.isSubset(of: Set(ruleSet.rules.map(\.id))))
        #expect(ruleSet.roles["auditeur"]?.audits == true)
        #expect(ruleSet.roles["auditeur"]?.sees.isEmpty == true)
        // A bailleur sees only the label of what it contributes, never the subject's identity, and no rule
        // notifies it: it gets an acknowledgement, nothing else.
        let bailleur = try #require(ruleSet.roles["bailleur"])
        let contributedLabels = Set(bailleur.contributes.compactMap { ruleSet.kinds[$0]?.label })
        #expect(bailleur.sees == contributedLabels)
        #expect(!bailleur.sees.contains(ruleSet.subject.label))
        #expect(ruleSet.rules.allSatisfy { !$0.audience.contains("bailleur") })
        #expect(ruleSet.rules.allSatisfy { !$0.basis.isEmpty })
    }

    @Test func everyRuleHasAFiringAndASilentCase() throws {
        let ruleSet = try #require(try RuleDirectory.check(rulesPath).ruleSet)
        let testsPath = rulesPath + "/tests"
        var expectations: [String: Set<Bool>] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: testsPath) where name.hasSuffix(".yaml") {
            var reader = FixtureReader(ruleSet: ruleSet, path: testsPath + "/" + name)
            let text = try String(contentsOfFile: testsPath + "/" + name, encoding: .utf8)
            let parsed = reader.read(text)
            let file = try #require(parsed, "\(reader.errors)")
            expectations[file.ruleID, default: []].formUnion(file.cases.map(\.expectFires))
        }
        for rule in ruleSet.rules {
            #expect(expectations[rule.id] == [true, false], "rule \(rule.id) needs a firing and a silent case")
        }
    }

    /// Police- and justice-sourced kinds are enumerated only (DOMAIN.md: no free text, art. 11 CPP).
    @Test func judicialKindsHaveNoFreeText() throws {
        let ruleSet = try #require(try RuleDirectory.check(rulesPath).ruleSet)
        let judicial = ruleSet.kinds.values.filter { $0.label == "judiciaire" }
        #expect(!judicial.isEmpty)
        for kind in judicial {
            #expect(kind.fields.allSatisfy { $0.type != .text }, "kind \(kind.name) has a text field")
        }
    }
}
