/// The one rule for experiment names, used by the CLI (every configuration source) and by the library's
/// `ExperimentBuilder`.
///
/// A name is 1 to ``maximumLength`` bytes (UTF-8) of letters and digits (any script: `expérience` is fine), spaces and
/// `_ - . + = @`; it starts with a letter, a digit or `_` and does not end with a space. So a name is always one plain
/// path component (no `/`, no `..`, no newline or other control character, no leading `-` that reads as a flag), and
/// the default trial directory `$TMPDIR/orion-$USER/<name>-v<version>/<trial id>` stays inside its parent and under
/// the file-name length limit (255 bytes).
public enum ExperimentName {
    /// The longest name accepted, in UTF-8 bytes.
    public static let maximumLength = 200

    /// The characters allowed besides letters and digits.
    public static let punctuation: Set<Character> = ["_", "-", ".", "+", "=", "@", " "]

    /// The rule in words, for messages and documentation.
    public static let rule =
        "1 to \(maximumLength) bytes of letters, digits, spaces and _ - . + = @, starting with a letter, a digit or _"

    /// What is wrong with `name`, or `nil` when it is a valid experiment name.
    ///
    /// - Parameter name: the candidate name.
    /// - Returns: a phrase such as `contains '/'`, or `nil`.
    public static func problem(with name: String) -> String? {
        guard let first = name.first else { return "is empty" }
        if name.utf8.count > maximumLength {
            return "is \(name.utf8.count) bytes long"
        }
        if let bad = name.first(where: { !isAllowed($0) }) {
            return "contains \(quoted(bad))"
        }
        if !(isLetterOrDigit(first) || first == "_") {
            return "starts with \(quoted(first))"
        }
        if name.last == " " { return "ends with a space" }
        return nil
    }

    /// Checks `name` against the rule.
    ///
    /// - Parameter name: the candidate name.
    /// - Throws: ``ExperimentNameError`` saying what is wrong and what is allowed.
    public static func validate(_ name: String) throws(ExperimentNameError) {
        if let problem = problem(with: name) {
            throw ExperimentNameError(name: name, problem: problem)
        }
    }

    /// A name as shown in messages: quoted, control characters escaped, long names shortened.
    ///
    /// - Parameter name: the name.
    /// - Returns: `'my-exp'`, `'a\nb'`, or `'aaaa…'` (the first 40 characters).
    public static func display(_ name: String) -> String {
        let shown = name.count > 40 ? String(name.prefix(40)) + "…" : name
        return "'" + shown.unicodeScalars.map { $0.escaped(asASCII: false) }.joined() + "'"
    }

    private static func isAllowed(_ character: Character) -> Bool {
        isLetterOrDigit(character) || punctuation.contains(character)
    }

    /// A letter or a digit of any script; not a control, format or combining-only character.
    private static func isLetterOrDigit(_ character: Character) -> Bool {
        (character.isLetter || character.isNumber)
            && !character.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    private static func quoted(_ character: Character) -> String {
        if character == " " { return "a space" }
        if character == "\n" { return "a newline" }
        let escaped = character.unicodeScalars.map { $0.escaped(asASCII: true) }.joined()
        return "'\(escaped)'"
    }
}

/// An experiment name that breaks the rule of ``ExperimentName``.
public struct ExperimentNameError: OrionError, Equatable {
    /// The rejected name.
    public var name: String
    /// What is wrong with it (`contains '/'`).
    public var problem: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - name: the rejected name.
    ///   - problem: what is wrong with it.
    public init(name: String, problem: String) {
        self.name = name
        self.problem = problem
    }

    /// Always ``ErrorKind/usage``.
    public var kind: ErrorKind { .usage }

    /// One line: the name, what is wrong, and the rule.
    public var message: String {
        "experiment name \(ExperimentName.display(name)) \(problem): use \(ExperimentName.rule)"
    }
}
