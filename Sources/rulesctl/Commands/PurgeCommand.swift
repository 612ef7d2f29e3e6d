import ArgumentParser
import RulesEngine
import Vault

/// `rulesctl purge`.
struct PurgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Destroy what the rule set's retention clauses say is due.",
        discussion: """
            Each kind's 'retain' clauses give a deadline per record (the earliest wins: 'retain 3 years after date', \
            'retain until age 25', 'retain until school_year_end'…); the subject's own clause destroys the whole file \
            (crypto-shredding, as 'subject erase'). A closed alert that cites a destroyed record goes too, with its \
            reminders; open and acknowledged alerts, still followed up, stay. Every subject is opened to read the dates, none of which is \
            stored in plaintext. Subjects are purged a chunk at a time, each chunk one transaction with one audit \
            entry per subject touched, under its pseudonym: a purge killed midway keeps what it committed, and \
            running it again completes it. Destruction cannot be undone: run with --dry-run first to see how much \
            is due. Run it regularly (daily or weekly), and 'rotate-key' after large purges so that backups made \
            before cannot be opened with the current key (docs/VAULT.md).
            """
    )

    @OptionGroup var vault: VaultOptions

    @Option(help: "The date deadlines are compared with, YYYY-MM-DD (default: today).")
    var asOf: String?

    @Flag(help: "Count what is due without destroying anything.")
    var dryRun = false

    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if let asOf, Day(iso: asOf) == nil { throw ValidationError("--as-of must be a date YYYY-MM-DD") }
    }

    func run() throws {
        let store = try vault.open(json: json)
        let day = try EvaluateCommand.day(asOf)
        let summary: PurgeSummary
        do {
            summary = try store.purge(asOf: day, dryRun: dryRun)
        } catch {
            throw Console.fail(error, json: json)
        }
        if json {
            try Console.json(summary)
        } else {
            let verb = dryRun ? "due (dry run, nothing destroyed)" : "destroyed"
            Console.out("\(summary.subjects) subjects examined as of \(summary.asOf): \(summary.subjectsErased) files, "
                + "\(summary.recordsDestroyed) records and \(summary.alertsDestroyed) closed alerts \(verb)")
        }
    }
}
