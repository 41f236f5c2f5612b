import Foundation
import OrionCore
import OrionTesting
import XCTest

@testable import OrionAlgorithms

final class DEHBTests: XCTestCase {
    private let line = ["/x": "uniform(0, 1)", "/z": "fidelity(1, 27, base=3)"]
    private let plane = ["/x": "uniform(0, 1)", "/y": "uniform(0, 1)", "/z": "fidelity(1, 9, base=3)"]

    private func fidelity(_ trial: Trial) -> Double? { trial.params["/z"]?.doubleValue }

    private func value(_ trial: Trial, _ name: String) -> Double { trial.params[name]?.doubleValue ?? .nan }

    private func counts(_ trials: some Sequence<Trial>) -> [Double: Int] {
        Dictionary(grouping: trials, by: { fidelity($0) ?? 0 }).mapValues(\.count)
    }

    func testConformanceOnSpacesWithAFidelity() throws {
        try AlgorithmConformance.checkAllOnFidelitySpaces(
            factory: AlgorithmRegistry.standard,
            config: AlgorithmConfig(name: "dehb")
        )
    }

    func testOptionsAreOrionsWithTheirDefaults() throws {
        XCTAssertEqual(
            try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: "dehb")).options,
            [
                "seed": .null, "mutation_factor": 0.5, "crossover_prob": 0.5, "mutation_strategy": "rand1",
                "crossover_strategy": "bin", "boundary_fix_type": "random", "min_clip": .null, "max_clip": .null,
                "max_age": .null,
            ]
        )
    }

    func testRejectsUnknownStrategiesAndValuesOutOfRangeInOneLine() throws {
        let cases: [(String, JSONValue, String)] = [
            (
                "mutation_strategy", "rand3",
                "dehb: option 'mutation_strategy' must be one of rand1, rand2, rand2dir, best1, best2, currenttobest1, "
                    + "randtobest1, not 'rand3'"
            ),
            ("crossover_strategy", "uni", "dehb: option 'crossover_strategy' must be one of bin, exp, not 'uni'"),
            ("boundary_fix_type", "wrap", "dehb: option 'boundary_fix_type' must be one of random, clip, not 'wrap'"),
            ("crossover_prob", 1.5, "dehb: option 'crossover_prob' must be a number in [0, 1], not 1.5"),
            ("mutation_factor", 0, "dehb: option 'mutation_factor' must be a number in (0, 2], not 0.0"),
        ]
        for (key, value, message) in cases {
            XCTAssertThrowsError(
                try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: "dehb", options: [key: value]))
            ) { error in
                XCTAssertEqual((error as? AlgorithmError)?.message, message)
            }
        }
    }

    func testRefusesASpaceWithoutFidelity() throws {
        var harness = try seededHarness("dehb", ["/x": "uniform(0, 1)"])
        XCTAssertThrowsError(try harness.produce(count: 1)) { error in
            XCTAssertEqual((error as? AlgorithmError)?.code, .unsupportedSpace)
            XCTAssertEqual(
                (error as? AlgorithmError)?.message,
                "dehb needs exactly one fidelity dimension in the search space (found: none); "
                    + "add one prior such as --epochs~'fidelity(1, 81, base=3)'"
            )
        }
    }

    func testBracketsAreHyperbandsAndTheFirstRepetitionPromotes() throws {
        // One trial at a time, so that every rung is complete when the next is due: 69 trials per repetition.
        var harness = try seededHarness("dehb", line)
        var hyperband = try seededHarness("hyperband", line, options: ["repetitions": 2])
        try harness.run(trials: 138) { $0["/x"]?.doubleValue ?? 0 }
        try hyperband.run(trials: 138) { $0["/x"]?.doubleValue ?? 0 }
        let first = harness.trials.prefix(69)
        let second = harness.trials.dropFirst(69)
        XCTAssertEqual(counts(first), [1: 27, 3: 9 + 12, 9: 3 + 4 + 6, 27: 1 + 1 + 2 + 4])
        XCTAssertEqual(counts(second), counts(first))
        XCTAssertEqual(counts(harness.trials), counts(hyperband.trials))
        // The first repetition promotes: the same configuration one rung up, the lower trial as parent.
        let promoted = first.filter { $0.parent != nil }
        XCTAssertEqual(promoted.count, 9 + 3 + 1 + 4 + 1 + 2)
        for child in promoted {
            let parent = try XCTUnwrap(harness.trials.first { $0.id == child.parent })
            XCTAssertEqual(try XCTUnwrap(fidelity(parent)) * 3, try XCTUnwrap(fidelity(child)))
            XCTAssertEqual(parent.params.replacing("/z", with: 1), child.params.replacing("/z", with: 1))
        }
        // After it, every configuration is a child bred by evolution: a new configuration, without parent.
        XCTAssertTrue(second.allSatisfy { $0.parent == nil })
        // None repeats a trial (a child may land on a configuration run at another fidelity: the first
        // repetition's quasi-random points of one dimension lie on a grid that DE's difference vectors keep).
        let earlier = Set(first.map { "\(value($0, "/x"))@\(fidelity($0) ?? 0)" })
        XCTAssertTrue(second.allSatisfy { !earlier.contains("\(value($0, "/x"))@\(fidelity($0) ?? 0)") })
    }

    func testBoundaryFixKeepsChildrenInTheCube() throws {
        var generator = SeededGenerator(seed: 7)
        for fix in DEHB.BoundaryFix.allCases {
            var options = DEHB.Options()
            options.boundaryFixType = fix
            options.mutationFactor = 2
            options.minClip = 0.25
            options.maxClip = 0.75
            let evolution = DifferentialEvolution(options: options, plans: Hyperband.brackets(low: 1, high: 9, base: 3))
            for strategy in DEHB.MutationStrategy.allCases {
                options.mutationStrategy = strategy
                let evolution = DifferentialEvolution(options: options, plans: [])
                var outside = 0
                for _ in 0..<200 {
                    let donors = (0..<6).map { _ in (0..<3).map { _ in Double.random(in: 0...1, using: &generator) } }
                    let mutant = evolution.mutation(
                        donors: donors,
                        current: donors[5],
                        best: donors[4],
                        using: &generator
                    )
                    var child = mutant
                    evolution.fixBoundaries(&child, using: &generator)
                    for (before, after) in zip(mutant, child) {
                        XCTAssertTrue((0...1).contains(after), "\(strategy) \(fix): \(after)")
                        if (0...1).contains(before) {
                            XCTAssertEqual(after, before)
                        } else {
                            outside += 1
                            if fix == .clip { XCTAssertEqual(after, before < 0 ? 0.25 : 0.75) }
                        }
                    }
                }
                XCTAssertGreaterThan(outside, 0, "\(strategy): F = 2 never left the cube")
            }
            XCTAssertEqual(evolution.populations.map(\.fidelity), [1, 3, 9])
            XCTAssertEqual(evolution.populations.map(\.size), [9, 5, 3])
        }
    }

    func testBinomialCrossoverTakesAtLeastOneCoordinateFromTheMutant() throws {
        var generator = SeededGenerator(seed: 3)
        var options = DEHB.Options()
        options.crossoverProb = 0
        let evolution = DifferentialEvolution(options: options, plans: [])
        let target = Array(repeating: 0.0, count: 5)
        let mutant = Array(repeating: 1.0, count: 5)
        for _ in 0..<50 {
            XCTAssertEqual(evolution.crossover(target: target, mutant: mutant, using: &generator).reduce(0, +), 1)
        }
        options.crossoverProb = 1
        XCTAssertEqual(
            DifferentialEvolution(options: options, plans: []).crossover(
                target: target,
                mutant: mutant,
                using: &generator
            ),
            mutant
        )
    }

    func testSelectionKeepsTheBetterOfChildAndTarget() throws {
        var evolution = DifferentialEvolution(options: DEHB.Options(), plans: [[.init(fidelity: 1, capacity: 2)]])
        evolution.select(vector: [0.1], fitness: 5, fidelity: 1, key: "a")
        evolution.select(vector: [0.2], fitness: 3, fidelity: 1, key: "b")
        XCTAssertEqual(evolution.populations[0].members.map(\.fitness), [5, 3])
        // Full: a result competes with the member whose turn it is (the first), and wins only when better.
        evolution.select(vector: [0.3], fitness: 9, fidelity: 1, key: "c")
        XCTAssertEqual(evolution.populations[0].members.map(\.fitness), [5, 3])
        evolution.select(vector: [0.4], fitness: 1, fidelity: 1, key: "d")
        XCTAssertEqual(evolution.populations[0].members.map(\.vector), [[0.1], [0.4]])
    }

    /// The share of the configurations of the second repetition on within 0.15 of (0.2, 0.7), the minimum.
    private func shareNearTheMinimum(_ name: String, options: [String: JSONValue], seed: Int) throws -> Double {
        var harness = try seededHarness(name, plane, options: options, seed: seed)
        // A synthetic learning curve: the distance to the minimum, plus a bias that shrinks with the fidelity.
        try harness.run(trials: 200) { point in
            let x = point["/x"]?.doubleValue ?? 0
            let y = point["/y"]?.doubleValue ?? 0
            let epochs = point["/z"]?.doubleValue ?? 1
            return (x - 0.2) * (x - 0.2) + (y - 0.7) * (y - 0.7) + 0.5 / epochs
        }
        let later = harness.trials.dropFirst(100)
        let near = later.filter { hypot(value($0, "/x") - 0.2, value($0, "/y") - 0.7) < 0.15 }
        return Double(near.count) / Double(max(1, later.count))
    }

    func testEvolutionConcentratesConfigurationsNearTheMinimum() throws {
        // Random configurations fall within 0.15 of the minimum with probability π · 0.15² ≈ 0.07.
        for seed in 1...3 {
            let random = try shareNearTheMinimum("hyperband", options: [:], seed: seed)
            let evolved = try shareNearTheMinimum("dehb", options: [:], seed: seed)
            XCTAssertGreaterThan(evolved, 0.25, "seed \(seed)")
            XCTAssertGreaterThan(evolved, 2 * random, "seed \(seed)")
        }
    }

    func testARestartedWorkerContinuesFromTheStoredState() throws {
        var harness = try seededHarness("dehb", plane)
        try harness.run(trials: 45, batch: 3) { Objectives.sphere($0) }
        let pending = try harness.produce(count: 3)
        XCTAssertEqual(pending.count, 3)
        let driver = try XCTUnwrap(harness.driver)
        var restored = try AlgorithmDriver(
            experiment: harness.experiment,
            factory: AlgorithmRegistry.standard,
            state: try driver.encodedState()
        )
        var original = driver
        original.observe(harness.trials)
        restored.observe(harness.trials)
        let now = Date(timeIntervalSince1970: 0)
        let existing = TrialIndex.containing(Set(harness.trials.map(\.id)))
        XCTAssertEqual(
            try original.produce(count: 5, now: now, existing: existing),
            try restored.produce(count: 5, now: now, existing: existing)
        )
    }
}
