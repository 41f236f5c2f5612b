import Foundation
import OrionCore
import OrionTesting
import XCTest

@testable import OrionAlgorithms

/// The saved state of the successive-halving algorithms (ASHA, Hyperband, BOHB, DEHB): states written by earlier
/// versions still decode and continue with the same suggestions, and the compact format round-trips exactly.
///
/// The fixtures in `Tests/Fixtures/algorithm-state` were written by commit b3a00f8 (the state format before the
/// compact one) with `ORION_WRITE_STATE_FIXTURES=1 swift test --filter SuccessiveHalvingStateTests`: for each
/// algorithm, the state after 60 completed trials in rounds of 3, one broken and two pending
/// (`<name>.state.json`), and the ids and parents of the 30 trials produced after it (`<name>.next.json`), the
/// state being encoded and decoded again before every production. When an algorithm's suggestions change on purpose
/// (BOHB's model fix, branch `bohb`), `ORION_WRITE_STATE_FIXTURES=next` rewrites only the `next` files from the
/// stored states, which stay in the former format.
final class SuccessiveHalvingStateTests: XCTestCase {
    private static let algorithms: [(name: String, options: [String: JSONValue])] = [
        ("asha", ["num_brackets": 2]),
        ("hyperband", [:]),
        ("bohb", [:]),
        ("dehb", [:]),
    ]

    private static let priors = [
        "/lr": "loguniform(1e-4, 1)",
        "/x": "uniform(-1, 1)",
        "/opt": "choices(['adam', 'sgd', 'rms'])",
        "/n": "randint(1, 8)",
        "/epochs": "fidelity(1, 27, base=3)",
    ]

    private static var directory: URL {
        var url = URL(fileURLWithPath: "\(#filePath)")
        for _ in 0..<3 { url.deleteLastPathComponent() }  // the file, Hyperband, OrionAlgorithmsTests
        return url.appendingPathComponent("Fixtures/algorithm-state")
    }

    /// A deterministic objective of every dimension, lower at higher fidelity.
    private static func objective(_ params: Parameters) -> Double {
        let lr = params["/lr"]?.doubleValue ?? 1
        let x = params["/x"]?.doubleValue ?? 0
        let n = params["/n"]?.doubleValue ?? 0
        let epochs = params["/epochs"]?.doubleValue ?? 1
        let opt: Double = params["/opt"] == .string("adam") ? 0 : params["/opt"] == .string("sgd") ? 0.2 : 0.4
        return pow(log10(lr) + 2.5, 2) / 4 + pow(x - 0.3, 2) + abs(n - 5) / 10 + opt + 1 / epochs
    }

    private func harness(_ name: String, _ options: [String: JSONValue]) throws -> AlgorithmHarness {
        try seededHarness(name, Self.priors, options: options, seed: 3)
    }

    /// The state after 60 completed trials, one broken and two pending.
    private func stateAfterAHistory(_ name: String, _ options: [String: JSONValue]) throws -> Data {
        var harness = try harness(name, options)
        try harness.run(trials: 60, batch: 3, objective: Self.objective)
        let more = try harness.produce(count: 4)
        XCTAssertEqual(more.count, 4, name)
        harness.complete(more[0].id, objective: Self.objective(more[0].params))
        harness.setStatus(more[1].id, .broken)
        try harness.produce(count: 0)
        return try XCTUnwrap(harness.state, name)
    }

    /// The ids and parents of `count` trials produced one at a time from `state`, each completed at once; the state
    /// is encoded and decoded before every production.
    private func continuation(_ name: String, _ options: [String: JSONValue], from state: Data, count: Int) throws
        -> [[String]]
    {
        let experiment = try harness(name, options).experiment
        var state = state
        var produced: [[String]] = []
        for _ in 0..<count {
            var driver = try AlgorithmDriver(experiment: experiment, factory: AlgorithmRegistry.standard, state: state)
            XCTAssertFalse(driver.restartedFromScratch, name)
            guard var trial = try driver.produce(count: 1, now: Date(timeIntervalSince1970: 0)).first else { break }
            produced.append([trial.id, trial.parent ?? ""])
            trial.status = .completed
            trial.results = [.objective(Self.objective(trial.params))]
            driver.observe([trial])
            state = try driver.encodedState()
        }
        return produced
    }

    func testStatesOfTheFormerFormatContinueWithTheSameSuggestions() throws {
        let write = ProcessInfo.processInfo.environment["ORION_WRITE_STATE_FIXTURES"] == "1"
        let rewriteNext = ProcessInfo.processInfo.environment["ORION_WRITE_STATE_FIXTURES"] == "next"
        for (name, options) in Self.algorithms {
            let stateURL = Self.directory.appendingPathComponent("\(name).state.json")
            let nextURL = Self.directory.appendingPathComponent("\(name).next.json")
            if write {
                try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
                let state = try stateAfterAHistory(name, options)
                try state.write(to: stateURL)
                let next = try continuation(name, options, from: state, count: 30)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try encoder.encode(next).write(to: nextURL)
                continue
            }
            let state = try Data(contentsOf: stateURL)
            if rewriteNext {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try encoder.encode(try continuation(name, options, from: state, count: 30)).write(to: nextURL)
                continue
            }
            let expected = try JSONDecoder().decode([[String]].self, from: Data(contentsOf: nextURL))
            XCTAssertEqual(expected.count, 30, name)
            XCTAssertEqual(try continuation(name, options, from: state, count: 30), expected, name)
        }
    }

    /// The brackets decoded from a saved state, through ``SuccessiveHalving``'s own decoding.
    private func brackets(_ state: Data) throws -> [SuccessiveHalving.Bracket] {
        struct Stored: Decodable {
            struct Core: Decodable { var core: SuccessiveHalving }
            var algorithm: Core
        }
        return try JSONDecoder().decode(Stored.self, from: state).algorithm.core.brackets
    }

    func testTheCompactStateGivesBackEveryEntryExactly() throws {
        for (name, options) in Self.algorithms {
            var harness = try harness(name, options)
            try harness.run(trials: 200, batch: 3, objective: Self.objective)
            // A trial inserted with its fidelity written 1.0 (not 1): its entry keeps the parameters it was observed
            // with, written in full.
            var driver = try XCTUnwrap(harness.driver)
            var inserted = Trial(
                experimentID: harness.experiment.id,
                params: Parameters([
                    Trial.Param(name: "/epochs", type: .fidelity, value: .double(1)),
                    Trial.Param(name: "/lr", type: .real, value: .double(0.01)),
                    Trial.Param(name: "/n", type: .integer, value: .int(5)),
                    Trial.Param(name: "/opt", type: .categorical, value: .string("adam")),
                    Trial.Param(name: "/x", type: .real, value: .double(0.25)),
                ])
            )
            inserted.status = .completed
            inserted.results = [.objective(0.5)]
            driver.observe([inserted])
            // The hand-written JSON is the bytes JSONEncoder writes for the same state.
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let written = try XCTUnwrap(driver.algorithm as? any StateWriting, name).writtenState()
            XCTAssertEqual(
                String(decoding: written, as: UTF8.self),
                String(decoding: try encoder.encode(driver.algorithm), as: UTF8.self),
                name
            )
            let state = try driver.encodedState()
            XCTAssertTrue(String(decoding: state, as: UTF8.self).contains("\"configurations\":[[\"/epochs:27,"), name)
            let restored = try AlgorithmDriver(
                experiment: harness.experiment,
                factory: AlgorithmRegistry.standard,
                state: state
            )
            let entries = try brackets(state).flatMap { $0.rungs.flatMap { $0 } }
            XCTAssertEqual(try brackets(restored.encodedState()), try brackets(state), name)
            // JSON writes 1.0 as 1, as the former form did: stable from the first round trip on.
            let again = try AlgorithmDriver(
                experiment: harness.experiment,
                factory: AlgorithmRegistry.standard,
                state: restored.encodedState()
            )
            XCTAssertEqual(try again.encodedState(), try restored.encodedState(), name)
            XCTAssertGreaterThanOrEqual(entries.count, 200, name)
            if name == "asha" { XCTAssertTrue(entries.contains { $0.trialID == inserted.id }, name) }
            if name == "dehb" { XCTAssertTrue(entries.contains { $0.source != nil }, "dehb breeds from sources") }
        }
    }

    func testTheHandWrittenStateEscapesStringsAsJSONEncoder() throws {
        var harness = try seededHarness(
            "asha",
            ["/c": "choices(['it\"s', 'naïve', 'tab\there'])", "/x": "uniform(0, 1)", "/z": "fidelity(1, 9, base=3)"]
        )
        try harness.run(trials: 30) { ($0["/x"]?.doubleValue ?? 0) + ($0["/c"] == .string("naïve") ? 0 : 1) }
        let driver = try XCTUnwrap(harness.driver)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let written = try XCTUnwrap(driver.algorithm as? any StateWriting).writtenState()
        let text = String(decoding: written, as: UTF8.self)
        XCTAssertTrue(text.contains("it\\\"s"), "the quote is escaped")
        XCTAssertEqual(text, String(decoding: try encoder.encode(driver.algorithm), as: UTF8.self))
        let restored = try AlgorithmDriver(
            experiment: harness.experiment,
            factory: AlgorithmRegistry.standard,
            state: driver.encodedState()
        )
        XCTAssertEqual(try restored.encodedState(), try driver.encodedState())
    }

    func testAStateWithAnEntryOutOfRangeIsRefused() throws {
        var harness = try harness("asha", [:])
        try harness.run(trials: 5, objective: Self.objective)
        let state = String(decoding: try XCTUnwrap(harness.state), as: UTF8.self)
        let broken = state.replacingOccurrences(of: "\"rungs\":[[[0,", with: "\"rungs\":[[[99,")
        XCTAssertNotEqual(broken, state)
        XCTAssertThrowsError(
            try AlgorithmDriver(
                experiment: harness.experiment,
                factory: AlgorithmRegistry.standard,
                state: Data(broken.utf8)
            )
        ) { error in
            XCTAssertEqual((error as? AlgorithmError)?.code, .corruptState)
        }
    }
}
