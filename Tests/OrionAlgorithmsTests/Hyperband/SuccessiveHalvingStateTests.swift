import Foundation
import OrionAlgorithms
import OrionCore
import OrionTesting
import XCTest

/// The saved state of the successive-halving algorithms (ASHA, Hyperband, BOHB, DEHB): states written by earlier
/// versions still decode and continue with the same suggestions, and the compact format round-trips exactly.
///
/// The fixtures in `Tests/Fixtures/algorithm-state` were written by commit b3a00f8 (the state format before the
/// compact one) with `ORION_WRITE_STATE_FIXTURES=1 swift test --filter SuccessiveHalvingStateTests`: for each
/// algorithm, the state after 60 completed trials in rounds of 3, one broken and two pending
/// (`<name>.state.json`), and the ids and parents of the 30 trials produced after it (`<name>.next.json`), the
/// state being encoded and decoded again before every production.
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
            let expected = try JSONDecoder().decode([[String]].self, from: Data(contentsOf: nextURL))
            XCTAssertEqual(expected.count, 30, name)
            XCTAssertEqual(try continuation(name, options, from: state, count: 30), expected, name)
        }
    }
}
