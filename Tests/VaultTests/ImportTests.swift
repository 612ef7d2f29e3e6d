import Foundation
import Synthetic
import Testing
import Vault

@Suite struct ImportTests {
    /// The error of an absence import that must be refused.
    private func refusedAbsences(_ path: String, in vault: TemporaryVault) throws -> VaultError {
        try #require(throws: VaultError.self) { try vault.store.importFile(path, kind: "absence", source: "education_nationale") }
    }

    private let rows = absenceHeader + """
        Dupont,Émilie-Anne,2012-03-01,Collège Camille Claudel,2025-10-06,matin,false,
        Dupont,Émilie-Anne,2012-03-01,,2025-10-06,apres_midi,false,
        "Le Goff","Jean-Baptiste",2011-07-14,"Collège ""Jean"" Moulin",2025-10-07,matin,true,maladie

        """

    @Test func importMatchesSubjectsAndSkipsDuplicates() throws {
        let vault = try TemporaryVault()
        let path = try vault.file("absences.csv", rows)
        let first = try vault.store.importFile(path, kind: "absence", source: "education_nationale")
        #expect(first.rows == 3)
        #expect(first.subjectsCreated == 2)
        #expect(first.subjectsMatched == 1)
        #expect(first.recordsStored == 3)
        let again = try vault.store.importFile(path, kind: "absence", source: "education_nationale")
        #expect(again.recordsStored == 0)
        #expect(again.duplicates == 3)
        #expect(again.subjectsCreated == 0)
        #expect(try vault.store.status().records == 3)
        #expect(try vault.store.status().subjects == 2)
    }

    /// With a one-bit index every lookup meets about half the vault: each person is still matched once, whether
    /// met earlier in the file, in an earlier file, or spelt otherwise.
    @Test func collidingIndexesStillMatchEachPersonOnce() throws {
        let wide = try TemporaryVault(population: 100_000)
        let narrow = try TemporaryVault(population: 4)
        _ = try wide.importSynthetic(subjects: 150)
        let manifest = try narrow.importSynthetic(subjects: 150)
        #expect(try narrow.store.status().subjects == wide.store.status().subjects)
        #expect(try narrow.store.status().records == wide.store.status().records)
        let file = try #require(manifest.files.first { $0.kind == "absence" })
        let lines = try String(contentsOfFile: narrow.root.appendingPathComponent("synth/" + file.path).path, encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let shouted = lines.dropFirst().map { line in
            let cells = line.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            return ([cells[0].uppercased(), cells[1].uppercased()] + cells.dropFirst(2)).joined(separator: ",")
        }
        let again = try narrow.store.importFile(try narrow.file("shouted.csv", ([lines[0]] + shouted).joined(separator: "\n") + "\n"),
                                                kind: "absence", source: file.source)
        #expect(again.rows == lines.count - 1)
        #expect(again.subjectsCreated == 0)
        #expect(again.recordsStored == 0)
    }

    /// Case, accents, hyphens and double spaces are folded: the same person is matched.
    @Test(arguments: [
        ("DUPONT", "emilie anne"), ("dupont", "Emilie  Anne"), ("Dupont", "ÉMILIE-ANNE"), ("  Dupont ", "Émilie-anne"),
    ])
    func blindIndexNormalisationMatchesTheSamePerson(nom: String, prenom: String) throws {
        let vault = try TemporaryVault()
        _ = try vault.store.importFile(try vault.file("a.csv", rows), kind: "absence", source: "education_nationale")
        let found = try vault.store.findSubjects(identity: ["nom": nom, "prenom": prenom, "naissance": "2012-03-01"])
        #expect(found.count == 1)
        #expect(try vault.store.findSubjects(identity: ["nom": nom, "prenom": prenom, "naissance": "2012-03-02"]).isEmpty)
        #expect(try vault.store.findSubjects(identity: ["nom": "Dupond", "prenom": prenom, "naissance": "2012-03-01"]).isEmpty)
    }

    @Test func badRowRejectsTheWholeFileNamingEveryLineAndNoValue() throws {
        let vault = try TemporaryVault()
        let bad = absenceHeader + """
            Dupont,Emilie,2012-03-01,,2025-10-06,matin,false,
            Martin,Lucas,2012-02-30,,2025-10-06,matin,false,
            Petit,Inès,2012-01-01,,2025-10-06,soir,false,
            Moreau,,2012-01-01,,2025-10-06,matin,peut-être,

            """
        let path = try vault.file("bad.csv", bad)
        let error = try refusedAbsences(path, in: vault)
        #expect(error.code == .invalidInput)
        #expect(error.message.contains("\(path):3: error: field 'naissance' must be a date YYYY-MM-DD"))
        #expect(error.message.contains("\(path):4: error: field 'demi_journee' must be one of matin, apres_midi"))
        #expect(error.message.contains("\(path):5: error: field 'prenom' is required"))
        #expect(error.message.contains("\(path):5: error: field 'justifiee' must be true or false"))
        #expect(!error.message.contains("Dupont") && !error.message.contains("2012-02-30") && !error.message.contains("soir"))
        #expect(try vault.store.status().records == 0)
        #expect(try vault.store.status().subjects == 0)
    }

    /// Rows are stored while the rest of the file is still being read: a bad last row, thousands of rows and
    /// several batches after the first, still leaves the vault as it was, and writes no import to the audit log.
    @Test func badLastRowAfterManyStoredBatchesStoresNothing() throws {
        let vault = try TemporaryVault()
        let good = (0..<5_000).map { "Nom\($0),Prenom,2012-03-01,,2025-10-06,matin,false," }
        let auditBefore = try vault.store.auditSize()
        let path = try vault.file("late.csv", absenceHeader + (good + ["Tard,Paul,2012-03-01,,2025-10-06,matin,peut-être,"]).joined(separator: "\n") + "\n")
        let error = try refusedAbsences(path, in: vault)
        #expect(error.message.contains("\(path):5002: error: field 'justifiee' must be true or false"))
        #expect(error.message.hasSuffix("refused whole; nothing was stored"))
        #expect(try vault.store.status().records == 0)
        #expect(try vault.store.status().subjects == 0)
        #expect(try vault.store.auditSize() == auditBefore)
        // The same rows without the bad one are all taken.
        let summary = try vault.store.importFile(try vault.file("good.csv", absenceHeader + good.joined(separator: "\n") + "\n"),
                                                 kind: "absence", source: "education_nationale")
        #expect(summary.rows == 5_000 && summary.recordsStored == 5_000 && summary.subjectsCreated == 5_000)
    }

    /// The reader hands valid rows over in file order, a batch at a time with the file's row count, and none
    /// after the first bad row.
    @Test func streamHandsRowsOverInBatchesUntilTheFirstBadRow() throws {
        let vault = try TemporaryVault()
        let (kind, subject) = try vault.shapes("absence")
        let lines = (0..<5).map { "Nom\($0),Prenom,2012-03-01,,2025-10-06,matin,false," }
        var batches: [[Int]] = []
        var totals: Set<Int> = []
        try ImportFile.stream(try vault.file("five.csv", absenceHeader + lines.joined(separator: "\n") + "\n"),
                              kind: kind, subject: subject, batchSize: 2) { rows, total in
            batches.append(rows.map(\.line))
            totals.insert(total)
            return true
        }
        #expect(batches == [[2, 3], [4, 5], [6]])
        #expect(totals == [5])
        var handed: [Int] = []
        var bad = lines
        bad[2] = "Nom2,Prenom,2012-03-01,,2025-10-06,soir,false,"
        let path = try vault.file("bad-third.csv", absenceHeader + bad.joined(separator: "\n") + "\n")
        #expect(throws: VaultError.self) {
            try ImportFile.stream(path, kind: kind, subject: subject, batchSize: 2) { rows, _ in
                handed += rows.map(\.line)
                return true
            }
        }
        #expect(handed == [2, 3])
        // A caller that gives up stops the reading there, without an error.
        var taken: [Int] = []
        try ImportFile.stream(try vault.file("stop.csv", absenceHeader + lines.joined(separator: "\n") + "\n"),
                              kind: kind, subject: subject, batchSize: 2) { rows, _ in
            taken += rows.map(\.line)
            return false
        }
        #expect(taken == [2, 3])
    }

    @Test func wrongColumnsAreRefusedAtTheHeader() throws {
        let vault = try TemporaryVault()
        let path = try vault.file("cols.csv", "nom,prenom,naissance,date,demi_journe,justifiee\nA,B,2012-01-01,2025-10-01,matin,false\n")
        let error = try refusedAbsences(path, in: vault)
        #expect(error.message.contains("\(path):1: error: unknown column 'demi_journe' for kind 'absence'; did you mean 'demi_journee'?"))
        #expect(error.message.contains("\(path):1: error: missing column 'demi_journee'"))
    }

    /// A file without its header line has personal data where the header should be: the error repeats none of it.
    @Test func aMissingHeaderLineIsRefusedWithoutRepeatingTheRow() throws {
        let vault = try TemporaryVault()
        let headerless = try vault.file("nohead.csv", "Dupont,Emilie,2012-03-01,Collège X,2025-10-06,matin,false,\n")
        let error = try refusedAbsences(headerless, in: vault)
        #expect(error.message.contains("\(headerless):1: error: no column is a field of kind 'absence'"))
        #expect(error.message.contains("is the header line missing?"))
        for value in ["Dupont", "Emilie", "2012-03-01", "Collège X", "2025-10-06"] {
            #expect(!error.message.contains(value), "\(value)")
        }
        // A cell of data among real column names is not repeated either; a misspelt column name still is.
        let mixed = try vault.file("mixed.csv", "nom,prenom,naissance,Dupont,date,demi_journee,justifiee\nA,B,2012-01-01,x,2025-10-01,matin,false\n")
        let mixedError = try refusedAbsences(mixed, in: vault)
        #expect(mixedError.message.contains("a column is not a field of kind 'absence'"))
        #expect(!mixedError.message.contains("Dupont"))
        #expect(try vault.store.status().records == 0)
    }

    @Test func roleThatDoesNotContributeTheKindIsForbidden() throws {
        let vault = try TemporaryVault()
        let path = try vault.file("a.csv", rows)
        let error = try #require(throws: VaultError.self) {
            try vault.store.importFile(path, kind: "absence", source: "police_municipale")
        }
        #expect(error.code == .forbidden)
        #expect(try vault.store.status().records == 0)
    }

    @Test func jsonLinesImportTheSameWay() throws {
        let vault = try TemporaryVault()
        let lines = """
            {"nom": "Dupont", "prenom": "Emilie", "naissance": "2012-03-01", "date": "2025-10-06", "demi_journee": "matin", "justifiee": false, "motif": null}
            {"nom": "Dupont", "prenom": "Emilie", "naissance": "2012-03-01", "date": "2025-10-07", "demi_journee": "matin", "justifiee": true, "motif": "maladie"}

            """
        let summary = try vault.store.importFile(try vault.file("a.jsonl", lines), kind: "absence", source: "education_nationale")
        #expect(summary.recordsStored == 2)
        #expect(summary.subjectsCreated == 1)
        let broken = try vault.file("b.jsonl", "{\"nom\": \"X\"\n")
        let error = try refusedAbsences(broken, in: vault)
        #expect(error.message.contains("\(broken):1: error: not a JSON object"))
    }

    @Test func unterminatedQuoteIsReportedAtItsRow() throws {
        let vault = try TemporaryVault()
        let path = try vault.file("q.csv", absenceHeader + "Dupont,\"Emilie,2012-03-01,,2025-10-06,matin,false,\n")
        let error = try refusedAbsences(path, in: vault)
        #expect(error.message.contains("\(path):2: error: a quoted field is not closed"))
    }
}
