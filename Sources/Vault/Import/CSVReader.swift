/// A strict RFC 4180 reader: comma-separated, `"` quoting with `""` escapes, CRLF or LF line ends. Each row
/// keeps the line number it starts on (a quoted field may span lines). Rows are handed over one at a time, so
/// that a large file is never held as a table; blank lines are skipped.
struct CSVReader {
    struct Row {
        let line: Int
        let cells: [String]
    }

    /// A malformed file: the line and what is wrong.
    struct Failure: Error {
        let line: Int
        let message: String
    }

    /// Hands each row of `bytes` to `each`, in order, until it returns `false`.
    ///
    /// - Throws: `Failure` at the first malformed place; the rows before it were handed over.
    static func forEachRow(_ bytes: UnsafeBufferPointer<UInt8>, _ each: (Row) -> Bool) throws(Failure) {
        _ = try scan(bytes, keepCells: true, each)
    }

    /// The number of rows (blank lines aside), checking the whole file's structure without building a cell.
    static func count(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> Int {
        try scan(bytes, keepCells: false) { _ in true }
    }

    /// The one state machine behind both: with `keepCells` false, rows are counted and handed over without cells.
    /// Returns the rows handed over.
    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>, keepCells: Bool, _ each: (Row) -> Bool) throws(Failure) -> Int {
        var cells: [String] = []
        var cell: [UInt8] = []
        // A row of one empty cell is a blank line, no row.
        var cellCount = 0
        var rowHasText = false
        var line = 1
        var rowStart = 1
        var inQuotes = false
        var quotedCell = false
        var handed = 0
        func endCell() {
            if keepCells { cells.append(String(decoding: cell, as: UTF8.self)) }
            rowHasText = rowHasText || !cell.isEmpty
            cellCount += 1
            cell.removeAll(keepingCapacity: true)
            quotedCell = false
        }
        func endRow() -> Bool {
            defer {
                cells.removeAll(keepingCapacity: true)
                cellCount = 0
                rowHasText = false
            }
            guard cellCount > 1 || rowHasText else { return true }
            handed += 1
            return each(Row(line: rowStart, cells: cells))
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") {
                        cell.append(byte)
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    cell.append(byte)
                }
            } else {
                switch byte {
                case UInt8(ascii: "\""):
                    guard cell.isEmpty, !quotedCell else {
                        throw Failure(line: line, message: "a quote inside an unquoted field")
                    }
                    inQuotes = true
                    quotedCell = true
                case UInt8(ascii: ","):
                    endCell()
                case UInt8(ascii: "\r"):
                    break
                case UInt8(ascii: "\n"):
                    endCell()
                    guard endRow() else { return handed }
                    line += 1
                    rowStart = line
                default:
                    if quotedCell { throw Failure(line: line, message: "text after a closing quote") }
                    cell.append(byte)
                }
            }
            index += 1
        }
        if inQuotes { throw Failure(line: rowStart, message: "a quoted field is not closed") }
        // The last row, if the file does not end with a line end (a blank one is skipped like any).
        endCell()
        _ = endRow()
        return handed
    }
}
