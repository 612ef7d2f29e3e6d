import Foundation
import Testing

/// `rulesctl serve` as a process: it answers, and SIGTERM stops it cleanly.
@Suite struct ServeCommandTests {
    @Test func servesAndStopsGracefullyOnSIGTERM() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-serve-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let vault = ["--vault", root.appendingPathComponent("vault").path, "--key-file", root.appendingPathComponent("k").path]
        #expect(try CLI.run(["init"] + vault).status == 0)
        #expect(try CLI.run(["rules", "load"] + vault).status == 0)
        let port = String(Int.random(in: 20_000...32_000))
        let server = Process()
        server.executableURL = CLI.binary
        server.arguments = ["serve", "--port", port] + vault
        server.standardOutput = Pipe()
        server.standardError = Pipe()
        try server.run()
        #expect(try Self.healthz(port) == #"{"status":"ok"}"#)
        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
        #expect(server.terminationReason == .exit)
        #expect(server.terminationStatus == 0)
    }

    /// The coordinator imports and evaluates while the server answers partners, each request logged in the same
    /// vault: every command and every request succeeds. (Before a busy timeout, a second writer failed at once:
    /// about one evaluation in three, and some requests.)
    @Test func importsAndEvaluationsRunWhileTheServerAnswersPartners() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-shared-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let vault = ["--vault", root.appendingPathComponent("vault").path, "--key-file", root.appendingPathComponent("k").path]
        let synth = root.appendingPathComponent("synth").path
        #expect(try CLI.run(["init"] + vault).status == 0)
        #expect(try CLI.run(["rules", "load"] + vault).status == 0)
        #expect(try CLI.run(["synth", "--subjects", "300", "--seed", "5", "--out", synth]).status == 0)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: synth + "/manifest.json")))
        let files = try #require((manifest as? [String: Any])?["files"] as? [[String: String]])
        func importAll() throws {
            for file in files {
                let run = try CLI.run(["import", "--kind", file["kind"] ?? "", "--source", file["source"] ?? "",
                                       synth + "/" + (file["path"] ?? "")] + vault)
                #expect(run.status == 0, "\(run.stderr)")
            }
        }
        try importAll()
        let issued = try CLI.run(["token", "issue", "--role", "education_nationale", "--group", "prevention_jeunesse",
                                  "--holder", "CPE"] + vault)
        let token = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("v4.public."))
        let port = String(Int.random(in: 20_000...32_000))
        let server = Process()
        server.executableURL = CLI.binary
        server.arguments = ["serve", "--port", port, "--rate-limit", "1000000"] + vault
        // Its access log is not read here: a pipe nobody reads would fill and stop the server's logging threads.
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            if server.isRunning { server.terminate() }
            server.waitUntilExit()
        }
        #expect(try Self.healthz(port) == #"{"status":"ok"}"#)
        // Partners' listings, four at a time, while the coordinator works.
        let partners = Process()
        partners.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // The listings go nowhere, each status to stderr.
        partners.arguments = ["curl", "-s", "--no-progress-meter", "--max-time", "120", "--parallel", "--parallel-max", "4", "-w", "%{stderr}%{http_code}\\n",
                              "-H", "Authorization: Bearer \(token)", "http://127.0.0.1:\(port)/v1/alerts?n=[1-1500]"]
        let codes = Pipe()
        partners.standardOutput = FileHandle.nullDevice
        partners.standardError = codes
        try partners.run()
        for day in ["2026-03-18", "2026-03-19", "2026-03-20"] {
            let run = try CLI.run(["evaluate", "--as-of", day] + vault)
            #expect(run.status == 0, "\(run.stderr)")
        }
        try importAll()
        let answered = String(decoding: codes.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        partners.waitUntilExit()
        let statuses = answered.split(separator: "\n")
        #expect(statuses.count == 1_500)
        #expect(statuses.allSatisfy { $0 == "200" }, "\(Set(statuses))")
    }

    /// What `/healthz` answers once the server listens (polled for up to ten seconds; "" if it never does).
    private static func healthz(_ port: String) throws -> String {
        for _ in 0..<50 {
            let answered = try CLI.launch(URL(fileURLWithPath: "/usr/bin/env"),
                                          ["curl", "-s", "--max-time", "2", "http://127.0.0.1:\(port)/healthz"]).stdout
            if !answered.isEmpty { return answered }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return ""
    }
}
