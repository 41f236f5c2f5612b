/// Why a changed experiment cannot become a child version.
public struct BranchingError: OrionError {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// Some conflicts are not resolved (with `--manual-resolution`, those not marked explicitly).
        case unresolved
        /// A marker does not fit the spaces (a rename to a dimension that is not new, a removal of a new one).
        case invalidMarker
        /// The version to branch from already has a child of the same name.
        case hasChild
        /// The name asked for with `--branch-to` (or `--branch-from`) does not fit.
        case invalidName
        /// Branching markers or options were given without experiment version control.
        case disabled
    }

    /// What went wrong.
    public var code: Code
    /// One line saying what happened and how to fix it.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: what went wrong.
    ///   - message: one line saying what happened and how to fix it.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A conflict: the stored experiment and the request disagree.
    public var kind: ErrorKind { .conflict }

    /// The user fixes it by asking differently (a marker, a flag, a name): a usage error.
    public var isUsageError: Bool { true }
}
