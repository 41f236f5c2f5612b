import Foundation
import OrionBenchmark
import OrionCore
import XCTest

final class BenchmarkAssessmentTests: XCTestCase {
    private func file(_ algorithm: String, _ curves: [Int: [Double]], workers: Int = 1) -> BenchmarkResultFile {
        BenchmarkResultFile(
            algorithm: algorithm,
            problem: "branin",
            optimum: 0.39788735772973816,
            budget: curves.values.map(\.count).max() ?? 0,
            notes: "",
            runs: curves.map { seed, values in
                BenchmarkRun(
                    seed: seed,
                    wallSeconds: Double(seed + 1),
                    values: values,
                    bestParams: [:],
                    workers: workers
                )
            }
        )
    }

    /// AverageResult: mean and sample standard deviation of the best so far over seeds, at each checkpoint.
    func testAverageResultIsTheMeanBestSoFar() {
        let files = [file("random", [0: [4, 3, 5, 1], 1: [2, 2, 2, 2]])]
        let rows = BenchmarkAssessment.averageResult.rows(files, checkpoints: [1, 2, 4, 9])
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows[0].values, [3, 2.5, 1.5, 1.5])
        XCTAssertEqual(rows[0].deviations[0], 2.0.squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(rows[0].runs, 2)
        XCTAssertEqual(rows[0].wallSeconds, 1.5)
        let same = BenchmarkAssessment.averageResult.rows(
            [file("a", [0: [0.1], 1: [0.1], 2: [0.1]])],
            checkpoints: [1]
        )
        XCTAssertEqual(same[0].deviations, [0])
    }

    /// AverageRank: configurations ranked per seed (ties share the average rank), averaged over the seeds all ran.
    func testAverageRankRanksPerSeed() {
        let files = [
            file("a", [0: [1, 1], 1: [5, 5], 2: [9, 9]]),
            file("b", [0: [2, 0], 1: [3, 3]]),
        ]
        let rows = BenchmarkAssessment.averageRank.rows(files, checkpoints: [1, 2])
        XCTAssertEqual(rows.map(\.label), ["swift-orion/a", "swift-orion/b"])
        XCTAssertEqual(rows.map(\.runs), [2, 2])  // seed 2 was not run by b
        XCTAssertEqual(rows[0].values, [1.5, 2])
        XCTAssertEqual(rows[1].values, [1.5, 1])
        let tie = BenchmarkAssessment.averageRank.rows([file("a", [0: [1]]), file("b", [0: [1]])], checkpoints: [1])
        XCTAssertEqual(tie.map(\.values), [[1.5], [1.5]])
    }

    /// A checkpoint past the length of some run is marked `*`, with a note under the table, as `table` marks it:
    /// the last trial's value stood there without a word, and short runs were ranked against long ones.
    func testCheckpointsPastARunsLengthAreMarked() {
        let files = [file("short", [0: [3, 2]]), file("long", [0: [4, 3, 2, 1]])]
        let results = BenchmarkAssessment.averageResult.rows(files, checkpoints: [1, 2, 4])
        XCTAssertEqual(results.map(\.short), [[], [4]])
        let ranks = BenchmarkAssessment.averageRank.rows(files, checkpoints: [1, 2, 4])
        XCTAssertEqual(ranks.map(\.short), [[], [4]])
        for assessment in [BenchmarkAssessment.averageResult, .averageRank] {
            let text = assessment.markdown(files, checkpoints: [1, 2, 4])
            let shortRow = text.split(separator: "\n").first { $0.hasPrefix("| swift-orion/short ") } ?? ""
            XCTAssertEqual(shortRow.components(separatedBy: "\\*").count - 1, 1, String(shortRow))
            XCTAssertTrue(text.contains("\\* some runs of this configuration are shorter than k trials"), text)
        }
        let full = BenchmarkAssessment.averageResult.markdown(files, checkpoints: [1, 2])
        XCTAssertFalse(full.contains("\\*"), full)
    }

    /// Two files of one configuration with different budgets: the later is kept, and the table says so (the earlier
    /// was dropped without a word).
    func testAFileLeftOutForAnotherBudgetIsNamed() {
        let table = BenchmarkTable(files: [file("random", [0: [3, 2]]), file("random", [0: [4, 3, 2]])])
        XCTAssertEqual(table.files.map(\.budget), [3])
        XCTAssertEqual(
            table.notes,
            [
                "swift-orion/random on branin: the runs of 2 trials are left out for those of 3 trials of a later"
                    + " file (one budget per configuration)"
            ]
        )
        XCTAssertEqual(BenchmarkTable(files: [file("random", [0: [3, 2]]), file("random", [1: [4, 3]])]).notes, [])
    }

    /// ParallelAssessment: one algorithm's worker counts in order, whatever the labels' alphabetical order.
    func testParallelAssessmentOrdersByWorkerCount() {
        let files = [
            file("random-w4", [0: [1]], workers: 4), file("random", [0: [3]]), file("random-w2", [0: [2]], workers: 2),
            file("random-w12", [0: [0]], workers: 12),
        ]
        let rows = BenchmarkAssessment.parallelAssessment.rows(files, checkpoints: [1])
        XCTAssertEqual(
            rows.map(\.label),
            ["swift-orion/random", "swift-orion/random-w2", "swift-orion/random-w4", "swift-orion/random-w12"]
        )
        let text = BenchmarkAssessment.parallelAssessment.markdown(files)
        XCTAssertTrue(text.contains("| swift-orion/random-w2 | 1 | 2 ± 0 | 1.000 |"), text)
    }

    /// Oríon's names, case-insensitive; checkpoints 10 evenly spaced up to the budget.
    func testNamesAndDefaultCheckpoints() throws {
        XCTAssertEqual(try BenchmarkAssessment.named("averagerank"), .averageRank)
        XCTAssertThrowsError(try BenchmarkAssessment.named("Median")) { error in
            XCTAssertTrue("\(error)".contains("AverageResult, AverageRank, ParallelAssessment"))
        }
        XCTAssertEqual(BenchmarkAssessment.defaultCheckpoints(budget: 100), [10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
        XCTAssertEqual(BenchmarkAssessment.defaultCheckpoints(budget: 4), [1, 2, 3, 4])
        XCTAssertEqual(BenchmarkAssessment.defaultCheckpoints(budget: 25).last, 25)
    }

    /// ParallelAssessment's runs: real concurrent workers on the same storage, each count completing the budget.
    func testParallelRunsCompleteTheBudgetWithEachWorkerCount() async throws {
        var files: [BenchmarkResultFile] = []
        for workers in BenchmarkAssessment.parallelWorkers {
            let configuration = BenchmarkConfiguration(
                algorithm: AlgorithmConfig(name: "random"),
                task: OrionTasks.rosenbrock(),
                workers: workers,
                storage: .sqlite,
                scratchDirectory: FileManager.default.temporaryDirectory.path + "/orion-assessment-tests"
            )
            files.append(try await BenchmarkRunner().runAll(configuration, seeds: [0]))
        }
        XCTAssertEqual(files.map(\.algorithm), ["random-sqlite", "random-w2-sqlite", "random-w4-sqlite"])
        for file in files { XCTAssertEqual(file.runs.map(\.trialCount), [20]) }
        let rows = BenchmarkAssessment.parallelAssessment.rows(files, checkpoints: [20])
        XCTAssertEqual(rows.map(\.runs), [1, 1, 1])
    }

    /// Configurations without a seed in common cannot be ranked: the section says why instead of printing nan alone.
    func testAverageRankWithoutACommonSeedSaysWhy() {
        func file(_ algorithm: String, seed: Int) -> BenchmarkResultFile {
            BenchmarkResultFile(
                algorithm: algorithm,
                problem: "branin",
                optimum: 0,
                budget: 2,
                notes: "",
                runs: [BenchmarkRun(seed: seed, wallSeconds: 1, values: [3, 2], bestParams: [:])]
            )
        }
        let text = BenchmarkAssessment.averageRank.markdown([file("a", seed: 0), file("b", seed: 1)])
        XCTAssertTrue(text.contains("No seed ran with every configuration of branin"), text)
        XCTAssertFalse(text.contains("|"), "no table of zero runs and nan: \(text)")
        XCTAssertFalse(text.contains("nan"), text)
    }

    /// AverageRank's notes come after the table, never between its header and its rows (which ended the markdown
    /// table there).
    func testAverageRankNotesStayOutsideTheTable() throws {
        let files = [
            file("a", [0: [1, 1], 1: [5, 5], 2: [9, 9]]),
            file("b", [0: [2, 0], 1: [3, 3]]),
        ]
        let lines = BenchmarkAssessment.averageRank.markdown(files, checkpoints: [1, 2]).components(separatedBy: "\n")
        let header = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("| framework/algo |") })
        XCTAssertEqual(lines[header + 1], "|---|---|---|---|---|")
        XCTAssertTrue(lines[header + 2].hasPrefix("| swift-orion/a | "), lines[header + 2])
        XCTAssertTrue(lines[header + 3].hasPrefix("| swift-orion/b | "), lines[header + 3])
        XCTAssertEqual(lines[header + 4], "")
        XCTAssertEqual(
            lines[header + 5],
            "Ranked over the 2 seeds every configuration of branin ran; the other seeds' runs are left out (fewest"
                + " runs: swift-orion/b, 2)."
        )
        let ranked = BenchmarkAssessment.averageRank.markdown([files[1]], checkpoints: [1])
        XCTAssertFalse(ranked.contains("Ranked over"), ranked)
    }
}
