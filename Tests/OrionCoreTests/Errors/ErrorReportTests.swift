import OrionCore
import XCTest

/// `ErrorReport`: the one line, the cause chain, the exit code and the HTTP status of any error.
final class ErrorReportTests: XCTestCase {
    struct ForeignError: Error, CustomStringConvertible {
        var description: String
    }

    /// An error whose cause is itself: the chain must stop.
    final class LoopingError: OrionError, @unchecked Sendable {
        var message: String { "loops" }
        var kind: ErrorKind { .failure }
        var cause: (any Error)? { self }
    }

    func testOrionErrorGivesMessageKindAndCodes() {
        let report = ErrorReport(StorageError(.invalidAddress, "unknown storage scheme 'mysql'"))
        XCTAssertEqual(report.message, "unknown storage scheme 'mysql'")
        XCTAssertEqual(report.kind, .usage)
        XCTAssertEqual(report.exitCode, 2)
        XCTAssertEqual(report.httpStatus, 400)
        XCTAssertEqual(report.causes, [])
    }

    func testAnyOtherErrorIsAFailedRunOnOneLine() {
        let report = ErrorReport(ForeignError(description: "first line\nsecond line"))
        XCTAssertEqual(report.message, "first line second line")
        XCTAssertEqual(report.kind, .failure)
        XCTAssertEqual(report.exitCode, 1)
        XCTAssertEqual(report.httpStatus, 500)
        XCTAssertEqual(report.causes, [])
    }

    func testCausesAreListedOutermostFirstOneLineEach() {
        let error = StorageError(
            .backend,
            "cannot write the trial",
            underlying: StorageError(
                .lockTimeout,
                "the database is locked",
                underlying: ForeignError(description: "SQLite error 5:\ndatabase is locked")
            )
        )
        let report = ErrorReport(error)
        XCTAssertEqual(report.message, "cannot write the trial")
        XCTAssertEqual(report.causes, ["the database is locked", "SQLite error 5: database is locked"])
        XCTAssertEqual(report.httpStatus, 503)
    }

    func testCauseChainIsBounded() {
        let report = ErrorReport(LoopingError())
        XCTAssertEqual(report.causes.count, 16)
        XCTAssertEqual(Set(report.causes), ["loops"])
    }

    func testHTTPStatusForAnyError() {
        let cases: [(any Error, Int)] = [
            (SpaceError(.syntax, dimension: "/x", column: 3, "expected ')'"), 400),
            (ExperimentNameError(name: "", problem: "is empty"), 400),
            (AlgorithmError(.unknownAlgorithm, "unknown algorithm 'tpee'"), 400),
            (StorageError(.notFound, "no experiment with id 1"), 404),
            (StorageError(.duplicate, "an experiment with id 1 exists already"), 409),
            (StorageError(.lockTimeout, "the database is locked"), 503),
            (StorageError(.backend, "disk full"), 503),
            (StorageError(.schema, "written by a newer version"), 500),
            (ForeignError(description: "boom"), 500),
            (CancellationError(), 500),
        ]
        for (error, status) in cases {
            XCTAssertEqual(ErrorReport.httpStatus(for: error), status, "\(error)")
            XCTAssertEqual(ErrorReport(error).httpStatus, status, "\(error)")
        }
    }
}
