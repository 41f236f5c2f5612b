import ArgumentParser
import Foundation
import OrionCore
import OrionInsight
import OrionWorker
import XCTest

@testable import OrionCommands

/// Every error type of the project reports through `OrionError`, and `CommandRunner` prints and exits from it.
final class CommandRunnerTests: XCTestCase {
    /// One sample of every error type, made where possible the way the code makes it, with the exit code and
    /// HTTP status it must map to (the exit codes are those `orion` had before the protocol).
    private func samples() throws -> [(error: any OrionError, exitCode: Int32, httpStatus: Int)] {
        var samples: [(any OrionError, Int32, Int)] = [
            (UsageError("an experiment name is required: orion hunt -n NAME ./script.py ..."), 2, 400),
            (ConfigurationError("orion.yaml:3:5: unknown key 'max_trial'; did you mean 'max_trials'?"), 2, 400),
            (AlgorithmError(.unknownAlgorithm, "unknown algorithm 'tpee'"), 2, 400),
            (AlgorithmError(.tooLarge, "n_values 1e9 would make a grid of 1e18 points"), 2, 400),
            (ExperimentError(.notFound, "experiment 'x' has no version 3"), 1, 404),
            (ExperimentError(.spaceChanged, "experiment 'x' v1 was created with a different space"), 2, 409),
            (ExperimentError(.broken, "experiment 'x' has 3 broken trials"), 1, 500),
            (StorageError(.duplicate, "an experiment with id 1 exists already"), 1, 409),
            (StorageError(.notFound, "no experiment with id 1"), 1, 404),
            (StorageError(.lockTimeout, "the database is locked by another process"), 1, 503),
            (StorageError(.backend, "cannot write the database: disk full"), 1, 503),
            (StorageError(.schema, "the database was written by a newer version"), 1, 500),
            (
                UnsavedResultsError(
                    underlying: StorageError(.lockTimeout, "the database is locked by another process"),
                    unsaved: [UnsavedResult(trialID: "abc", resultsPath: "/tmp/abc/results.json", reason: "locked")]
                ),
                1, 500
            ),
        ]
        func made(_ exitCode: Int32, _ httpStatus: Int, _ body: () throws -> Void) {
            do {
                try body()
                XCTFail("no error thrown")
            } catch let error as any OrionError {
                samples.append((error, exitCode, httpStatus))
            } catch {
                XCTFail("\(type(of: error)) is not an OrionError: \(error)")
            }
        }
        made(2, 400) { _ = try Space(priors: ["/x": "unifrm(0, 1)"]) }
        made(2, 400) { try ExperimentName.validate("../x") }
        made(2, 400) { _ = try UserCommand(arguments: [], currentDirectory: "/", environmentPath: nil) }
        made(2, 400) { _ = try StorageFactory.open(address: "mysql://host/db", environment: [:]) }
        made(1, 500) { _ = try ResultsFile.parse(Data("nope".utf8), path: "results.json") }
        made(2, 400) { try HuntRunner.checkWorkingDirectory("/dev/null", environment: [:]) }
        let space = try Space(priors: ["/x": "uniform(0, 1)"])
        let experiment = Experiment(name: "x", space: space, algorithm: AlgorithmConfig(name: "random"))
        made(2, 400) { _ = try TrialInsertion.trial(for: experiment, arguments: ["-y=1"]) }
        samples.append((TrialInsertionError(.duplicate, "a trial with these values exists already in x-v1"), 1, 409))
        made(2, 400) { _ = try PlotKind(named: "pie") }
        made(2, 400) { _ = try RungAnalysis(trials: [], space: space) }
        samples.append((InsightError(.missingAsset, "this orion was built without plotly.js"), 1, 500))
        return samples
    }

    func testEveryErrorTypeReportsItsMessageExitCodeAndHTTPStatus() throws {
        let samples = try samples()
        let types = Set(samples.map { String(describing: type(of: $0.error)) })
        XCTAssertEqual(
            types,
            [
                "UsageError", "ConfigurationError", "SpaceError", "CommandError", "ExperimentNameError",
                "AlgorithmError", "ExperimentError", "StorageError", "Problem", "UnsavedResultsError", "HuntError",
                "TrialInsertionError", "InsightError",
            ]
        )
        for (error, exitCode, httpStatus) in samples {
            let report = ErrorReport(error)
            XCTAssertEqual(report.message, error.message)
            XCTAssertEqual(report.message, String(describing: error), "the message is the description")
            XCTAssertFalse(report.message.isEmpty)
            XCTAssertFalse(report.message.contains("\n"), report.message)
            XCTAssertEqual(report.exitCode, exitCode, "\(type(of: error)): \(error)")
            XCTAssertEqual(report.httpStatus, httpStatus, "\(type(of: error)): \(error)")
            XCTAssertEqual(ErrorReport.httpStatus(for: error), httpStatus, "\(type(of: error)): \(error)")
        }
    }

    func testMessagesOfMadeErrorsAreUnchanged() throws {
        let messages = try samples().map(\.error.message)
        XCTAssertTrue(
            messages.contains("experiment name '../x' contains '/': use \(ExperimentName.rule)"),
            "\(messages)"
        )
        XCTAssertTrue(
            messages.contains(
                "unknown storage scheme 'mysql' in 'mysql://host/db': use sqlite:///path/orion.db,"
                    + " postgresql://user@host:port/db or memory: (swift-orion keeps experiments in SQLite or"
                    + " PostgreSQL)"
            ),
            "\(messages)"
        )
    }

    /// A reason that repeats the error that stopped the hunt (a removed database file's recovery steps, 500
    /// characters) is said once, not once more per result.
    func testAnUnsavedResultsReasonEqualToTheErrorIsSaidOnce() {
        let message = "the database file /x/o.db was removed while this hunt ran: restore it, then run again"
        let error = UnsavedResultsError(
            underlying: StorageError(.backend, message),
            unsaved: [
                UnsavedResult(trialID: "a", resultsPath: "/w/a/kept.json", reason: message),
                UnsavedResult(trialID: "b", resultsPath: nil, reason: "locked"),
            ]
        )
        XCTAssertEqual(
            CommandRunner.lines(for: ErrorReport(error), verbose: false),
            [
                "Error: \(message); the result of trial a could not be stored (the same error); it is kept in"
                    + " /w/a/kept.json, and the trial's next run in that working directory stores it instead of"
                    + " running again; the result of"
                    + " trial b could not be stored (locked); it is lost"
            ]
        )
    }

    func testOneLineWithoutVerboseAndTheCauseChainWithIt() {
        let error = UnsavedResultsError(
            underlying: StorageError(
                .lockTimeout,
                "cannot store the result: the database is locked by another process",
                underlying: POSIXError(.EBUSY)
            ),
            unsaved: [UnsavedResult(trialID: "abc", resultsPath: nil, reason: "locked")]
        )
        let report = ErrorReport(error)
        XCTAssertEqual(
            CommandRunner.lines(for: report, verbose: false),
            [
                "Error: cannot store the result: the database is locked by another process; the result of trial abc "
                    + "could not be stored (locked); it is lost"
            ]
        )
        let verbose = CommandRunner.lines(for: report, verbose: true)
        XCTAssertEqual(verbose.count, 3, "\(verbose)")
        XCTAssertEqual(verbose.first, CommandRunner.lines(for: report, verbose: false).first)
        XCTAssertEqual(
            Array(verbose.dropFirst()),
            [
                "cause: cannot store the result: the database is locked by another process",
                "cause: " + String(reflecting: POSIXError(.EBUSY)),
            ]
        )
        let plain = ErrorReport(CommandError(.missingScript, "no script given"))
        XCTAssertEqual(CommandRunner.lines(for: plain, verbose: true), ["Error: no script given"])
    }

    func testRunExitsWithTheErrorsExitCode() async {
        for (error, exitCode) in [
            (ExperimentError(.spaceChanged, "space changed") as any Error, Int32(2)),
            (ExperimentError(.broken, "too many broken trials"), 1),
            (CancellationError(), 1),
            (ExitCode(130), 130),
        ] {
            do {
                try await CommandRunner.run(verbose: false) { throw error }
                XCTFail("no error thrown")
            } catch let code as ExitCode {
                XCTAssertEqual(code.rawValue, exitCode, "\(error)")
            } catch {
                XCTFail("\(error)")
            }
        }
    }
}
