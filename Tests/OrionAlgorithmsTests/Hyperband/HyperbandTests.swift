import Foundation
import OrionAlgorithms
import OrionCore
import OrionTesting
import XCTest

final class HyperbandTests: XCTestCase {
    private func harness(_ priors: [String: String], options: [String: JSONValue] = [:]) throws -> AlgorithmHarness {
        var resolved = try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: "hyperband", options: options))
        if resolved.options["seed"] == .null { resolved.options["seed"] = 1 }
        let experiment = Experiment(
            id: "0123456789abcdef01234567",
            name: "hyperband",
            space: try Space(priors: priors),
            algorithm: resolved
        )
        return AlgorithmHarness(experiment: experiment, factory: AlgorithmRegistry.standard)
    }

    private let line = ["/x": "uniform(0, 1)", "/z": "fidelity(1, 27, base=3)"]

    private func fidelity(_ trial: Trial) -> Double? { trial.params["/z"]?.doubleValue }

    private func x(_ trial: Trial) -> Double { trial.params["/x"]?.doubleValue ?? .nan }

    func testConformanceOnSpacesWithAFidelity() throws {
        try AlgorithmConformance.checkAllOnFidelitySpaces(
            factory: AlgorithmRegistry.standard,
            config: AlgorithmConfig(name: "hyperband")
        )
    }

    func testOptionsAreOrionsWithTheirDefaults() throws {
        XCTAssertEqual(
            try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: "hyperband")).options,
            ["seed": .null, "repetitions": .null]
        )
    }

    func testRefusesASpaceWithoutFidelity() throws {
        var harness = try harness(["/x": "uniform(0, 1)"])
        XCTAssertThrowsError(try harness.produce(count: 1)) { error in
            XCTAssertEqual((error as? AlgorithmError)?.code, .unsupportedSpace)
            XCTAssertEqual(
                (error as? AlgorithmError)?.message,
                "hyperband needs exactly one fidelity dimension in the search space (found: none); "
                    + "add one prior such as --epochs~'fidelity(1, 81, base=3)'"
            )
        }
    }

    func testOneRepetitionRunsThePapersBrackets() throws {
        // fidelity(1, 27, base=3), Li et al. (2018): n = ⌈4 / (s + 1) · 3^s⌉, so brackets 27@1 → 9@3 → 3@9 → 1@27,
        // 12@3 → 4@9 → 1@27, 6@9 → 2@27 and 4@27 (Oríon truncates 4/3 and starts 9@3).
        var harness = try harness(line, options: ["repetitions": 1])
        while !harness.isDone {
            let trials = try harness.produce(count: 4)
            if trials.isEmpty { break }
            for trial in trials { harness.complete(trial.id, objective: x(trial)) }
        }
        XCTAssertTrue(harness.isDone)
        let counts = Dictionary(grouping: harness.trials, by: { fidelity($0) ?? 0 }).mapValues(\.count)
        XCTAssertEqual(counts, [1: 27, 3: 9 + 12, 9: 3 + 4 + 6, 27: 1 + 1 + 2 + 4])
        let promoted = harness.trials.filter { $0.parent != nil }
        XCTAssertEqual(promoted.count, 9 + 3 + 1 + 4 + 1 + 2)
        for child in promoted {
            let parent = try XCTUnwrap(harness.trials.first { $0.id == child.parent })
            XCTAssertLessThan(try XCTUnwrap(fidelity(parent)), try XCTUnwrap(fidelity(child)))
            XCTAssertEqual(parent.params.replacing("/z", with: 1), child.params.replacing("/z", with: 1))
        }
    }

    func testWorkersGetTheNextBracketWhileARungIsIncomplete() throws {
        var harness = try harness(line)
        let bottom = try harness.produce(count: 27)
        XCTAssertEqual(Set(bottom.map { fidelity($0) }), [1])
        for trial in bottom.dropLast() { harness.complete(trial.id, objective: x(trial)) }
        // One trial of the rung is still running: no promotion yet, the next bracket's configurations instead.
        let waiting = try harness.produce(count: 2)
        XCTAssertEqual(waiting.map { fidelity($0) }, [3, 3])
        XCTAssertTrue(waiting.allSatisfy { $0.parent == nil })
        harness.complete(bottom[26].id, objective: x(bottom[26]))
        let promoted = try harness.produce(count: 9)
        XCTAssertEqual(promoted.map { fidelity($0) }, Array(repeating: 3, count: 9))
        let best = bottom.sorted { x($0) < x($1) }.prefix(9).map(\.id)
        XCTAssertEqual(promoted.compactMap(\.parent), best)
    }

    /// A state rebuilt from the trials (a `db load` of a hunt stopped inside the first rung) went back to the
    /// sequence's first points: the next bracket drew, at its fidelity of 3, configurations of the first rung, whose
    /// promotions then found their trials taken (run without a parent) and were lost. Its draws now go on past the
    /// trials it observed.
    func testARebuiltSearchDrawsNoConfigurationItHasSeen() throws {
        var harness = try harness(line, options: ["repetitions": 1])
        let first = try harness.produce(count: 25)
        for trial in first { harness.complete(trial.id, objective: x(trial)) }
        var rebuilt = try AlgorithmDriver(experiment: harness.experiment, factory: AlgorithmRegistry.standard)
        rebuilt.observe(harness.trials)
        let next = try rebuilt.produce(count: 6, now: Date(timeIntervalSince1970: 0))
        XCTAssertEqual(next.map { fidelity($0) }, [1, 1, 3, 3, 3, 3], "the rung's last 2, then the next bracket's")
        let seen = Set(first.map { x($0) })
        XCTAssertTrue(next.allSatisfy { !seen.contains(x($0)) }, "\(next.map { x($0) })")
    }

    func testBrokenTrialsDoNotBlockARungAndAreNotPromoted() throws {
        var harness = try harness(line)
        let bottom = try harness.produce(count: 27)
        let broken = Set(bottom.sorted { x($0) < x($1) }.prefix(5).map(\.id))
        for trial in bottom {
            if broken.contains(trial.id) {
                harness.setStatus(trial.id, .broken)
            } else {
                harness.complete(trial.id, objective: x(trial))
            }
        }
        let promoted = try harness.produce(count: 9)
        let expected = bottom.filter { !broken.contains($0.id) }.sorted { x($0) < x($1) }.prefix(9).map(\.id)
        XCTAssertEqual(promoted.compactMap(\.parent), expected)
    }

    func testNewConfigurationsStratifyTheSpace() throws {
        // Points of a scrambled Halton sequence: the first 16 of the bottom rung put one x in each sixteenth of
        // [0, 1] (independent draws would do so with probability 16!/16^16 ≈ 1e-6).
        var harness = try harness(line)
        let bottom = try harness.produce(count: 16)
        XCTAssertEqual(Set(bottom.map { fidelity($0) }), [1])
        XCTAssertEqual(Set(bottom.map { Int(x($0) * 16) }), Set(0..<16))
    }

    func testARebuiltSearchGetsItsRungsBackFromTheTrials() throws {
        // The first bracket's bottom rung completed and promoted, and 3 of its 9 promotions completed.
        var harness = try harness(line)
        let bottom = try harness.produce(count: 27)
        for trial in bottom { harness.complete(trial.id, objective: x(trial)) }
        let promoted = try harness.produce(count: 9)
        XCTAssertEqual(Set(promoted.map { fidelity($0) }), [3])
        for trial in promoted { harness.complete(trial.id, objective: x(trial)) }
        // A fresh search (a state that could not be read) that observes every trial has the complete rung of 3
        // epochs back: it promotes its best 3 to 9 epochs rather than starting over at 1.
        var rebuilt = try AlgorithmDriver(experiment: harness.experiment, factory: AlgorithmRegistry.standard)
        rebuilt.observe(harness.trials)
        let next = try rebuilt.produce(count: 3, now: Date(timeIntervalSince1970: 0))
        XCTAssertEqual(next.map { fidelity($0) }, [9, 9, 9])
        XCTAssertEqual(
            Set(next.map { $0.params.replacing("/z", with: 1) }),
            Set(promoted.sorted { x($0) < x($1) }.prefix(3).map { $0.params.replacing("/z", with: 1) })
        )
    }
}
