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
        let port = String(Int.random(in: 20_000...40_000))
        let server = Process()
        server.executableURL = CLI.binary
        server.arguments = ["serve", "--port", port] + vault
        server.standardOutput = Pipe()
        server.standardError = Pipe()
        try server.run()
        var answered = ""
        for _ in 0..<50 {
            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            curl.arguments = ["curl", "-s", "http://127.0.0.1:\(port)/healthz"]
            let out = Pipe()
            curl.standardOutput = out
            curl.standardError = Pipe()
            try curl.run()
            answered = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            curl.waitUntilExit()
            if !answered.isEmpty { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(answered == #"{"status":"ok"}"#)
        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
        #expect(server.terminationReason == .exit)
        #expect(server.terminationStatus == 0)
    }
}
