public import RulesEngine
import Foundation

/// A folder of `.vigie` files, read and checked together as one rule set.
public enum RuleDirectory {
    /// Reads every `.vigie` file directly in `path` (sorted by name) and checks them as one rule set.
    ///
    /// - Parameter path: the folder, as the user wrote it; diagnostics show file paths under it.
    /// - Returns: the diagnostics and, when there is no error, the checked rule set.
    /// - Throws: `RuleFilesError` when the folder cannot be read or holds no rule file.
    public static func check(_ path: String) throws(RuleFilesError) -> RuleSet.CheckResult {
        RuleSet.check(try sources(in: path))
    }

    /// The `.vigie` files of a folder, sorted by name.
    public static func sources(in path: String) throws(RuleFilesError) -> [SourceFile] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RuleFilesError(path: path, message: "no such folder")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw RuleFilesError(path: path, message: "cannot list the folder")
        }
        let ruleFiles = names.filter { $0.hasSuffix(".vigie") }.sorted()
        guard !ruleFiles.isEmpty else {
            throw RuleFilesError(path: path, message: "no .vigie file in the folder")
        }
        var sources: [SourceFile] = []
        for name in ruleFiles {
            let filePath = path.hasSuffix("/") ? path + name : path + "/" + name
            sources.append(SourceFile(path: filePath, text: try readText(filePath)))
        }
        return sources
    }

    /// Reads a UTF-8 text file.
    static func readText(_ path: String) throws(RuleFilesError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RuleFilesError(path: path, message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw RuleFilesError(path: path, message: "the file is not UTF-8 text")
        }
        return text
    }
}

/// A rule file or fixture that cannot be read or understood: `path:line: error: message`.
public struct RuleFilesError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file or folder.
    public let path: String
    /// The 1-based line, when known.
    public let line: Int?
    /// What is wrong, lowercase, no final period.
    public let message: String

    /// Creates an error.
    public init(path: String, line: Int? = nil, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    /// `Rules/tests/ABS-4DJ.yaml:12: error: unknown field 'justifie' of kind 'absence'`.
    public var description: String { "\(place): error: \(message)" }

    /// `Rules/tests/ABS-4DJ.yaml:12: unknown field …`, for a one-line reason after `error: `.
    public var reason: String { "\(place): \(message)" }

    private var place: String { path + (line.map { ":\($0)" } ?? "") }
}
