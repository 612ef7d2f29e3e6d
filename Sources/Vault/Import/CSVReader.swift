/// A strict RFC 4180 reader: comma-separated, `"` quoting with `""` escapes, CRLF or LF line ends. Each row
/// keeps the line number it starts on (a quoted field may span lines).
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

    static func rows(_ text: String) throws(Failure) -> [Row] {
        var rows: [Row] = []
        var cells: [String] = []
        var cell: [UInt8] = []
        var line = 1
        var rowStart = 1
        var inQuotes = false
        var quotedCell = false
        let bytes = Array(text.utf8)
        var index = 0
        func endCell() {
            cells.append(String(decoding: cell, as: UTF8.self))
            cell.removeAll(keepingCapacity: true)
            quotedCell = false
        }
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
                    if !(cells.count == 1 && cells[0].isEmpty) { rows.append(Row(line: rowStart, cells: cells)) }
                    cells.removeAll(keepingCapacity: true)
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
        if !cell.isEmpty || !cells.isEmpty {
            endCell()
            rows.append(Row(line: rowStart, cells: cells))
        }
        return rows
    }
}
