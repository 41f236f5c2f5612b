import OrionCore
import XCTest

/// The defaults of `OrionError` and the conformances of OrionCore's error types.
final class OrionErrorTests: XCTestCase {
    /// A conformance with nothing but a message and a kind.
    struct MinimalError: OrionError {
        var message: String
        var kind: ErrorKind
    }

    func testDefaultsDeriveFromMessageAndKind() {
        for kind in ErrorKind.allCases {
            let error = MinimalError(message: "what is wrong; how to fix it", kind: kind)
            XCTAssertEqual(error.description, "what is wrong; how to fix it")
            XCTAssertEqual(String(describing: error), "what is wrong; how to fix it")
            XCTAssertNil(error.cause)
            XCTAssertEqual(error.isUsageError, kind == .usage, "\(kind)")
            XCTAssertEqual(error.exitCode, kind == .usage ? 2 : 1, "\(kind)")
            XCTAssertEqual(error.httpStatus, kind.httpStatus, "\(kind)")
        }
    }

    func testHTTPStatusOfEachKind() {
        let statuses = Dictionary(uniqueKeysWithValues: ErrorKind.allCases.map { ($0, $0.httpStatus) })
        XCTAssertEqual(
            statuses,
            [.usage: 400, .notFound: 404, .conflict: 409, .unavailable: 503, .failure: 500]
        )
    }

    func testSpaceErrorsAreUsageErrors() {
        XCTAssertThrowsError(try Space(priors: ["/lr": "uniform(1, 0)"])) { error in
            guard let error = error as? SpaceError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.kind, .usage)
            XCTAssertEqual(error.exitCode, 2)
            XCTAssertEqual(error.httpStatus, 400)
            XCTAssertEqual(error.description, error.message)
            XCTAssertTrue(error.message.hasPrefix("dimension '/lr'"), error.message)
        }
    }

    func testExperimentNameErrorKeepsItsMessage() {
        XCTAssertThrowsError(try ExperimentName.validate("a/b")) { error in
            guard let error = error as? ExperimentNameError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.message, "experiment name 'a/b' contains '/': use \(ExperimentName.rule)")
            XCTAssertEqual("\(error)", error.message)
            XCTAssertEqual(error.exitCode, 2)
            XCTAssertEqual(error.httpStatus, 400)
        }
    }

    func testAlgorithmErrorsAreUsageErrors() {
        for code in [
            AlgorithmError.Code.unknownAlgorithm, .unknownOption, .invalidOption, .unsupportedSpace, .tooLarge,
        ] {
            let error = AlgorithmError(code, "unknown algorithm 'tpee'")
            XCTAssertEqual("\(error)", "unknown algorithm 'tpee'")
            XCTAssertEqual(error.exitCode, 2, "\(code)")
            XCTAssertEqual(error.httpStatus, 400, "\(code)")
        }
    }

    func testStorageErrorKindsFollowTheirCode() {
        let expected: [(StorageError.Code, ErrorKind, Int32, Int)] = [
            (.duplicate, .conflict, 1, 409),
            (.notFound, .notFound, 1, 404),
            (.lockTimeout, .unavailable, 1, 503),
            (.backend, .unavailable, 1, 503),
            (.invalidAddress, .usage, 2, 400),
            (.schema, .failure, 1, 500),
        ]
        for (code, kind, exitCode, status) in expected {
            let error = StorageError(code, "message")
            XCTAssertEqual(error.kind, kind, "\(code)")
            XCTAssertEqual(error.exitCode, exitCode, "\(code)")
            XCTAssertEqual(error.httpStatus, status, "\(code)")
            XCTAssertEqual(error.isTransient, kind == .unavailable, "\(code)")
        }
    }

    func testStorageErrorCauseIsItsUnderlyingError() {
        struct DiskFull: Error, Equatable {}
        let error = StorageError(.backend, "cannot write the database", underlying: DiskFull())
        XCTAssertEqual(error.cause as? DiskFull, DiskFull())
        XCTAssertNil(StorageError(.notFound, "no experiment").cause)
    }
}
