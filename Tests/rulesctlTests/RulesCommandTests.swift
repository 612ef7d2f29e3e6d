import Foundation
import Testing

@Suite struct RulesCommandTests {
    @Test func referenceRulesCheck() throws {
        let run = try CLI.run("rules", "check", "Rules")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("Rules: ok; "))
        #expect(run.stdout.range(of: "sha256 [0-9a-f]{64}", options: .regularExpression) != nil)
        #expect(run.stderr.isEmpty)
    }

    @Test func referenceRulesTestsPass() throws {
        let run = try CLI.run("rules", "test", "Rules")
        #expect(run.status == 0, "\(run.stdout)")
        let last = try #require(run.stdout.split(separator: "\n").last)
        let passed = try #require(Int(last.split(separator: " ").first ?? ""))
        #expect(last == "\(passed) passed, 0 failed")
        #expect(passed >= 24)
        #expect(!run.stderr.contains("has no test case"))
    }

    @Test func defaultFolderIsRules() throws {
        let run = try CLI.run("rules", "check")
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("Rules: ok; "))
    }

    @Test(arguments: [
        "unknown-field", "wrong-enum-case", "type-mismatch", "missing-basis", "unterminated-string", "duplicate-id",
        "flow", "window-without-date", "contribution-flow", "recovery",
    ])
    func brokenFileExitsOneWithDiagnosticsAtTheirLines(name: String) throws {
        let text = try CLI.fixture("broken/\(name).vigie")
        let folder = try CLI.folder(["design.vigie": try CLI.fixture("design/design.vigie"), "\(name).vigie": text])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLI.run("rules", "check", folder.path)
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() where line.contains("# error: ") {
            let code = line.components(separatedBy: "# error: ")[1].prefix(6)
            let pattern = "\(name).vigie:\(index + 1):[0-9]+: error: .* \\[\(code)\\]"
            #expect(run.stderr.range(of: pattern, options: .regularExpression) != nil, "\(pattern) in \(run.stderr)")
        }
        let last = run.stderr.split(separator: "\n").last ?? ""
        #expect(last.hasPrefix("error: ") && last.hasSuffix("; the rule set is refused"))
    }

    @Test func jsonDiagnosticsOnFailure() throws {
        let folder = try CLI.folder([
            "design.vigie": try CLI.fixture("design/design.vigie"),
            "flow.vigie": try CLI.fixture("broken/flow.vigie"),
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLI.run("rules", "check", "--json", folder.path)
        #expect(run.status == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(document["ok"] as? Bool == false)
        let diagnostics = try #require(document["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 1)
        let first = try #require(diagnostics.first)
        #expect(first["code"] as? String == "RE3006")
        #expect(first["line"] as? Int == 4)
        #expect(first["column"] as? Int == 8)
        #expect(first["severity"] as? String == "error")
        #expect((first["file"] as? String)?.hasSuffix("flow.vigie") == true)
        #expect((first["notes"] as? [[String: Any]])?.count == 1)
    }

    @Test func failingCaseShowsExpectationResultAndExplanation() throws {
        let fixture = try CLI.fixture("design/tests/ABS-4DJ.yaml")
            .replacingOccurrences(of: "expect: { fires: false }", with: "expect: { fires: true }")
        let folder = try CLI.folder([
            "design.vigie": try CLI.fixture("design/design.vigie"), "tests/ABS-4DJ.yaml": fixture,
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLI.run("rules", "test", folder.path)
        #expect(run.status == 1)
        #expect(run.stdout.contains("FAIL ABS-4DJ: trois seulement (\(folder.path)/tests/ABS-4DJ.yaml:12)"))
        #expect(run.stdout.contains("  expected an alert, got none"))
        #expect(run.stdout.contains("count(absence where not justifiee, in calendar_month) >= 4: 1 >= 4 → false"))
        #expect(run.stdout.hasSuffix("1 passed, 1 failed\n"))
    }

    @Test func wrongRevealValueFails() throws {
        let fixture = try CLI.fixture("design/tests/ABS-4DJ.yaml")
            .replacingOccurrences(of: "reveal: { demi_journees: 4 }", with: "reveal: { demi_journees: 5 }")
        let folder = try CLI.folder([
            "design.vigie": try CLI.fixture("design/design.vigie"), "tests/ABS-4DJ.yaml": fixture,
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLI.run("rules", "test", folder.path)
        #expect(run.status == 1)
        #expect(run.stdout.contains("reveal 'demi_journees': expected 5, got 4"))
    }

    @Test func invalidFixtureNamesFileLineAndField() throws {
        let fixture = try CLI.fixture("design/tests/ABS-4DJ.yaml")
            .replacingOccurrences(of: "demi_journee: apres_midi", with: "demi_journee: soir")
            .replacingOccurrences(of: "justifiee: false }\n      - { kind: absence, date: 2025-10-13",
                                  with: "justifie: false }\n      - { kind: absence, date: 2025-10-13")
        let folder = try CLI.folder([
            "design.vigie": try CLI.fixture("design/design.vigie"), "tests/ABS-4DJ.yaml": fixture,
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLI.run("rules", "test", folder.path)
        #expect(run.status == 1)
        #expect(run.stderr.contains("tests/ABS-4DJ.yaml:8: error: field 'demi_journee' of kind 'absence' must be one of matin, apres_midi"))
        #expect(run.stderr.contains("tests/ABS-4DJ.yaml:8: error: kind 'absence' has no field 'justifie'; did you mean 'justifiee'?"))
        #expect(run.stdout.hasSuffix("0 passed, 1 failed\n"))
    }

    @Test func missingFolderIsAOneLineError() throws {
        let run = try CLI.run("rules", "check", "no-such-folder")
        #expect(run.status == 1)
        #expect(run.stderr == "error: no-such-folder: no such folder\n")
    }

    @Test func unknownOptionIsAUsageError() throws {
        let run = try CLI.run("rules", "check", "--frobnicate")
        #expect(run.status == 64)
    }
}
