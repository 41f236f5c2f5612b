import ArgumentParser
import Foundation
import OrionCore
import OrionWorker

/// A mistake in how a command was called: printed as one line, exit code 2.
struct UsageError: Error, CustomStringConvertible {
    var description: String

    init(_ message: String) {
        description = message
    }
}

/// Runs a command's body, turning errors into one clear line on stderr and Oríon's exit codes: 2 for usage
/// errors (bad flag, prior, script, configuration), 1 for failed runs.
enum CommandRunner {
    static func run(verbose: Bool, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ExitCode {
            throw error
        } catch {
            let (message, code) = describe(error)
            StandardStream.emit("Error: " + message + "\n", to: 2)
            if verbose { StandardStream.emit("cause: " + String(reflecting: error) + "\n", to: 2) }
            throw ExitCode(code)
        }
    }

    static func describe(_ error: any Error) -> (String, Int32) {
        switch error {
        case let error as UsageError: (error.description, 2)
        case let error as SpaceError: (error.description, 2)
        case let error as CommandError: (error.description, 2)
        case let error as ConfigurationError: (error.description, 2)
        case let error as ExperimentNameError: (error.description, 2)
        case let error as AlgorithmError: (error.description, 2)
        case let error as ExperimentError: (error.description, error.code == .spaceChanged ? 2 : 1)
        case let error as StorageError: (error.description, error.code == .invalidAddress ? 2 : 1)
        default: (String(describing: error), 1)
        }
    }
}
