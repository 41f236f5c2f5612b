/// How any error is shown: the one line, the cause chain, the exit code and the HTTP status.
///
/// The one place where errors are mapped for people and programs: `orion` prints `Error: <message>` (and, with
/// `--verbose`, one `cause: ...` line per ``causes`` entry) and exits with ``exitCode``; a server answers with
/// ``httpStatus`` and the message. An ``OrionError`` says all of it; any other error is a failed run (exit code 1,
/// HTTP 500) shown with its description.
public struct ErrorReport: Sendable, Equatable {
    /// The one line to show.
    public var message: String
    /// The messages of the error's causes, outermost first, each on one line.
    public var causes: [String]
    /// What kind of failure it is (``ErrorKind/failure`` for an error that is not an ``OrionError``).
    public var kind: ErrorKind
    /// The command line's exit code: 2 for a usage error, 1 otherwise.
    public var exitCode: Int32
    /// The HTTP status: 400 usage, 404 not found, 409 conflict, 503 unavailable, 500 otherwise.
    public var httpStatus: Int

    /// The longest cause chain followed (a guard against an error that is its own cause).
    static let maximumCauses = 16

    /// Describes `error`.
    ///
    /// - Parameter error: any error; an ``OrionError`` gives its message, kind and causes.
    public init(_ error: any Error) {
        if let error = error as? any OrionError {
            message = error.message
            kind = error.kind
            exitCode = error.exitCode
            httpStatus = error.httpStatus
        } else {
            message = Self.oneLine(error)
            kind = .failure
            exitCode = 1
            httpStatus = ErrorKind.failure.httpStatus
        }
        causes = []
        var next = (error as? any OrionError)?.cause
        while let cause = next, causes.count < Self.maximumCauses {
            // A library's error as its debug description: postgres-nio's plain one is a placeholder that hides the
            // server's message ("Generic description to prevent accidental leakage..."), and `--verbose` is for
            // the details.
            causes.append(
                cause is any OrionError ? Self.oneLine(cause) : Self.oneLine(String(reflecting: cause))
            )
            next = (cause as? any OrionError)?.cause
        }
    }

    /// The HTTP status for `error`: 400 for a usage error, 404 when something does not exist, 409 for a conflict
    /// with what is stored, 503 when a retry may succeed, 500 otherwise.
    ///
    /// - Parameter error: any error.
    /// - Returns: the status a server answers with.
    public static func httpStatus(for error: any Error) -> Int {
        (error as? any OrionError)?.httpStatus ?? ErrorKind.failure.httpStatus
    }

    /// The error's message (or description) with line breaks turned into spaces.
    private static func oneLine(_ error: any Error) -> String {
        oneLine((error as? any OrionError)?.message ?? String(describing: error))
    }

    /// `text` with line breaks turned into spaces.
    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
