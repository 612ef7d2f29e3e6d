// The only file with diagnostic text: one factory per message, in alphabetical order. Wording follows swiftc:
// one lowercase line, no final period, names in 'quotes', the rule stated; advice goes in `help`.
// Never quote the value of a confidential field.

extension DiagnosticMessage {
    static func ageOutOfRange(_ age: Int) -> Self {
        .init(code: .invalidValue, text: "age \(age) is out of range; an age is between 1 and 130")
    }

    static let bangWithoutEquals = Self(
        code: .unexpectedCharacter, text: "'!' must be followed by '='", help: "write '!=' to compare, or 'not' to negate")

    static func cannotSum(_ type: String) -> Self {
        .init(code: .typeMismatch, text: "cannot sum '\(type)'; 'sum' adds 'int' fields")
    }

    static func conditionNotBool(_ type: String) -> Self {
        .init(code: .typeMismatch, text: "'when' must be a condition ('bool'), not '\(type)'",
              help: "compare the value, as in 'count(…) >= 4'")
    }

    static func contributionFlow(role: String, kind: String, label: String) -> Self {
        .init(code: .contributionFlow,
              text: "role '\(role)' contributes kind '\(kind)' but does not see its label '\(label)'")
    }

    static func dateFieldNotDate(_ kind: String) -> Self {
        .init(code: .typeMismatch, text: "field 'date' of kind '\(kind)' must have type 'date'",
              help: "windows and 'last' read the 'date' field; rename this field if it is not the record's date")
    }

    static func duplicateDeclaration(_ what: String, _ name: String) -> Self {
        .init(code: .duplicateDeclaration, text: "\(what) '\(name)' is declared twice")
    }

    static func duplicateItem(_ item: String) -> Self {
        .init(code: .duplicateItem, text: "'\(item)' is given twice", help: "keep one '\(item)' line")
    }

    static func emptyBasis(_ rule: String) -> Self {
        .init(code: .invalidValue, text: "'basis' of rule '\(rule)' is empty",
              help: "write the legal text and its version, as in \"Code de l'éducation, art. L131-8 (2025)\"")
    }

    static let emptyJustification = Self(
        code: .invalidValue, text: "'declassify' needs a justification",
        help: "say why these roles must receive the label; the audit log records it")

    static func expected(_ what: String, found: String) -> Self {
        .init(code: .expectedToken, text: "expected \(what), found \(found)")
    }

    static func fieldNotAllowed(_ function: String) -> Self {
        .init(code: .typeMismatch, text: "'\(function)' takes a kind, not a field")
    }

    static func identifyingOutsideSubject(_ field: String) -> Self {
        .init(code: .invalidValue, text: "field '\(field)' cannot be 'identifying'; only subject fields identify a person")
    }

    static func informationFlow(role: String, label: String, expression: String, what: String) -> Self {
        .init(code: .informationFlow,
              text: "notified role '\(role)' does not see label '\(label)', which '\(expression)' brings into the alert "
                  + "(\(what))")
    }

    static let integerTooLarge = Self(code: .invalidValue, text: "integer literal is too large")

    static func invalidArithmetic(_ op: String, _ left: String, _ right: String) -> Self {
        .init(code: .typeMismatch, text: "cannot apply '\(op)' to '\(left)' and '\(right)'",
              help: "'+' and '-' take two 'int', a 'date' and a duration, or ('-') two dates")
    }

    static func invalidDate(_ literal: String) -> Self {
        .init(code: .invalidDate, text: "'\(literal)' is not a valid date", help: "dates are written YYYY-MM-DD")
    }

    static let invalidEscape = Self(
        code: .invalidEscape, text: "invalid escape in string", help: "strings accept \\\", \\\\ and \\n")

    static func invalidMonthDay(_ text: String) -> Self {
        .init(code: .invalidValue, text: "'\(text)' is not a month and day", help: "write \"MM-DD\", as in \"09-01\"")
    }

    static func invalidRuleID(_ id: String) -> Self {
        .init(code: .invalidValue, text: "rule identifier '\(id)' must be non-empty and contain no spaces",
              help: "use a short code such as \"ABS-4DJ\"")
    }

    static func memberOnNonRecord(_ field: String) -> Self {
        .init(code: .typeMismatch, text: "cannot read field '\(field)' here; only 'last(…)' has fields")
    }

    static let missingBirthDate = Self(
        code: .unknownField, text: "'age' needs the subject field 'naissance: date'",
        help: "declare 'field naissance: date identifying' in the subject")

    static func missingItem(_ item: String, in owner: String) -> Self {
        .init(code: .missingItem, text: "\(owner) has no '\(item)'")
    }

    static func nestedTooDeeply(_ limit: Int) -> Self {
        .init(code: .invalidValue, text: "expression is nested more than \(limit) levels deep",
              help: "split the condition into simpler parts")
    }

    static func notOrdered(_ type: String, _ op: String) -> Self {
        .init(code: .typeMismatch, text: "'\(op)' needs ordered values ('int', 'date' or a duration), not '\(type)'")
    }

    static func periodNotPositive(_ period: String) -> Self {
        .init(code: .invalidValue, text: "duration '\(period)' must be positive")
    }

    static let recordNotValue = Self(
        code: .typeMismatch, text: "cannot reveal a whole record", help: "reveal one field, as in 'last(tig).statut'")

    static func reservedWord(_ name: String, _ expected: String) -> Self {
        .init(code: .expectedToken, text: "expected \(expected), found reserved word '\(name)'",
              help: "reserved words ('and', 'or', 'not', 'in', 'between', 'true', 'false', 'where', 'as', 'today', "
                  + "'age') cannot be names")
    }

    static func retentionFieldNotDate(_ field: String, _ type: String) -> Self {
        .init(code: .typeMismatch, text: "retention counts from a date; field '\(field)' is '\(type)'")
    }

    static let singleEquals = Self(
        code: .unexpectedCharacter, text: "'=' is not an operator", help: "write '==' to compare")

    static let subjectDeclaredTwice = Self(
        code: .subjectDeclaration, text: "'subject' is declared twice; a rule set has one subject")

    static let subjectMissing = Self(
        code: .subjectDeclaration, text: "the rule set declares no 'subject'",
        help: "add 'subject { field nom: text identifying … }' to the schema")

    static func sumNeedsField(_ kind: String) -> Self {
        .init(code: .typeMismatch, text: "'sum' needs a field", help: "write 'sum(\(kind).FIELD …)' with an 'int' field")
    }

    static func typeMismatch(_ left: String, _ right: String) -> Self {
        .init(code: .typeMismatch, text: "cannot compare '\(left)' with '\(right)'")
    }

    static func unexpectedCharacter(_ character: String) -> Self {
        .init(code: .unexpectedCharacter, text: "unexpected character '\(character)'")
    }

    static func unknownDeclaration(_ word: String) -> Self {
        .init(code: .unknownDeclaration, text: "'\(word)' starts no declaration",
              help: "declarations are 'label', 'group', 'role', 'subject', 'kind', 'calendar' and 'rule'")
    }

    static func unknownEnumCase(_ name: String, cases: [String]) -> Self {
        .init(code: .unknownEnumCase,
              text: "'\(name)' is not a case of 'enum { \(cases.joined(separator: ", ")) }'")
    }

    static func unknownField(_ field: String, of owner: String) -> Self {
        .init(code: .unknownField, text: "\(owner) has no field '\(field)'")
    }

    static func unknownFieldName(_ name: String, in owner: String) -> Self {
        .init(code: .unknownField, text: "'\(name)' is not a field of \(owner)")
    }

    static func unknownFunction(_ name: String) -> Self {
        .init(code: .unknownName, text: "unknown function '\(name)'")
    }

    static func unknownItem(_ item: String, in block: String) -> Self {
        .init(code: .unknownItem, text: "'\(item)' is not an item of '\(block)'")
    }

    static func unknownName(_ what: String, _ name: String) -> Self {
        .init(code: .unknownName, text: "unknown \(what) '\(name)'")
    }

    static func unknownType(_ name: String) -> Self {
        .init(code: .unknownName, text: "unknown type '\(name)'",
              help: "types are 'text', 'int', 'bool', 'date' and 'enum { … }'")
    }

    static let unnamedReveal = Self(
        code: .unnamedReveal, text: "a revealed expression needs a name", help: "add 'as NAME' after the expression")

    static func unneededDeclassify(label: String, role: String, reason: String) -> Self {
        .init(code: .unneededDeclassify, text: "'declassify \(label) to \(role)' is not needed; \(reason)",
              severity: .warning)
    }

    static let unterminatedString = Self(
        code: .unterminatedString, text: "unterminated string", help: "close the string with '\"' on the same line")

    static func uppercaseIdentifier(_ name: String) -> Self {
        .init(code: .uppercaseIdentifier, text: "identifier '\(name)' must be lowercase",
              help: "write '\(name.lowercased())'; rule identifiers go in quotes, as in rule \"ABS-4DJ\"")
    }

    static func windowWithoutDate(_ kind: String) -> Self {
        .init(code: .windowWithoutDate, text: "kind '\(kind)' has no 'date' field to place it in a window",
              help: "add 'field date: date' to kind '\(kind)', or remove the window")
    }

    static func wrongOperandType(_ role: String, expected: String, found: String) -> Self {
        .init(code: .typeMismatch, text: "\(role) must be '\(expected)', not '\(found)'")
    }
}
