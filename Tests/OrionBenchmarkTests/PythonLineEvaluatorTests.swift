import Foundation
import OrionBenchmark
import OrionCore
import Synchronization
import XCTest

final class PythonLineEvaluatorTests: XCTestCase {
    private func evaluator(arguments: [String] = []) throws -> PythonLineEvaluator {
        guard
            FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
                || ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":")
                    .contains(where: { FileManager.default.isExecutableFile(atPath: "\($0)/python3") }) == true
        else { throw XCTSkip("python3 is not on PATH: PythonLineEvaluator runs Python scripts") }
        return try PythonLineEvaluator(
            python: "python3",
            script: BenchmarkFixtures.path("line_echo.py"),
            arguments: arguments
        )
    }

    func testRepliesComeBackInOrderFromOneProcess() throws {
        let evaluator = try evaluator(arguments: ["--tag", "a"])
        for x in 1...20 {
            let reply = try evaluator.evaluate(["x": .int(x)])
            XCTAssertEqual(reply.objectValue?["value"], .int(2 * x))
            XCTAssertEqual(reply.objectValue?["argv"], ["--tag", "a", "--serve"])
        }
    }

    func testConcurrentCallersEachGetTheirOwnReply() throws {
        let evaluator = try evaluator()
        let replies = Mutex([Int](repeating: -1, count: 64))
        DispatchQueue.concurrentPerform(iterations: 64) { index in
            let value = (try? evaluator.evaluate(["x": .int(index)]))?.objectValue?["value"]?.intValue ?? -1
            replies.withLock { $0[index] = value }
        }
        XCTAssertEqual(replies.withLock { $0 }, (0..<64).map { 2 * $0 })
    }

    func testAnErrorReplyThrowsAndTheProcessGoesOn() throws {
        let evaluator = try evaluator()
        XCTAssertThrowsError(try evaluator.evaluate(["fail": true])) { error in
            XCTAssertEqual(error as? PythonLineEvaluator.Failure, .script("asked to fail"))
        }
        XCTAssertThrowsError(try evaluator.evaluate(["garble": true])) { error in
            XCTAssertEqual(error as? PythonLineEvaluator.Failure, .malformedReply("not json"))
        }
        XCTAssertEqual(try evaluator.evaluate(["x": 1.5]).objectValue?["value"]?.doubleValue, 3)
    }

    func testAnExitedScriptFailsWithItsStatusAndItsLastWords() throws {
        let evaluator = try evaluator()
        XCTAssertThrowsError(try evaluator.evaluate(["exit": true])) { error in
            guard case .exited(let status, let stderr)? = error as? PythonLineEvaluator.Failure else {
                return XCTFail("expected an exit failure, got \(error)")
            }
            XCTAssertEqual(status, 3)
            XCTAssertTrue(stderr.hasSuffix("exiting on request"), stderr)
        }
        // Later calls fail the same way instead of writing to a closed pipe.
        XCTAssertThrowsError(try evaluator.evaluate(["x": 1])) { error in
            guard case .exited(status: 3, _)? = error as? PythonLineEvaluator.Failure else {
                return XCTFail("expected an exit failure, got \(error)")
            }
        }
    }

    /// A traceback is told by its last line, the exception, so that the message stays one line.
    func testAnExitsMessageIsOneLineEndingWithTheException() {
        let failure = PythonLineEvaluator.Failure.exited(
            status: 1,
            stderr: "Traceback (most recent call last):\n  File \"t.py\", line 3, in <module>\n    import sklearn\n"
                + "ModuleNotFoundError: No module named 'sklearn'\n"
        )
        XCTAssertEqual(
            failure.description,
            "the Python evaluator exited (status 1) before replying: ModuleNotFoundError: No module named 'sklearn'"
        )
        XCTAssertEqual(
            PythonLineEvaluator.Failure.exited(status: 2, stderr: "").description,
            "the Python evaluator exited (status 2) before replying"
        )
    }

    func testAMissingInterpreterIsALaunchOrExitFailure() throws {
        let evaluator = try PythonLineEvaluator(python: "no-such-python-xyz", script: "x.py")
        XCTAssertThrowsError(try evaluator.evaluate(["x": 1])) { error in
            guard case .exited(let status, _)? = error as? PythonLineEvaluator.Failure else {
                return XCTFail("expected an exit failure, got \(error)")
            }
            XCTAssertEqual(status, 127)  // /usr/bin/env: command not found
        }
    }
}
