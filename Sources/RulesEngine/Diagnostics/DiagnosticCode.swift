/// Stable diagnostic codes, one per rule the lexer, parser or checker enforces.
///
/// `RE1xxx` lexer, `RE2xxx` parser, `RE3xxx` checker. Codes never change meaning once shipped;
/// docs/LANGUAGE.md lists each with an example.
public enum DiagnosticCode: String, Sendable, Hashable, Codable, CaseIterable {
    /// A string literal has no closing quote before the end of the line.
    case unterminatedString = "RE1001"
    /// A character that no token starts with.
    case unexpectedCharacter = "RE1002"
    /// A backslash escape other than `\"`, `\\`, `\n`.
    case invalidEscape = "RE1003"
    /// A `YYYY-MM-DD` literal that is not a calendar date.
    case invalidDate = "RE1004"
    /// An identifier with capital letters.
    case uppercaseIdentifier = "RE1005"
    /// The parser expected another token.
    case expectedToken = "RE2001"
    /// A top-level word that starts no declaration.
    case unknownDeclaration = "RE2002"
    /// A word that starts no item of the enclosing block.
    case unknownItem = "RE2003"
    /// An item that may appear once in its block appears again.
    case duplicateItem = "RE2004"
    /// A name that is declared nowhere.
    case unknownName = "RE3001"
    /// Two declarations with the same name.
    case duplicateDeclaration = "RE3002"
    /// An expression of the wrong type.
    case typeMismatch = "RE3003"
    /// A required item is missing: a rule without `basis`, `group`, `when` or `notify`, a kind without `label`.
    case missingItem = "RE3004"
    /// A window on a kind that has no `date` field.
    case windowWithoutDate = "RE3005"
    /// A notified role does not see a label the alert carries.
    case informationFlow = "RE3006"
    /// A role contributes a kind whose label it cannot see.
    case contributionFlow = "RE3007"
    /// A bare name that is not a case of the enum it is compared with.
    case unknownEnumCase = "RE3008"
    /// A field that the kind or subject does not declare.
    case unknownField = "RE3009"
    /// No `subject` declaration, or more than one.
    case subjectDeclaration = "RE3010"
    /// A `declassify` the rule does not need.
    case unneededDeclassify = "RE3011"
    /// A value outside what the language accepts (zero duration, bad calendar day).
    case invalidValue = "RE3012"
    /// A revealed expression without `as NAME`.
    case unnamedReveal = "RE3013"
}
