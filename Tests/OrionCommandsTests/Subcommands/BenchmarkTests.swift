import Foundation
import OrionBenchmark
import XCTest

@testable import OrionCommands

final class BenchmarkTests: XCTestCase {
    private func plan(
        problems: String = "branin",
        budget: Int? = 5,
        seeds: String = "0",
        workers: String = "1"
    ) throws -> BenchmarkPlan {
        try BenchmarkPlan(
            algorithms: "random",
            problems: problems,
            budget: budget,
            seeds: seeds,
            workers: workers,
            storage: .memory
        )
    }

    private func assertUsageError(
        _ expression: @autoclosure () throws -> some Any,
        _ message: String,
        file: StaticString = #filePath,
        line: UInt = #line
    ) {
        XCTAssertThrowsError(try expression(), file: file, line: line) { error in
            XCTAssertEqual((error as? UsageError)?.message, message, "\(error)", file: file, line: line)
        }
    }

    /// Two tasks that get one name (and one result file) with different budgets are refused: the second was
    /// silently dropped. The same task twice still runs once.
    func testTasksNamedTwice() throws {
        assertUsageError(
            try plan(problems: "RosenBrock:dim=3,RosenBrock:dim=3:max_trials=50", budget: nil),
            "--problems gives two tasks named RosenBrock+dim=3: RosenBrock:dim=3 (20 trials) and"
                + " RosenBrock:dim=3:max_trials=50 (50 trials), whose results would share one file: give one of them,"
                + " or set --budget"
        )
        XCTAssertEqual(try plan(problems: "RosenBrock:dim=3,RosenBrock+dim=3:max_trials=50").configurations.count, 1)
        XCTAssertEqual(try plan(problems: "branin,branin", budget: nil).configurations.count, 1)
    }
}
