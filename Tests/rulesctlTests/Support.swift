import Foundation
import Testing

/// Runs the built `rulesctl` binary and captures its exit status and output.
enum CLI {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let designFixtures = packageRoot.appendingPathComponent("Tests/RulesEngineTests/Fixtures")

    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["RULESCTL"] { return URL(fileURLWithPath: path) }
        return packageRoot.appendingPathComponent(".build/debug/rulesctl")
    }

    static func run(_ arguments: String...) throws -> Run { try run(arguments) }

    /// A fresh temporary folder holding copies of the given files (name → text).
    static func folder(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url.appendingPathComponent("tests"), withIntermediateDirectories: true)
        for (name, text) in files {
            try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return url
    }

    static func fixture(_ relativePath: String) throws -> String {
        try String(contentsOf: designFixtures.appendingPathComponent(relativePath), encoding: .utf8)
    }
}
