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

    /// The summary line gives the trials the runs completed when they differ from the budget (grid search on
    /// hartmann6 ran 16 of 20; the line said 20).
    func testSummaryLineGivesTheTrialsRun() {
        func file(_ counts: [Int]) -> BenchmarkResultFile {
            BenchmarkResultFile(
                algorithm: "gridsearch",
                problem: "hartmann6",
                optimum: 0,
                budget: 20,
                notes: "",
                runs: counts.enumerated().map { seed, count in
                    BenchmarkRun(seed: seed, wallSeconds: 1, values: Array(repeating: 1, count: count), bestParams: [:])
                }
            )
        }
        XCTAssertTrue(
            BenchmarkPlan.line(for: file([16]), path: "p").hasPrefix(
                "gridsearch on hartmann6: 1 run of 16 trials (budget 20), median regret 1,"
            )
        )
        XCTAssertTrue(
            BenchmarkPlan.line(for: file([12, 16]), path: "p").contains(": 2 runs of 12-16 trials (budget 20),")
        )
        XCTAssertTrue(BenchmarkPlan.line(for: file([20, 20]), path: "p").contains(": 2 runs of 20 trials, median"))
    }
}
