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

    func testOneRepetitionRunsOrionsBrackets() throws {
        // fidelity(1, 27, base=3): brackets 27@1 → 9@3 → 3@9 → 1@27, 9@3 → 3@9 → 1@27, 6@9 → 2@27 and 4@27.
        var harness = try harness(line, options: ["repetitions": 1])
        while !harness.isDone {
            let trials = try harness.produce(count: 4)
            if trials.isEmpty { break }
            for trial in trials { harness.complete(trial.id, objective: x(trial)) }
        }
        XCTAssertTrue(harness.isDone)
        let counts = Dictionary(grouping: harness.trials, by: { fidelity($0) ?? 0 }).mapValues(\.count)
        XCTAssertEqual(counts, [1: 27, 3: 9 + 9, 9: 3 + 3 + 6, 27: 1 + 1 + 2 + 4])
        let promoted = harness.trials.filter { $0.parent != nil }
        XCTAssertEqual(promoted.count, 9 + 3 + 1 + 3 + 1 + 2)
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
}
