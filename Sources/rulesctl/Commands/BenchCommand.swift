import ArgumentParser
import Foundation
import RuleFiles
import RulesEngine
import Vault

/// `rulesctl bench`.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the vault against plaintext baselines run in the same process.",
        discussion: """
            On synthetic data for --subjects young people, in a fresh temporary folder: imports the partner files \
            into a new vault and the same rows into plain SQLite tables, each the best of three fresh runs \
            (import_vs_plain_insert, rows per second, higher is better); evaluates ABS-4DJ alone over the vault \
            and as one SQL query over the plaintext copy, checking that both find the same young people \
            (evaluate_vs_plain_sql, time; the raw figures add two floors under that ratio, the decryption alone \
            of the rule's inputs and the run's alert writes, and a baseline that also stores the alerts it finds, \
            evaluate_vs_plain_sql_store); imports one more day of \
            absences and evaluates incrementally (incremental_vs_full, time); evaluates everything again at 10× \
            the subjects (growth_10x, time). An evaluation stores its alerts and cannot be repeated on one vault: \
            each is timed on three identical copies of the vault (opened and warmed up first), the fastest kept. \
            Every figure is a ratio of two measures taken in the same run, so that it holds on a noisy machine. Build in release mode first: swift build -c release. \
            docs/PERFORMANCE.md reports the figures.
            """
    )

    @Option(help: "How many young people (the growth step uses ten times as many).")
    var subjects = 5_000

    @Option(help: "The rule folder (the reference rule set: ABS-4DJ and the absence kind are measured).")
    var rules = "Rules"

    @Option(help: "The random seed of the synthetic data.")
    var seed: UInt64 = 1

    @Option(help: "Where to create the vaults and files (default: a new temporary folder, removed at the end).")
    var workspace: String?

    @Flag(help: "Exit with status 1 when a ratio misses its target.")
    var check = false

    @Flag(help: "Print JSON: {\"ratios\": {…}, \"raw\": {…}, \"targets\": {…}}.")
    var json = false

    func validate() throws {
        guard subjects >= 10 else { throw ValidationError("--subjects must be at least 10") }
    }

    func run() async throws {
        let checked: RuleSet.CheckResult
        do {
            checked = try RuleDirectory.check(rules)
        } catch {
            throw Console.fail(error.reason)
        }
        guard let ruleSet = checked.ruleSet else {
            throw Console.fail("the rule set in \(rules) has errors; run 'rulesctl rules check \(rules)'")
        }
        guard ruleSet.rule(Benchmark.measuredRule) != nil, ruleSet.kinds["absence"] != nil else {
            throw Console.fail("\(rules): the benchmark needs rule \(Benchmark.measuredRule) and kind 'absence' (the reference rule set)")
        }
        let temporary = workspace == nil
        let folder = workspace ?? FileManager.default.temporaryDirectory.appendingPathComponent("vigie-bench-\(UUID().uuidString)").path
        defer { if temporary { try? FileManager.default.removeItem(atPath: folder) } }
        guard let asOf = Day(iso: "2026-03-20") else { return }
        let benchmark = Benchmark(ruleSet: ruleSet, files: checked.files, subjects: subjects, seed: seed, asOf: asOf,
                                  workspace: folder) { Console.err("bench: \($0)") }
        let report: BenchReport
        do {
            report = try await benchmark.run()
        } catch let error as VaultError {
            throw Console.fail(error.message)
        } catch let error as BenchError {
            throw Console.fail(error.description)
        } catch {
            throw Console.fail("\(folder): the benchmark could not write its files")
        }
        if json {
            try Console.json(report)
        } else {
            Console.out(report.table)
        }
        if check && !report.missed.isEmpty {
            throw Console.fail("missed targets: " + report.missed.joined(separator: ", "))
        }
    }
}
