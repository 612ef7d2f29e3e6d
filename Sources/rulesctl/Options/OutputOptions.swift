import ArgumentParser

/// `--json` and `--color`, shared by the commands that print results.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print one JSON document on stdout instead of text.")
    var json = false

    @Flag(name: .long, help: "Colour diagnostics with ANSI escapes.")
    var color = false
}
