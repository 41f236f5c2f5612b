import Foundation
import OrionAlgorithms
import OrionCore
import OrionTesting
import XCTest

@testable import OrionAlgorithms

final class MOFATests: XCTestCase {
    /// Runs MOFA's rounds to the end, completing each round's trials with `objective` of their `/x`, `/y` and `/w`;
    /// checks that a worker gets nothing while a round runs.
    ///
    /// - Returns: the trials of each round.
    private func runRounds(
        _ harness: inout AlgorithmHarness,
        objective: (Double, Double, Double) -> Double
    ) throws -> [[Trial]] {
        var rounds: [[Trial]] = []
        while !harness.isDone {
            let trials = try harness.produce(count: 100)
            guard !trials.isEmpty else { break }
            XCTAssertTrue(try harness.produce(count: 1).isEmpty, "a worker gets nothing while a round runs")
            for trial in trials {
                let value = { (name: String) in trial.params[name]?.doubleValue ?? 0 }
                harness.complete(trial.id, objective: objective(value("/x"), value("/y"), value("/w")))
            }
            rounds.append(trials)
        }
        return rounds
    }

    /// The mean distance of the trials' (`/x`, `/y`) to the origin.
    private static func distance(_ trials: [Trial]) -> Double {
        trials.map { trial in
            let x = trial.params["/x"]?.doubleValue ?? 0
            let y = trial.params["/y"]?.doubleValue ?? 0
            return (x * x + y * y).squareRoot()
        }.reduce(0, +) / Double(trials.count)
    }

    private func harness(_ priors: [String: String], options: [String: JSONValue] = [:]) throws -> AlgorithmHarness {
        var resolved = try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: "mofa", options: options))
        if resolved.options["seed"] == .null { resolved.options["seed"] = 1 }
        let experiment = Experiment(
            id: "0123456789abcdef01234567",
            name: "mofa",
            space: try Space(priors: priors),
            algorithm: resolved
        )
        return AlgorithmHarness(experiment: experiment, factory: AlgorithmRegistry.standard)
    }

    /// Every conformance check but `checkDoneOnExhaustedSpace`: MOFA ends after its rounds (one per fidelity
    /// level), not when a finite space is exhausted; `testDoneAfterTheRoundsOnAFiniteSpace` checks that instead.
    func testConformanceOnSpacesWithAFidelity() throws {
        try AlgorithmConformance.checkAllOnFidelitySpaces(
            factory: AlgorithmRegistry.standard,
            config: AlgorithmConfig(name: "mofa"),
            endsWhenExhausted: false
        )
    }

    func testOptionsAreOrionsWithTheirDefaults() throws {
        XCTAssertEqual(
            try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: "mofa")).options,
            ["seed": .null, "index": 1, "n_levels": 5, "strength": 2, "threshold": 0.1]
        )
    }

    func testRefusesBadOptionsAndTwoFidelities() throws {
        var strong = try harness(["/x": "uniform(0, 1)", "/z": "fidelity(1, 9, base=3)"], options: ["strength": 3])
        XCTAssertThrowsError(try strong.produce(count: 1)) { error in
            XCTAssertEqual((error as? AlgorithmError)?.message, "mofa: option 'strength' must be 1 or 2, not 3")
        }
        var two = try harness(["/x": "uniform(0, 1)", "/z": "fidelity(1, 9, base=3)", "/e": "fidelity(1, 4)"])
        XCTAssertThrowsError(try two.produce(count: 1)) { error in
            XCTAssertEqual((error as? AlgorithmError)?.code, .unsupportedSpace)
        }
    }

    /// Without a fidelity, as Oríon's MOFA runs: rounds of 25 points, each waiting for the previous one, shrinking
    /// toward the minimum, until every coordinate is fixed or after ``MOFA/roundsWithoutFidelity`` rounds.
    func testRoundsWithoutAFidelityShrinkTowardTheMinimum() throws {
        var harness = try harness(["/x": "uniform(-2, 2)", "/y": "uniform(-2, 2)", "/w": "uniform(-2, 2)"])
        let rounds = try runRounds(&harness) { x, y, w in x * x + 2 * y * y + 0.01 * w * w }
        XCTAssertTrue(harness.isDone)
        XCTAssertGreaterThanOrEqual(rounds.count, 3)
        XCTAssertLessThanOrEqual(rounds.count, MOFA.roundsWithoutFidelity)
        XCTAssertEqual(rounds.first?.count, 25)
        XCTAssertLessThan(Self.distance(rounds[rounds.count - 1]), Self.distance(rounds[0]) / 10)
        XCTAssertTrue(try harness.produce(count: 3).isEmpty)
    }

    /// A fidelity with linear levels (`base=1`) gives no ladder: the rounds run as without a fidelity, every trial
    /// at the highest level (the space was refused: "mofa needs a fidelity base >= 2").
    func testALinearFidelityRunsEveryRoundAtItsHighest() throws {
        var harness = try harness(
            ["/x": "uniform(-2, 2)", "/y": "uniform(-2, 2)", "/w": "uniform(-2, 2)", "/e": "fidelity(1, 10, base=1)"]
        )
        let rounds = try runRounds(&harness) { x, y, w in x * x + 2 * y * y + 0.01 * w * w }
        XCTAssertTrue(harness.isDone)
        XCTAssertGreaterThanOrEqual(rounds.count, 3)
        XCTAssertEqual(Set(rounds.joined().map { $0.params["/e"]?.doubleValue }), [10])
        XCTAssertLessThan(Self.distance(rounds[rounds.count - 1]), Self.distance(rounds[0]) / 10)
    }

    /// On a finite space without a fidelity, later rounds draw points that are trials already: they take those
    /// trials' results, and the search still ends.
    func testDoneOnAFiniteSpaceWithoutAFidelity() throws {
        var harness = try harness(["/x": "uniform(0, 3, discrete=True)", "/c": "choices(['a', 'b'])"])
        for _ in 0..<50 where !harness.isDone {
            for trial in try harness.produce(count: 4) {
                let x = trial.params["/x"]?.doubleValue ?? 0
                harness.complete(trial.id, objective: (x - 1) * (x - 1))
            }
        }
        XCTAssertTrue(harness.isDone)
        XCTAssertTrue(try harness.produce(count: 3).isEmpty)
    }

    /// Strength 2 with 5 levels: every pair of the first 6 columns takes each pair of levels once in 25 rows, and
    /// each column of the design has one point in each of 25 equal cells (a Latin hypercube).
    func testDesignIsAnOrthogonalLatinHypercube() {
        var generator = SeededGenerator(seed: 3)
        let levels = OrthogonalDesign.levels(columns: 6, levels: 5, strength: 2, index: 1, using: &generator)
        XCTAssertEqual(levels.count, 25)
        for first in 0..<6 {
            for second in (first + 1)..<6 {
                let pairs = Set(levels.map { [$0[first], $0[second]] })
                XCTAssertEqual(pairs.count, 25, "columns \(first), \(second)")
            }
        }
        let points = OrthogonalDesign.points(levels, count: 5, using: &generator)
        for column in 0..<6 {
            XCTAssertEqual(Set(points.map { Int($0[column] * 25) }), Set(0..<25))
            for (row, point) in points.enumerated() {
                XCTAssertEqual(Int(point[column] * 5), levels[row][column])
            }
        }
    }

    /// Rounds of 25 points at fidelities 1, 3 and 9, each waiting for the previous one; then done. The last round
    /// is closer to the minimum of a sphere than the first.
    func testRoundsClimbTheFidelitiesAndShrinkTowardTheMinimum() throws {
        var harness = try harness([
            "/x": "uniform(-2, 2)", "/y": "uniform(-2, 2)", "/w": "uniform(-2, 2)", "/z": "fidelity(1, 9, base=3)",
        ])
        let rounds = try runRounds(&harness) { x, y, w in x * x + y * y + 0.01 * w * w }
        XCTAssertTrue(harness.isDone)
        XCTAssertEqual(rounds.map { Set($0.compactMap { $0.params["/z"]?.doubleValue }) }, [[1], [3], [9]])
        XCTAssertEqual(rounds.first?.count, 25)
        XCTAssertLessThan(Self.distance(rounds[2]), Self.distance(rounds[0]) / 2)
        // /w barely matters: fixed after the first round, so the later rounds hold one value of it.
        XCTAssertEqual(Set(rounds[2].compactMap { $0.params["/w"]?.doubleValue }).count, 1)
        XCTAssertTrue(try harness.produce(count: 3).isEmpty)
    }

    /// A round that fixes every coordinate below the top fidelity (thirty equally important dimensions: each has
    /// about a thirtieth of the main-effect variance, under `threshold`) is followed by one trial of the configuration
    /// they make at `high`, then done; it ended at the lowest fidelity. A space with only the fidelity runs at `high`.
    func testEveryCoordinateFixedRunsTheirConfigurationAtTheTopFidelity() throws {
        var priors = ["/z": "fidelity(1, 9, base=3)"]
        for index in 0..<30 { priors["/x\(index)"] = "uniform(-1, 1)" }
        var harness = try harness(priors)
        var rounds: [[Trial]] = []
        while !harness.isDone {
            let trials = try harness.produce(count: 100)
            guard !trials.isEmpty else { break }
            for trial in trials {
                let values = trial.params.compactMap { $0.name == "/z" ? nil : $0.value.doubleValue }
                harness.complete(trial.id, objective: values.reduce(0) { $0 + $1 * $1 })
            }
            rounds.append(trials)
        }
        XCTAssertTrue(harness.isDone)
        XCTAssertEqual(rounds.map(\.count), [25, 1])
        XCTAssertEqual(rounds.map { Set($0.compactMap { $0.params["/z"]?.doubleValue }) }, [[1], [9]])
        guard rounds.count == 2 else { return }
        // The last trial is the fixed configuration: each coordinate at the centre of its best level, not a point of
        // the first round.
        func configuration(_ trial: Trial) -> [JSONValue] { trial.params.filter { $0.name != "/z" }.map(\.value) }
        XCTAssertFalse(rounds[0].map(configuration).contains(configuration(rounds[1][0])))

        var alone = try self.harness(["/z": "fidelity(1, 9, base=3)"])
        let only = try alone.produce(count: 10)
        XCTAssertEqual(only.compactMap { $0.params["/z"]?.doubleValue }, [9])
        alone.complete(only[0].id, objective: 1)
        XCTAssertTrue(try alone.produce(count: 1).isEmpty)
        XCTAssertTrue(alone.isDone)
    }

    /// On a finite space, MOFA ends after its rounds and suggests nothing more.
    func testDoneAfterTheRoundsOnAFiniteSpace() throws {
        var harness = AlgorithmHarness(
            experiment: Experiment(
                id: "0123456789abcdef01234567",
                name: "mofa",
                space: try TestSpaces.finiteWithFidelity(),
                algorithm: AlgorithmConfig(name: "mofa", options: ["seed": 2])
            ),
            factory: AlgorithmRegistry.standard
        )
        for _ in 0..<50 where !harness.isDone {
            for trial in try harness.produce(count: 4) {
                harness.complete(trial.id, objective: Objectives.sphere(trial.params))
            }
        }
        XCTAssertTrue(harness.isDone)
        XCTAssertTrue(try harness.produce(count: 3).isEmpty)
    }

    /// A MOFA rebuilt from the trials alone (its state lost, or not carried by `orion db dump`) takes up the round
    /// where it was and ends with the same points as the original: the results of rounds after the first, observed
    /// before those rounds start, are kept for them (it used to wait for ever on points that were trials already).
    func testRebuiltFromTheTrialsItGoesOnWhereItWas() throws {
        for priors in [
            ["/x": "uniform(-2, 2)", "/y": "uniform(-2, 2)"],
            ["/x": "uniform(-2, 2)", "/y": "uniform(-2, 2)", "/epochs": "fidelity(1, 27, base=3)"],
        ] {
            var original = try harness(priors, options: ["n_levels": 3])
            func objective(_ trial: Trial) -> Double { Objectives.sphere(trial.params) }
            /// Produces and completes until done; returns whether it got stuck (nothing to run and not done).
            func finish(_ harness: inout AlgorithmHarness) throws -> Bool {
                for _ in 0..<60 where !harness.isDone {
                    let produced = try harness.produce(count: 100)
                    let open = harness.trials.filter { $0.status == .new }
                    if produced.isEmpty, open.isEmpty { return !harness.isDone }
                    for trial in open { harness.complete(trial.id, objective: objective(trial)) }
                }
                return !harness.isDone
            }
            // Two rounds, then the third's points produced and half of them completed.
            for _ in 0..<2 {
                for trial in try original.produce(count: 100) {
                    original.complete(trial.id, objective: objective(trial))
                }
            }
            for (index, trial) in try original.produce(count: 100).enumerated() where index % 2 == 0 {
                original.complete(trial.id, objective: objective(trial))
            }
            var rebuilt = try harness(priors, options: ["n_levels": 3])
            for trial in original.trials { rebuilt.insert(trial) }
            XCTAssertFalse(try finish(&original), "\(priors)")
            XCTAssertFalse(try finish(&rebuilt), "the rebuilt search waits for ever: \(priors)")
            XCTAssertTrue(rebuilt.isDone, "\(priors)")
            XCTAssertEqual(
                Set(rebuilt.trials.map { $0.params.representation }),
                Set(original.trials.map { $0.params.representation }),
                "\(priors)"
            )
        }
    }

    /// Broken trials and NaN or infinite objectives count as failed points: the state, saved and read back at every
    /// step, holds no number JSON cannot write, and the rounds go on.
    func testFailedPointsKeepTheStateWritable() throws {
        var resolved = try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: "mofa", options: ["seed": 4]))
        resolved.options["n_levels"] = 3
        var harness = AlgorithmHarness(
            experiment: Experiment(
                id: "0123456789abcdef01234567",
                name: "mofa",
                space: try Space(priors: ["/x": "uniform(-2, 2)", "/y": "uniform(-2, 2)"]),
                algorithm: resolved
            ),
            factory: AlgorithmRegistry.standard,
            reusesDriver: false
        )
        var rounds = 0
        while !harness.isDone, rounds < 20 {
            let trials = try harness.produce(count: 100)
            guard !trials.isEmpty else { break }
            for (index, trial) in trials.enumerated() {
                switch index % 4 {
                case 0: harness.setStatus(trial.id, .broken)
                case 1: harness.complete(trial.id, objective: index % 8 == 1 ? .nan : .infinity)
                default: harness.complete(trial.id, objective: Objectives.sphere(trial.params))
                }
            }
            rounds += 1
        }
        XCTAssertGreaterThanOrEqual(rounds, 2)
        XCTAssertTrue(harness.isDone)
    }
}
