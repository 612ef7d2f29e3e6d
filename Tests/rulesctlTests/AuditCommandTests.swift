import Foundation
import Testing

/// An auditor checks checkpoints and proofs offline with an independent verifier (Fixtures/verify_audit.py,
/// Python's hashlib and `cryptography`, none of the project's code).
@Suite struct AuditCommandTests {
    @Test func independentVerifierChecksCheckpointsAndProofs() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-audit-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let vault = ["--vault", root.appendingPathComponent("vault").path, "--key-file", root.appendingPathComponent("k").path]
        func save(_ name: String, _ run: CLI.Run) throws -> String {
            #expect(run.status == 0, "\(run.stderr)")
            let path = root.appendingPathComponent(name).path
            try run.stdout.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        #expect(try CLI.run(["init"] + vault).status == 0)
        #expect(try CLI.run(["rules", "load"] + vault).status == 0)
        let key = try save("key.txt", try CLI.run(["audit", "public-key"] + vault))
        let old = try save("old.checkpoint", try CLI.run(["audit", "checkpoint"] + vault))
        let oldSize = Int(try String(contentsOfFile: old, encoding: .utf8).split(separator: "\n")[1]) ?? 0
        let csv = root.appendingPathComponent("a.csv").path
        try "nom,prenom,naissance,date,demi_journee,justifiee\nDupont,Emilie,2012-03-01,2025-10-06,matin,false\n"
            .write(toFile: csv, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import"] + vault + ["--kind", "absence", "--source", "education_nationale", csv]).status == 0)
        #expect(try CLI.run(["evaluate", "--as-of", "2025-10-20"] + vault).status == 0)
        let new = try save("new.checkpoint", try CLI.run(["audit", "checkpoint"] + vault))
        let newSize = Int(try String(contentsOfFile: new, encoding: .utf8).split(separator: "\n")[1]) ?? 0
        #expect(newSize > oldSize)
        let inclusion = try save("inclusion.json", try CLI.run(["audit", "prove", "--entry", "2", "--size", String(newSize), "--json"] + vault))
        let consistency = try save("consistency.json", try CLI.run(["audit", "prove", "--from", String(oldSize), "--to", String(newSize), "--json"] + vault))
        let script = CLI.packageRoot.appendingPathComponent("Tests/rulesctlTests/Fixtures/verify_audit.py").path
        let good = try CLI.python([script, key, old, new, inclusion, consistency])
        #expect(good.stdout == "ok\n", "\(good.stdout)\(good.stderr)")
        // A checkpoint edited by hand (another root) is refused by the independent verifier.
        let forged = root.appendingPathComponent("forged.checkpoint").path
        var lines = try String(contentsOfFile: new, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[2] = Data(repeating: 7, count: 32).base64EncodedString()
        try lines.joined(separator: "\n").write(toFile: forged, atomically: true, encoding: .utf8)
        let bad = try CLI.python([script, key, old, forged, inclusion, consistency])
        #expect(bad.status == 1)
        #expect(bad.stdout.hasPrefix("FAIL"))

        let verify = try CLI.run(["audit", "verify", "--json"] + vault)
        #expect(verify.status == 0)
        #expect(verify.stdout.contains("\"ok\" : true"))
    }
}
