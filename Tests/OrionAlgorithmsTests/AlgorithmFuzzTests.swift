import Foundation
import OrionAlgorithms
import OrionCore
import OrionTesting
import XCTest

/// Every algorithm on random spaces (``RandomSpaces``: every prior kind, shapes, tiny and huge ranges, one-value
/// dimensions) with hostile results: NaN, ±infinity, ±1e300, a constant, differences of one ulp, broken trials, and
/// trials left pending and completed out of order, points a user inserted, a state lost (the search rebuilt from
/// the trials), in batches of one to four, the state sometimes decoded between
/// steps as another worker would.
///
/// An algorithm may refuse a space when it is created (a multi-fidelity one without a fidelity, a grid over an
/// unbounded prior) with a one-line error; once it has suggested, it must never throw, trap or hang, every
/// suggestion must be a value of the space that no earlier trial has, and once nothing is pending it must suggest
/// or be done (never wait for ever).
final class AlgorithmFuzzTests: XCTestCase {
    private let registry = AlgorithmRegistry.standard

    /// A result a trial gets.
    private enum Outcome: CaseIterable {
        case sphere, nan, infinity, negativeInfinity, constant, huge, negativeHuge, ulp, broken, pending
    }

    /// 12 spaces by default (about 20 s); `ORION_FUZZ_ROUNDS=200 swift test --filter AlgorithmFuzzTests` searches
    /// longer.
    func testEveryAlgorithmSurvivesRandomSpacesAndHostileResults() throws {
        let rounds = Int(ProcessInfo.processInfo.environment["ORION_FUZZ_ROUNDS"] ?? "") ?? 12
        var rng = SeededGenerator(seed: 20_261_205)
        var runs: [String: (started: Int, refused: Int)] = [:]
        for round in 0..<rounds {
            let space = try withFidelity(RandomSpaces.space(dimensions: 1...4, using: &rng), round: round, using: &rng)
            for name in registry.names {
                let started = try fuzz(name, on: space, round: round, using: &rng)
                runs[name, default: (0, 0)].started += started ? 1 : 0
                runs[name, default: (0, 0)].refused += started ? 0 : 1
            }
        }
        // The check is worth something only if every algorithm ran on several of the spaces.
        for (name, count) in runs.sorted(by: { $0.key < $1.key }) {
            XCTAssertGreaterThanOrEqual(count.started, 3, "\(name) started on \(count.started) of \(rounds) spaces")
        }
    }

    /// Options away from the defaults, one configuration per code path they open: every algorithm runs each on
    /// 6 spaces (about 30 s), or `ORION_FUZZ_ROUNDS`.
    func testOtherOptionsSurviveRandomSpacesAndHostileResults() throws {
        let rounds = Int(ProcessInfo.processInfo.environment["ORION_FUZZ_ROUNDS"] ?? "") ?? 6
        let variants: [(String, [String: JSONValue])] = [
            ("auto", ["hand_over_after": 8]),
            ("tpe", ["multivariate": false, "equal_weight": true, "n_initial_points": 2, "gamma": 1]),
            ("tpe", ["parallel_strategy": ["of_type": "MeanParallelStrategy"], "prior_weight": 0.01]),
            ("gp", ["trust_region": "v2l", "additive": "global", "matern_nu": 1.5, "n_initial_points": 2]),
            ("gp", ["trust_region": "v3", "categorical_kernel": true, "input_warping": true, "acq_func": "mace"]),
            ("gp", ["acq_func": "ucb", "round_integers": true, "output_transform": "box_cox", "prior_mean": "worst"]),
            ("gp", ["trust_region": true, "refit_growth": 0.3, "additive": true]),
            ("cmaes", ["restart_strategy": "bipop", "population_size": 2, "n_initial_points": 3]),
            ("turbo", ["n_initial_points": 2, "length_init": 0.01, "failure_tolerance": 1]),
            ("asha", ["num_rungs": 2, "num_brackets": 2, "repetitions": 2]),
            ("hyperband", ["repetitions": 1]),
            ("bohb", ["min_points_in_model": 2, "random_fraction": 0, "top_n_percent": 50]),
            (
                "dehb",
                ["mutation_strategy": "currenttobest1", "crossover_strategy": "exp", "boundary_fix_type": "clip"]
            ),
            ("dehb", ["mutation_strategy": "rand2dir", "max_age": 1]),
            ("evolutiones", ["nums_population": 2, "max_retries": 1, "repetitions": 2]),
            ("pbt", ["population_size": 3, "generations": 2, "fork_timeout": 1]),
            ("pb2", ["population_size": 3, "generations": 2, "fork_timeout": 1]),
        ]
        var rng = SeededGenerator(seed: 5_122_026)
        var started: [Int] = Array(repeating: 0, count: variants.count)
        for round in 0..<rounds {
            let space = try withFidelity(RandomSpaces.space(dimensions: 1...3, using: &rng), round: round, using: &rng)
            for (index, (name, options)) in variants.enumerated() {
                let config = try registry.resolve(AlgorithmConfig(name: name, options: options))
                if try fuzz(config, on: space, round: round, using: &rng) {
                    started[index] += 1
                }
            }
        }
        for (index, count) in started.enumerated() {
            XCTAssertGreaterThanOrEqual(count, 2, "\(variants[index]) started on \(count) of \(rounds) spaces")
        }
    }

    /// `space`, with a `fidelity` dimension added in every other round when it has none, so that the multi-fidelity
    /// and population-based algorithms run on half of the spaces.
    private func withFidelity(_ space: Space, round: Int, using rng: inout SeededGenerator) throws -> Space {
        guard round % 2 == 0, !space.dimensions.contains(where: { $0.kind == .fidelity }) else { return space }
        let low = Int.random(in: 1...5, using: &rng)
        let high = low * Int.random(in: 2...40, using: &rng)
        let prior = "fidelity(\(low), \(high), base=\(Int.random(in: 1...4, using: &rng)))"
        return try Space(dimensions: space.dimensions + [PriorExpression.parse(prior, name: "/epochs")])
    }

    /// Runs one algorithm on one space; returns whether it started (did not refuse the space).
    private func fuzz(
        _ name: String,
        on space: Space,
        round: Int,
        using rng: inout SeededGenerator
    ) throws -> Bool {
        try fuzz(registry.resolve(AlgorithmConfig(name: name)), on: space, round: round, using: &rng)
    }

    /// Runs one configuration on one space; returns whether it started (did not refuse the space).
    private func fuzz(
        _ resolved: AlgorithmConfig,
        on space: Space,
        round: Int,
        using rng: inout SeededGenerator
    ) throws -> Bool {
        let context = "\(resolved.name) \(resolved.options) on \(space.priorStrings) (round \(round))"
        var config = resolved
        if config.options["seed"] == .null { config.options["seed"] = .int(round) }
        let experiment = Experiment(
            id: "0123456789abcdef01234567",
            name: "fuzz",
            space: space,
            algorithm: config,
            maxTrials: Bool.random(using: &rng) ? 40 : nil
        )
        var harness = AlgorithmHarness(
            experiment: experiment,
            factory: registry,
            reusesDriver: Bool.random(using: &rng)
        )
        var pending: [String] = []
        var seen: Set<String> = []
        var started = false
        var idleRounds = 0
        for step in 0..<30 where !harness.isDone {
            harness.reusesDriver = harness.reusesDriver != (step % 7 == 3)
            if step == 12, Bool.random(using: &rng) {
                // The state is lost (or was not in a dump that was loaded): a fresh search observes every trial.
                var rebuilt = AlgorithmHarness(experiment: experiment, factory: registry)
                for trial in harness.trials { rebuilt.insert(trial) }
                harness = rebuilt
            }
            let produced: [Trial]
            do {
                produced = try harness.produce(count: Int.random(in: 1...4, using: &rng))
            } catch {
                let message = "\(error)"
                XCTAssertFalse(started, "\(context): threw after it started: \(message)")
                XCTAssertFalse(message.isEmpty || message.contains("\n"), "\(context): refused with \(message)")
                return false
            }
            started = started || !produced.isEmpty
            for trial in produced {
                let key = Trial.parametersRepresentation(trial.params)
                XCTAssertTrue(seen.insert(key).inserted, "\(context): suggested {\(key)} twice")
                XCTAssertEqual(trial.params.map(\.name), space.names, context)
                for param in trial.params {
                    guard let dimension = space[param.name] else { continue }
                    XCTAssertTrue(
                        dimension.contains(param.value) && param.type == dimension.kind,
                        "\(context): \(param.name) = \(param.value.pythonRepr) is not a value of "
                            + dimension.priorString
                    )
                }
                report(trial, Outcome.allCases.randomElement(using: &rng) ?? .sphere, to: &harness, pending: &pending)
            }
            if Int.random(in: 0..<5, using: &rng) == 0 {
                // A point the user inserted: the algorithm did not suggest it.
                var trial = Trial(experimentID: experiment.id, params: space.sample(using: &rng))
                trial.status = .completed
                trial.results = [.objective([Double.nan, 0, 1e300, -.infinity].randomElement(using: &rng) ?? 0)]
                if harness.insert(trial) { seen.insert(Trial.parametersRepresentation(trial.params)) }
            }
            if !pending.isEmpty, Int.random(in: 0..<3, using: &rng) == 0 {
                let id = pending.remove(at: Int.random(in: 0..<pending.count, using: &rng))
                let value = [Double.nan, 1, -2.5, .infinity].randomElement(using: &rng) ?? 1
                harness.complete(id, objective: value)
            }
            if produced.isEmpty {
                idleRounds += 1
                if idleRounds >= 3 {
                    // Waiting for pending trials is fine; once they are all back, it must go on or be done.
                    for id in pending { harness.complete(id, objective: 0.5) }
                    pending = []
                }
                if idleRounds >= 6 {
                    // Stalled, unless the budget is spent or the priors have little new left: fewer than 1 draw in
                    // 20 gives a configuration (the fidelity aside) not tried yet (a discrete normal of deviation
                    // 0.3 holds a handful of values, most of its mass on two).
                    let live = harness.trials.filter { $0.status != .broken }.count
                    let spent = experiment.maxTrials.map { live >= $0 } == true
                    let tried = Set(harness.trials.map { space.configuration(of: $0.params) })
                    let untried = (0..<200).filter { _ in
                        !tried.contains(space.configuration(of: space.sample(using: &rng)))
                    }
                    let fresh = untried.count >= 10
                    XCTAssertTrue(
                        harness.isDone || spent || !fresh,
                        "\(context): suggests nothing with nothing pending, and is not done"
                    )
                    break
                }
            } else {
                idleRounds = 0
            }
        }
        return started
    }

    private func report(
        _ trial: Trial,
        _ outcome: Outcome,
        to harness: inout AlgorithmHarness,
        pending: inout [String]
    ) {
        let base = Objectives.sphere(trial.values)
        switch outcome {
        case .sphere: harness.complete(trial.id, objective: base)
        case .nan: harness.complete(trial.id, objective: .nan)
        case .infinity: harness.complete(trial.id, objective: .infinity)
        case .negativeInfinity: harness.complete(trial.id, objective: -.infinity)
        case .constant: harness.complete(trial.id, objective: 3)
        case .huge: harness.complete(trial.id, objective: 1e300)
        case .negativeHuge: harness.complete(trial.id, objective: -1e300)
        case .ulp: harness.complete(trial.id, objective: 1 + Double(harness.trials.count) * 0x1p-52)
        case .broken: harness.setStatus(trial.id, .broken)
        case .pending: pending.append(trial.id)
        }
    }
}
