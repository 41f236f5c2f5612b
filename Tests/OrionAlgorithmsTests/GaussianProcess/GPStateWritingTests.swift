import Foundation
import OrionCore
import OrionTesting
import XCTest

@testable import OrionAlgorithms

/// `gp`'s and `auto`'s hand-written state (``StateWriting``): the bytes `JSONEncoder` writes for the same state, and
/// a state that decodes back to itself.
final class GPStateWritingTests: XCTestCase {
    private static let priors = [
        "/lr": "loguniform(1e-4, 1)",
        "/x": "uniform(-1, 1)",
        "/opt": "choices(['adam', 'sgd', 'it\"s/rms'])",
        "/n": "randint(1, 8)",
    ]

    private static func objective(_ params: Parameters) -> Double {
        let lr = params["/lr"]?.doubleValue ?? 1
        let x = params["/x"]?.doubleValue ?? 0
        let n = params["/n"]?.doubleValue ?? 0
        let opt: Double = params["/opt"] == .string("adam") ? 0 : 0.3
        return pow(log10(lr) + 2.5, 2) / 4 + pow(x - 0.3, 2) + abs(n - 5) / 10 + opt
    }

    /// The algorithm's state as `JSONEncoder` writes it and as the algorithm writes it.
    private func bothStates(_ algorithm: any Algorithm) throws -> (encoded: String, written: String) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let written = try XCTUnwrap(algorithm as? any StateWriting).writtenState()
        return (
            String(decoding: try encoder.encode(algorithm), as: UTF8.self), String(decoding: written, as: UTF8.self)
        )
    }

    func testGPWritesTheBytesOfJSONEncoderWithPendingAndBrokenTrials() throws {
        for options: [String: JSONValue] in [
            ["n_initial_points": 4], ["n_initial_points": 4, "acq_func": "mace"],
            ["n_initial_points": 4, "trust_region": "v2"],
            ["n_initial_points": 4, "trust_region": "v2", "additive": "global"],
        ] {
            var harness = try seededHarness("gp", Self.priors, options: options, seed: 5)
            // The first design point pending: no fit yet.
            _ = try harness.produce(count: 1)
            var driver = try XCTUnwrap(harness.driver)
            var (encoded, written) = try bothStates(driver.algorithm)
            XCTAssertEqual(written, encoded)
            XCTAssertFalse(written.contains("last_fit"))
            try harness.run(trials: options["trust_region"] == nil ? 9 : 24, batch: 2, objective: Self.objective)
            let more = try harness.produce(count: 3)
            harness.setStatus(more[0].id, .broken)
            driver = try XCTUnwrap(harness.driver)
            (encoded, written) = try bothStates(driver.algorithm)
            XCTAssertEqual(written, encoded)
            XCTAssertTrue(written.contains("\"last_fit\":["), "a fitted GP keeps its hyperparameters")
            XCTAssertTrue(written.contains("\"kind\":\"pending\""))
            if options["trust_region"] != nil {
                XCTAssertTrue(written.contains("\"local_phase_from\":"), "version 2's local phase has started")
            }
            if options["additive"] != nil {
                XCTAssertTrue(written.contains("\"last_local_fit\":["), "the local phase's product fit is kept")
            }
            let restored = try AlgorithmDriver(
                experiment: harness.experiment,
                factory: AlgorithmRegistry.standard,
                state: driver.encodedState()
            )
            XCTAssertEqual(try restored.encodedState(), try driver.encodedState())
        }
    }

    func testAutoWritesTheBytesOfJSONEncoderBeforeAndAfterTheHandOver() throws {
        var harness = try seededHarness("auto", Self.priors, options: ["hand_over_after": 12], seed: 2)
        try harness.run(trials: 8, batch: 2, objective: Self.objective)
        var driver = try XCTUnwrap(harness.driver)
        var (encoded, written) = try bothStates(driver.algorithm)
        XCTAssertEqual(written, encoded)
        XCTAssertTrue(written.contains("\"successor_state\":"), "gp runs with a successor until the hand-over")
        try harness.run(trials: 8, batch: 2, objective: Self.objective)
        driver = try XCTUnwrap(harness.driver)
        (encoded, written) = try bothStates(driver.algorithm)
        XCTAssertEqual(written, encoded)
        XCTAssertTrue(written.contains("\"handed_over_from\":\"gp\""))
        let restored = try AlgorithmDriver(
            experiment: harness.experiment,
            factory: AlgorithmRegistry.standard,
            state: driver.encodedState()
        )
        // (Not compared to the original's bytes: CMA-ES writes its pending set in the set's order.)
        (encoded, written) = try bothStates(restored.algorithm)
        XCTAssertEqual(written, encoded)
        XCTAssertTrue(written.contains("\"handed_over_from\":\"gp\""))
    }
}
