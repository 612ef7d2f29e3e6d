import ArgumentParser
import Foundation
import RulesEngine
import Vault

/// `rulesctl evaluate`.
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate the loaded rules over the vault's subjects and store the alerts.",
        discussion: """
            Each subject is decrypted once; subjects are processed a chunk at a time on every core, and each chunk \
            is written in one transaction: a run killed midway loses nothing it wrote, and running it again at the \
            same date completes it without duplicates. --changed evaluates only the subjects whose records changed \
            since they were last evaluated; when the date moves, run a full evaluation, since time alone can make \
            a rule fire (a birthday, a window). Open alerts whose follow-up date has passed raise a reminder \
            (RELANCE-SUIVI) to the roles the alert went to. A rule that cannot be evaluated for a subject (an \
            error in the rule's arithmetic, say) is reported on stderr and the command exits 1; that subject stays \
            due for the next --changed run.
            """
    )

    @OptionGroup var vault: VaultOptions

    @Option(help: "The evaluation date, YYYY-MM-DD (default: today).")
    var asOf: String?

    @Option(name: .customLong("rule"), help: "Evaluate only this rule (repeatable).")
    var rules: [String] = []

    @Flag(help: "Only the subjects whose records changed since their last evaluation.")
    var changed = false

    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if let asOf, Day(iso: asOf) == nil { throw ValidationError("--as-of must be a date YYYY-MM-DD") }
    }

    func run() async throws {
        let store = try vault.open(json: json)
        let day = try Self.day(asOf)
        let summary: EvaluationSummary
        do {
            summary = try await store.evaluate(asOf: day, only: rules.isEmpty ? nil : Set(rules), changedOnly: changed) { done, total in
                if total >= 2_000 { Console.err("evaluated \(done)/\(total) subjects") }
            }
        } catch {
            throw Console.fail(error, json: json)
        }
        if json {
            try Console.json(summary)
        } else {
            Self.print(summary)
        }
        try Self.failIfRulesFailed(summary)
    }

    /// A rule that could not be evaluated for a subject is a failure to act on (§7); the subject stays due.
    static func failIfRulesFailed(_ summary: EvaluationSummary) throws {
        if !summary.errors.isEmpty {
            throw Console.fail("\(summary.errors.count) rule evaluations failed; their subjects stay due for the next run")
        }
    }

    /// The given date, or today's in the local calendar.
    static func day(_ text: String?) throws -> Day {
        if let text, let day = Day(iso: text) { return day }
        let parts = Calendar(identifier: .gregorian).dateComponents([.year, .month, .day], from: Date())
        guard let year = parts.year, let month = parts.month, let dayOfMonth = parts.day,
            let today = Day(year: year, month: month, day: dayOfMonth)
        else { throw Console.fail("cannot tell today's date") }
        return today
    }

    static func print(_ summary: EvaluationSummary) {
        Console.out("evaluated \(summary.subjects) subjects as of \(summary.asOf) (\(summary.mode))")
        let width = max(summary.rules.keys.map(\.count).max() ?? 0, 4)
        Console.out("rule".padding(toLength: width, withPad: " ", startingAt: 0) + "    new  already open  deduplicated")
        func column(_ value: Int, _ width: Int) -> String {
            String(repeating: " ", count: max(0, width - String(value).count)) + String(value)
        }
        for (rule, counts) in summary.rules.sorted(by: { $0.key < $1.key }) {
            Console.out(rule.padding(toLength: width, withPad: " ", startingAt: 0) + column(counts.new, 7)
                + column(counts.alreadyOpen, 14) + column(counts.deduplicated, 14))
        }
        if summary.reminders > 0 {
            Console.out("\(summary.reminders) follow-up reminders, each to its alert's audience")
        }
        for error in summary.errors { Console.err("error: \(error)") }
    }
}
