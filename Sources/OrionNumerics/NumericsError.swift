/// An error of a numerical routine.
public struct NumericsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// A matrix that must be symmetric positive definite is not, even with the largest jitter allowed.
        case notPositiveDefinite
        /// An argument has the wrong size or a value that is not finite.
        case invalidArgument
    }

    /// What went wrong.
    public var code: Code
    /// A sentence saying what happened and how to fix it.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: what went wrong.
    ///   - message: what happened and how to fix it.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
