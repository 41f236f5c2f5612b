import Foundation
import OrionCore

/// An executor that reads the script's code version before each trial and starts none once it differs from the
/// version the experiment recorded: with version control on, a commit or an edit made while a hunt runs would have the
/// remaining trials run other code in the same version of the experiment, as Oríon's worker refuses to ("Code changed
/// between execution of 2 trials").
///
/// The trial is put back (``TrialOutcome/notStarted(reason:)``) and the hunt stops saying why; the next hunt makes a
/// new version for the new code.
struct CodeCheckingExecutor: TrialExecutor {
    /// The executor that runs the trials.
    let wrapped: any TrialExecutor
    /// What is checked.
    let check: CodeCheck

    func execute(_ context: TrialContext) async -> TrialOutcome {
        if let reason = check.change() { return .notStarted(reason: reason) }
        return await wrapped.execute(context)
    }

    func interruptAll(force: Bool) { wrapped.interruptAll(force: force) }

    var needsWorkingDirectory: Bool { wrapped.needsWorkingDirectory }
}

/// The code version an experiment's trials must run with, and the directory of the script whose code it is.
public struct CodeCheck: Sendable {
    /// The directory of the script (``CodeVersion/git(at:)`` reads its repository).
    public var directory: String
    /// The version the experiment recorded.
    public var expected: CodeVersion

    /// Checks the code of the script in `directory` against `expected`.
    public init(directory: String, expected: CodeVersion) {
        self.directory = directory
        self.expected = expected
    }

    /// Why a trial must not start (one line), or `nil` when the code is the recorded one or cannot be read (the
    /// repository gone: unknown is not a change, as when versions are compared).
    func change() -> String? {
        guard let now = CodeVersion.git(at: directory), now != expected else { return nil }
        return "code changed between execution of 2 trials (from \(expected.shortDescription) to"
            + " \(now.shortDescription) in \(directory)): this version of the experiment runs the code it was made"
            + " with; run the hunt again to make a new version for the new code, or pass --ignore-code-changes"
    }
}
