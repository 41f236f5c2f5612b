/// An error in a search-space definition or in a value given for a dimension.
///
/// The ``message`` is one line that names the dimension and, for prior expressions, the 1-based column, says what
/// is wrong and how to fix it: `dimension '/lr', column 14: expected ')' after the arguments of 'uniform'`.
public struct SpaceError: OrionError, Equatable {
    /// What kind of mistake was made.
    public enum Code: String, Sendable {
        /// The prior expression is not well formed (bad token, unbalanced brackets, trailing text).
        case syntax
        /// The prior's name is not one of the supported priors.
        case unknownPrior
        /// The prior's arguments are missing, of the wrong type, or inconsistent (`uniform(1, 0)`).
        case invalidArguments
        /// A keyword option is unknown or has a bad value (`precision=0`, `seed=1`).
        case invalidOption
        /// Two dimensions have the same name.
        case duplicateDimension
        /// A value lies outside its dimension.
        case outOfBounds
        /// A space has no dimension.
        case emptySpace
    }

    /// What kind of mistake was made.
    public var code: Code
    /// The dimension concerned, when there is one.
    public var dimension: String?
    /// The 1-based column in the prior expression text, when the error points at a place.
    public var column: Int?
    /// The whole one-line message, prefixed with the dimension and column when known.
    public var message: String

    /// Creates an error whose message is `detail` prefixed with the dimension and column.
    ///
    /// - Parameters:
    ///   - code: the kind of mistake.
    ///   - dimension: the dimension's name, if any.
    ///   - column: the 1-based column in the prior expression, if any.
    ///   - detail: what is wrong and how to fix it, without the prefix.
    public init(_ code: Code, dimension: String? = nil, column: Int? = nil, _ detail: String) {
        self.code = code
        self.dimension = dimension
        self.column = column
        var prefix: [String] = []
        if let dimension { prefix.append("dimension '\(dimension)'") }
        if let column { prefix.append("column \(column)") }
        message = prefix.isEmpty ? detail : prefix.joined(separator: ", ") + ": " + detail
    }

    /// Always ``ErrorKind/usage``: the space is what the user wrote.
    public var kind: ErrorKind { .usage }
}
