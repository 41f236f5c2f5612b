import Foundation
import OrionAlgorithms
import OrionCore
import OrionTesting
import XCTest

final class EvolutionESTests: XCTestCase {
    private let line = ["/x": "uniform(0, 1)", "/y": "uniform(0, 1)", "/epochs": "fidelity(1, 9, base=3)"]

    private func epochs(_ trial: Trial) -> Double? { trial.params["/epochs"]?.doubleValue }

    private func x(_ trial: Trial) -> Double { trial.params["/x"]?.doubleValue ?? .nan }

    func testConformanceOnSpacesWithAFidelity() throws {
        try PBTTests.checkConformance("evolutiones")
    }

    func testOptionsAreOrionsWithTheirDefaults() throws {
        XCTAssertEqual(
            try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: "evolutiones")).options,
            ["seed": .null, "repetitions": .null, "nums_population": 20, "mutate": .null, "max_retries": 1000]
        )
        let mutate = try AlgorithmRegistry.standard.resolve(
            AlgorithmConfig(name: "evolutiones", options: ["mutate": ["multiply_factor": 2.0, "add_factor": 2]])
        ).options["mutate"]
        XCTAssertEqual(
            mutate,
            [
                "function": "orion.algo.evolution_es.mutate_functions.default_mutate", "multiply_factor": 2.0,
                "add_factor": 2, "volatility": 0.001,
            ]
        )
        XCTAssertThrowsError(
            try AlgorithmRegistry.standard.resolve(
                AlgorithmConfig(name: "evolutiones", options: ["mutate": ["function": "my.module.mutate"]])
            )
        ) { error in
            XCTAssertEqual(
                (error as? AlgorithmError)?.message,
                "evolutiones: option 'mutate': function 'my.module.mutate' is not available (Python functions cannot be called); "
                    + "leave 'function' out for orion.algo.evolution_es.mutate_functions.default_mutate, and set "
                    + "multiply_factor, add_factor, volatility"
            )
        }
    }

    func testTournamentsMakeTheNextRungFromWinnersAndMutatedCopies() throws {
        var harness = try PBTTests.harness("evolutiones", line, options: ["nums_population": 6, "repetitions": 1])
        let first = try harness.produce(count: 10)
        XCTAssertEqual(first.count, 6, "one repetition: the population, then nothing until the rung completes")
        XCTAssertTrue(first.allSatisfy { epochs($0) == 1 && $0.parent == nil })
        for trial in first { harness.complete(trial.id, objective: x(trial)) }
        let next = try harness.produce(count: 10)
        XCTAssertEqual(next.count, 6)
        XCTAssertTrue(next.allSatisfy { epochs($0) == 3 })
        let byID = Dictionary(uniqueKeysWithValues: first.map { ($0.id, $0) })
        var winners = Set<String>()
        var copies = 0
        for child in next {
            let parent = try XCTUnwrap(byID[child.parent ?? ""], "every member continues a first-rung trial")
            if child.params.replacing("/epochs", with: 1) == parent.params {
                winners.insert(parent.id)
            } else {
                copies += 1
                // One of two hyperparameters mutated (max(1, int(0.3 · 2))): the other is the winner's.
                let sameX = x(child) == x(parent)
                let sameY = child.params["/y"] == parent.params["/y"]
                XCTAssertTrue(sameX != sameY, "exactly one gene mutated")
            }
        }
        XCTAssertEqual(copies, 3, "three pairs, three losers replaced")
        XCTAssertEqual(winners.count, 3)
        // The best member always wins its tournament; the worst always loses.
        let ranked = first.sorted { x($0) < x($1) }
        XCTAssertTrue(winners.contains(ranked[0].id))
        XCTAssertFalse(winners.contains(ranked[5].id))
    }

    /// A member whose trial broke does not go on from it (no checkpoint, hyperparameters that broke): the next
    /// rung continues completed trials only, and ends the search's lineages when none completed. The winner of two
    /// broken members used to continue its broken trial.
    func testNoMemberContinuesABrokenTrial() throws {
        var harness = try PBTTests.harness("evolutiones", line, options: ["nums_population": 6, "repetitions": 1])
        let first = try harness.produce(count: 10)
        XCTAssertEqual(first.count, 6)
        // Four of six break: at least one pair is two broken members.
        for (index, trial) in first.enumerated() {
            if index < 4 {
                harness.setStatus(trial.id, .broken)
            } else {
                harness.complete(trial.id, objective: x(trial))
            }
        }
        let completed = Set(first.suffix(2).map(\.id))
        let next = try harness.produce(count: 10)
        XCTAssertFalse(next.isEmpty)
        for child in next {
            XCTAssertTrue(completed.contains(child.parent ?? ""), "\(child.parent ?? "no parent") is a broken trial")
        }

        // Nothing completed: the lineages end instead of continuing broken trials.
        var none = try PBTTests.harness("evolutiones", line, options: ["nums_population": 4, "repetitions": 1])
        for trial in try none.produce(count: 10) { none.setStatus(trial.id, .broken) }
        XCTAssertEqual(try none.produce(count: 10), [])
    }

    /// A mutated real keeps its prior's precision (here 2 significant digits), as sampled values and Oríon's
    /// mutated values do.
    func testMutatedRealsKeepThePriorsPrecision() throws {
        let rounded = [
            "/x": "uniform(0.1, 1, precision=2)", "/y": "uniform(0.1, 1, precision=2)",
            "/epochs": "fidelity(1, 9, base=3)",
        ]
        var harness = try PBTTests.harness("evolutiones", rounded, options: ["nums_population": 6, "repetitions": 1])
        let first = try harness.produce(count: 10)
        for trial in first { harness.complete(trial.id, objective: x(trial)) }
        let next = try harness.produce(count: 10)
        XCTAssertEqual(next.count, 6)
        let byID = Dictionary(uniqueKeysWithValues: first.map { ($0.id, $0) })
        let mutated = next.filter { $0.params.replacing("/epochs", with: 1) != byID[$0.parent ?? ""]?.params }
        XCTAssertEqual(mutated.count, 3)
        for trial in first + next {
            for name in ["/x", "/y"] {
                let value = try XCTUnwrap(trial.params[name]?.doubleValue)
                XCTAssertEqual(value, Double(String(format: "%.1e", value)), "\(name) two significant digits: \(value)")
            }
        }
    }

    func testRunsEveryRungThenIsDone() throws {
        var harness = try PBTTests.harness("evolutiones", line, options: ["nums_population": 4, "repetitions": 1])
        try harness.run(trials: 100, batch: 3) { $0["/x"]?.doubleValue ?? 0 }
        XCTAssertTrue(harness.isDone)
        let counts = Dictionary(grouping: harness.trials, by: { epochs($0) ?? 0 }).mapValues(\.count)
        XCTAssertEqual(counts, [1: 4, 3: 4, 9: 4])
    }

    func testBaseOneRunsEveryInteger() throws {
        var harness = try PBTTests.harness(
            "evolutiones",
            ["/x": "uniform(0, 1)", "/epochs": "fidelity(2, 5, base=1)"],
            options: ["nums_population": 2, "repetitions": 1]
        )
        try harness.run(trials: 100, batch: 2) { $0["/x"]?.doubleValue ?? 0 }
        XCTAssertEqual(Set(harness.trials.compactMap(epochs)), [2, 3, 4, 5])
        XCTAssertTrue(harness.isDone)
    }

    func testARebuiltSearchCarriesOnFromItsLastGeneration() throws {
        // Two rungs run (4 trials at 1 epoch, their generation of 4 at 3 epochs), then the state is lost: a fresh
        // search that observes every trial makes the generation of 9 epochs from the rung of 3, rather than
        // starting over at 1 epoch.
        var harness = try PBTTests.harness("evolutiones", line, options: ["nums_population": 4, "repetitions": 1])
        try harness.run(trials: 8, batch: 4) { $0["/x"]?.doubleValue ?? 0 }
        let counts = Dictionary(grouping: harness.trials, by: { epochs($0) ?? 0 }).mapValues(\.count)
        XCTAssertEqual(counts, [1: 4, 3: 4])
        var rebuilt = try AlgorithmDriver(experiment: harness.experiment, factory: AlgorithmRegistry.standard)
        rebuilt.observe(harness.trials)
        let next = try rebuilt.produce(count: 4, now: Date(timeIntervalSince1970: 0))
        XCTAssertEqual(next.map { epochs($0) }, [9, 9, 9, 9])
        let third = Set(harness.trials.filter { epochs($0) == 3 }.map(\.id))
        XCTAssertTrue(next.allSatisfy { third.contains($0.parent ?? "") }, "\(next.map(\.parent))")
    }

    /// The state is lost when 4 of the 6 members of a generation have trials (a `db load` of a hunt its budget
    /// stopped): the rebuilt search makes the 2 others before going on, so the population keeps its size (it shrank
    /// to 4 for the rest of the search), and a last generation cut short is not taken for the end of the search
    /// (the hunt stopped with 4 members never run at the top fidelity).
    func testARebuiltSearchCompletesAGenerationCutShort() throws {
        for cut in [3.0, 9.0] {
            var harness = try PBTTests.harness("evolutiones", line, options: ["nums_population": 6, "repetitions": 1])
            for rung in [1.0, 3.0, 9.0] where rung <= cut {
                let trials = try harness.produce(count: rung == cut ? 4 : 6)
                XCTAssertTrue(trials.allSatisfy { epochs($0) == rung })
                for trial in trials { harness.complete(trial.id, objective: x(trial)) }
            }
            var rebuilt = try AlgorithmDriver(experiment: harness.experiment, factory: AlgorithmRegistry.standard)
            rebuilt.observe(harness.trials)
            XCTAssertFalse(rebuilt.isDone, "cut at \(cut)")
            let rest = try rebuilt.produce(count: 6, now: Date(timeIntervalSince1970: 0))
            XCTAssertEqual(rest.map { epochs($0) }, [cut, cut], "the generation of \(cut) epochs is completed first")
            let below = Set(harness.trials.filter { epochs($0) == cut / 3 }.map(\.id))
            XCTAssertTrue(rest.allSatisfy { below.contains($0.parent ?? "") }, "\(rest.map(\.parent))")
            let generation = harness.trials.filter { epochs($0) == cut } + rest
            XCTAssertEqual(Set(generation.map(\.id)).count, 6)
        }
    }
}
