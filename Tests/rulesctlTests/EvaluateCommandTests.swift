import Foundation
import Testing

/// `evaluate` and `alerts` through the binary, including a run killed with SIGKILL.
@Suite(.serialized) struct EvaluateCommandTests {
    private struct Workspace {
        let root: URL
        var vault: String { root.appendingPathComponent("vault").path }
        var key: String { root.appendingPathComponent("root.key").path }
        var args: [String] { ["--vault", vault, "--key-file", key] }
    }

    private func populatedVault(subjects: Int) throws -> Workspace {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-eval-\(UUID().uuidString)")
        let space = Workspace(root: root)
        let synth = root.appendingPathComponent("synth").path
        #expect(try CLI.run(["init"] + space.args).status == 0)
        #expect(try CLI.run(["rules", "load"] + space.args).status == 0)
        #expect(try CLI.run("synth", "--subjects", String(subjects), "--seed", "9", "--out", synth).status == 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: synth + "/manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for file in try #require(manifest["files"] as? [[String: String]]) {
            let run = try CLI.run(["import"] + space.args + ["--kind", file["kind"] ?? "", "--source", file["source"] ?? "",
                                                             synth + "/" + (file["path"] ?? "")])
            #expect(run.status == 0, "\(run.stderr)")
        }
        return space
    }

    private func alertIDs(_ space: Workspace) throws -> [String] { try ids(space.args) }

    @Test func killedEvaluationResumesToExactlyTheUninterruptedAlerts() throws {
        let space = try populatedVault(subjects: 4_000)
        defer { try? FileManager.default.removeItem(at: space.root) }
        let copy = space.root.appendingPathComponent("copy").path
        try FileManager.default.copyItem(atPath: space.vault, toPath: copy)

        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["evaluate", "--as-of", "2026-03-20"] + space.args
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        // Kill it as soon as it reports its first committed chunk.
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("evaluated ") {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += chunk
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the evaluation finished before it could be killed")
        let partial = try alertIDs(space)

        #expect(try CLI.run(["evaluate", "--as-of", "2026-03-20"] + space.args).status == 0)
        let resumed = try alertIDs(space)
        // The copy taken before the killed run, evaluated once without interruption.
        let twin = ["--vault", copy, "--key-file", space.key]
        #expect(try CLI.run(["evaluate", "--as-of", "2026-03-20"] + twin).status == 0)
        let uninterrupted = try ids(twin)
        #expect(partial.count < resumed.count)
        #expect(resumed == uninterrupted)
        #expect(Set(resumed).count == resumed.count)
    }

    /// Each alert as subject|rule|date, sorted.
    private func ids(_ args: [String]) throws -> [String] {
        let run = try CLI.run(["alerts", "--json"] + args)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let alerts = try #require(document["alerts"] as? [[String: Any]])
        return alerts.map { "\($0["subject"] ?? "")|\($0["rule"] ?? "")|\($0["created"] ?? "")" }.sorted()
    }

    @Test func alertsJSONShapeAndLifecycle() throws {
        let space = try populatedVault(subjects: 300)
        defer { try? FileManager.default.removeItem(at: space.root) }
        let evaluated = try CLI.run(["evaluate", "--as-of", "2026-03-20", "--json"] + space.args)
        #expect(evaluated.status == 0)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(evaluated.stdout.utf8)) as? [String: Any])
        #expect(summary["as_of"] as? String == "2026-03-20")
        let list = try CLI.run(["alerts", "--json", "--status", "open"] + space.args)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])
        let alerts = try #require(document["alerts"] as? [[String: Any]])
        let first = try #require(alerts.first)
        for key in ["id", "rule", "severity", "status", "subject", "audience", "reveal", "evidence", "follow_up", "created"] {
            #expect(first.keys.contains(key), "missing \(key)")
        }
        let id = try #require(first["id"] as? String)
        #expect(try CLI.run(["alerts", "close", id, "--outcome", "peut-etre"] + space.args).status == 64)
        #expect(try CLI.run(["alerts", "ack", id, "--comment", "vu en cellule"] + space.args).status == 0)
        #expect(try CLI.run(["alerts", "close", id, "--outcome", "orientation"] + space.args).status == 0)
        let again = try CLI.run(["alerts", "close", id, "--outcome", "orientation"] + space.args)
        #expect(again.status == 1)
        #expect(again.stderr.contains("is closed"))
    }
}

extension CLI {
    /// Runs the binary with an argument list.
    static func run(_ arguments: [String]) throws -> Run { try launch(binary, arguments) }

    /// Runs `python3` (an independent checker, or a test tampering with a vault's file) with an argument list.
    static func python(_ arguments: [String]) throws -> Run {
        try launch(URL(fileURLWithPath: "/usr/bin/env"), ["python3"] + arguments)
    }

    /// Runs a Python program given as text, with arguments.
    static func python(_ program: String, _ arguments: String...) throws -> Run { try python(["-c", program] + arguments) }

    /// Runs a program with an argument list.
    static func launch(_ executable: URL, _ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }
}
