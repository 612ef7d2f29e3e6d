import ArgumentParser
import RulesEngine
import Vault

/// `rulesctl import`.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import partner files of one kind into the vault, each file all or nothing.",
        discussion: """
            CSV files have a header (line 1): the subject's identity columns nom, prenom, naissance (and other \
            subject fields), then the kind's fields. JSON-lines files (.jsonl) hold one object per line with the \
            same names. Every value is checked against the loaded rule set's schema; one bad row refuses the whole \
            file with FILE:LINE errors and stores nothing. Rows already in the vault are not stored twice. The \
            source role must be allowed to contribute the kind.
            """
    )

    @OptionGroup var vault: VaultOptions

    @Option(help: "The kind of record in the files.")
    var kind: String

    @Option(help: "The contributing role.")
    var source: String

    @Argument(help: "The files.")
    var files: [String]

    @Flag(help: "Print JSON.") var json = false

    @Option(help: ArgumentHelp(
        "After importing, evaluate the subjects the import touched, as of this date (YYYY-MM-DD).", valueName: "date"))
    var evaluate: String?

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one file") }
        // Checked before anything is imported: a bad date must not leave the files stored and the run undone.
        if let evaluate, Day(iso: evaluate) == nil { throw ValidationError("--evaluate must be a date YYYY-MM-DD") }
    }

    /// The `--json` document: the files stored (each all or nothing), the one refused if any, the evaluation, or
    /// why it failed (the files stay stored).
    struct Result: Encodable {
        struct Refused: Encodable {
            let file: String
            let error: VaultFailureJSON.Detail
        }

        var files: [String: ImportSummary] = [:]
        var refused: Refused?
        var evaluation: EvaluationSummary?
        var evaluationError: VaultFailureJSON.Detail?

        enum CodingKeys: String, CodingKey {
            case files, refused, evaluation, evaluationError = "evaluation_error"
        }
    }

    func run() async throws {
        let store = try vault.open(json: json)
        var result = Result()
        for file in files {
            do {
                let summary = try store.importFile(file, kind: kind, source: source) { done, total in
                    if total >= 10_000 { Console.err("\(file): \(done)/\(total) rows") }
                }
                result.files[file] = summary
                if !json {
                    Console.out("\(file): \(summary.rows) rows, \(summary.recordsStored) stored, "
                        + "\(summary.duplicates) already present, \(summary.subjectsCreated) new subjects")
                }
            } catch {
                // The files before this one are stored; the JSON document says which, and which was refused.
                if json {
                    result.refused = .init(file: file, error: .init(error))
                    try Console.json(result)
                }
                // The multi-line FILE:LINE list goes to stderr; the last line is the one-line reason.
                throw Console.fail(error.message)
            }
        }
        if let evaluate, let day = Day(iso: evaluate) {
            do {
                let summary = try await store.evaluate(asOf: day, changedOnly: true)
                result.evaluation = summary
                if !json { EvaluateCommand.print(summary) }
            } catch {
                if json {
                    result.evaluationError = .init(error)
                    try Console.json(result)
                }
                throw Console.fail(error.message)
            }
        }
        if json { try Console.json(result) }
        if let evaluation = result.evaluation { try EvaluateCommand.failIfRulesFailed(evaluation) }
    }
}
