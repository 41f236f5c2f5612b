import ArgumentParser
import Foundation
import OrionCore
import OrionWorker

/// A mistake in how a command was called: printed as one line, exit code 2.
struct UsageError: OrionError {
    /// What is wrong and how to fix it.
    var message: String

    /// Always ``ErrorKind/usage``.
    var kind: ErrorKind { .usage }

    init(_ message: String) {
        self.message = message
    }
}

/// Runs a command's body, turning errors into one clear line on stderr and Oríon's exit codes: 2 for usage
/// errors (bad flag, prior, script, configuration), 1 for failed runs, as each error's ``OrionError``
/// conformance says.
enum CommandRunner {
    static func run(verbose: Bool, _ body: () async throws -> Void) async throws {
        do {
            try OpenFileLimit.checkCommandFloor()
            try await body()
        } catch let error as ExitCode {
            throw error
        } catch {
            let report = ErrorReport(error)
            StandardStream.emit(lines(for: report, verbose: verbose).map { $0 + "\n" }.joined(), to: 2)
            throw ExitCode(report.exitCode)
        }
    }

    /// `Error: <message>`, then with `verbose` one `cause: <message>` line per cause, outermost first.
    static func lines(for report: ErrorReport, verbose: Bool) -> [String] {
        ["Error: " + report.message] + (verbose ? report.causes.map { "cause: " + $0 } : [])
    }
}
