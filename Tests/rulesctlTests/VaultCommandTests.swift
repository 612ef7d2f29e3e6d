import Foundation
import Testing

/// The vault commands end to end, through the binary, as a coordinator runs them.
@Suite struct VaultCommandTests {
    private func workspace() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A new vault in a new workspace, the reference rules loaded: (workspace, vault, key file).
    private func loadedVault() throws -> (URL, String, String) {
        let dir = try workspace()
        let vault = dir.appendingPathComponent("vault").path
        let key = dir.appendingPathComponent("root.key").path
        #expect(try CLI.run("init", "--vault", vault, "--key-file", key).status == 0)
        #expect(try CLI.run("rules", "load", "--vault", vault, "--key-file", key).status == 0)
        return (dir, vault, key)
    }

    @Test func initLoadSynthImportStatusVerifyErase() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let vault = dir.appendingPathComponent("vault").path
        let key = dir.appendingPathComponent("root.key").path
        let synth = dir.appendingPathComponent("synth").path

        let created = try CLI.run("init", "--vault", vault, "--key-file", key, "--json")
        #expect(created.status == 0, "\(created.stderr)")
        let vaultID = try #require((try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: String])?["vault_id"])
        #expect(vaultID.count == 32)
        #expect(try CLI.run("init", "--vault", vault, "--key-file", dir.appendingPathComponent("k2").path).status == 1)

        #expect(try CLI.run("rules", "load", "--vault", vault, "--key-file", key, "Rules").status == 0)
        #expect(try CLI.run("synth", "--subjects", "60", "--seed", "3", "--out", synth).status == 0)
        let manifestData = try Data(contentsOf: URL(fileURLWithPath: synth + "/manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: manifestData) as? [String: Any])
        #expect(manifest["as_of"] as? String == "2026-03-20")
        let files = try #require(manifest["files"] as? [[String: String]])
        for file in files {
            let run = try CLI.run("import", "--vault", vault, "--key-file", key, "--kind", file["kind"] ?? "",
                                  "--source", file["source"] ?? "", synth + "/" + (file["path"] ?? ""))
            #expect(run.status == 0, "\(run.stderr)")
        }
        let status = try CLI.run("status", "--vault", vault, "--key-file", key, "--json")
        let counts = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect((counts["records"] as? Int ?? 0) > 0)
        #expect(counts["vault_id"] as? String == vaultID)
        #expect((counts["rule_set"] as? String)?.count == 64)
        for key in ["subjects", "alerts"] { #expect(counts[key] is Int) }
        // Created, rule set loaded, one import per file.
        #expect(counts["audit_entries"] as? Int == 2 + files.count)

        let verified = try CLI.run("verify", "--vault", vault, "--key-file", key)
        #expect(verified.status == 0)
        #expect(verified.stdout.hasPrefix("ok: "))

        // Re-importing a file adds nothing.
        let absences = try #require(files.first { $0["kind"] == "absence" })
        let again = try CLI.run("import", "--vault", vault, "--key-file", key, "--kind", "absence", "--source",
                                "education_nationale", "--json", synth + "/" + (absences["path"] ?? ""))
        #expect(again.status == 0)
        #expect(again.stdout.contains("\"records_stored\" : 0"))
        // With --evaluate, --json still prints one document: the files and the evaluation.
        let evaluated = try CLI.run("import", "--vault", vault, "--key-file", key, "--kind", "absence", "--source",
                                    "education_nationale", "--json", "--evaluate", "2026-03-20", synth + "/" + (absences["path"] ?? ""))
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(evaluated.stdout.utf8)) as? [String: Any])
        #expect((document["files"] as? [String: Any])?.count == 1)
        #expect((document["evaluation"] as? [String: Any])?["mode"] as? String == "changed")

        // Retention: a dry run destroys nothing; a bad date is a usage error.
        let preview = try CLI.run("purge", "--vault", vault, "--key-file", key, "--as-of", "2040-01-01", "--dry-run", "--json")
        #expect(preview.status == 0, "\(preview.stderr)")
        let due = try #require(try JSONSerialization.jsonObject(with: Data(preview.stdout.utf8)) as? [String: Any])
        #expect((due["records_destroyed"] as? Int ?? 0) > 0)
        #expect(due["subjects"] as? Int == counts["subjects"] as? Int)
        let unchanged = try CLI.run("status", "--vault", vault, "--key-file", key, "--json")
        #expect(unchanged.stdout.contains("\"records\" : \(counts["records"] as? Int ?? -1)"))
        #expect(try CLI.run("purge", "--vault", vault, "--key-file", key, "--as-of", "someday").status == 64)
        let purged = try CLI.run("purge", "--vault", vault, "--key-file", key, "--as-of", "2040-01-01")
        #expect(purged.status == 0)
        // What the dry run counted of alerts is what the purge destroyed.
        let alertsDue = try #require(due["alerts_destroyed"] as? Int)
        #expect(purged.stdout.contains(" records and \(alertsDue) closed alerts destroyed"))
        #expect(purged.stdout.contains(" records and ") && purged.stdout.hasSuffix("closed alerts destroyed\n"))
        // What the dry run counted is what the purge destroyed.
        let after = try CLI.run("status", "--vault", vault, "--key-file", key, "--json")
        let left = try #require(try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any])
        #expect(left["records"] as? Int == (counts["records"] as? Int ?? 0) - (due["records_destroyed"] as? Int ?? 0))
    }

    /// `import --json` always prints one document: the files stored, the file refused with its error, and an
    /// evaluation that failed (here on a record tampered with) with its error, the files staying stored.
    @Test func importJSONSaysWhatWasStoredRefusedAndWhyTheEvaluationFailed() throws {
        let (dir, vault, key) = try loadedVault()
        defer { try? FileManager.default.removeItem(at: dir) }
        let header = "nom,prenom,naissance,etablissement,date,demi_journee,justifiee,motif\n"
        let good = dir.appendingPathComponent("good.csv").path
        let bad = dir.appendingPathComponent("bad.csv").path
        let week = (6...9).map { "Dupont,Emilie,2012-03-01,,2025-10-0\($0),matin,false,\n" }.joined()
        try (header + week).write(toFile: good, atomically: true, encoding: .utf8)
        try (header + "Dupont,Emilie,2012-03-01,,2025-13-06,matin,false,\n").write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try CLI.run("import", "--vault", vault, "--key-file", key, "--kind", "absence", "--source",
                                  "education_nationale", "--json", good, bad)
        #expect(refused.status == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(refused.stdout.utf8)) as? [String: Any])
        #expect((document["files"] as? [String: Any])?.keys.sorted() == [good])
        let refusal = try #require(document["refused"] as? [String: Any])
        #expect(refusal["file"] as? String == bad)
        #expect((refusal["error"] as? [String: Any])?["code"] as? String == "invalid_input")
        #expect(((refusal["error"] as? [String: Any])?["message"] as? String)?.contains("bad.csv:2") == true)
        #expect(![refused.stdout, refused.stderr].contains { $0.contains("Dupont") || $0.contains("2025-13-06") })

        // The stored absences, tampered with: the evaluation after the next import cannot open them.
        let tamper = try CLI.python("""
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute("UPDATE records SET sealed = CAST(sealed AS BLOB) || x'00'")
            db.commit()
            """, vault + "/vault.sqlite")
        #expect(tamper.status == 0, "\(tamper.stderr)")
        let more = dir.appendingPathComponent("more.csv").path
        try (header + "Dupont,Emilie,2012-03-01,,2025-10-10,matin,false,\n").write(toFile: more, atomically: true, encoding: .utf8)
        let failed = try CLI.run("import", "--vault", vault, "--key-file", key, "--kind", "absence", "--source",
                                 "education_nationale", "--evaluate", "2025-10-20", "--json", more)
        #expect(failed.status == 1)
        let after = try #require(try JSONSerialization.jsonObject(with: Data(failed.stdout.utf8)) as? [String: Any])
        #expect(((after["files"] as? [String: Any])?[more] as? [String: Any])?["records_stored"] as? Int == 1)
        #expect(after["evaluation"] == nil)
        #expect((after["evaluation_error"] as? [String: Any])?["code"] as? String == "integrity")
        #expect(![failed.stdout, failed.stderr].contains { $0.contains("Dupont") || $0.contains("Emilie") })
    }

    /// A vault that does not open (another key) fails with the JSON document too under --json.
    @Test func aVaultThatDoesNotOpenPrintsItsFailureAsJSON() throws {
        let (dir, vault, _) = try loadedVault()
        defer { try? FileManager.default.removeItem(at: dir) }
        let other = dir.appendingPathComponent("other").path
        #expect(try CLI.run("init", "--vault", other, "--key-file", dir.appendingPathComponent("other.key").path).status == 0)
        let run = try CLI.run("status", "--vault", vault, "--key-file", dir.appendingPathComponent("other.key").path, "--json")
        #expect(run.status == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(document["ok"] as? Bool == false)
        #expect((document["error"] as? [String: Any])?["code"] as? String == "wrong_key")
        #expect(run.stderr.hasPrefix("error: the key does not open this vault"))
    }

    @Test func corruptedCSVIsRejectedWholeNamingFileAndLine() throws {
        let (dir, vault, key) = try loadedVault()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("absences.csv").path
        try """
            nom,prenom,naissance,date,demi_journee,justifiee
            Dupont,Emilie,2012-03-01,2025-10-06,matin,false
            Martin,Lucas,2012-03-01,2025-10-06,matin,sometimes

            """.write(toFile: csv, atomically: true, encoding: .utf8)
        let run = try CLI.run("import", "--vault", vault, "--key-file", key, "--kind", "absence", "--source",
                              "education_nationale", csv)
        #expect(run.status == 1)
        #expect(run.stderr.contains("\(csv):3: error: field 'justifiee' must be true or false"))
        #expect(!run.stderr.contains("Martin") && !run.stderr.contains("Dupont"))
        let status = try CLI.run("status", "--vault", vault, "--key-file", key, "--json")
        #expect(status.stdout.contains("\"records\" : 0"))
        // A bad date for the evaluation after the import is a usage error found before anything is imported.
        try "nom,prenom,naissance,date,demi_journee,justifiee\nDupont,Emilie,2012-03-01,2025-10-06,matin,false\n"
            .write(toFile: csv, atomically: true, encoding: .utf8)
        let badDate = try CLI.run("import", "--vault", vault, "--key-file", key, "--kind", "absence", "--source",
                                  "education_nationale", "--evaluate", "2025-13-45", csv)
        #expect(badDate.status == 64)
        #expect(badDate.stderr.contains("--evaluate must be a date YYYY-MM-DD"))
        let after = try CLI.run("status", "--vault", vault, "--key-file", key, "--json")
        #expect(after.stdout.contains("\"records\" : 0"))
    }

    /// A rule that fails for a subject makes `evaluate` exit 1 (§7), after printing what it did.
    @Test func aFailedRuleEvaluationExitsOne() throws {
        let (dir, vault, key) = try loadedVault()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("s.csv").path
        try ("nom,prenom,naissance,date,type,avec_sursis,duree_jours\n"
            + ["2025-10-01", "2025-10-02"].map { "Dupont,Emilie,2012-03-01,\($0),exclusion_temporaire_classe,false,\(Int.max)\n" }.joined())
            .write(toFile: csv, atomically: true, encoding: .utf8)
        #expect(try CLI.run("import", "--vault", vault, "--key-file", key, "--kind", "sanction", "--source",
                            "education_nationale", csv).status == 0)
        let run = try CLI.run("evaluate", "--vault", vault, "--key-file", key, "--as-of", "2026-03-20")
        #expect(run.status == 1)
        #expect(run.stderr.contains("rule evaluations failed"))
        #expect(!run.stderr.contains("Dupont"))
        // The same through import --evaluate, whose subject stayed due.
        let imported = try CLI.run("import", "--vault", vault, "--key-file", key, "--kind", "sanction", "--source",
                                   "education_nationale", "--evaluate", "2026-03-20", csv)
        #expect(imported.status == 1)
        #expect(imported.stderr.contains("rule evaluations failed"))
    }

    @Test func wrongKeyAndMissingOptions() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let vault = dir.appendingPathComponent("vault").path
        #expect(try CLI.run("init", "--vault", vault, "--key-file", dir.appendingPathComponent("a.key").path).status == 0)
        #expect(try CLI.run("init", "--vault", dir.appendingPathComponent("other").path,
                            "--key-file", dir.appendingPathComponent("b.key").path).status == 0)
        let wrong = try CLI.run("status", "--vault", vault, "--key-file", dir.appendingPathComponent("b.key").path)
        #expect(wrong.status == 1)
        #expect(wrong.stderr == "error: the key does not open this vault\n")
        #expect(try CLI.run("status", "--key-file", dir.appendingPathComponent("a.key").path).status == 64)
        #expect(try CLI.run("status", "--vault", vault).status == 64)
    }
}
