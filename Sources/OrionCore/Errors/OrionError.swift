/// An error that Oríon reports to a person: one line, its cause, and what kind of failure it is.
///
/// Every error type of the project conforms, each keeping its own `Code` enum; the command line and a server
/// read only this protocol (through ``ErrorReport``), so they map errors the same way: the message as the one line
/// shown, ``kind`` for the HTTP status, ``isUsageError`` for the exit code (2 for a mistake in what the user gave,
/// 1 for a failed run) and the ``cause`` chain for `--verbose`.
///
/// Conforming takes a `message` and a `kind`; `description`, `cause` and `isUsageError` have defaults:
///
/// ```swift
/// public struct QuotaError: OrionError {
///     public enum Code: String, Sendable { case exceeded }
///     public var code: Code
///     public var message: String
///     public var kind: ErrorKind { .unavailable }
/// }
/// ```
public protocol OrionError: Error, CustomStringConvertible, Sendable {
    /// One line saying what happened and how to fix it.
    var message: String { get }

    /// The error that caused this one (the database's error under a storage error), if any; `nil` by default.
    var cause: (any Error)? { get }

    /// What kind of failure this is: it decides the HTTP status, and the exit code unless ``isUsageError`` is
    /// given.
    var kind: ErrorKind { get }

    /// Whether the user's input is at fault (a flag, a prior, the configuration, a name), so that the command line
    /// exits with 2 instead of 1.
    ///
    /// Defaults to `kind == .usage`; a conflict the user fixes by asking differently (a changed search space under
    /// the same experiment name) is a usage error of kind ``ErrorKind/conflict``.
    var isUsageError: Bool { get }
}

extension OrionError {
    /// The message.
    public var description: String { message }

    /// No cause.
    public var cause: (any Error)? { nil }

    /// Whether ``kind`` is ``ErrorKind/usage``.
    public var isUsageError: Bool { kind == .usage }

    /// The command line's exit code: 2 for a usage error, 1 for a failed run.
    public var exitCode: Int32 { isUsageError ? 2 : 1 }

    /// The HTTP status a server answers with (see ``ErrorKind/httpStatus``).
    public var httpStatus: Int { kind.httpStatus }
}

/// What kind of failure an ``OrionError`` is, as a client of the command line or of a server needs to know it.
public enum ErrorKind: String, Sendable, CaseIterable {
    /// A mistake in what the user gave: a flag, a prior, the configuration, a name, a script. Exit code 2,
    /// HTTP 400.
    case usage
    /// What was asked for does not exist: an experiment, a version, a trial. HTTP 404.
    case notFound
    /// The request contradicts what is stored: a duplicate, a changed search space. HTTP 409.
    case conflict
    /// A retry may succeed: a lock held too long, a database that could not be read or written. HTTP 503.
    case unavailable
    /// The run failed: broken trials, a corrupt database, an unexpected error. HTTP 500.
    case failure

    /// The HTTP status for this kind: 400, 404, 409, 503 or 500.
    public var httpStatus: Int {
        switch self {
        case .usage: 400
        case .notFound: 404
        case .conflict: 409
        case .unavailable: 503
        case .failure: 500
        }
    }
}
