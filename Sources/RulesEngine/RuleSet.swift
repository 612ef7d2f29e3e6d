/// The facade of the rule language: load the `.vigie` files of a folder together, check them, and get either
/// a `CheckedRuleSet` or the diagnostics that prevent it.
public enum RuleSet {
    /// What checking a set of rule files produced.
    public struct CheckResult: Sendable {
        /// The files, in the order given; `SourceRange.file` indexes this list.
        public let files: [SourceFile]
        /// Every diagnostic (errors and warnings), sorted by file and position.
        public let diagnostics: [Diagnostic]
        /// The checked rule set, when there is no error.
        public let ruleSet: CheckedRuleSet?

        /// The errors only.
        public var errors: [Diagnostic] { diagnostics.filter(\.isError) }
    }

    /// Lexes, parses and checks rule files as one rule set (order does not matter).
    ///
    /// - Parameter files: the source files.
    /// - Returns: the diagnostics and, if there is no error, the checked rule set.
    public static func check(_ files: [SourceFile]) -> CheckResult {
        var diagnostics: [Diagnostic] = []
        var parsed: [RuleFile] = []
        for (index, file) in files.enumerated() {
            var parser = Parser(source: file, fileIndex: index)
            parsed.append(parser.parseFile())
            diagnostics += parser.diagnostics
        }
        var checker = TypeChecker(files: parsed)
        let checked = checker.check()
        diagnostics += checker.diagnostics
        let sorted = diagnostics.uniqued().sorted {
            ($0.range.file, $0.range.start, $0.code.rawValue) < ($1.range.file, $1.range.start, $1.code.rawValue)
        }
        let hasErrors = sorted.contains(where: \.isError)
        return CheckResult(files: files, diagnostics: sorted, ruleSet: hasErrors ? nil : checked)
    }
}
