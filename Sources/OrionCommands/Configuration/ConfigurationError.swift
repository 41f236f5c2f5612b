import OrionCore

/// Why a configuration file, or an `ORION_*` environment variable, was rejected.
///
/// The message is one line: where (`/path/orion.yaml:3:5`, or the variable's name), what is wrong, and how to fix it.
public struct ConfigurationError: OrionError, Equatable {
    /// One line: `file:line:column: what is wrong; how to fix it`.
    public var message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    /// Always ``ErrorKind/usage``.
    public var kind: ErrorKind { .usage }
}
