import Foundation
import OrionCore

/// The checks every algorithm passes, run through ``AlgorithmDriver`` as workers run them.
///
/// Each check throws a ``ConformanceFailure`` describing the first broken expectation. Call them from any test
/// framework; with XCTest, from a throwing test method:
///
/// ```swift
/// func testConformance() throws {
///     try AlgorithmConformance.checkAll(factory: AlgorithmRegistry.standard, config: AlgorithmConfig(name: "random"))
/// }
/// ```
///
/// When the algorithm has a `seed` option left null, the checks set it (to 1, or to the run's seed), so that runs
/// are reproducible.
public enum AlgorithmConformance {
    /// Runs every check with the spaces of ``TestSpaces``.
    ///
    /// - Parameters:
    ///   - factory: knows the algorithm.
    ///   - config: the algorithm's configuration.
    ///   - braninThreshold: the mean best Branin value after 100 trials that the algorithm must beat.
    /// - Throws: ``ConformanceFailure`` or the algorithm's errors.
    public static func checkAll(
        factory: any AlgorithmFactory,
        config: AlgorithmConfig,
        braninThreshold: Double = 5
    ) throws {
        let mixed = try TestSpaces.mixed()
        let branin = try TestSpaces.branin()
        try checkOptionsRoundTrip(factory: factory, config: config)
        try checkStateRoundTrip(factory: factory, config: config, space: branin)
        try checkStateRoundTrip(factory: factory, config: config, space: mixed)
        try checkSameSeedSameSuggestions(factory: factory, config: config, space: mixed)
        try checkNoDuplicates(factory: factory, config: config, space: mixed)
        try checkNoDuplicates(factory: factory, config: config, space: try TestSpaces.finite())
        try checkSuggestionsInsideSpace(factory: factory, config: config, space: mixed)
        try checkDoneOnExhaustedSpace(factory: factory, config: config, space: try TestSpaces.finite())
        try checkDoneOnExhaustedSpace(factory: factory, config: config, space: try TestSpaces.finiteWithFidelity())
        try checkOffGridPointsLeaveTheSpaceOpen(factory: factory, config: config)
        try checkRespectsMaxTrials(factory: factory, config: config, space: branin)
        try checkProgressOnBranin(factory: factory, config: config, space: branin, threshold: braninThreshold)
    }

    /// Runs every check for an algorithm that needs a fidelity dimension (multi-fidelity and population-based
    /// ones): Branin with a `fidelity(1, 9, base=3)` dimension, ``TestSpaces/mixed()`` (which has one) and
    /// ``TestSpaces/finiteWithFidelity()``.
    ///
    /// - Parameters:
    ///   - factory: knows the algorithm.
    ///   - config: the algorithm's configuration.
    ///   - endsWhenExhausted: whether the algorithm ends once a finite space is used up; `false` for one that ends
    ///     after a fixed schedule instead (its own tests check that it ends).
    /// - Throws: ``ConformanceFailure`` or the algorithm's errors.
    public static func checkAllOnFidelitySpaces(
        factory: any AlgorithmFactory,
        config: AlgorithmConfig,
        endsWhenExhausted: Bool = true
    ) throws {
        let branin = try Space(priors: [
            "/x": "uniform(-5, 10)", "/y": "uniform(0, 15)", "/z": "fidelity(1, 9, base=3)",
        ])
        let mixed = try TestSpaces.mixed()
        let finite = try TestSpaces.finiteWithFidelity()
        try checkOptionsRoundTrip(factory: factory, config: config)
        try checkStateRoundTrip(factory: factory, config: config, space: branin)
        try checkStateRoundTrip(factory: factory, config: config, space: mixed)
        try checkSameSeedSameSuggestions(factory: factory, config: config, space: mixed)
        try checkNoDuplicates(factory: factory, config: config, space: mixed)
        try checkNoDuplicates(factory: factory, config: config, space: finite)
        try checkSuggestionsInsideSpace(factory: factory, config: config, space: mixed)
        if endsWhenExhausted {
            try checkDoneOnExhaustedSpace(factory: factory, config: config, space: finite)
            try checkOffGridPointsLeaveTheSpaceOpen(factory: factory, config: config, fidelity: true)
        }
        try checkRespectsMaxTrials(factory: factory, config: config, space: branin)
        try checkProgressOnBranin(factory: factory, config: config, space: branin)
    }

    /// Resolving the configuration lists every option with its default, and resolving it again changes nothing:
    /// the options decode from what is stored and encode back to the same keys and values.
    ///
    /// - Parameters:
    ///   - factory: knows the algorithm.
    ///   - config: the algorithm's configuration.
    /// - Throws: ``ConformanceFailure`` or the algorithm's errors.
    public static func checkOptionsRoundTrip(factory: any AlgorithmFactory, config: AlgorithmConfig) throws {
        let resolved = try factory.resolve(config)
        let again = try factory.resolve(resolved)
        try ConformanceFailure.expect(
            again == resolved,
            "resolving \(resolved.options) again gave \(again.options): the options do not round-trip"
        )
        let defaults = try factory.resolve(AlgorithmConfig(name: config.name))
        try ConformanceFailure.expect(
            Set(defaults.options.keys) == Set(resolved.options.keys),
            "the defaults list options \(defaults.options.keys.sorted()), the configuration "
                + "\(resolved.options.keys.sorted()): every option must be stored with its value"
        )
    }

    /// Saving the driver's state as JSON and restoring it mid-run changes nothing: the restored driver suggests
    /// what the original would have, also after both observe the same results.
    ///
    /// - Parameters:
    ///   - factory: knows the algorithm.
    ///   - config: the algorithm's configuration.
    ///   - space: the search space.
    /// - Throws: ``ConformanceFailure`` or the algorithm's errors.
    public static func checkStateRoundTrip(
        factory: any AlgorithmFactory,
        config: AlgorithmConfig,
        space: Space
    ) throws {
        var harness = AlgorithmHarness(experiment: try experiment(factory, config, space), factory: factory)
        try harness.run(trials: 12, batch: 3, objective: Objectives.sphere)
        _ = try harness.produce(count: 2)  // leave pending trials in the state
        guard var original = harness.driver else { throw ConformanceFailure("no driver after the first rounds") }
        var restored = try AlgorithmDriver(
            experiment: harness.experiment,
            factory: factory,
            state: original.encodedState()
        )
        try ConformanceFailure.expect(!restored.restartedFromScratch, "the restored driver restarted from scratch")
        try ConformanceFailure.expect(restored.isDone == original.isDone, "isDone differs after the round trip")
        let now = Date(timeIntervalSince1970: 0)
        // Both drivers deduplicate against the same stored trials, as under the storage's algorithm lock.
        var stored = Set(harness.trials.map(\.id))
        for round in 0..<3 {
            let expected = try original.produce(count: 3, now: now, existing: .containing(stored))
            let actual = try restored.produce(count: 3, now: now, existing: .containing(stored))
            stored.formUnion(expected.map(\.id))
            try ConformanceFailure.expect(
                expected.map(\.params) == actual.map(\.params),
                "round \(round) after the round trip: expected \(describe(expected)), got \(describe(actual))"
            )
            let completed = expected.map { trial -> Trial in
                var trial = trial
                trial.status = .completed
                trial.results = [.objective(Objectives.sphere(trial.params))]
                return trial
            }
            original.observe(completed)
            restored.observe(completed)
        }
    }

    /// Two runs with the same seed and the same results suggest the same points.
    ///
    /// - Parameters:
    ///   - factory: knows the algorithm.
    ///   - config: the algorithm's configuration.
    ///   - space: the search space.
    /// - Throws: ``ConformanceFailure`` or the algorithm's errors.
    public static func checkSameSeedSameSuggestions(
        factory: any AlgorithmFactory,
        config: AlgorithmConfig,
        space: Space
    ) throws {
        let experiment = try experiment(factory, config, space)
        var first = AlgorithmHarness(experiment: experiment, factory: factory)
        var second = AlgorithmHarness(experiment: experiment, factory: factory, reusesDriver: false)
        let expected = try first.run(trials: 20, batch: 2, objective: Objectives.sphere)
        let actual = try second.run(trials: 20, batch: 2, objective: Objectives.sphere)
        try ConformanceFailure.expect(!expected.isEmpty, "the algorithm suggested nothing")
        try ConformanceFailure.expect(
            expected.map(\.params) == actual.map(\.params),
            "same seed, different suggestions: \(describe(expected)) then \(describe(actual))"
        )
    }

    /// No point is suggested twice: every trial produced has a distinct id and distinct parameters.
    ///
    /// - Parameters:
    ///   - factory: knows the algorithm.
    ///   - config: the algorithm's configuration.
    ///   - space: the search space.
    /// - Throws: ``ConformanceFailure`` or the algorithm's errors.
    public static func checkNoDuplicates(
        factory: any AlgorithmFactory,
        config: AlgorithmConfig,
        space: Space
    ) throws {
        var harness = AlgorithmHarness(experiment: try experiment(factory, config, space), factory: factory)
        let trials = try harness.run(trials: 60, batch: 3, objective: Objectives.sphere)
        let ids = Set(trials.map(\.id))
        let points = Set(trials.map { Trial.parametersRepresentation($0.params) })
        try ConformanceFailure.expect(ids.count == trials.count, "\(trials.count - ids.count) duplicate trial ids")
        try ConformanceFailure.expect(
            points.count == trials.count,
            "\(trials.count - points.count) points suggested twice"
        )
    }

    /// Every suggestion has exactly the space's dimensions, each value inside its dimension and of its kind.
    ///
    /// - Parameters:
    ///   - factory: knows the algorithm.
    ///   - config: the algorithm's configuration.
    ///   - space: the search space.
    /// - Throws: ``ConformanceFailure`` or the algorithm's errors.
    public static func checkSuggestionsInsideSpace(
        factory: any AlgorithmFactory,
        config: AlgorithmConfig,
        space: Space
    ) throws {
        var harness = AlgorithmHarness(experiment: try experiment(factory, config, space), factory: factory)
        let trials = try harness.run(trials: 50, batch: 5, objective: Objectives.sphere)
        try ConformanceFailure.expect(!trials.isEmpty, "the algorithm suggested nothing")
        for trial in trials {
            try ConformanceFailure.expect(
                trial.params.map(\.name) == space.names,
                "trial \(describe([trial])) has dimensions \(trial.params.map(\.name)), expected \(space.names)"
            )
            for param in trial.params {
                guard let dimension = space[param.name] else { continue }
                try ConformanceFailure.expect(
                    dimension.contains(param.value) && param.type == dimension.kind,
                    "\(param.name) = \(param.value.pythonRepr) (\(param.type)) is not a value of "
                        + "\(dimension.priorString) (\(dimension.kind))"
                )
            }
        }
    }

    /// On a finite space, the algorithm tries every configuration, no trial twice, then is done and suggests
    /// nothing.
    ///
    /// A configuration ignores the fidelity: a multi-fidelity algorithm may run one configuration at several
    /// fidelities (several trials), and must not be done before every configuration was tried.
    ///
    /// - Parameters:
    ///   - factory: knows the algorithm.
    ///   - config: the algorithm's configuration.
    ///   - space: a finite space of at most a few hundred configurations (``TestSpaces/finite()``,
    ///     ``TestSpaces/finiteWithFidelity()``).
    /// - Throws: ``ConformanceFailure`` or the algorithm's errors.
    public static func checkDoneOnExhaustedSpace(
        factory: any AlgorithmFactory,
        config: AlgorithmConfig,
        space: Space
    ) throws {
        let cardinality = space.cardinality
        try ConformanceFailure.expect(cardinality <= 1000, "the space must be finite and small, not \(cardinality)")
        var harness = AlgorithmHarness(experiment: try experiment(factory, config, space), factory: factory)
        let target = Int(cardinality)
        for _ in 0..<(20 * target + 10) where !harness.isDone {
            for trial in try harness.produce(count: 2) {
                harness.complete(trial.id, objective: Objectives.sphere(trial.params))
            }
        }
        let points = Set(harness.trials.map { Trial.parametersRepresentation($0.params) })
        let configurations = Set(harness.trials.map { space.configuration(of: $0.params) })
        try ConformanceFailure.expect(
            harness.isDone,
            "not done after \(harness.trials.count) trials (\(configurations.count) of \(target) configurations)"
        )
        try ConformanceFailure.expect(
            configurations.count == target && points.count == harness.trials.count,
            "\(harness.trials.count) trials (\(points.count) distinct points, \(configurations.count) configurations) "
                + "for a space of \(target) configurations"
        )
        let extra = try harness.produce(count: 3)
        try ConformanceFailure.expect(extra.isEmpty, "suggested \(describe(extra)) after the space was exhausted")
    }

    /// Points off a `precision` grid (as `orion insert` or a parent version gives them) are not configurations of the
    /// space: as many of them as it has configurations do not make the algorithm done, and it goes on until every
    /// configuration on the grid has a trial (``TestSpaces/precisionGrid(fidelity:)``).
    ///
    /// - Parameters:
    ///   - factory: knows the algorithm.
    ///   - config: the algorithm's configuration.
    ///   - fidelity: whether the space has a fidelity (the inserted points are at its upper bound).
    /// - Throws: ``ConformanceFailure`` or the algorithm's errors.
    public static func checkOffGridPointsLeaveTheSpaceOpen(
        factory: any AlgorithmFactory,
        config: AlgorithmConfig,
        fidelity: Bool = false
    ) throws {
        let space = try TestSpaces.precisionGrid(fidelity: fidelity)
        let target = Int(space.cardinality)
        let experiment = try experiment(factory, config, space)
        var harness = AlgorithmHarness(experiment: experiment, factory: factory)
        for category in ["a", "b"] {
            for lr in [1.25, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5] {
                var trial = Trial(
                    experimentID: experiment.id,
                    params: space.params(from: ["/cat": .string(category), "/epochs": .int(4), "/lr": .double(lr)])
                )
                trial.status = .completed
                trial.results = [.objective(lr)]
                harness.insert(trial)
            }
        }
        for _ in 0..<(20 * target + 10) where !harness.isDone {
            for trial in try harness.produce(count: 2) {
                harness.complete(trial.id, objective: Objectives.sphere(trial.params))
            }
        }
        let onGrid = Set(harness.trials.filter { space.isOnGrid($0.params) }.map { space.configuration(of: $0.params) })
        try ConformanceFailure.expect(
            harness.isDone && onGrid.count == target,
            "done: \(harness.isDone) with \(onGrid.count) of the \(target) configurations on the grid tried, after "
                + "\(harness.trials.count) trials (\(2 * 10) of them inserted off the grid)"
        )
    }

    /// Through ``AlgorithmDriver/step(snapshot:cached:experiment:factory:count:now:)``, an experiment never has more
    /// than `maxTrials` trials that are not broken, reaches that number unless the algorithm is done first (a grid
    /// shrunk to fit), and a broken trial is replaced by at most one.
    ///
    /// - Parameters:
    ///   - factory: knows the algorithm.
    ///   - config: the algorithm's configuration.
    ///   - space: the search space.
    /// - Throws: ``ConformanceFailure`` or the algorithm's errors.
    public static func checkRespectsMaxTrials(
        factory: any AlgorithmFactory,
        config: AlgorithmConfig,
        space: Space
    ) throws {
        let maxTrials = 5
        var harness = AlgorithmHarness(
            experiment: try experiment(factory, config, space, maxTrials: maxTrials),
            factory: factory
        )
        func live() -> Int { harness.trials.filter { $0.status != .broken }.count }
        for _ in 0..<6 {
            for trial in try harness.produce(count: 3) {
                harness.complete(trial.id, objective: Objectives.sphere(trial.params))
            }
            try ConformanceFailure.expect(live() <= maxTrials, "\(live()) trials for max_trials \(maxTrials)")
        }
        try ConformanceFailure.expect(
            live() == maxTrials || harness.isDone,
            "only \(live()) trials for max_trials \(maxTrials) and the algorithm is not done"
        )
        if let first = harness.trials.first {
            harness.setStatus(first.id, .broken)
            let replacement = try harness.produce(count: 3)
            try ConformanceFailure.expect(
                replacement.count <= 1 && live() <= maxTrials,
                "\(replacement.count) trials produced to replace 1 broken trial"
            )
        }
    }

    /// After `trials` sequential trials on Branin (with `max_trials` set to `trials`), the mean over `seeds` of the
    /// best objective is below `threshold` (Branin's minimum is 0.398).
    ///
    /// - Parameters:
    ///   - factory: knows the algorithm.
    ///   - config: the algorithm's configuration.
    ///   - space: Branin's domain (``TestSpaces/branin()``).
    ///   - trials: the trials per run.
    ///   - seeds: the seeds of the runs (one run when the algorithm has no `seed` option).
    ///   - threshold: the mean best value to beat.
    /// - Returns: the mean best value.
    /// - Throws: ``ConformanceFailure`` or the algorithm's errors.
    @discardableResult
    public static func checkProgressOnBranin(
        factory: any AlgorithmFactory,
        config: AlgorithmConfig,
        space: Space,
        trials: Int = 100,
        seeds: [Int] = [1, 2, 3],
        threshold: Double = 5
    ) throws -> Double {
        let hasSeed = try factory.resolve(config).options["seed"] != nil
        var bests: [Double] = []
        for seed in hasSeed ? seeds : Array(seeds.prefix(1)) {
            let experiment = try experiment(factory, config, space, maxTrials: trials, seed: seed)
            var harness = AlgorithmHarness(experiment: experiment, factory: factory)
            try harness.run(trials: trials, objective: Objectives.branin)
            bests.append(harness.bestObjective ?? .infinity)
        }
        let mean = bests.reduce(0, +) / Double(max(1, bests.count))
        try ConformanceFailure.expect(
            mean < threshold,
            "mean best Branin value after \(trials) trials is \(mean) (runs: \(bests)), expected below \(threshold)"
        )
        return mean
    }

    /// An experiment for `config` (resolved, with a fixed seed when its `seed` option is null) on `space`.
    static func experiment(
        _ factory: any AlgorithmFactory,
        _ config: AlgorithmConfig,
        _ space: Space,
        maxTrials: Int? = nil,
        seed: Int = 1
    ) throws -> Experiment {
        var resolved = try factory.resolve(config)
        if resolved.options["seed"] == .null { resolved.options["seed"] = .int(seed) }
        return Experiment(
            id: "0123456789abcdef01234567",
            name: "conformance",
            space: space,
            algorithm: resolved,
            maxTrials: maxTrials
        )
    }

    /// `[{/x:1.0,/y:2}, ...]`, for messages.
    static func describe(_ trials: [Trial]) -> String {
        "[" + trials.map { "{" + Trial.parametersRepresentation($0.params) + "}" }.joined(separator: ", ") + "]"
    }
}
