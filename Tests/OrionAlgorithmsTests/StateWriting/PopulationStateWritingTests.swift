import Foundation
import OrionCore
import OrionNumerics
import OrionTesting
import XCTest

@testable import OrionAlgorithms

/// The hand-written, incremental states of EvolutionES (``EvolutionESMemo``), PBT and PB2 (their population's
/// members, ``SharedWrittenRows``) and CMA-ES (its results, ``SortedResultsMemo``): after any history, and for any
/// copy or decoded state, the bytes `JSONEncoder` writes.
final class PopulationStateWritingTests: XCTestCase {
    private static let spaces: [(label: String, priors: [String: String])] = [
        (
            "continuous",
            [
                "/lr": "loguniform(1e-4, 1)", "/x": "uniform(-1, 1)", "/opt": "choices(['a\"b', 'c/d', 'e'])",
                "/epochs": "fidelity(1, 27, base=3)",
            ]
        ),
        ("small finite", ["/n": "randint(1, 5)", "/opt": "choices(['a', 'b'])", "/epochs": "fidelity(1, 9, base=3)"]),
    ]

    private static let algorithms: [(name: String, options: [String: JSONValue])] = [
        ("evolutiones", ["nums_population": 6]),
        ("pbt", ["population_size": 6, "generations": 3]),
        ("pb2", ["population_size": 5, "generations": 3]),
        ("cmaes", ["n_initial_points": 3]),
    ]

    func testSavesAfterRandomHistoriesAreTheBytesJSONEncoderWrites() throws {
        for (name, options) in Self.algorithms {
            for (space, priors) in Self.spaces {
                let label = "\(name), \(space)"
                let experiment = try seededHarness(name, priors, options: options, seed: 4).experiment
                var driver = try AlgorithmDriver(experiment: experiment, factory: AlgorithmRegistry.standard)
                var history = RandomHistory(
                    seed: 9,
                    produced: 0...3,
                    changedAtMost: 3,
                    outcomes: [.broken, .reserved] + Array(repeating: .completed, count: 6)
                )
                var copies: [(AlgorithmDriver, Data)] = []
                for step in 0..<150 {
                    try history.step(&driver) {
                        let x = $0.params["/x"]?.doubleValue ?? $0.params["/n"]?.doubleValue ?? 0
                        return Double(step % 7) + x / 3
                    }
                    if step % 5 != 2 { try assertWrittenAsJSONEncoder(driver, "\(label) step \(step)") }
                    if step % 40 == 7 { copies.append((driver, try driver.encodedState())) }
                    if step % 50 == 49 {
                        let state = try driver.encodedState()
                        driver = try AlgorithmDriver(
                            experiment: experiment,
                            factory: AlgorithmRegistry.standard,
                            state: state
                        )
                        XCTAssertEqual(
                            try driver.encodedState(),
                            state,
                            "\(label): a restored state saves the same bytes"
                        )
                        try assertWrittenAsJSONEncoder(driver, "\(label) restored at step \(step)")
                    }
                }
                for (copy, state) in copies {
                    XCTAssertEqual(try copy.encodedState(), state, "\(label): an older copy still writes its own state")
                    try assertWrittenAsJSONEncoder(copy, "\(label) copy")
                }
                XCTAssertGreaterThan(history.completed, 5, label)
                let state = String(decoding: try driver.encodedState(), as: UTF8.self)
                XCTAssertTrue(state.contains("\"objective\":"), label)
            }
        }
    }

    /// A rebuilt EvolutionES whose last generation is short (``EvolutionES/Repetition/shortGeneration``) writes the
    /// bytes `JSONEncoder` writes, that key included, and decodes to the same state.
    func testAShortGenerationIsWrittenAsJSONEncoderWritesIt() throws {
        var harness = try seededHarness(
            "evolutiones",
            ["/x": "uniform(0, 1)", "/epochs": "fidelity(1, 9, base=3)"],
            options: ["nums_population": 6, "repetitions": 1]
        )
        for count in [6, 4] {
            for trial in try harness.produce(count: count) {
                harness.complete(trial.id, objective: trial.params["/x"]?.doubleValue ?? 0)
            }
        }
        var rebuilt = try AlgorithmDriver(experiment: harness.experiment, factory: AlgorithmRegistry.standard)
        rebuilt.observe(harness.trials)
        _ = try rebuilt.produce(count: 0, now: Date(timeIntervalSince1970: 0))
        let state = try rebuilt.encodedState()
        XCTAssertTrue(String(decoding: state, as: UTF8.self).contains("\"shortGeneration\":true"))
        try assertWrittenAsJSONEncoder(rebuilt, "short generation")
        let restored = try AlgorithmDriver(
            experiment: harness.experiment,
            factory: AlgorithmRegistry.standard,
            state: state
        )
        XCTAssertEqual(try restored.encodedState(), state)
    }

    func testEntriesAndMembersAreComparedByMemoryWhenEveryStoredPropertyIsListed() throws {
        XCTAssertEqual(EvolutionESMemo.entryBytes?.isEmpty, false)
        XCTAssertEqual(Population.memberBytes?.isEmpty, false)
        XCTAssertEqual(StoredBracketsMemo.entryBytes?.isEmpty, false)
        // A list that leaves a stored property out gives no ranges: values are then compared as values.
        typealias Member = Population.Member
        let partial = StoredBytes.ranges(
            of: Member(parameters: Parameters(), configuration: "", generation: 0),
            [(\Member.parameters, MemoryLayout<Parameters>.size)]
        )
        XCTAssertNil(partial)
        let ranges = try XCTUnwrap(Population.memberBytes)
        XCTAssertTrue(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound < $1.lowerBound })
        XCTAssertLessThanOrEqual(ranges.last?.upperBound ?? 0, MemoryLayout<Member>.size)
    }

    func testAutoSavesBeforeAndAfterTheHandOverAreTheBytesJSONEncoderWrites() throws {
        let priors = ["/x": "uniform(-1, 1)", "/y": "uniform(0, 2)"]
        let experiment = try seededHarness("auto", priors, options: ["hand_over_after": 25], seed: 3).experiment
        var driver = try AlgorithmDriver(experiment: experiment, factory: AlgorithmRegistry.standard)
        var history = RandomHistory(
            seed: 5,
            produced: 1...2,
            changedAtMost: 2,
            outcomes: [.broken] + Array(repeating: .completed, count: 5)
        )
        var copies: [(AlgorithmDriver, Data)] = []
        var sawCompleted = false
        for step in 0..<45 {
            try history.step(&driver) {
                let x = $0.params["/x"]?.doubleValue ?? 0
                return x * x + ($0.params["/y"]?.doubleValue ?? 0)
            }
            let state = String(decoding: try driver.encodedState(), as: UTF8.self)
            sawCompleted = sawCompleted || state.contains("\"completed\":[")
            if step % 3 != 1 { try assertWrittenAsJSONEncoder(driver, "auto step \(step)") }
            if step % 15 == 4 { copies.append((driver, try driver.encodedState())) }
            if step == 30 {
                let saved = try driver.encodedState()
                driver = try AlgorithmDriver(experiment: experiment, factory: AlgorithmRegistry.standard, state: saved)
                XCTAssertEqual(try driver.encodedState(), saved, "auto: a restored state saves the same bytes")
            }
        }
        for (copy, state) in copies {
            XCTAssertEqual(try copy.encodedState(), state, "auto: an older copy still writes its own state")
            try assertWrittenAsJSONEncoder(copy, "auto copy")
        }
        XCTAssertTrue(sawCompleted, "the completed ids were written before the hand-over")
        let auto = try XCTUnwrap(driver.algorithm as? AutoSearch)
        XCTAssertNotNil(auto.handedOverFrom, "the hand-over happened")
    }
}
