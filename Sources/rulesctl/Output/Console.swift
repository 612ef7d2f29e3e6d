import ArgumentParser
import Foundation

/// Where results (stdout) and diagnostics (stderr) go.
enum Console {
    /// Writes a line to stdout.
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// Writes text to stderr as is.
    static func err(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// Writes one JSON document to stdout.
    static func json(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        out(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Prints the one-line reason of a failure on stderr and exits with status 1.
    static func fail(_ reason: String) -> ExitCode {
        err("error: \(reason)")
        return ExitCode.failure
    }
}
