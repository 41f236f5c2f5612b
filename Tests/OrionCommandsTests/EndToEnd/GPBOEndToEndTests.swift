import Foundation
import OrionCore
import OrionTesting
import XCTest

/// `orion hunt` with the `gp` algorithm and four workers, on the real binary and the Rosenbrock script.
final class GPBOEndToEndTests: XCTestCase {
    func testGaussianProcessHuntWithFourWorkers() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let config = sandbox.directory + "/orion.yaml"
        try """
        experiment:
          name: gp-rosen
          max_trials: 16
          algorithm:
            gp:
              seed: 2
              n_initial_points: 5
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let output = try ProcessRunner.run(
            [
                sandbox.orion, "hunt", "--config", config, "--n-workers", "4", try Compat.script("rosenbrock.py"),
                "-x~uniform(-2, 2)", "-y~uniform(-1, 3)",
            ],
            environment: sandbox.environment,
            currentDirectory: sandbox.directory
        )
        XCTAssertEqual(output.status, 0, output.stderr)
        let trials = try await sandbox.trials(of: "gp-rosen")
        let completed = trials.filter { $0.status == .completed }
        XCTAssertEqual(completed.count, 16)
        XCTAssertEqual(Set(trials.map(\.params.representation)).count, trials.count, "duplicate trials")
        let experiment = try await sandbox.storage().experiment(named: "gp-rosen", version: nil)
        XCTAssertEqual(experiment?.algorithm.name, "gp")
        XCTAssertEqual(experiment?.algorithm.options["n_initial_points"], 5)
        // Search quality is checked in process (GPBOTests), with seeds; here every trial ran and is in the space.
        for trial in completed {
            let x = try XCTUnwrap(trial.values["/x"]?.doubleValue)
            let y = try XCTUnwrap(trial.values["/y"]?.doubleValue)
            XCTAssertTrue((-2...2).contains(x) && (-1...3).contains(y))
            let expected = (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x)
            XCTAssertEqual(try XCTUnwrap(trial.objective), expected, accuracy: 1e-9 * max(1, expected))
        }
    }
}
