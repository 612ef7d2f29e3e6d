import Foundation
import RuleFiles
import RulesEngine
import Synthetic
import Testing
import Vault

@Suite struct BlindIndexTests {
    /// CipherSweet's planner rule: between 2 and √N coincidental matches expected per lookup.
    @Test(arguments: [10, 300, 1_000, 20_000, 100_000, 1_000_000])
    func truncationLeavesAFewFalsePositives(population: Int) {
        let bits = BlindIndex.bits(forPopulation: population)
        let expected = Double(population) / pow(2, Double(bits))
        #expect(expected >= 2)
        #expect(expected <= Double(population).squareRoot())
    }

    @Test(arguments: [
        ("Émilie-Anne", "emilie anne"), ("  LE  GOFF ", "le goff"), ("N'Diaye", "n diaye"), ("Çağla", "cagla"),
        ("Jean–Baptiste", "jean baptiste"), ("2012-03-01", "2012 03 01"),
    ])
    func normalisationFoldsCaseAccentsHyphensAndSpaces(raw: String, folded: String) {
        #expect(BlindIndex.normalise(raw) == folded)
    }
}

@Suite struct SynthTests {
    private func ruleSet() throws -> CheckedRuleSet {
        try #require(try RuleDirectory.check(TemporaryVault.packageRoot.appendingPathComponent("Rules").path).ruleSet)
    }

    private func generate(seed: UInt64, into folder: URL) throws -> SyntheticData.Manifest {
        try SyntheticData(ruleSet: try ruleSet(), subjects: 2_000, seed: seed, asOf: Day(iso: "2026-03-20")!).write(to: folder.path)
    }

    @Test func oneMoreDayGoesToTheSamePupilsOnThatDayOnly() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-synth-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let data = SyntheticData(ruleSet: try ruleSet(), subjects: 2_000, seed: 3, asOf: Day(iso: "2026-03-20")!)
        _ = try data.write(to: root.appendingPathComponent("main").path)
        let day = try data.writeDay(Day(iso: "2026-03-21")!, share: 0.05, to: root.appendingPathComponent("day").path)
        #expect(day.asOf == "2026-03-21" && day.files.map(\.kind) == ["absence"])
        let rows = { (path: String) in
            try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8).split(separator: "\n").dropFirst()
                .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        }
        let main = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("main").path).filter { $0.hasSuffix(".csv") }
        let people = Set(try main.flatMap { try rows("main/" + $0) }.map { $0.prefix(3).joined(separator: "|") })
        let daily = try rows("day/absence.csv")
        #expect((40...160).contains(daily.count), "\(daily.count) rows for 5 % of about 1 600 pupils")
        #expect(daily.allSatisfy { $0.contains("2026-03-21") })
        // The same young people: all but those with no record at all so far (a first absence).
        let known = daily.filter { people.contains($0.prefix(3).joined(separator: "|")) }.count
        #expect(known * 10 >= daily.count * 8, "\(known) of \(daily.count) known")
    }

    @Test func sameSeedSameFilesAndClustersThatCrossTheThresholds() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-synth-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try generate(seed: 11, into: root.appendingPathComponent("a"))
        _ = try generate(seed: 11, into: root.appendingPathComponent("b"))
        _ = try generate(seed: 12, into: root.appendingPathComponent("c"))
        let absences = { (name: String) in try String(contentsOf: root.appendingPathComponent(name + "/absence.csv"), encoding: .utf8) }
        #expect(try absences("a") == absences("b"))
        #expect(try absences("a") != absences("c"))
        #expect(first.asOf == "2026-03-20")
        let kinds = Set(first.files.map(\.kind))
        for kind in ["absence", "sanction", "incident", "tig", "situation_formation", "mesure_judiciaire"] {
            #expect(kinds.contains(kind), "no \(kind) file")
        }
        // Unjustified half-days per person and month: some cross 4 (ABS-4DJ), some 10 (ABS-10DJ).
        var perMonth: [String: Int] = [:]
        for line in try absences("a").split(separator: "\n").dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            guard cells.count >= 7, cells[6] == "false" else { continue }
            perMonth[cells[0...2].joined(separator: "|") + String(cells[4].prefix(7)), default: 0] += 1
        }
        #expect(perMonth.values.contains { (4...9).contains($0) })
        #expect(perMonth.values.contains { $0 >= 10 })
        let tig = try String(contentsOf: root.appendingPathComponent("a/tig.csv"), encoding: .utf8)
        #expect(tig.contains("non_presentation") || tig.contains("non_concluant"))
    }
}
