import Foundation
import OrionBenchmark
import OrionCore
import XCTest

final class OrionTasksTests: XCTestCase {
    private func value(_ task: BenchmarkTask, _ x: [Double]) throws -> Double {
        try task.evaluate(["x": .array(x.map { .double($0) })])
    }

    /// Each task reaches its documented optimum at its known minimizer.
    func testKnownMinimizersReachTheOptimum() throws {
        let branin = OrionTasks.branin()
        assertClose(try value(branin, [(Double.pi + 5) / 15, 2.275 / 15]), 0.39788735772973816, relative: 1e-12)
        assertClose(try value(OrionTasks.rosenbrock(dim: 3), [1, 1, 1]), 0)
        assertClose(try value(OrionTasks.eggholder(), [512, 404.2319]), -959.6406627, relative: 1e-9)
        assertClose(
            try value(OrionTasks.carromTable(), [9.646157266348881, -9.646134286497169]),
            -24.15681551650653,
            relative: 1e-12
        )
        // The classic Forrester function: minimum -6.02074 at x = 0.75725.
        let forrester = OrionTasks.forrester(alpha: 6, beta: 12)
        XCTAssertEqual(try XCTUnwrap(forrester.optimum), -6.020740055767083, accuracy: 1e-9)
        XCTAssertEqual(try forrester.evaluate(["x": 0.7572487144081974]), -6.020740055767083, accuracy: 1e-9)
        XCTAssertNil(OrionTasks.eggholder(dim: 3).optimum)
    }

    /// Oríon's defaults: 20 trials, 2 dimensions, a vector dimension `x`.
    func testDefaultsAreOrionsDefaults() throws {
        for task in OrionTasks.defaults {
            XCTAssertEqual(task.defaultBudget, 20, task.name)
            XCTAssertEqual(try task.space().names, ["x"], task.name)
        }
        XCTAssertEqual(try OrionTasks.rosenbrock().space()["x"]?.shape, [2])
        XCTAssertEqual(try OrionTasks.branin().space()["x"]?.precision, 10)
    }

    /// Specifications with arguments give named tasks that read back to the same task.
    func testSpecificationsAndNamesRoundTrip() throws {
        let task = try BenchmarkTasks.task("RosenBrock:dim=3:max_trials=50")
        XCTAssertEqual(task.name, "RosenBrock+dim=3")
        XCTAssertEqual(task.defaultBudget, 50)
        XCTAssertEqual(try task.space()["x"]?.shape, [3])
        XCTAssertEqual(try BenchmarkTasks.task(task.name).name, task.name)
        XCTAssertEqual(try BenchmarkTasks.task("Forrester:alpha=6:beta=12").name, "Forrester+alpha=6.0+beta=12.0")
        XCTAssertEqual(try BenchmarkTasks.task("branin").name, "branin")
        XCTAssertThrowsError(try BenchmarkTasks.task("RosenBrock:depth=3")) { error in
            XCTAssertTrue("\(error)".contains("max_trials, dim"), "\(error)")
        }
        XCTAssertThrowsError(try BenchmarkTasks.task("Rosen")) { error in
            XCTAssertEqual((error as? BenchmarkError)?.code, .unknownTask)
        }
    }

    /// Arguments are read strictly: an integer argument that is not an integer (`dim=3.7` ran as 3, `dim=2.5` as
    /// plain RosenBrock, `max_trials=3.9` as 3) and a repeated argument (`dim=3:dim=4` took 4) are refused, naming
    /// the task and the argument; so is a Forrester whose values overflow (`alpha=1e308` failed writing its -inf
    /// optimum after the run).
    func testArgumentsAreReadStrictly() throws {
        for (specification, expected) in [
            ("RosenBrock:dim=3.7", "task RosenBrock:dim=3.7: dim takes an integer, got '3.7'"),
            ("RosenBrock:dim=2.5", "task RosenBrock:dim=2.5: dim takes an integer, got '2.5'"),
            ("RosenBrock:max_trials=3.9", "task RosenBrock:max_trials=3.9: max_trials takes an integer, got '3.9'"),
            ("RosenBrock:dim=3:dim=4", "task RosenBrock:dim=3:dim=4 gives dim twice; give each argument once"),
            ("Forrester:alpha=1e308:beta=1e308", "task Forrester:alpha=1e308:beta=1e308: with alpha = 1e+308 the"),
            ("Forrester:alpha=-1e200", "task Forrester:alpha=-1e200: with alpha = -1e+200 the values"),
        ] {
            XCTAssertThrowsError(try BenchmarkTasks.task(specification), specification) { error in
                let error = error as? BenchmarkError
                XCTAssertEqual(error?.code, .unknownTask)
                XCTAssertEqual(error?.kind, .usage)
                XCTAssertTrue(error?.message.hasPrefix(expected) ?? false, "\(error?.message ?? "")")
            }
        }
        XCTAssertEqual(try BenchmarkTasks.task("RosenBrock:dim=4:max_trials=7").defaultBudget, 7)
        let forrester = try BenchmarkTasks.task("Forrester:alpha=1e100:beta=1e308")
        XCTAssertTrue(forrester.optimum?.isFinite ?? false)
    }

    /// Random search runs on every Oríon task through the runner (vector dimensions included).
    func testRandomSearchRunsOnEveryTask() async throws {
        for task in OrionTasks.defaults {
            let run = try await BenchmarkRunner().run(
                BenchmarkConfiguration(algorithm: AlgorithmConfig(name: "random"), task: task, budget: 10),
                seed: 0
            )
            XCTAssertEqual(run.values.count, 10, task.name)
            XCTAssertGreaterThanOrEqual(run.bestSoFar.last ?? -.infinity, (task.optimum ?? -.infinity) - 1e-9)
        }
    }
}
