import Foundation
import OrionAlgorithms
import OrionCore
import OrionTesting
import XCTest

final class ASHATests: XCTestCase {
    private func harness(
        _ priors: [String: String],
        options: [String: JSONValue] = [:],
        maxTrials: Int? = nil
    ) throws -> AlgorithmHarness {
        var resolved = try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: "asha", options: options))
        if resolved.options["seed"] == .null { resolved.options["seed"] = 1 }
        let experiment = Experiment(
            id: "0123456789abcdef01234567",
            name: "asha",
            space: try Space(priors: priors),
            algorithm: resolved,
            maxTrials: maxTrials
        )
        return AlgorithmHarness(experiment: experiment, factory: AlgorithmRegistry.standard)
    }

    private let line = ["/x": "uniform(0, 1)", "/z": "fidelity(1, 27, base=3)"]

    private func fidelity(_ trial: Trial) -> Double? { trial.params["/z"]?.doubleValue }

    private func x(_ trial: Trial) -> Double { trial.params["/x"]?.doubleValue ?? .nan }

    func testConformanceOnSpacesWithAFidelity() throws {
        try AlgorithmConformance.checkAllOnFidelitySpaces(
            factory: AlgorithmRegistry.standard,
            config: AlgorithmConfig(name: "asha")
        )
    }

    func testOptionsAreOrionsWithTheirDefaults() throws {
        XCTAssertEqual(
            try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: "asha")).options,
            ["seed": .null, "num_rungs": .null, "num_brackets": 1, "repetitions": .null]
        )
    }

    func testRefusesASpaceWithoutFidelity() throws {
        var harness = try harness(["/x": "uniform(0, 1)"])
        XCTAssertThrowsError(try harness.produce(count: 1)) { error in
            XCTAssertEqual((error as? AlgorithmError)?.code, .unsupportedSpace)
            XCTAssertEqual(
                (error as? AlgorithmError)?.message,
                "asha needs exactly one fidelity dimension in the search space (found: none); "
                    + "add one prior such as --epochs~'fidelity(1, 81, base=3)'"
            )
        }
    }

    func testRejectsMoreBracketsThanRungs() throws {
        var harness = try harness(line, options: ["num_rungs": 3, "num_brackets": 4])
        XCTAssertThrowsError(try harness.produce(count: 1)) { error in
            XCTAssertEqual(
                (error as? AlgorithmError)?.message,
                "asha: option 'num_brackets' must be between 1 and num_rungs (3), not 4"
            )
        }
    }

    /// `num_rungs` that would repeat a fidelity after rounding names the largest count that does not: for
    /// `fidelity(1, 9, base=3)` 4 and 5 rungs give distinct levels (5: 1, 2, 3, 5, 9), 6 does not.
    func testTooManyRungsNameTheLargestValidCount() throws {
        let nine = ["/x": "uniform(0, 1)", "/z": "fidelity(1, 9, base=3)"]
        for rungs in [4, 5] {
            var harness = try harness(nine, options: ["num_rungs": .int(rungs)])
            XCTAssertNoThrow(try harness.produce(count: 1), "\(rungs) rungs")
        }
        var harness = try harness(nine, options: ["num_rungs": 6])
        XCTAssertThrowsError(try harness.produce(count: 1)) { error in
            let message = (error as? AlgorithmError)?.message ?? ""
            XCTAssertTrue(message.hasSuffix("use at most 5 rungs"), message)
        }
        // Many rungs: the levels are cut short, not listed one by one on one line of 1,500 characters.
        var many = try self.harness(
            ["/x": "uniform(0, 1)", "/z": "fidelity(1, 81, base=3)"],
            options: ["num_rungs": 100]
        )
        XCTAssertThrowsError(try many.produce(count: 1)) { error in
            XCTAssertEqual(
                (error as? AlgorithmError)?.message,
                "asha: option 'num_rungs' 100 gives fidelity levels that repeat (1, 1, 1, 1, 1, 1, ..., 81) for"
                    + " fidelity(1, 81, base=3); use at most 10 rungs"
            )
        }
    }

    func testRungsGoFromLowToHighByBase() throws {
        // fidelity(1, 27, base=3): rungs 1, 3, 9, 27 holding 27, 9, 3 and 1 configurations; repetitions: 1 runs
        // exactly those 40 trials.
        var harness = try harness(line, options: ["repetitions": 1])
        while !harness.isDone {
            let trials = try harness.produce(count: 4)
            if trials.isEmpty { break }
            for trial in trials { harness.complete(trial.id, objective: x(trial)) }
        }
        XCTAssertTrue(harness.isDone)
        let counts = Dictionary(grouping: harness.trials, by: { fidelity($0) ?? 0 }).mapValues(\.count)
        XCTAssertEqual(counts, [1: 27, 3: 9, 9: 3, 27: 1])
        // The one trial at 27 is the best configuration of the 27.
        let best = try XCTUnwrap(harness.trials.filter { fidelity($0) == 1 }.min { x($0) < x($1) })
        let top = try XCTUnwrap(harness.trials.first { fidelity($0) == 27 })
        XCTAssertEqual(x(top), x(best))
        XCTAssertEqual(try harness.produce(count: 2), [])
    }

    /// A fractional fidelity (a share of the data) keeps its levels: rounding them to whole numbers made them all
    /// equal and refused the space (`auto` picks ASHA for it).
    func testAFractionalFidelityKeepsItsLevels() throws {
        var harness = try harness(["/x": "uniform(0, 1)", "/f": "fidelity(0.1, 1.0)"], options: ["repetitions": 1])
        while !harness.isDone {
            let trials = try harness.produce(count: 3)
            if trials.isEmpty { break }
            for trial in trials { harness.complete(trial.id, objective: x(trial)) }
        }
        let levels = Set(harness.trials.compactMap { $0.params.first { $0.name == "/f" }?.value.doubleValue }).sorted()
        XCTAssertEqual(levels.count, 4, "\(levels)")
        XCTAssertEqual(levels.first ?? 0, 0.1, accuracy: 1e-12)
        XCTAssertEqual(levels.last ?? 0, 1.0, accuracy: 1e-12)
        XCTAssertTrue(zip(levels, levels.dropFirst()).allSatisfy { $1 / $0 > 1.9 && $1 / $0 < 2.4 }, "\(levels)")
    }

    func testDefaultNumberOfRungsIsOrions() throws {
        // Oríon: int(log(high / low) / log(base) + 1), 5 for fidelity(1, 16, base=2); the bottom rung holds 2^4.
        var harness = try harness(
            ["/x": "uniform(0, 1)", "/z": "fidelity(1, 16, base=2)"],
            options: ["repetitions": 1]
        )
        while !harness.isDone {
            let trials = try harness.produce(count: 3)
            if trials.isEmpty { break }
            for trial in trials { harness.complete(trial.id, objective: x(trial)) }
        }
        let counts = Dictionary(grouping: harness.trials, by: { fidelity($0) ?? 0 }).mapValues(\.count)
        XCTAssertEqual(counts, [1: 16, 2: 8, 4: 4, 8: 2, 16: 1])
    }

    func testPromotesTheBestOfARungAsResultsArriveWithItsParent() throws {
        var harness = try harness(line)
        let first = try harness.produce(count: 4)
        XCTAssertEqual(first.map { fidelity($0) }, [1, 1, 1, 1])
        XCTAssertTrue(first.allSatisfy { $0.parent == nil })
        // Three completed: the top third (one) is promoted at once; the fourth, pending, is not waited for.
        let sorted = first.prefix(3).sorted { x($0) < x($1) }
        for trial in first.prefix(3) { harness.complete(trial.id, objective: x(trial)) }
        let next = try harness.produce(count: 2)
        XCTAssertEqual(next.count, 2)
        XCTAssertEqual(next[0].parent, sorted[0].id)
        XCTAssertEqual(fidelity(next[0]), 3)
        XCTAssertEqual(next[0].params.replacing("/z", with: 1), sorted[0].params)
        XCTAssertNil(next[1].parent, "no second promotion from 3 results: a new configuration instead")
        XCTAssertEqual(fidelity(next[1]), 1)
    }

    /// A small finite space, every configuration tried: a rung that will receive nothing more promotes its best even
    /// with fewer than `base` completed, so that the search reaches the top fidelity (hAV's probe: 6 configurations at
    /// `base=3` never ran at 9; a space of the fidelity alone ran only at 1).
    func testASmallFiniteSpaceReachesTheTopFidelity() throws {
        for (priors, bottom) in [
            (["/a": "choices(['a', 'b', 'c'])", "/b": "choices(['u', 'v'])", "/z": "fidelity(1, 9, base=3)"], 6),
            (["/z": "fidelity(1, 9, base=3)"], 1),
        ] {
            var harness = try harness(priors)
            var trials: [Trial] = []
            for _ in 0..<20 where !harness.isDone {
                let produced = try harness.produce(count: 10)
                for trial in produced {
                    // Deterministic (not `hashValue`, seeded per process): a sum over the configuration's text.
                    let text = trial.params.filter { $0.name != "/z" }.map { "\($0.value)" }.joined()
                    let value = text.unicodeScalars.reduce(0) { $0 + Int($1.value) } % 100
                    harness.complete(trial.id, objective: Double(value))
                }
                trials += produced
            }
            XCTAssertTrue(harness.isDone, "\(priors)")
            let levels = trials.compactMap { fidelity($0) }
            XCTAssertEqual(levels.filter { $0 == 1 }.count, bottom, "\(priors)")
            XCTAssertEqual(levels.filter { $0 == 9 }.count, 1, "\(priors): the best reaches the top")
            // It is the best of the rung below.
            let below = trials.filter { fidelity($0) == 3 }.map(\.id)
            let top = try XCTUnwrap(trials.first { fidelity($0) == 9 })
            XCTAssertTrue(below.contains(top.parent ?? ""), "\(priors)")
        }
    }

    func testPendingTrialsAreNotPromotedUntilCompleted() throws {
        var harness = try harness(line)
        let first = try harness.produce(count: 4)
        // The fourth would be the best, but it is only reserved.
        harness.setStatus(first[3].id, .reserved)
        for (trial, objective) in zip(first.prefix(3), [5.0, 6, 7]) { harness.complete(trial.id, objective: objective) }
        let promoted = try harness.produce(count: 1)
        XCTAssertEqual(promoted.map(\.parent), [first[0].id])
        harness.complete(first[3].id, objective: 0)
        // Four completed: the top third is still one, now the fourth, which is promoted next.
        let next = try harness.produce(count: 1)
        XCTAssertEqual(next.map(\.parent), [first[3].id])
        XCTAssertEqual(next.map { fidelity($0) }, [3])
    }

    func testBrokenTrialsAreNeverPromoted() throws {
        var harness = try harness(line)
        let first = try harness.produce(count: 6)
        for trial in first { harness.setStatus(trial.id, .broken) }
        let next = try harness.produce(count: 4)
        XCTAssertEqual(next.count, 4)
        XCTAssertTrue(next.allSatisfy { $0.parent == nil && fidelity($0) == 1 }, "\(next.map(\.parent))")
    }

    func testStateRoundTripKeepsTheRungs() throws {
        var harness = try harness(line)
        let first = try harness.produce(count: 3)
        for trial in first { harness.complete(trial.id, objective: x(trial)) }
        let driver = try XCTUnwrap(harness.driver)
        var restored = try AlgorithmDriver(
            experiment: harness.experiment,
            factory: AlgorithmRegistry.standard,
            state: try driver.encodedState()
        )
        var original = driver
        original.observe(harness.trials)
        restored.observe(harness.trials)
        let expected = try original.produce(count: 2, now: Date(timeIntervalSince1970: 0))
        let actual = try restored.produce(count: 2, now: Date(timeIntervalSince1970: 0))
        XCTAssertEqual(expected, actual)
        XCTAssertEqual(expected.first?.parent, first.min { x($0) < x($1) }?.id)
    }

    func testARepetitionRanksTheWholeRung() throws {
        // Li et al. (2020): a rung promotes the top 1/base of every configuration it has seen. After the first 27
        // configurations (9 promoted to 3 epochs), 3 worse ones make 30: the 10th best of the first 27 is promoted
        // next, not the best of the 3 newcomers.
        var harness = try harness(line)
        var bottom: [Trial] = []
        while bottom.count < 28 {
            let trials = try harness.produce(count: 1)
            let trial = try XCTUnwrap(trials.first)
            if fidelity(trial) == 1 { bottom.append(trial) }
            harness.complete(trial.id, objective: bottom.count == 28 ? 10 : x(trial))
        }
        for objective in [11.0, 12] {
            let trial = try XCTUnwrap(try harness.produce(count: 1).first)
            XCTAssertEqual(fidelity(trial), 1)
            harness.complete(trial.id, objective: objective)
        }
        let next = try XCTUnwrap(try harness.produce(count: 1).first)
        XCTAssertEqual(fidelity(next), 3)
        let tenth = bottom.prefix(27).sorted { x($0) < x($1) }[9]
        XCTAssertEqual(next.parent, tenth.id)
    }
}
