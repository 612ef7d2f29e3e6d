import Foundation
import RulesEngine
import Synthetic
import Vault

/// `rulesctl bench`: the vault against plaintext baselines, in one process, on synthetic data (DESIGN.md §8).
struct Benchmark {
    /// The rule measured alone against its SQL equivalent.
    static let measuredRule = "ABS-4DJ"
    /// The share of pupils with an absence on the extra day.
    static let dailyShare = 0.03
    /// Imports at N into fresh vaults (and inserts into fresh plain files), the best of each kept: a run can only
    /// be slowed by the machine, never sped up, so the fastest is the least disturbed.
    static let importRuns = 3

    let ruleSet: CheckedRuleSet
    let files: [SourceFile]
    let subjects: Int
    let seed: UInt64
    let asOf: Day
    let workspace: String
    let progress: (String) -> Void

    /// A vault loaded with N subjects' synthetic data, and what its import cost.
    private struct Loaded {
        let store: VaultStore
        let data: SyntheticData
        let directory: String
        /// The folder of this vault and its key.
        let folder: String
        let rows: Int
        let seconds: Double
        /// Processor time of the import, all threads.
        let cpuSeconds: Double
    }

    func run() async throws -> BenchReport {
        var report = BenchReport()
        let small = try load(subjects, name: "n", runs: Self.importRuns)
        report.raw["subjects"] = Double(subjects)
        report.raw["import_rows"] = Double(small.rows)
        report.raw["import_seconds"] = small.seconds
        report.raw["import_rows_per_second"] = Double(small.rows) / small.seconds
        // The import reads and checks each file on a second thread while it stores the rows: its processor time
        // (both threads) shows what the overlap costs beside the wall time the ratio uses.
        report.raw["import_cpu_seconds"] = small.cpuSeconds

        progress("plaintext baseline: the same files into plain SQLite tables (best of \(Self.importRuns))")
        var plain = try PlainCopy(path: small.directory + "/plain-1.sqlite")
        var cpu = Self.cpuSeconds()
        var (plainRows, plainSeconds) = try timed { try insertAll(small, into: plain) }
        var plainCPU = Self.cpuSeconds() - cpu
        for run in 2...Self.importRuns {
            let copy = try PlainCopy(path: small.directory + "/plain-\(run).sqlite")
            cpu = Self.cpuSeconds()
            let (rows, seconds) = try timed { try insertAll(small, into: copy) }
            if seconds < plainSeconds { (plain, plainRows, plainSeconds, plainCPU) = (copy, rows, seconds, Self.cpuSeconds() - cpu) }
        }
        report.raw["plain_insert_rows_per_second"] = Double(plainRows) / plainSeconds
        report.raw["plain_insert_cpu_seconds"] = plainCPU
        report.ratios["import_vs_plain_insert"] = (Double(small.rows) / small.seconds) / (Double(plainRows) / plainSeconds)

        progress("evaluating \(Self.measuredRule) alone over the vault, then as one SQL query over the plaintext copy")
        let (_, ruleSeconds) = try await timed { try await small.store.evaluate(asOf: asOf, only: [Self.measuredRule]) }
        var sqlSeconds = Double.infinity
        var expected: Set<[String]> = []
        for _ in 0..<3 {
            let (found, seconds) = try timed { try plain.absences4(asOf: asOf) }
            expected = found
            sqlSeconds = min(sqlSeconds, seconds)
        }
        try checkAgreement(small.store, expected: expected)
        report.raw["rule_alerts"] = Double(expected.count)
        report.raw["rule_vault_seconds"] = ruleSeconds
        report.raw["rule_sql_seconds"] = sqlSeconds
        report.ratios["evaluate_vs_plain_sql"] = ruleSeconds / sqlSeconds
        // The floor under that ratio: the decryption alone of the rule's inputs (best of three), against the SQL.
        var floor = try small.store.decryptionFloor(rule: Self.measuredRule)
        for _ in 1..<3 {
            let again = try small.store.decryptionFloor(rule: Self.measuredRule)
            if again.seconds < floor.seconds { floor = again }
        }
        report.raw["rule_decryption_floor_seconds"] = floor.seconds
        report.raw["rule_opened_subjects"] = Double(floor.subjects)
        report.raw["rule_opened_records"] = Double(floor.records)
        report.raw["decryption_floor_vs_plain_sql"] = floor.seconds / sqlSeconds

        progress("full evaluation of every rule")
        let (_, fullSeconds) = try await timed { try await small.store.evaluate(asOf: asOf) }
        report.raw["full_evaluation_seconds"] = fullSeconds

        let nextDay = asOf.adding(days: 1)
        progress("one more day of absences, imported, then evaluated incrementally")
        let day = try small.data.writeDay(nextDay, share: Self.dailyShare, to: small.directory + "/day")
        let dayRows = try importAll(small.store, manifest: day, directory: small.directory + "/day")
        let (incremental, incrementalSeconds) = try await timed {
            try await small.store.evaluate(asOf: nextDay, changedOnly: true)
        }
        report.raw["day_rows"] = Double(dayRows)
        report.raw["incremental_subjects"] = Double(incremental.subjects)
        report.raw["incremental_seconds"] = incrementalSeconds
        report.ratios["incremental_vs_full"] = incrementalSeconds / fullSeconds

        let large = try load(subjects * 10, name: "10n", runs: 1)
        report.raw["import_10x_rows_per_second"] = Double(large.rows) / large.seconds
        // The same steps as at N, in the same order, so that both full evaluations start from the same state
        // (the measured rule's alerts stored, its records read once).
        progress("evaluating \(Self.measuredRule) alone at 10× the subjects, then every rule")
        let (_, largeRuleSeconds) = try await timed { try await large.store.evaluate(asOf: asOf, only: [Self.measuredRule]) }
        report.raw["rule_vault_10x_seconds"] = largeRuleSeconds
        let (_, largeSeconds) = try await timed { try await large.store.evaluate(asOf: asOf) }
        report.raw["full_evaluation_10x_seconds"] = largeSeconds
        report.ratios["growth_10x"] = largeSeconds / fullSeconds
        return report
    }

    /// Writes N subjects' synthetic files and imports them, timed, into `runs` fresh vaults one after the other;
    /// returns the fastest import (its vault is the one measured next; the others are removed).
    private func load(_ count: Int, name: String, runs: Int) throws -> Loaded {
        let directory = workspace + "/" + name
        progress("\(count) subjects: writing synthetic partner files")
        let data = SyntheticData(ruleSet: ruleSet, subjects: count, seed: seed, asOf: asOf)
        let manifest = try data.write(to: directory + "/data")
        var best: Loaded?
        for run in 1...runs {
            let folder = directory + "/run-\(run)"
            let store = try VaultStore.create(directory: folder + "/vault", key: .keyFile(folder + "/root.key"),
                                              population: count, environment: [:])
            _ = try store.loadRuleSet(files)
            progress("\(count) subjects: importing \(manifest.files.count) files into a fresh vault"
                + (runs > 1 ? " (\(run) of \(runs))" : ""))
            let cpu = Self.cpuSeconds()
            let (rows, seconds) = try timed { try importAll(store, manifest: manifest, directory: directory + "/data") }
            let cpuSeconds = Self.cpuSeconds() - cpu
            if let previous = best, previous.seconds <= seconds {
                try FileManager.default.removeItem(atPath: folder)
                continue
            }
            if let previous = best { try FileManager.default.removeItem(atPath: previous.folder) }
            best = Loaded(store: store, data: data, directory: directory, folder: folder, rows: rows, seconds: seconds,
                          cpuSeconds: cpuSeconds)
        }
        guard let best else { throw BenchError("no import was run") }
        return best
    }

    private func importAll(_ store: VaultStore, manifest: SyntheticData.Manifest, directory: String) throws -> Int {
        var rows = 0
        for file in manifest.files {
            rows += try store.importFile(directory + "/" + file.path, kind: file.kind, source: file.source).rows
        }
        return rows
    }

    private func insertAll(_ loaded: Loaded, into plain: PlainCopy) throws -> Int {
        let manifest = try JSONDecoder().decode(SyntheticData.Manifest.self,
                                                from: Data(contentsOf: URL(fileURLWithPath: loaded.directory + "/data/manifest.json")))
        var rows = 0
        for file in manifest.files {
            guard let kind = ruleSet.kinds[file.kind] else { continue }
            rows += try plain.insert(file: loaded.directory + "/data/" + file.path, kind: kind, subject: ruleSet.subject)
        }
        return rows
    }

    /// The vault's alerts of the measured rule must go to exactly the subjects the SQL query finds.
    private func checkAgreement(_ store: VaultStore, expected: Set<[String]>) throws {
        let raised = Set(try store.alerts(rule: Self.measuredRule).map(\.subject))
        var found: Set<String> = []
        for identity in expected {
            found.formUnion(try store.findSubjects(identity: ["nom": identity[0], "prenom": identity[1], "naissance": identity[2]]))
        }
        guard raised == found else {
            throw BenchError("the vault and the SQL baseline disagree on \(Self.measuredRule): \(raised.count) alerts in the "
                + "vault, \(found.count) subjects from SQL, \(raised.symmetricDifference(found).count) differ")
        }
    }

    private func timed<T>(_ body: () throws -> T) throws -> (T, Double) {
        let start = ContinuousClock.now
        let value = try body()
        return (value, Self.seconds(ContinuousClock.now - start))
    }

    private func timed<T>(_ body: () async throws -> T) async throws -> (T, Double) {
        let start = ContinuousClock.now
        let value = try await body()
        return (value, Self.seconds(ContinuousClock.now - start))
    }

    /// Processor time used by this process so far, user and system, all threads.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// A benchmark that cannot give a trustworthy figure.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
