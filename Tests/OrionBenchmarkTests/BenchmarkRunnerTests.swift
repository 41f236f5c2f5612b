import Foundation
import OrionAlgorithms
import OrionBenchmark
import OrionCore
import XCTest

final class BenchmarkRunnerTests: XCTestCase {
    private let runner = BenchmarkRunner()

    private func configuration(
        _ task: BenchmarkTask = BenchmarkProblems.branin,
        budget: Int = 12,
        workers: Int = 1,
        storage: BenchmarkStorage = .memory
    ) -> BenchmarkConfiguration {
        BenchmarkConfiguration(
            algorithm: AlgorithmConfig(name: "random"),
            task: task,
            budget: budget,
            workers: workers,
            storage: storage,
            scratchDirectory: FileManager.default.temporaryDirectory.path + "/orion-benchmark-tests"
        )
    }

    /// A run completes its budget, its values are the task's values at the trials, and best-so-far is their
    /// running minimum with the best parameters.
    func testRunCompletesTheBudgetAndRecordsTheCurve() async throws {
        let run = try await runner.run(configuration(budget: 15), seed: 3)
        XCTAssertEqual(run.values.count, 15)
        XCTAssertEqual(run.trialCount, 15)
        XCTAssertEqual(run.seed, 3)
        let values = run.values.compactMap { $0 }
        var minimum = Double.infinity
        for (value, best) in zip(values, run.bestSoFar) {
            minimum = min(minimum, value)
            XCTAssertEqual(best, minimum)
        }
        XCTAssertEqual(try BenchmarkProblems.branin.evaluate(run.bestParams), run.bestSoFar.last)
        XCTAssertGreaterThan(run.wallSeconds, 0)
    }

    /// The same seed gives the same trials; another seed gives others.
    func testRunsAreDeterministicPerSeed() async throws {
        let task = BenchmarkProblems.mixedCatInt
        let first = try await runner.run(configuration(task), seed: 5)
        let again = try await runner.run(configuration(task), seed: 5)
        let other = try await runner.run(configuration(task), seed: 6)
        XCTAssertEqual(first.values, again.values)
        XCTAssertEqual(first.bestParams, again.bestParams)
        XCTAssertNotEqual(first.values, other.values)
    }

    /// The seed goes to the algorithm's `seed` option unless the configuration sets one.
    func testSeedFillsTheSeedOptionOnlyWhenUnset() throws {
        XCTAssertEqual(try runner.seeded(AlgorithmConfig(name: "random"), seed: 4).options["seed"], .int(4))
        XCTAssertEqual(
            try runner.seeded(AlgorithmConfig(name: "random", options: ["seed": 9]), seed: 4).options["seed"],
            .int(9)
        )
        XCTAssertThrowsError(try runner.seeded(AlgorithmConfig(name: "nope"), seed: 1))
    }

    /// Grid search (no seed option) runs once for all seeds with one worker, as Oríon runs a deterministic algorithm
    /// once; with several workers, or an algorithm with a seed, every seed runs.
    func testADeterministicAlgorithmRunsOnce() async throws {
        var grid = configuration(budget: 4)
        grid.algorithm = AlgorithmConfig(name: "gridsearch")
        XCTAssertTrue(try runner.isDeterministic(grid))
        XCTAssertEqual(try runner.seedsToRun(grid, of: [3, 4, 5]), [3])
        let file = try await runner.runAll(grid, seeds: [3, 4, 5])
        XCTAssertEqual(file.seeds, [3])
        XCTAssertEqual(file.runs.first?.values.count, 4)
        grid.workers = 2
        XCTAssertEqual(try runner.seedsToRun(grid, of: [3, 4, 5]), [3, 4, 5])
        XCTAssertEqual(try runner.seedsToRun(configuration(), of: [3, 4]), [3, 4])
    }

    /// On a SQLite file the same seed gives the same trials as in memory, and the file is removed afterwards.
    func testSQLiteStorageGivesTheSameRun() async throws {
        let memory = try await runner.run(configuration(budget: 8), seed: 2)
        let sqlite = try await runner.run(configuration(budget: 8, storage: .sqlite), seed: 2)
        XCTAssertEqual(memory.values, sqlite.values)
        let scratch = FileManager.default.temporaryDirectory.path + "/orion-benchmark-tests"
        let left = (try? FileManager.default.contentsOfDirectory(atPath: scratch)) ?? []
        XCTAssertTrue(left.filter { $0.hasSuffix(".db") }.isEmpty, "\(left)")
    }

    /// Concurrent workers on one storage complete exactly the budget, each trial once.
    func testConcurrentWorkersCompleteExactlyTheBudget() async throws {
        for storage in BenchmarkStorage.allCases {
            let run = try await runner.run(configuration(budget: 20, workers: 4, storage: storage), seed: 1)
            XCTAssertEqual(run.values.count, 20, "\(storage)")
            XCTAssertEqual(run.workers, 4)
        }
    }

    /// A result file gathers the runs by seed in the peers' schema, and reads back equal.
    func testResultFileRoundTripsInThePeersSchema() async throws {
        let file = try await runner.runAll(configuration(budget: 5), seeds: [2, 0, 1])
        XCTAssertEqual(file.seeds, [0, 1, 2])
        XCTAssertEqual(file.framework, "swift-orion")
        XCTAssertEqual(file.fileName, "swift-orion_random_branin.json")
        let directory = FileManager.default.temporaryDirectory.path + "/orion-benchmark-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = try file.write(to: directory)
        XCTAssertEqual(try BenchmarkResultFile.read(from: path), file)
        let keys = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        )
        for key in [
            "framework", "algorithm", "problem", "optimum", "budget", "seeds", "versions", "host", "notes",
            "written_at", "runs",
        ] {
            XCTAssertNotNil(keys[key], key)
        }
        let run = try XCTUnwrap((keys["runs"] as? [[String: Any]])?.first)
        for key in ["seed", "wall_s", "values", "best_so_far", "best_params", "n_trials"] {
            XCTAssertNotNil(run[key], key)
        }
    }

    /// The result file's notes say how the task's reals were rounded: unrounded for the nine problems, Oríon's
    /// default 4 digits for the scikit-learn tasks (whose priors keep it), each precision when they differ.
    func testNotesSayHowTheTasksRealsAreRounded() async throws {
        let file = try await runner.runAll(configuration(budget: 2), seeds: [0])
        XCTAssertTrue(file.notes.hasSuffix("; real dimensions unrounded (precision=None)"), file.notes)
        let svc = try XCTUnwrap(SklearnTasks.named("sk_svc_digits"))
        XCTAssertEqual(svc.precisionNote, "real dimensions rounded to 4 significant digits")
        let mixed = BenchmarkTask(
            name: "mixed",
            priors: [
                "a": "uniform(0, 1)", "b": "loguniform(1, 2, precision=None)", "k": "uniform(0, 3, discrete=True)",
            ],
            optimum: nil,
            defaultBudget: 5,
            summary: "",
            dimensionOrder: ["b", "k", "a"]
        ) { _ in 0 }
        XCTAssertEqual(
            mixed.precisionNote,
            "real dimensions: b unrounded (precision=None), a rounded to 4 significant digits"
        )
        let discrete = BenchmarkTask(
            name: "discrete",
            priors: ["k": "uniform(0, 3, discrete=True)", "c": "choices(['x', 'y'])"],
            optimum: nil,
            defaultBudget: 5,
            summary: ""
        ) { _ in 0 }
        XCTAssertEqual(discrete.precisionNote, "no real dimensions")
        let notes = try await runner.runAll(configuration(discrete, budget: 2), seeds: [0]).notes
        XCTAssertTrue(notes.hasSuffix("; no real dimensions"), notes)
    }

    /// A zero budget is refused before anything runs.
    func testZeroBudgetIsRefused() async {
        do {
            _ = try await runner.run(configuration(budget: 0), seed: 0)
            XCTFail("a zero budget ran")
        } catch {
            XCTAssertEqual((error as? BenchmarkError)?.code, .invalidConfiguration)
        }
    }
}
