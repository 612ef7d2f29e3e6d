import Foundation

/// The outcome of `rulesctl bench`: ratios against baselines of the same run, the raw figures behind them, and
/// the targets of DESIGN.md §8.
struct BenchReport: Encodable {
    /// A ratio's target: at least or at most a bound.
    struct Target: Encodable {
        let atLeast: Double?
        let atMost: Double?

        func met(by value: Double) -> Bool {
            (atLeast.map { value >= $0 } ?? true) && (atMost.map { value <= $0 } ?? true)
        }

        var description: String { atLeast.map { "≥ \($0)" } ?? atMost.map { "≤ \($0)" } ?? "" }

        enum CodingKeys: String, CodingKey { case atLeast = "at_least", atMost = "at_most" }
    }

    static let targets: [String: Target] = [
        "import_vs_plain_insert": Target(atLeast: 0.5, atMost: nil),
        "evaluate_vs_plain_sql": Target(atLeast: nil, atMost: 3),
        "incremental_vs_full": Target(atLeast: nil, atMost: 0.05),
        "growth_10x": Target(atLeast: nil, atMost: 12),
    ]

    var ratios: [String: Double] = [:]
    var raw: [String: Double] = [:]
    let targets: [String: Target] = BenchReport.targets

    /// The ratios that miss their target.
    var missed: [String] { ratios.keys.sorted().filter { name in Self.targets[name].map { !$0.met(by: ratios[name] ?? 0) } ?? false } }

    /// The table printed without `--json`.
    var table: String {
        var lines = ["ratio                      value     target   ", String(repeating: "-", count: 48)]
        for name in ratios.keys.sorted() {
            let value = ratios[name] ?? 0
            let target = Self.targets[name]
            lines.append(name.padding(toLength: 26, withPad: " ", startingAt: 0) + " "
                + Self.format(value).padding(toLength: 9, withPad: " ", startingAt: 0) + " "
                + (target?.description ?? "").padding(toLength: 8, withPad: " ", startingAt: 0) + " "
                + (target.map { $0.met(by: value) ? "met" : "MISSED" } ?? ""))
        }
        lines.append("")
        lines.append("raw figures (seconds, rows, rows per second)")
        for name in raw.keys.sorted() {
            lines.append("  " + name.padding(toLength: 34, withPad: " ", startingAt: 0) + Self.format(raw[name] ?? 0))
        }
        return lines.joined(separator: "\n")
    }

    static func format(_ value: Double) -> String {
        if value >= 1_000 || value == value.rounded() { return String(Int(value.rounded())) }
        return String(format: value >= 1 ? "%.2f" : "%.4f", value)
    }

    enum CodingKeys: String, CodingKey { case ratios, raw, targets }
}
