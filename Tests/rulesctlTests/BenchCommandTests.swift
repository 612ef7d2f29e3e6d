import Foundation
import Testing

/// `rulesctl bench` end to end at a tiny size: the figures exist, are positive, and the vault agreed with SQL
/// (the command fails otherwise). Speed itself is not tested here; `rulesctl bench` is the measure.
@Suite struct BenchCommandTests {
    @Test func tinyBenchmarkReportsEveryRatioAndItsRawFigures() throws {
        let run = try CLI.run("bench", "--subjects", "60", "--json")
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let ratios = try #require(object["ratios"] as? [String: Double])
        #expect(Set(ratios.keys) == ["import_vs_plain_insert", "evaluate_vs_plain_sql", "incremental_vs_full", "growth_10x"])
        #expect(ratios.values.allSatisfy { $0 > 0 && $0.isFinite })
        let raw = try #require(object["raw"] as? [String: Double])
        #expect(raw["subjects"] == 60)
        #expect((raw["import_rows"] ?? 0) > 60)
        // Each row of the extra day touches at most one subject, and only those are evaluated again.
        #expect((raw["incremental_subjects"] ?? -1) <= (raw["day_rows"] ?? 0))
        // The decryption floor opened the records ABS-4DJ reads, and both imports' processor times are there.
        #expect((raw["rule_opened_subjects"] ?? 0) > 0)
        #expect((raw["rule_opened_records"] ?? 0) >= 4 * (raw["rule_opened_subjects"] ?? 1))
        #expect((raw["decryption_floor_vs_plain_sql"] ?? 0) > 0)
        // The rule's run wrote its alerts, in part of its time.
        let writing = try #require(raw["rule_write_seconds"])
        #expect(writing > 0 && writing < (raw["rule_vault_seconds"] ?? 0))
        func close(_ a: Double?, _ b: Double) -> Bool { abs((a ?? .nan) - b) <= 1e-9 * abs(b) }
        #expect(close(raw["rule_write_vs_plain_sql"], writing / (raw["rule_sql_seconds"] ?? 0)))
        // The baseline that stores what it finds stored one alert per young person the vault alerted about.
        #expect(raw["rule_sql_stored_alerts"] == raw["rule_alerts"] && (raw["rule_alerts"] ?? 0) > 0)
        let store = try #require(raw["rule_sql_store_seconds"])
        #expect(store > 0 && close(raw["evaluate_vs_plain_sql_store"], (raw["rule_vault_seconds"] ?? 0) / store))
        #expect((raw["import_cpu_seconds"] ?? 0) > 0 && (raw["plain_insert_cpu_seconds"] ?? 0) > 0)
        #expect(run.stderr.contains("bench: 600 subjects"))
    }

    @Test func refusesTooFewSubjects() throws {
        let run = try CLI.run("bench", "--subjects", "5")
        #expect(run.status == 64)
        #expect(run.stderr.contains("--subjects must be at least 10"))
    }
}
