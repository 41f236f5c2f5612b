import Foundation
import OrionCore
import OrionTesting
import XCTest

/// MOFA through the built `orion`: four workers on the train-like fixture, rounds at each fidelity, done after the
/// last one.
final class MOFAEndToEndTests: XCTestCase {
    func testMOFAWithFourWorkersRunsOneRoundPerFidelity() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let path = sandbox.directory + "/mofa.yaml"
        // Strength 2 with 3 levels: rounds of 9 points at 1, 3 and 9 epochs; max_trials is not what stops it.
        try "experiment:\n  max_trials: 100\n  algorithm:\n    mofa: {seed: 1, n_levels: 3, strength: 2}\n".write(
            toFile: path,
            atomically: true,
            encoding: .utf8
        )
        let output = try sandbox.run(
            [
                "hunt", "-n", "mofa", "--config", path, "--n-workers", "4", try Compat.script("train_like.py"),
                "--lr~loguniform(1e-5, 1)", "--optimizer~choices([\"adam\", \"sgd\", \"rmsprop\"])",
                "--layers~randint(1, 6)", "--dropout~uniform(0, 0.8, precision=2)", "--epochs~fidelity(1, 9, base=3)",
            ],
            timeout: 120
        )
        XCTAssertEqual(output.status, 0, output.stderr)
        let trials = try await sandbox.trials(of: "mofa")
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, 27, output.stdout)
        let counts = Dictionary(grouping: trials, by: { $0.values["/epochs"]?.intValue ?? 0 }).mapValues(\.count)
        XCTAssertEqual(counts, [1: 9, 3: 9, 9: 9])
        let status = try sandbox.run(["status", "--all", "-n", "mofa"])
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.contains("epochs"), status.stdout)
    }
}
