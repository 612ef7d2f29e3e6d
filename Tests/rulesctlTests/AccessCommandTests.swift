import Foundation
import Testing

/// Tokens and need-to-know through the binary.
@Suite struct AccessCommandTests {
    @Test func tokensGateAlertsAndSubjects() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-access-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let vault = ["--vault", root.appendingPathComponent("vault").path, "--key-file", root.appendingPathComponent("k").path]
        #expect(try CLI.run(["init"] + vault).status == 0)
        #expect(try CLI.run(["rules", "load"] + vault).status == 0)
        let csv = root.appendingPathComponent("a.csv").path
        try "nom,prenom,naissance,date,demi_journee,justifiee\n"
            .appending((6...9).map { "Dupont,Emilie,2012-03-01,2025-10-0\($0),matin,false\n" }.joined())
            .write(toFile: csv, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import"] + vault + ["--kind", "absence", "--source", "education_nationale", csv]).status == 0)
        #expect(try CLI.run(["evaluate", "--as-of", "2025-10-20"] + vault).status == 0)

        func issue(_ role: String) throws -> String {
            let run = try CLI.run(["token", "issue"] + vault + ["--role", role, "--group", "prevention_jeunesse",
                                                                "--holder", "test \(role)", "--ttl", "1d", "--json"])
            #expect(run.status == 0, "\(run.stderr)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: String])
            #expect(document["id"]?.count == 32)
            #expect(document["expires"] != nil)
            return try #require(document["token"])
        }
        // A lifetime too large to count in seconds is a usage error, not a crash.
        for ttl in ["9999999999999999d", "2562047788015215h", "367d", "53w"] {
            let huge = try CLI.run(["token", "issue"] + vault + ["--role", "maire", "--group", "prevention_jeunesse",
                                                                 "--holder", "x", "--ttl", ttl])
            #expect(huge.status == 64, "\(ttl)")
            #expect(huge.stderr.contains("at most 366 days"))
        }
        let longest = try CLI.run(["token", "issue"] + vault + ["--role", "maire", "--group", "prevention_jeunesse",
                                                                "--holder", "x", "--ttl", "366d"])
        #expect(longest.status == 0, "\(longest.stderr)")
        let school = try issue("education_nationale")
        let bailleur = try issue("bailleur")
        #expect(school.hasPrefix("v4.public."))
        let key = try CLI.run(["token", "public-key"] + vault)
        #expect(key.stdout.hasPrefix("k4.public."))

        let schoolAlerts = try CLI.run(["alerts", "--json", "--token", school] + vault)
        #expect(schoolAlerts.stdout.contains("\"rule\" : \"ABS-4DJ\""))
        let bailleurAlerts = try CLI.run(["alerts", "--json", "--token", bailleur] + vault)
        #expect(bailleurAlerts.status == 0)
        #expect(bailleurAlerts.stdout.contains("\"alerts\" : [\n\n  ]") || bailleurAlerts.stdout.contains("\"alerts\" : []"))

        var forged = Array(school)
        forged[forged.count - 3] = forged[forged.count - 3] == "a" ? "b" : "a"
        let refused = try CLI.run(["alerts", "--token", String(forged)] + vault)
        #expect(refused.status == 1)
        #expect(refused.stderr.hasPrefix("error: invalid token"))

        let identity = ["--nom", "DUPONT", "--prenom", "émilie", "--naissance", "2012-03-01"]
        #expect(try CLI.run(["subject", "find", "--token", school] + vault + identity).status == 64)
        let noPurpose = try CLI.run(["subject", "find", "--token", school, "--purpose", " "] + vault + identity)
        #expect(noPurpose.status == 1)
        #expect(noPurpose.stderr.hasPrefix("error: forbidden: "))
        let found = try CLI.run(["subject", "find", "--token", school, "--purpose", "assiduité", "--json"] + vault + identity)
        let matches = try #require((try JSONSerialization.jsonObject(with: Data(found.stdout.utf8)) as? [String: Any])?["matches"] as? [[String: String]])
        let id = try #require(matches.first?["id"])
        #expect(matches.first?["nom"] == "Dupont")
        let denied = try CLI.run(["subject", "show", id, "--token", bailleur, "--purpose", "vérification"] + vault)
        #expect(denied.status == 1)
        #expect(denied.stderr.hasPrefix("error: not permitted: "))
        #expect(!denied.stderr.contains("Dupont"))
        let revoke = try CLI.run(["token", "list", "--json"] + vault)
        #expect(revoke.stdout.contains("test bailleur"))
    }
}
