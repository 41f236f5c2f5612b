import ArgumentParser
import OrionCore

/// Oríon's verbs that swift-orion does not have yet: each accepts any arguments and says so (exit 1), instead of
/// a parse error that would suggest the verb does not exist.
enum NotImplemented {
    /// The placeholder commands, for the root's subcommand list.
    static let commands: [any ParsableCommand.Type] = [Frontend.self]

    /// The error every placeholder throws.
    struct NotImplementedError: OrionError {
        /// The verb.
        var verb: String

        /// What to use instead.
        var instead: String

        /// `orion <verb> is not implemented yet in swift-orion: <instead>`.
        var message: String { "orion \(verb) is not implemented yet in swift-orion: \(instead)" }

        /// A failed run.
        var kind: ErrorKind { .failure }
    }

    /// `orion frontend` (not implemented yet).
    struct Frontend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve the dashboard (not implemented yet).")

        @Argument(parsing: .captureForPassthrough, help: .hidden)
        var arguments: [String] = []

        func run() async throws {
            try await CommandRunner.run(verbose: false) {
                throw NotImplementedError(
                    verb: "frontend",
                    instead: "`orion serve` serves the dashboard itself (http://127.0.0.1:8000/dashboard by default)"
                )
            }
        }
    }
}
