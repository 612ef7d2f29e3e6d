import RulesEngine
import Testing

@Suite struct DiagnosticRendererTests {
    @Test func rendersSwiftcShapeWithCaretAndHelp() throws {
        let result = try Fixtures.check("""
            rule "T" {
              basis "test"
              group prevention_jeunesse
              when count(absence where not justifie) >= 4
              notify coordinateur
            }
            """)
        let diagnostic = try #require(result.errors.first)
        #expect(DiagnosticRenderer.render(diagnostic, in: result.files) == """
            extra1.vigie:4:32: error: 'justifie' is not a field of kind 'absence' or the subject [RE3009]
              when count(absence where not justifie) >= 4
                                           ^~~~~~~~
              help: did you mean 'justifiee'?

            """)
    }

    @Test func notesAreRenderedWithTheirOwnLocation() throws {
        let result = try Fixtures.check("label judiciaire { title \"encore\" }\n")
        let diagnostic = try #require(result.errors.first)
        let text = DiagnosticRenderer.render(diagnostic, in: result.files)
        #expect(text.hasPrefix("extra1.vigie:1:7: error: label 'judiciaire' is declared twice [RE3002]\n"))
        #expect(text.contains("\ndesign.vigie:5:7: note: first declared here\nlabel judiciaire"))
    }

    @Test func caretAlignsByCharacterAndCopiesTabs() {
        let (line, caret) = DiagnosticRenderer.caretLine(line: "\twhen é == x", column: 10, length: 1)
        #expect(line == "\twhen é == x")
        #expect(caret == "\t       ^")
    }

    @Test func longLinesAreWindowedAroundTheCaret() {
        let long = String(repeating: "a", count: 150) + " target " + String(repeating: "b", count: 150)
        let (line, caret) = DiagnosticRenderer.caretLine(line: long, column: 152, length: 6)
        #expect(line.count <= DiagnosticRenderer.maxLineWidth + 2)
        #expect(line.hasPrefix("…") && line.hasSuffix("…"))
        let caretStart = try? #require(caret.firstIndex(of: "^"))
        if let caretStart {
            let offset = caret.distance(from: caret.startIndex, to: caretStart)
            #expect(String(Array(line)[offset..<offset + 6]) == "target")
        }
    }
}
