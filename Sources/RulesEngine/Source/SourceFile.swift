/// One rule file's text, with a line table built once so that byte offsets convert to lines and columns.
public struct SourceFile: Sendable, Hashable {
    /// The path shown in diagnostics, as the user gave it (`Rules/scolarite.vigie`).
    public let path: String
    /// The file's text.
    public let text: String
    /// The UTF-8 bytes of `text`, indexed by the offsets of `SourceRange`.
    let bytes: [UInt8]
    /// Byte offset of the first byte of each line.
    private let lineStarts: [Int]

    /// Creates a source file from its path and text.
    public init(path: String, text: String) {
        self.path = path
        self.text = text
        let bytes = Array(text.utf8)
        self.bytes = bytes
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(offset + 1)
        }
        self.lineStarts = starts
    }

    /// The 1-based line and UTF-8 column of a byte offset.
    public func location(of offset: Int) -> SourceLocation {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return SourceLocation(line: low + 1, column: offset - lineStarts[low] + 1)
    }

    /// The text of a 1-based line, without its line break.
    public func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The text covered by a range of this file.
    public func text(in range: SourceRange) -> String {
        let start = min(max(range.start, 0), bytes.count)
        let end = min(max(range.end, start), bytes.count)
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

/// A 1-based line and a 1-based column counted in UTF-8 bytes, as swiftc reports them.
public struct SourceLocation: Sendable, Hashable, Codable {
    /// The 1-based line.
    public let line: Int
    /// The 1-based column, in UTF-8 bytes from the start of the line.
    public let column: Int
}

/// A half-open span of UTF-8 byte offsets in one source file.
public struct SourceRange: Sendable, Hashable, Codable {
    /// The index of the file in its rule set's list of files.
    public let file: Int
    /// The offset of the first byte.
    public let start: Int
    /// The offset just past the last byte.
    public let end: Int

    /// Creates a range; `end` is clamped so that it is never before `start`.
    public init(file: Int, start: Int, end: Int) {
        self.file = file
        self.start = start
        self.end = max(start, end)
    }

    /// The smallest range covering both ranges (of the same file).
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(file: file, start: min(start, other.start), end: max(end, other.end))
    }
}
