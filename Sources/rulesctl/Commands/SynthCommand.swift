import ArgumentParser
import RuleFiles
import RulesEngine
import Synthetic

/// `rulesctl synth`.
struct SynthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write realistic synthetic partner files (one CSV per kind) and a manifest.",
        discussion: """
            The same --seed gives the same files. DIR/manifest.json lists each file with its kind and the role \
            that contributes it, and 'as_of', a date at which evaluating the data makes sense. Every person is \
            invented.
            """
    )

    @Option(help: "How many young people.") var subjects: Int
    @Option(help: "The random seed.") var seed: UInt64 = 1
    @Option(help: "The output folder.") var out: String
    @Option(help: "The rule folder whose schema the files follow.") var rules = "Rules"
    @Option(help: "The evaluation date the data is shaped for (YYYY-MM-DD).") var asOf = "2026-03-20"

    func validate() throws {
        guard subjects > 0 else { throw ValidationError("--subjects must be positive") }
        guard Day(iso: asOf) != nil else { throw ValidationError("--as-of must be a date YYYY-MM-DD") }
    }

    func run() async throws {
        let result: RuleSet.CheckResult
        do {
            result = try RuleDirectory.check(rules)
        } catch {
            throw Console.fail(error.reason)
        }
        guard let ruleSet = result.ruleSet, let day = Day(iso: asOf) else {
            throw Console.fail("the rule set in \(rules) has errors; run 'rulesctl rules check \(rules)'")
        }
        do {
            let manifest = try SyntheticData(ruleSet: ruleSet, subjects: subjects, seed: seed, asOf: day).write(to: out)
            Console.out("wrote \(manifest.files.count) files for \(subjects) subjects in \(out) (as_of \(manifest.asOf))")
        } catch {
            throw Console.fail("\(out): cannot write the synthetic files")
        }
    }
}
