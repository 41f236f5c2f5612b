import Foundation
import OrionCore
import OrionTesting
import XCTest

@testable import OrionAlgorithms

final class TuRBOTests: XCTestCase {
    func testConformance() throws {
        try AlgorithmConformance.checkAll(
            factory: AlgorithmRegistry.standard,
            config: AlgorithmConfig(name: "turbo"),
            braninThreshold: 1
        )
    }

    func testOptionsAndTheirChecks() throws {
        let resolved = try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: "turbo"))
        XCTAssertEqual(
            resolved.options,
            [
                "seed": .null, "n_initial_points": .null, "length_init": .double(0.8), "length_min": .double(0.0078125),
                "length_max": .double(1.6), "success_tolerance": .int(3), "failure_tolerance": .null,
                "n_candidates": .null,
            ]
        )
        let cases: [([String: JSONValue], String)] = [
            (["n_initial_points": 0], "turbo: option 'n_initial_points' must be at least 1, not 0"),
            (["failure_tolerance": -1], "turbo: option 'failure_tolerance' must be at least 1, not -1"),
            (
                ["length_init": 2.0],
                "turbo: options must satisfy 0 < length_min <= length_init <= length_max, got 0.0078125, 2.0, 1.6"
            ),
        ]
        for (options, message) in cases {
            XCTAssertThrowsError(try TuRBO.Options.decode(options, algorithm: "turbo"), "\(options)") { error in
                XCTAssertEqual((error as? AlgorithmError)?.message, message)
            }
        }
    }

    /// After the design, `failure_tolerance` non-improvements halve the side, `success_tolerance` improvements
    /// double it (up to `length_max`), and a side below `length_min` starts a new run.
    func testTheRegionShrinksGrowsAndRestarts() throws {
        let options = try TuRBO.Options.decode(
            ["seed": 1, "n_initial_points": 3, "failure_tolerance": 2, "length_min": 0.2],
            algorithm: "turbo"
        )
        var turbo = TuRBO(options: options, context: AlgorithmContext(space: try TestSpaces.box(dimensions: 2)))
        for value in [5.0, 4.0, 3.0] { turbo.learn(value, width: 2) }
        XCTAssertEqual(turbo.region.length, 0.8)
        XCTAssertEqual(turbo.region.best, 3)
        for value in [2.0, 1.0, 0.5] { turbo.learn(value, width: 2) }
        XCTAssertEqual(turbo.region.length, 1.6)
        for value in [0.1, 0.05, 0.01] { turbo.learn(value, width: 2) }
        XCTAssertEqual(turbo.region.length, 1.6, "capped at length_max")
        // 0.01 - 1e-5 is not an improvement by more than 1e-3 of the best.
        for value in [0.01 - 1e-8, 3, 4, 5] { turbo.learn(value, width: 2) }
        XCTAssertEqual(turbo.region.length, 0.4)
        XCTAssertEqual(turbo.region.run, 0)
        for value in [6.0, 7] { turbo.learn(value, width: 2) }
        XCTAssertEqual(turbo.region.length, 0.2)
        XCTAssertEqual(turbo.region.run, 0, "0.2 is not below length_min")
        for value in [8.0, 9] { turbo.learn(value, width: 2) }
        XCTAssertEqual(turbo.region.run, 1, "0.1 is below length_min")
        XCTAssertEqual(turbo.region.length, 0.8)
        XCTAssertNil(turbo.region.best)
        turbo.learn(10, width: 2)
        XCTAssertEqual(turbo.region.best, 10)
    }

    /// Trials belong to the run current when they were first observed; a new run fits only its own trials and
    /// starts with a fresh design, and never suggests a configuration of an earlier run again.
    func testARestartForgetsTheOldRunsModel() throws {
        let space = try TestSpaces.box(dimensions: 2)
        let context = AlgorithmContext(space: space)
        let options = try TuRBO.Options.decode(
            ["seed": 3, "n_initial_points": 4, "failure_tolerance": 1, "length_min": 0.3],
            algorithm: "turbo"
        )
        var turbo = TuRBO(options: options, context: context)
        var trials: [Trial] = []
        // A constant objective: every result after the design is a failure, so the region collapses fast.
        while turbo.region.run == 0 && trials.count < 30 {
            let suggestion = try XCTUnwrap(turbo.suggest(count: 1, context: context).first)
            var trial = Trial(experimentID: "e", params: suggestion.parameters)
            trial.id = "t\(trials.count)"
            turbo.observe([trial], context: context)
            trial.status = .completed
            trial.results = [.objective(1)]
            turbo.observe([trial], context: context)
            trials.append(trial)
        }
        XCTAssertEqual(turbo.region.run, 1)
        // 4 design points, then 2 halvings from 0.8 (0.4, 0.2 < 0.3).
        XCTAssertEqual(trials.count, 6)
        XCTAssertEqual(turbo.records.filter { $0.run == 0 }.count, 6)
        let before = turbo.designIndex
        let next = turbo.suggest(count: 3, context: context)
        XCTAssertEqual(next.count, 3)
        XCTAssertEqual(turbo.region.designSuggested, 3)
        XCTAssertGreaterThanOrEqual(turbo.designIndex, before + 3)
        let old = Set(trials.map { $0.params.description })
        XCTAssertTrue(next.allSatisfy { !old.contains($0.parameters.description) })
    }

    /// On a 12-D shifted sphere, 60 trials of turbo (24 of them the design) end well below 60 random trials
    /// (median of 3 seeds; measured 3.6 against 6.5), and a batch of 4 per round below random too (measured 5.0).
    func testProgressOnA12DimensionalSphere() throws {
        let space = try TestSpaces.box(dimensions: 12)
        func objective(_ point: Parameters) -> Double {
            Objectives.numbers(point).reduce(0) { $0 + ($1 - 0.7) * ($1 - 0.7) }
        }
        func median(_ algorithm: String, batch: Int) throws -> Double {
            var bests: [Double] = []
            for seed in 0..<3 {
                let experiment = Experiment(
                    id: "0123456789abcdef01234567",
                    name: "turbo",
                    space: space,
                    algorithm: AlgorithmConfig(name: algorithm, options: ["seed": .int(seed)]),
                    maxTrials: 60
                )
                var harness = AlgorithmHarness(experiment: experiment, factory: AlgorithmRegistry.standard)
                try harness.run(trials: 60, batch: batch, objective: objective)
                bests.append(harness.bestObjective ?? .infinity)
            }
            return bests.sorted()[1]
        }
        let random = try median("random", batch: 1)
        let turbo = try median("turbo", batch: 1)
        let batched = try median("turbo", batch: 4)
        XCTAssertLessThan(turbo, random / 1.4, "turbo \(turbo), random \(random)")
        XCTAssertLessThan(batched, random / 1.1, "batched turbo \(batched), random \(random)")
    }
}
