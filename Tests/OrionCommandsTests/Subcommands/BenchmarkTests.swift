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

    /// A budget within an algorithm's start before any model (tpe's 20 points) gets one note per algorithm and
    /// budget: such a comparison with random search measured nothing, without a word.
    func testABudgetWithinTheRandomStartIsNoted() throws {
        let small = try BenchmarkPlan(
            algorithms: "random,tpe,gp",
            algorithmsWithOptions: [#"{"tpe": {"n_initial_points": 5}}"#],
            problems: "branin,hartmann3",
            budget: 10,
            seeds: "0",
            workers: "1",
            storage: .memory
        )
        XCTAssertEqual(
            small.notes,
            [
                "tpe's first 20 points come before any model (n_initial_points): runs of 10 trials never use one;"
                    + " raise --budget, or lower n_initial_points with --algorithm",
                "gp's first 10 points come before any model (n_initial_points): runs of 10 trials never use one;"
                    + " raise --budget, or lower n_initial_points with --algorithm",
            ]
        )
        let large = try BenchmarkPlan(
            algorithms: "tpe",
            problems: "branin",
            budget: 25,
            seeds: "0",
            workers: "1",
            storage: .memory
        )
        XCTAssertEqual(large.notes, [])
    }

    /// A worker count named twice runs once, as a configuration named twice does (`--workers 1,1` ran it twice).
    func testWorkerCountsNamedTwiceRunOnce() throws {
        XCTAssertEqual(try plan(workers: "1,1").configurations.map(\.workers), [1])
        XCTAssertEqual(try plan(workers: "2,1,2").configurations.map(\.workers), [2, 1])
    }

    /// Negative numbers reach the checks (they read as flags: "Missing value for '--budget <budget>'"), and a
    /// reversed range of seeds says so.
    func testNegativeNumbersAndReversedSeedsAreClearUsageErrors() throws {
        let run = try BenchmarkRunCommand.parse(["--budget", "-3", "--seeds", "-1", "--workers", "-2", "--out", "x"])
        XCTAssertEqual(run.budget, -3)
        assertUsageError(try plan(budget: run.budget), "--budget must be at least 1, got -3")
        assertUsageError(
            try plan(seeds: run.seeds),
            "--seeds takes a range 0-9, a list 0,3,5 or both (0-4,7) of non-negative integers, got '-1'"
        )
        assertUsageError(
            try plan(workers: run.workers),
            "--workers takes counts of at least 1 separated by commas (1,2,4), got '-2'"
        )
        assertUsageError(try BenchmarkPlan.seeds("0,5-2"), "--seeds range 5-2 is reversed: write it 2-5")
        let mf = try BenchmarkMultiFidelityRunCommand.parse(["--random-trials", "-3", "--seeds", "-1", "--out", "x"])
        XCTAssertEqual(mf.randomTrials, -3)
        XCTAssertEqual(mf.seeds, "-1")
        let assess = try BenchmarkAssessCommand.parse(["d", "--checkpoints", "-5"])
        XCTAssertEqual(assess.checkpoints, "-5")
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

/// Asserts that `expression` throws a ``UsageError`` whose message is `message` (the benchmark commands' tests).
func assertUsageError(
    _ expression: @autoclosure () throws -> some Any,
    _ message: String,
    file: StaticString = #filePath,
    line: UInt = #line
) {
    XCTAssertThrowsError(try expression(), file: file, line: line) { error in
        XCTAssertEqual((error as? UsageError)?.message, message, "\(error)", file: file, line: line)
    }
}
