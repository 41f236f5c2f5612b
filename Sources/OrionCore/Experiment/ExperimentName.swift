/// The one rule for experiment names, used by the CLI (every configuration source) and by the library's
/// `ExperimentBuilder`.
///
/// A name is 1 to ``maximumLength`` characters among ASCII letters, digits and `_ - . + = @`, and starts with a letter,
/// a digit or `_`. So a name is always one plain path component (no `/`, no `..`, no newline, no leading `-` that
/// reads as a flag), and the default trial directory `$TMPDIR/orion-$USER/<name>-v<version>/<trial id>` stays inside
/// its parent and under the file-name length limit (255 bytes).
public enum ExperimentName {
    /// The longest name accepted, in characters (all ASCII, so bytes too).
    public static let maximumLength = 200

    /// The characters allowed besides ASCII letters and digits.
    public static let punctuation: Set<Character> = ["_", "-", ".", "+", "=", "@"]

    /// The rule in words, for messages and documentation.
    public static let rule =
        "1 to \(maximumLength) characters among A-Z a-z 0-9 _ - . + = @, starting with a letter, a digit or _"

    /// What is wrong with `name`, or `nil` when it is a valid experiment name.
    ///
    /// - Parameter name: the candidate name.
    /// - Returns: a phrase such as `contains '/'`, or `nil`.
    public static func problem(with name: String) -> String? {
        guard let first = name.first else { return "is empty" }
        if name.count > maximumLength {
            return "is \(name.count) characters long"
        }
        if let bad = name.first(where: { !isAllowed($0) }) {
            return "contains \(quoted(bad))"
        }
        if !(isASCIILetterOrDigit(first) || first == "_") {
            return "starts with \(quoted(first))"
        }
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
        isASCIILetterOrDigit(character) || punctuation.contains(character)
    }

    private static func isASCIILetterOrDigit(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber)
    }

    private static func quoted(_ character: Character) -> String {
        if character == " " { return "a space" }
        if character == "\n" { return "a newline" }
        let escaped = character.unicodeScalars.map { $0.escaped(asASCII: true) }.joined()
        return "'\(escaped)'"
    }
}

/// An experiment name that breaks the rule of ``ExperimentName``.
public struct ExperimentNameError: Error, CustomStringConvertible, Sendable, Equatable {
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

    /// One line: the name, what is wrong, and the rule.
    public var description: String {
        "experiment name \(ExperimentName.display(name)) \(problem): use \(ExperimentName.rule)"
    }
}
