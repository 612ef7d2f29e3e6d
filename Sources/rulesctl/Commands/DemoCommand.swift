import ArgumentParser

/// `rulesctl demo`: the whole story on synthetic data.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole story on synthetic data."
    )

    @Argument(help: "The rule folder.")
    var directory = "Rules"

    func run() async throws {
        Console.out("demo: not yet")
    }
}
