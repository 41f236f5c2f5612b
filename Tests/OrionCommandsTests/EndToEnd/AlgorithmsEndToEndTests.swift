import Foundation
import OrionCore
import OrionTesting
import XCTest

/// The model-based algorithms through the built `orion`: an Oríon YAML naming them runs unchanged, and four workers
/// share one experiment.
final class AlgorithmsEndToEndTests: XCTestCase {
    /// A script whose objective is `(x - 0.3)² + (k - 2)²` plus 1 unless `c` is `b`.
    private func quadratic(_ sandbox: Sandbox) throws -> String {
        try sandbox.script(
            "quadratic.sh",
            "#!/bin/sh\n"
                + "awk -v x=\"$2\" -v k=\"$4\" -v c=\"$6\" 'BEGIN { v = (x - 0.3) ^ 2 + (k - 2) ^ 2 + (c == \"b\" ? 0 : 1); "
                + "printf \"[{\\\"name\\\":\\\"o\\\",\\\"type\\\":\\\"objective\\\",\\\"value\\\":%.12g}]\", v }' "
                + "> \"$ORION_RESULTS_PATH\"\n"
        )
    }

    private let space = ["-x~uniform(-1, 1)", "-k~randint(0, 5)", "-c~choices(['a', 'b', 'c'])"]

    /// Runs `hunt` with `config`, expecting `trials` completed trials and a best objective below `threshold`.
    private func hunt(
        _ sandbox: Sandbox,
        name: String,
        config: String,
        workers: Int,
        trials: Int,
        threshold: Double
    ) async throws -> [Trial] {
        let path = sandbox.directory + "/\(name).yaml"
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        let output = try sandbox.run(
            ["hunt", "-n", name, "--config", path, "--n-workers", "\(workers)", try quadratic(sandbox)] + space,
            timeout: 120
        )
        XCTAssertEqual(output.status, 0, output.stderr)
        let stored = try await sandbox.trials(of: name)
        XCTAssertEqual(stored.filter { $0.status == .completed }.count, trials, output.stdout)
        let best = stored.compactMap(\.objective).min() ?? .infinity
        XCTAssertLessThan(best, threshold, "\(name): best \(best)")
        return stored
    }

    func testAnOrionTPEConfigurationRunsUnchanged() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        // Oríon 0.2.7's documented TPE block, every option spelled as Oríon spells it.
        let config = """
            experiment:
              max_trials: 40
              algorithm:
                tpe:
                  seed: 1
                  n_initial_points: 10
                  n_ei_candidates: 24
                  gamma: 0.25
                  equal_weight: False
                  prior_weight: 1.0
                  full_weight_num: 25
                  max_retry: 100
                  parallel_strategy:
                    of_type: StatusBasedParallelStrategy
                    strategy_configs:
                      broken:
                        of_type: MaxParallelStrategy

            """
        _ = try await hunt(sandbox, name: "tpe", config: config, workers: 1, trials: 40, threshold: 0.5)
        let experiment = try await sandbox.storage().experiment(named: "tpe", version: nil)
        XCTAssertEqual(experiment?.algorithm.name, "tpe")
        XCTAssertEqual(experiment?.algorithm.options["n_initial_points"], .int(10))
        XCTAssertEqual(experiment?.algorithm.options["multivariate"], .bool(true))
    }

    func testTPEAndCMAESRunWithFourWorkers() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        for (name, block) in [
            ("tpe4", "tpe: {seed: 2, n_initial_points: 8}"), ("cmaes4", "cmaes: {seed: 2, population_size: 6}"),
        ] {
            let config = "experiment:\n  max_trials: 48\n  algorithm:\n    \(block)\n"
            let trials = try await hunt(sandbox, name: name, config: config, workers: 4, trials: 48, threshold: 1.5)
            let points = Set(trials.map { Trial.parametersRepresentation($0.params) })
            XCTAssertEqual(points.count, trials.count, name)
        }
    }
}
