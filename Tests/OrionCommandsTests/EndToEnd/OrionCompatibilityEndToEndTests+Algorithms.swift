import Foundation
import OrionCore
import OrionTesting
import XCTest

/// Oríon 0.2.7 YAML files naming each algorithm with every option it lists (`shared/reference/orion-0.2.7.md` §6),
/// found different by the third compatibility pass of 2026-12-03.
extension OrionCompatibilityEndToEndTests {
    /// Every option Oríon 0.2.7 lists for each algorithm (its `configuration`, checked against it), at its default
    /// and at another value, names in any case, runs unchanged: `repetitions: .inf`, `max_age: .inf` and
    /// `default_result: .inf` (Oríon's defaults) included, and `mofa` on a space without a fidelity, as Oríon's MOFA
    /// runs.
    func testOrionAlgorithmFilesWithEveryOptionRun() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("noop.sh")
        let status =
            "{of_type: StatusBasedParallelStrategy, strategy_configs: {broken: {of_type: MaxParallelStrategy,"
            + " default_result: .inf}}, default_strategy: {of_type: StubParallelStrategy, stub_value: inf}}"
        let mean =
            "{of_type: StatusBasedParallelStrategy, strategy_configs: {broken: {of_type: MeanParallelStrategy,"
            + " default_result: 1.0}}, default_strategy: {of_type: NoParallelStrategy}}"
        let exploit =
            "{of_type: PipelineExploit, exploit_configs: [{of_type: BacktrackExploit, min_forking_population: 5,"
            + " truncation_quantile: 0.9, candidate_pool_ratio: 0.2}, {of_type: TruncateExploit,"
            + " min_forking_population: 5, truncation_quantile: 0.8, candidate_pool_ratio: 0.2}]}"
        let truncate =
            "{of_type: TruncateExploit, min_forking_population: 3, truncation_quantile: 0.7, candidate_pool_ratio: 0.3}"
        let explore =
            "{of_type: PipelineExplore, explore_configs: [{of_type: ResampleExplore, probability: 0.2},"
            + " {of_type: PerturbExplore, factor: 1.2, volatility: 0.0001}]}"
        let files: [(name: String, fidelity: Bool, algorithm: String)] = [
            ("random", false, "random: {seed: null}"),
            ("random2", false, "Random: {seed: 3}"),
            ("grid", false, "gridsearch: {n_values: 100}"),
            ("grid2", true, "GridSearch: {n_values: {x: 4, /epoch: 2}}"),
            (
                "tpe", false,
                "tpe: {seed: null, n_initial_points: 20, n_ei_candidates: 24, gamma: 0.25, equal_weight: false,"
                    + " prior_weight: 1.0, full_weight_num: 25, max_retry: 100, parallel_strategy: \(status)}"
            ),
            (
                "tpe2", false,
                "TPE: {seed: 2, n_initial_points: 3, n_ei_candidates: 10, gamma: 0.5, equal_weight: true,"
                    + " prior_weight: 0.5, full_weight_num: 10, max_retry: 50, parallel_strategy: \(mean)}"
            ),
            ("hyperband", true, "hyperband: {seed: null, repetitions: .inf}"),
            ("hyperband2", true, "Hyperband: {seed: 1, repetitions: 2}"),
            ("asha", true, "asha: {seed: null, num_rungs: null, num_brackets: 1, repetitions: .inf}"),
            ("asha2", true, "ASHA: {seed: 1, num_rungs: 3, num_brackets: 2, repetitions: inf}"),
            (
                "bohb", true,
                "bohb: {seed: null, min_points_in_model: null, top_n_percent: 15, num_samples: 64,"
                    + " random_fraction: 0.3333333333333333, bandwidth_factor: 3, min_bandwidth: 0.001,"
                    + " parallel_strategy: \(status)}"
            ),
            (
                "bohb2", true,
                "BOHB: {seed: 1, min_points_in_model: 5, top_n_percent: 20, num_samples: 32, random_fraction: 0.5,"
                    + " bandwidth_factor: 2, min_bandwidth: 0.01, parallel_strategy: \(mean)}"
            ),
            (
                "dehb", true,
                "dehb: {seed: null, mutation_factor: 0.5, crossover_prob: 0.5, mutation_strategy: rand1,"
                    + " crossover_strategy: bin, boundary_fix_type: random, min_clip: null, max_clip: null,"
                    + " max_age: .inf}"
            ),
            (
                "dehb2", true,
                "DEHB: {seed: 1, mutation_factor: 0.7, crossover_prob: 0.3, mutation_strategy: currenttobest1,"
                    + " crossover_strategy: exp, boundary_fix_type: clip, min_clip: 0.1, max_clip: 0.9, max_age: 10}"
            ),
            (
                "es", true,
                "evolutiones: {seed: null, repetitions: .inf, nums_population: 20, mutate: null, max_retries: 1000}"
            ),
            (
                "es2", true,
                "EvolutionES: {seed: 1, repetitions: 2, nums_population: 4, mutate: {function:"
                    + " orion.algo.evolution_es.mutate_functions.default_mutate, multiply_factor: 2.0,"
                    + " add_factor: 2, volatility: 0.01}, max_retries: 100}"
            ),
            (
                "pbt", true,
                "pbt: {seed: null, population_size: 50, generations: 10, exploit: \(exploit), explore: \(explore),"
                    + " fork_timeout: 60}"
            ),
            (
                "pbt2", true,
                "PBT: {seed: 1, population_size: 4, generations: 3, exploit: \(truncate), explore: {of_type:"
                    + " PerturbExplore, factor: 1.5, volatility: 0.001}, fork_timeout: 30}"
            ),
            (
                "pb2", true,
                "pb2: {seed: null, population_size: 50, generations: 10, exploit: \(exploit), fork_timeout: 60}"
            ),
            (
                "pb22", true,
                "PB2: {seed: 1, population_size: 4, generations: 3, exploit: \(truncate), fork_timeout: 30}"
            ),
            ("mofa", false, "mofa: {seed: null, index: 1, n_levels: 5, strength: 2, threshold: 0.1}"),
            ("mofa2", false, "MOFA: {seed: 1, index: 2, n_levels: 3, strength: 1, threshold: 0.2}"),
            ("mofa3", true, "mofa: {seed: 1, index: 1, n_levels: 3, strength: 1, threshold: 0.2}"),
        ]
        for file in files {
            let path = sandbox.directory + "/\(file.name).yaml"
            try "experiment:\n  algorithm:\n    \(file.algorithm)\n".write(
                toFile: path,
                atomically: true,
                encoding: .utf8
            )
            let space = ["-x~uniform(0, 1)"] + (file.fidelity ? ["--epoch~fidelity(1, 16, base=2)"] : [])
            let hunt = try sandbox.run(["hunt", "-n", file.name, "-c", path, "--exp-max-trials", "3", script] + space)
            XCTAssertEqual(hunt.status, 0, "\(file.name): \(hunt.stderr)")
            let trials = try await sandbox.trials(of: file.name)
            XCTAssertGreaterThanOrEqual(trials.filter { $0.status == .completed }.count, 1, file.name)
        }
    }

    /// `orion info` prints a whole-number option of type float with its decimal point, as Oríon 0.2.7 does
    /// (`prior_weight: 1.0` for `tpe`, checked against it; stored JSON writes it `1`).
    func testInfoPrintsFloatOptionsWithTheirDecimalPoint() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("noop.sh")
        try sandbox.succeed([
            "hunt", "--init-only", "-n", "tpe", "--config", try writeAlgorithm(sandbox), script, "-x~uniform(0, 1)",
        ])
        let info = try sandbox.run(["info", "-n", "tpe"])
        XCTAssertTrue(info.stdout.contains("\n    prior_weight: 1.0\n"), info.stdout)
        XCTAssertTrue(info.stdout.contains("\n    gamma: 0.25\n"), info.stdout)
        XCTAssertTrue(info.stdout.contains("\n    n_initial_points: 20\n"), info.stdout)
    }

    /// `orion info` prints a count whose default means no limit as Oríon 0.2.7 does: `repetitions: inf` for
    /// `hyperband`, `asha` and `evolutiones` (checked against it), `max_age: inf` for `dehb`; a set count as is;
    /// ASHA's `num_rungs` computed from the fidelity when not set (`5` for `fidelity(1, 16, base=2)`, as Oríon).
    func testInfoPrintsUnlimitedCountsAsInf() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("noop.sh")
        let cases = [
            ("hyperband", "hyperband", "\n    repetitions: inf\n"),
            ("asha", "asha", "\n    repetitions: inf\n"),
            ("asha-rungs", "asha", "\n    num_rungs: 5\n"),
            ("asha3", "{asha: {num_rungs: 3}}", "\n    num_rungs: 3\n"),
            ("evolutiones", "evolutiones", "\n    repetitions: inf\n"),
            ("dehb", "dehb", "\n    max_age: inf\n"),
            ("hb2", "{hyperband: {repetitions: 2}}", "\n    repetitions: 2\n"),
        ]
        for (name, algorithm, expected) in cases {
            let path = sandbox.directory + "/\(name).yaml"
            try "experiment:\n  algorithm: \(algorithm)\n".write(toFile: path, atomically: true, encoding: .utf8)
            try sandbox.succeed([
                "hunt", "--init-only", "-n", name, "-c", path, script, "-x~uniform(0, 1)",
                "--e~fidelity(1, 16, base=2)",
            ])
            let info = try sandbox.run(["info", "-n", name]).stdout
            XCTAssertTrue(info.contains(expected), "\(name): \(info)")
            XCTAssertFalse(info.contains(": None\n    seed"), "\(name): \(info)")
        }
    }

    /// A whole float inside a nested option keeps its decimal point in `orion info`, as in Oríon 0.2.7
    /// (`parallel_strategy: {..., default_result: 1.0}` prints `default_result: 1.0`, not `1`).
    func testInfoPrintsWholeFloatsInsideParallelStrategy() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("noop.sh")
        let path = sandbox.directory + "/tpe.yaml"
        try """
        experiment:
          algorithm:
            tpe:
              parallel_strategy:
                of_type: StatusBasedParallelStrategy
                strategy_configs: {broken: {of_type: StubParallelStrategy, stub_value: 2.0}}
                default_strategy: {of_type: MaxParallelStrategy, default_result: 1.0}

        """.write(toFile: path, atomically: true, encoding: .utf8)
        try sandbox.succeed(["hunt", "--init-only", "-n", "tpe", "-c", path, script, "-x~uniform(0, 1)"])
        let info = try sandbox.run(["info", "-n", "tpe"]).stdout
        XCTAssertTrue(info.contains("\n            default_result: 1.0\n"), info)
        XCTAssertTrue(info.contains("\n                stub_value: 2.0\n"), info)
    }

    /// Lists in the algorithm's options print as Oríon 0.2.7's `format_list` prints them (`[`, each item's lines one
    /// level deeper, `]`), not as a Python repr on one line: the expected section is what Oríon printed for
    /// `algorithm: pbt`.
    func testInfoPrintsListOptionsAsOrion() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let path = sandbox.directory + "/pbt.yaml"
        try "experiment:\n  algorithm: pbt\n".write(toFile: path, atomically: true, encoding: .utf8)
        try sandbox.succeed([
            "hunt", "--init-only", "-n", "pbt", "-c", path, try Compat.script("noop.sh"), "--lr~loguniform(1e-3, 0.5)",
            "--epochs~fidelity(1, 9, base=3)",
        ])
        let info = try sandbox.run(["info", "-n", "pbt"]).stdout
        let section = try XCTUnwrap(info.range(of: "Algorithm\n=========\n")).upperBound
        let end = try XCTUnwrap(info.range(of: "\n\n\nSpace\n", range: section..<info.endIndex)).lowerBound
        XCTAssertEqual(
            String(info[section..<end]),
            """
            pbt:
                exploit:
                    exploit_configs:
                        [
                            candidate_pool_ratio: 0.2
                            min_forking_population: 5
                            of_type: BacktrackExploit
                            truncation_quantile: 0.9
                            candidate_pool_ratio: 0.2
                            min_forking_population: 5
                            of_type: TruncateExploit
                            truncation_quantile: 0.8
                        ]
                    of_type: PipelineExploit
                explore:
                    explore_configs:
                        [
                            of_type: ResampleExplore
                            probability: 0.2
                            factor: 1.2
                            of_type: PerturbExplore
                            volatility: 0.0001
                        ]
                    of_type: PipelineExplore
                fork_timeout: 60
                generations: 10
                population_size: 50
                seed: None
            """
        )
    }

    private func writeAlgorithm(_ sandbox: Sandbox) throws -> String {
        let path = sandbox.directory + "/tpe.yaml"
        try "experiment:\n  algorithm: tpe\n".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
