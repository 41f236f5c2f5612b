import Foundation
import OrionCore
import OrionTesting
import XCTest

/// PBT, PB2 and EvolutionES through the built `orion` with four workers and an Oríon YAML naming each with its
/// options: children are stored with their fidelity and parent, and a PBT child continues its parent's checkpoint.
final class PopulationEndToEndTests: XCTestCase {
    private func hunt(
        _ sandbox: Sandbox,
        name: String,
        algorithm: String,
        script: String,
        priors: [String]
    ) throws -> ProcessRunner.Output {
        let path = sandbox.directory + "/\(name).yaml"
        try "experiment:\n  max_trials: 200\n  algorithm:\n\(algorithm)".write(
            toFile: path,
            atomically: true,
            encoding: .utf8
        )
        let output = try sandbox.run(
            ["hunt", "-n", name, "--config", path, "--n-workers", "4", try Compat.script(script)] + priors,
            timeout: 300
        )
        XCTAssertEqual(output.status, 0, output.stderr)
        return output
    }

    private func statistic(_ trial: Trial, _ name: String) -> Double? {
        trial.results.first { $0.name == name }?.value.doubleValue
    }

    private func epochs(_ trial: Trial) -> Double? { trial.values["/epochs"]?.doubleValue }

    func testPBTChildrenContinueTheirParentsCheckpoints() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let algorithm = """
                pbt:
                  seed: 1
                  population_size: 6
                  generations: 3
                  fork_timeout: 10
                  exploit:
                    of_type: PipelineExploit
                    exploit_configs:
                      - {of_type: BacktrackExploit, min_forking_population: 3, truncation_quantile: 0.5, candidate_pool_ratio: 0.34}
                      - {of_type: TruncateExploit, min_forking_population: 3, truncation_quantile: 0.5, candidate_pool_ratio: 0.34}
                  explore:
                    of_type: PipelineExplore
                    explore_configs:
                      - {of_type: ResampleExplore, probability: 0.2}
                      - {of_type: PerturbExplore, factor: 1.2, volatility: 0.0001}

            """
        _ = try hunt(
            sandbox,
            name: "pbt",
            algorithm: algorithm,
            script: "checkpoint.py",
            priors: ["--lr~loguniform(1e-3, 1)", "--epochs~fidelity(1, 4, base=1)"]
        )
        let trials = try await sandbox.trials(of: "pbt")
        let byID = Dictionary(uniqueKeysWithValues: trials.map { ($0.id, $0) })
        // Up to the population size reach the last level; a lineage whose fork finds no new point within
        // `fork_timeout` ends early (docs/algorithms/pbt.md), which a loaded machine makes possible (seen once in CI).
        let finished = trials.filter { epochs($0) == 4 && $0.status == .completed }.count
        XCTAssertTrue((4...6).contains(finished), "\(finished) members reached the last level")
        var forks = 0
        var promotions = 0
        for child in trials where child.parent != nil {
            let parent = try XCTUnwrap(byID[child.parent ?? ""], "parent of \(child.id) not stored")
            XCTAssertEqual(parent.status, .completed)
            // The chain is continuous: the child starts at the parent's epoch, from the parent's weight.
            XCTAssertEqual(statistic(child, "start_epoch"), epochs(parent), "\(child.id)")
            XCTAssertEqual(statistic(child, "start_weight"), statistic(parent, "weight"), "\(child.id)")
            XCTAssertGreaterThan(epochs(child) ?? 0, epochs(parent) ?? .infinity)
            if child.values["/lr"] == parent.values["/lr"] { promotions += 1 } else { forks += 1 }
        }
        XCTAssertGreaterThan(forks, 0, "no member was replaced by a copy of a better one")
        XCTAssertGreaterThan(promotions, 0)
        for root in trials where root.parent == nil {
            XCTAssertEqual(epochs(root), 1)
            XCTAssertEqual(statistic(root, "start_epoch"), 0)
        }
        let status = try sandbox.run(["status", "--all", "-n", "pbt"])
        XCTAssertEqual(status.status, 0, status.stderr)
        let header = try XCTUnwrap(status.stdout.split(separator: "\n").first { $0.contains("status") })
        XCTAssertTrue(header.contains("epochs") && header.contains("parent"), String(header))
        for child in trials where child.parent != nil {
            let row = status.stdout.split(separator: "\n").first { $0.hasPrefix(child.id) }
            XCTAssertTrue(row?.contains(child.parent ?? "-") == true, "\(String(describing: row))")
        }
    }

    func testPB2AndEvolutionESRunOrionConfigurationsOnTheTrainLikeScript() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let priors = [
            "--lr~loguniform(1e-5, 1)", "--optimizer~choices([\"adam\", \"sgd\", \"rmsprop\"])",
            "--layers~randint(1, 6)", "--dropout~uniform(0, 0.8, precision=2)",
        ]
        let pb2 = """
                pb2:
                  seed: 2
                  population_size: 6
                  generations: 3
                  exploit: {of_type: TruncateExploit, min_forking_population: 3, truncation_quantile: 0.5, candidate_pool_ratio: 0.34}

            """
        _ = try hunt(
            sandbox,
            name: "pb2",
            algorithm: pb2,
            script: "train_like.py",
            priors: priors + ["--epochs~fidelity(1, 4, base=1)"]
        )
        let evolution = """
                evolutiones:
                  seed: 3
                  repetitions: 1
                  nums_population: 6
                  mutate: {multiply_factor: 2.0, add_factor: 1, volatility: 0.001}
                  max_retries: 100

            """
        _ = try hunt(
            sandbox,
            name: "evolution",
            algorithm: evolution,
            script: "train_like.py",
            priors: priors + ["--epochs~fidelity(1, 9, base=3)"]
        )
        for (name, last, count) in [("pb2", 4.0, 6), ("evolution", 9.0, 6)] {
            let trials = try await sandbox.trials(of: name)
            let byID = Dictionary(uniqueKeysWithValues: trials.map { ($0.id, $0) })
            XCTAssertEqual(trials.filter { epochs($0) == last && $0.status == .completed }.count, count, name)
            let children = trials.filter { $0.parent != nil }
            XCTAssertFalse(children.isEmpty, name)
            for child in children {
                let parent = try XCTUnwrap(byID[child.parent ?? ""], "\(name): parent of \(child.id) not stored")
                XCTAssertGreaterThan(epochs(child) ?? 0, epochs(parent) ?? .infinity, name)
            }
            XCTAssertTrue(
                children.contains { child in
                    byID[child.parent ?? ""]?.params.replacing("/epochs", with: 0)
                        != child.params.replacing("/epochs", with: 0)
                },
                "\(name): no child with new hyperparameters"
            )
        }
    }
}
