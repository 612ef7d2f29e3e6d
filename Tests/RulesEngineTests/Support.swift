import Foundation
import RulesEngine
import Testing

/// Test fixtures: the DESIGN.md §2 example rule set and broken files, found next to this file.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(relativePath), encoding: .utf8)
    }

    static func design() throws -> SourceFile {
        SourceFile(path: "design.vigie", text: try text("design/design.vigie"))
    }

    /// Checks the design rule set together with extra files (named `extra1.vigie`, …).
    static func check(_ extra: String...) throws -> RuleSet.CheckResult {
        let files = [try design()] + extra.enumerated().map { SourceFile(path: "extra\($0.offset + 1).vigie", text: $0.element) }
        return RuleSet.check(files)
    }

    /// The design rule set, checked; fails the test if it does not check.
    static func designRuleSet(_ extra: String...) throws -> CheckedRuleSet {
        let files = [try design()] + extra.enumerated().map { SourceFile(path: "extra\($0.offset + 1).vigie", text: $0.element) }
        let result = RuleSet.check(files)
        let rendered = result.diagnostics.map { DiagnosticRenderer.render($0, in: result.files) }.joined()
        return try #require(result.ruleSet, "\(rendered)")
    }
}

extension RuleSet.CheckResult {
    /// The text each diagnostic underlines.
    func underlined(_ diagnostic: Diagnostic) -> String {
        files[diagnostic.range.file].text(in: diagnostic.range)
    }

    /// The 1-based line of a diagnostic.
    func line(of diagnostic: Diagnostic) -> Int {
        files[diagnostic.range.file].location(of: diagnostic.range.start).line
    }
}

/// Builds a day from a literal, failing the test on a typo.
func day(_ text: String) -> Day {
    guard let day = Day(iso: text) else {
        Issue.record("bad date literal \(text)")
        return Day(ordinal: 0)
    }
    return day
}
