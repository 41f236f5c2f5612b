import OrionCore

/// An error of an analysis or a figure: a plot that cannot be made from what was asked or what is stored.
public struct InsightError: OrionError {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// A plot kind, parameter name or option value that does not exist or is out of range.
        case invalidOption
        /// The plot needs something the experiment does not have (a fidelity dimension for `rungs`).
        case notApplicable
        /// plotly.js is not in this build (html output, the dashboard).
        case missingAsset
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

    /// A usage error for a bad option or a plot that does not apply; a failed run for a missing asset.
    public var kind: ErrorKind {
        switch code {
        case .invalidOption, .notApplicable: .usage
        case .missingAsset: .failure
        }
    }
}
