import Testing
@testable import Vault

@Suite struct CSVReaderTests {
    private func rows(_ text: String, stopAfter limit: Int = .max) throws(CSVReader.Failure) -> [CSVReader.Row] {
        var rows: [CSVReader.Row] = []
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBufferPointer { (buffer) throws(CSVReader.Failure) in
            try CSVReader.forEachRow(buffer) { rows.append($0); return rows.count < limit }
        }
        return rows
    }

    private func count(_ text: String) throws(CSVReader.Failure) -> Int {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { (buffer) throws(CSVReader.Failure) in try CSVReader.count(buffer) }
    }

    @Test func quotesEscapesLineEndsAndBlankLines() throws {
        let text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\n\n\"two\nlines\",,z\nlast,row,here"
        let read = try rows(text)
        #expect(read.map(\.cells) == [["a", "b", "c"], ["x, y", "say \"hi\"", ""], ["two\nlines", "", "z"], ["last", "row", "here"]])
        // Each row keeps the line it starts on; a quoted field spanning lines moves the next rows down.
        #expect(read.map(\.line) == [1, 2, 4, 6])
        #expect(try count(text) == read.count)
    }

    @Test func aRowOfOneEmptyCellIsABlankLineButTwoEmptyCellsAreARow() throws {
        #expect(try rows("a\n\n,\n").map(\.cells) == [["a"], ["", ""]])
        #expect(try count("a\n\n,\n") == 2)
        #expect(try count("") == 0)
        // A quoted empty cell alone is a blank line too, mid-file or at the end without a line end.
        #expect(try rows("a\n\"\"\nb\n\"\"").map(\.cells) == [["a"], ["b"]])
        #expect(try count("a\n\"\"\nb\n\"\"") == 2)
    }

    @Test func lineEndsInsideQuotesAreKeptAndCountOneLine() throws {
        let read = try rows("x,y\r\n\"one\r\ntwo\",z\r\nlast,1")
        // Outside quotes a carriage return is dropped; inside, kept as written.
        #expect(read.map(\.cells) == [["x", "y"], ["one\r\ntwo", "z"], ["last", "1"]])
        #expect(read.map(\.line) == [1, 2, 4])
    }

    @Test func malformedFilesNameTheLine() {
        let cases: [(String, Int, String)] = [
            ("a,b\nx\"y,z\n", 2, "a quote inside an unquoted field"),
            ("a,b\n\"x\"y,z\n", 2, "text after a closing quote"),
            ("a,b\nc,d\n\"open,\nnever closed\n", 3, "a quoted field is not closed"),
        ]
        for (text, line, message) in cases {
            for pass in ["count", "rows"] {
                do {
                    if pass == "count" { _ = try count(text) } else { _ = try rows(text) }
                    Issue.record("\(pass) accepted \(text.debugDescription)")
                } catch {
                    #expect(error.line == line && error.message == message, "\(pass): \(error)")
                }
            }
        }
    }

    @Test func readingStopsWhenTheCallerSaysSo() throws {
        #expect(try rows("a\nb\nc\nd\n", stopAfter: 2).map(\.cells) == [["a"], ["b"]])
    }
}
