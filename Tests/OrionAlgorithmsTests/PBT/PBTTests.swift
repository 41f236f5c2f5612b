import Foundation
import OrionAlgorithms
import OrionCore
import OrionTesting
import XCTest

final class PBTTests: XCTestCase {
    static func harness(
        _ name: String,
        _ priors: [String: String],
        options: [String: JSONValue] = [:],
        maxTrials: Int? = nil
    ) throws -> AlgorithmHarness {
        try seededHarness(name, priors, options: options, maxTrials: maxTrials)
    }

    /// Conformance on spaces with a fidelity (PBT refuses the others), for `pbt` and `pb2`.
    static func checkConformance(_ name: String, options: [String: JSONValue] = [:]) throws {
        try AlgorithmConformance.checkAllOnFidelitySpaces(
            factory: AlgorithmRegistry.standard,
            config: AlgorithmConfig(name: name, options: options)
        )
    }

    private let line = ["/x": "uniform(0, 1)", "/epochs": "fidelity(1, 3, base=1)"]
    /// Four members; the worse half is replaced by a copy of one of the best half.
    private let small: [String: JSONValue] = [
        "population_size": 4, "generations": 2,
        "exploit": [
            "of_type": "TruncateExploit", "min_forking_population": 4, "truncation_quantile": 0.5,
            "candidate_pool_ratio": 0.5,
        ],
        "explore": ["of_type": "PerturbExplore", "factor": 1.2, "volatility": 0.0001],
    ]

    private func epochs(_ trial: Trial) -> Double? { trial.params["/epochs"]?.doubleValue }

    private func x(_ trial: Trial) -> Double { trial.params["/x"]?.doubleValue ?? .nan }

    func testConformanceOnSpacesWithAFidelity() throws {
        try Self.checkConformance("pbt")
    }

    func testOptionsAreOrionsWithTheirDefaults() throws {
        let options = try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: "pbt")).options
        XCTAssertEqual(
            options,
            [
                "seed": .null, "population_size": 50, "generations": 10, "fork_timeout": 60,
                "exploit": [
                    "of_type": "PipelineExploit",
                    "exploit_configs": [
                        [
                            "of_type": "BacktrackExploit", "min_forking_population": 5, "truncation_quantile": 0.9,
                            "candidate_pool_ratio": 0.2,
                        ],
                        [
                            "of_type": "TruncateExploit", "min_forking_population": 5, "truncation_quantile": 0.8,
                            "candidate_pool_ratio": 0.2,
                        ],
                    ],
                ],
                "explore": [
                    "of_type": "PipelineExplore",
                    "explore_configs": [
                        ["of_type": "ResampleExplore", "probability": 0.2],
                        ["of_type": "PerturbExplore", "factor": 1.2, "volatility": 0.0001],
                    ],
                ],
            ]
        )
    }

    /// `fork_timeout` is seconds compared with a clock, as in Oríon: a fraction is accepted and kept, a whole number
    /// stays an integer; a negative one is refused.
    func testForkTimeoutTakesFractionsOfASecond() throws {
        for name in ["pbt", "pb2"] {
            let half = try AlgorithmRegistry.standard.resolve(
                AlgorithmConfig(name: name, options: ["fork_timeout": 60.5])
            ).options
            XCTAssertEqual(half["fork_timeout"], .double(60.5), name)
            let whole = try AlgorithmRegistry.standard.resolve(
                AlgorithmConfig(name: name, options: ["fork_timeout": 30.0])
            ).options
            XCTAssertEqual(whole["fork_timeout"], .int(30), name)
            XCTAssertThrowsError(
                try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: name, options: ["fork_timeout": -1]))
            )
        }
    }

    func testOrionsLowercaseTypeNamesAndPartialConfigurationsAreAccepted() throws {
        let options = try AlgorithmRegistry.standard.resolve(
            AlgorithmConfig(name: "pbt", options: ["explore": ["of_type": "resampleexplore"]])
        ).options
        XCTAssertEqual(options["explore"], ["of_type": "ResampleExplore", "probability": 0.2])
    }

    func testBadStrategiesAreRejectedInOneLine() throws {
        let cases: [(JSONValue, String, String)] = [
            (
                ["of_type": "Greedy"], "exploit",
                "pbt: option 'exploit': unknown of_type 'Greedy'; valid: PipelineExploit, TruncateExploit, BacktrackExploit"
            ),
            (
                ["of_type": "TruncateExploit", "quantile": 0.5], "exploit",
                "pbt: option 'exploit': unknown key 'quantile' for TruncateExploit; valid keys: of_type, "
                    + "candidate_pool_ratio, min_forking_population, truncation_quantile"
            ),
            (
                ["of_type": "PerturbExplore", "factor": 0.5], "explore",
                "pbt: option 'explore': PerturbExplore's 'factor' must be a number >= 1, not 0.5"
            ),
            (
                ["of_type": "PipelineExplore"], "explore",
                "pbt: option 'explore': PipelineExplore needs 'explore_configs', a non-empty list of explore configurations"
            ),
        ]
        for (value, key, message) in cases {
            XCTAssertThrowsError(
                try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: "pbt", options: [key: value]))
            ) { error in
                XCTAssertEqual((error as? AlgorithmError)?.message, message)
            }
        }
        XCTAssertThrowsError(
            try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: "pbt", options: ["population_size": 0]))
        ) { error in
            XCTAssertEqual(
                (error as? AlgorithmError)?.message,
                "pbt: option 'population_size' must be at least 1, not 0",
                "named as the other algorithms' options are"
            )
        }
        XCTAssertThrowsError(
            try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: "pb2", options: ["generations": 0]))
        ) { error in
            XCTAssertEqual((error as? AlgorithmError)?.message, "pb2: option 'generations' must be at least 1, not 0")
        }
    }

    func testRefusesASpaceWithoutFidelity() throws {
        var harness = try Self.harness("pbt", ["/x": "uniform(0, 1)"])
        XCTAssertThrowsError(try harness.produce(count: 1)) { error in
            XCTAssertEqual((error as? AlgorithmError)?.code, .unsupportedSpace)
        }
    }

    func testGenerationsSpreadTheFidelityLikeOrion() throws {
        func fidelities(_ prior: String, _ generations: Int) throws -> [Double] {
            let context = AlgorithmContext(space: try Space(priors: ["/x": "uniform(0, 1)", "/f": prior]))
            var options = PBT.Options()
            options.generations = generations
            return try PBT(options: options, context: context).fidelities
        }
        XCTAssertEqual(try fidelities("fidelity(1, 5, base=1)", 4), [1, 2, 3, 4, 5])
        XCTAssertEqual(try fidelities("fidelity(0.5, 8.0, base=2)", 4), [0.5, 1, 2, 4, 8])
        // Integer bounds: integer levels, repeats dropped (Oríon would pass 1.32 epochs to the script).
        XCTAssertEqual(try fidelities("fidelity(1, 4, base=2)", 10), [1, 2, 3, 4])
    }

    func testTheWorseHalfIsReplacedByPerturbedCopiesOfTheBetterHalf() throws {
        var harness = try Self.harness("pbt", line, options: small)
        let first = try harness.produce(count: 6)
        XCTAssertEqual(first.count, 4, "only population_size members before any completes")
        XCTAssertTrue(first.allSatisfy { $0.parent == nil && epochs($0) == 1 })
        let ranked = first.sorted { x($0) < x($1) }
        for trial in first { harness.complete(trial.id, objective: x(trial)) }
        let next = try harness.produce(count: 4)
        XCTAssertEqual(next.count, 4)
        XCTAssertTrue(next.allSatisfy { epochs($0) == 2 })
        let best = Set(ranked.prefix(2).map(\.id))
        let byID = Dictionary(uniqueKeysWithValues: first.map { ($0.id, $0) })
        var promoted = 0
        for child in next {
            let parent = try XCTUnwrap(byID[child.parent ?? ""])
            XCTAssertTrue(best.contains(parent.id), "children come from the best half only")
            if x(child) == x(parent) {
                promoted += 1
            } else {
                let ratio = x(child) / x(parent)
                // 1.2 to the prior's default precision (4 significant digits, a relative error under 5·10⁻⁴).
                XCTAssertTrue(abs(ratio - 1.2) < 1e-3 || abs(ratio - 1 / 1.2) < 1e-3, "perturbed by 1.2: \(ratio)")
            }
        }
        XCTAssertEqual(promoted, 2, "the best half goes on unchanged")
    }

    /// A perturbed real keeps its prior's precision (here 2 significant digits), as sampled values and Oríon's
    /// explored values do: the script gets `--x 0.36`, not `--x 0.35999999999999999`.
    func testPerturbedRealsKeepThePriorsPrecision() throws {
        let rounded = ["/x": "uniform(0.1, 1, precision=2)", "/epochs": "fidelity(1, 3, base=1)"]
        var harness = try Self.harness("pbt", rounded, options: small)
        let first = try harness.produce(count: 4)
        for trial in first { harness.complete(trial.id, objective: x(trial)) }
        let next = try harness.produce(count: 4)
        let byID = Dictionary(uniqueKeysWithValues: first.map { ($0.id, $0) })
        let perturbed = next.filter { x($0) != byID[$0.parent ?? ""].map(x) }
        XCTAssertEqual(perturbed.count, 2, "two copies perturbed")
        for trial in first + next {
            XCTAssertEqual(x(trial), Double(String(format: "%.1e", x(trial))), "two significant digits: \(x(trial))")
        }
    }

    func testABrokenChildSendsItsAncestorBackForAnotherTry() throws {
        var harness = try Self.harness("pbt", line, options: small)
        let first = try harness.produce(count: 4)
        for trial in first { harness.complete(trial.id, objective: x(trial)) }
        let next = try harness.produce(count: 4)
        let byID = Dictionary(uniqueKeysWithValues: first.map { ($0.id, $0) })
        // A copy (not a promotion, which would be the same trial again) breaks.
        let victim = try XCTUnwrap(next.first { x($0) != byID[$0.parent ?? ""].map(x) })
        harness.setStatus(victim.id, .broken)
        let retry = try harness.produce(count: 1)
        XCTAssertEqual(retry.count, 1)
        XCTAssertEqual(retry.first.map(epochs), 2)
        XCTAssertNotEqual(retry.first?.id, victim.id)
    }

    /// A member's own continuation (the same configuration at the next level) that breaks cannot be run again under
    /// the same trial id: the member goes on as a copy of itself with explored hyperparameters, so that the whole
    /// population still completes the last level (a fault run saw 5 of 6 and the run reported as a success).
    func testABrokenContinuationGoesOnAsAnExploredCopy() throws {
        for name in ["pbt", "pb2"] {
            var options = small
            if name == "pb2" { options["explore"] = nil }
            var harness = try Self.harness(name, line, options: options)
            let first = try harness.produce(count: 4)
            for trial in first { harness.complete(trial.id, objective: x(trial)) }
            let next = try harness.produce(count: 4)
            let byID = Dictionary(uniqueKeysWithValues: first.map { ($0.id, $0) })
            let victim = try XCTUnwrap(next.first { x($0) == byID[$0.parent ?? ""].map(x) }, "a continuation")
            harness.setStatus(victim.id, .broken)
            let retry = try XCTUnwrap(try harness.produce(count: 1).first, name)
            XCTAssertEqual(epochs(retry), 2, name)
            XCTAssertEqual(retry.parent, victim.parent, "\(name): the same member goes on")
            XCTAssertNotEqual(x(retry), x(victim), "\(name): with explored hyperparameters, a new trial")
            for trial in next + [retry] where trial.id != victim.id { harness.complete(trial.id, objective: x(trial)) }
            try harness.run(trials: 40, batch: 1) { params in params["/x"]?.doubleValue ?? 0 }
            let last = harness.trials.filter { epochs($0) == 3 && $0.status == .completed }
            XCTAssertEqual(last.count, 4, "\(name): every member completed the last level")
            XCTAssertTrue(harness.isDone, name)
        }
    }

    /// A level where every configuration fails (NaN there, a model that always diverges) made new offspring for ever:
    /// the hunt never ended (252 trials at that level in 30 s). Each lineage now gets `offspringTries` failed offspring
    /// there, then ends, and the search is done.
    func testALevelThatAlwaysFailsEndsTheLineagesThere() throws {
        for name in ["pbt", "pb2"] {
            var options = small
            if name == "pb2" { options["explore"] = nil }
            var priors = line
            priors["/y"] = "uniform(0, 1)"
            priors["/z"] = "uniform(0, 1)"
            var harness = try Self.harness(name, priors, options: options)
            try harness.run(trials: 1000, batch: 2) { params in
                params["/epochs"]?.doubleValue == 2 ? .nan : params["/x"]?.doubleValue ?? 0
            }
            XCTAssertTrue(harness.isDone, name)
            let failed = harness.trials.filter { epochs($0) == 2 }.count
            // Fewer when a lineage runs out of new configurations first (its explored copies all tried).
            XCTAssertGreaterThan(failed, 4, name)
            XCTAssertLessThanOrEqual(failed, 4 * 5, "\(name): 4 lineages, at most 5 failed offspring each")
            XCTAssertFalse(harness.trials.contains { epochs($0) == 3 }, name)
        }
    }

    /// A first level where every trial fails (or returns NaN or infinity) drew new first-generation members for
    /// ever: 145 trials in 60 s, the hunt never ending. Each place in the population now gets `offspringTries` draws.
    func testAFirstLevelThatAlwaysFailsEndsTheSearch() throws {
        for (name, value) in [("pbt", Double.nan), ("pb2", .infinity), ("pbt", -.infinity)] {
            var options = small
            if name == "pb2" { options["explore"] = nil }
            var harness = try Self.harness(name, line, options: options)
            try harness.run(trials: 1000, batch: 3) { _ in value }
            XCTAssertTrue(harness.isDone, "\(name), \(value)")
            XCTAssertEqual(harness.trials.count, 4 * 5, "\(name), \(value): 4 places, 5 draws each")
            XCTAssertFalse(harness.trials.contains { epochs($0) != 1 }, "\(name): nothing to promote")
        }
        // A first level that fails now and then still fills the population (one trial in three fails).
        var harness = try Self.harness("pbt", line, options: small)
        var count = 0
        try harness.run(trials: 1000, batch: 2) { params in
            count += 1
            return count % 3 == 0 && params["/epochs"]?.doubleValue == 1 ? .nan : params["/x"]?.doubleValue ?? 0
        }
        XCTAssertEqual(harness.trials.filter { epochs($0) == 3 && $0.status == .completed }.count, 4)
    }

    func testDoneWhenThePopulationCompletedTheLastGeneration() throws {
        var harness = try Self.harness("pbt", line, options: small)
        try harness.run(trials: 100, batch: 4) { $0["/x"]?.doubleValue ?? 0 }
        XCTAssertTrue(harness.isDone)
        XCTAssertEqual(harness.trials.count, 12, "4 members × 3 generations")
        XCTAssertEqual(harness.trials.filter { epochs($0) == 3 && $0.status == .completed }.count, 4)
        XCTAssertEqual(try harness.produce(count: 2), [])
    }

    func testARebuiltSearchKnowsItsLineagesFromTheStoredTrials() throws {
        var harness = try Self.harness("pbt", line, options: small)
        let first = try harness.produce(count: 4)
        for trial in first { harness.complete(trial.id, objective: x(trial)) }
        let second = try harness.produce(count: 4)
        for trial in second { harness.complete(trial.id, objective: x(trial)) }
        // A fresh algorithm (a lost state) observes every stored trial, as the driver does.
        var rebuilt = try AlgorithmDriver(experiment: harness.experiment, factory: AlgorithmRegistry.standard)
        rebuilt.observe(harness.trials)
        let existing = Set(harness.trials.map(\.id))
        let produced = try rebuilt.produce(count: 4, now: Date(timeIntervalSince1970: 0))
        XCTAssertFalse(produced.isEmpty)
        for trial in produced {
            XCTAssertEqual(epochs(trial), 3, "no new first-generation member: the population is complete")
            XCTAssertTrue(existing.contains(trial.parent ?? ""), "the parent is a stored second-generation trial")
        }
        XCTAssertEqual(produced.count, 4, "one child per second-generation member")
    }

    /// Every lineage reaches the last level: one worker, Oríon's default exploit (backtracking included), 16 members
    /// over the ten geometric levels of `fidelity(1, 27, base=3)`, crossing curves (a fast learner leads early).
    func testEveryMemberOfThePopulationCompletesTheLastLevel() throws {
        let priors = ["/x": "uniform(0, 1)", "/epochs": "fidelity(1, 27, base=3)"]
        for seed in 0..<5 {
            var harness = try Self.harness("pbt", priors, options: ["population_size": 16, "seed": .int(seed)])
            try harness.run(trials: 1000, batch: 1) { params in
                let x = params["/x"]?.doubleValue ?? 0, epochs = params["/epochs"]?.doubleValue ?? 1
                return (x - 0.3) * (x - 0.3) + exp(-(0.2 + x) * epochs / 3)
            }
            let last = harness.trials.filter { epochs($0) == 27 && $0.status == .completed }
            XCTAssertEqual(last.count, 16, "seed \(seed): members that completed 27 epochs")
            XCTAssertTrue(harness.isDone)
        }
    }

    /// A loss that grows with the fidelity (a model that over-fits) makes every lineage's first member its best, so
    /// backtracking copies first-level checkpoints again and again. The copy goes on at the level after the member it
    /// replaces (its script resumes from the older checkpoint): every lineage still reaches the last level, in
    /// `population_size` × levels trials. Oríon's copy starts at the level after the checkpoint's, and the search
    /// never ended (989 trials in 2 minutes for 6 members × 5 levels).
    func testBacktrackingToOlderCheckpointsStillEndsWhenTheLossGrowsWithTheFidelity() throws {
        let priors = ["/x": "uniform(0, 1)", "/epochs": "fidelity(1, 27, base=3)"]
        for seed in 0..<3 {
            var harness = try Self.harness("pbt", priors, options: ["population_size": 8, "seed": .int(seed)])
            try harness.run(trials: 1000, batch: 1) { params in
                let x = params["/x"]?.doubleValue ?? 0, epochs = params["/epochs"]?.doubleValue ?? 1
                return (x - 0.3) * (x - 0.3) + 0.01 * epochs
            }
            XCTAssertTrue(harness.isDone, "seed \(seed)")
            XCTAssertEqual(harness.trials.count, 8 * 10, "seed \(seed): 8 members × 10 levels")
            let last = harness.trials.filter { epochs($0) == 27 && $0.status == .completed }
            XCTAssertEqual(last.count, 8, "seed \(seed): members that completed 27 epochs")
            let byID = Dictionary(uniqueKeysWithValues: harness.trials.map { ($0.id, $0) })
            let levels = try PBT(
                options: PBT.Options(),
                context: AlgorithmContext(space: try Space(priors: priors))
            ).fidelities
            let backtracked = harness.trials.filter { trial in
                guard let parent = trial.parent.flatMap({ byID[$0] }), let own = epochs(trial),
                    let from = epochs(parent), let level = levels.firstIndex(of: own)
                else { return false }
                return levels.firstIndex(of: from).map { $0 < level - 1 } ?? false
            }
            XCTAssertFalse(backtracked.isEmpty, "seed \(seed): some copies start from an older checkpoint")
        }
    }

    /// Every child starts from a checkpoint below its own level, with backtracking on crossing curves (a fast
    /// learner leads early): a lineage cut at the levels it reaches, not at its first member past them, once copies
    /// of older checkpoints skip levels. A copy of a checkpoint at its own level trained for no epoch (4 of 6 final
    /// members on one seed).
    func testEveryChildStartsFromACheckpointBelowItsOwnLevel() throws {
        let priors = ["/x": "uniform(0, 1)", "/epochs": "fidelity(1, 7, base=1)"]
        var copiesOfOlderCheckpoints = 0
        for seed in 0..<10 {
            let options: [String: JSONValue] = ["population_size": 10, "generations": 6, "seed": .int(seed)]
            var harness = try Self.harness("pbt", priors, options: options)
            try harness.run(trials: 1000, batch: 1) { params in
                let x = params["/x"]?.doubleValue ?? 0, epochs = params["/epochs"]?.doubleValue ?? 1
                return (x - 0.5) * (epochs - 3) + 1
            }
            XCTAssertTrue(harness.isDone, "seed \(seed)")
            let byID = Dictionary(uniqueKeysWithValues: harness.trials.map { ($0.id, $0) })
            for trial in harness.trials {
                guard let parent = trial.parent.flatMap({ byID[$0] }) else { continue }
                let own = epochs(trial) ?? 0, from = epochs(parent) ?? 0
                XCTAssertLessThan(from, own, "seed \(seed): \(trial.id) at \(own) epochs from a checkpoint at \(from)")
                if from < own - 1 { copiesOfOlderCheckpoints += 1 }
            }
        }
        XCTAssertGreaterThan(copiesOfOlderCheckpoints, 0, "backtracking copied older checkpoints")
    }

    /// A member whose copy cannot have a new configuration (every configuration of the space is a member) goes on
    /// with its own weights instead of ending its lineage.
    func testAMemberWhoseCopyCannotBeNewGoesOn() throws {
        let options: [String: JSONValue] = [
            "population_size": 2, "generations": 2, "seed": 3,
            "exploit": [
                "of_type": "TruncateExploit", "min_forking_population": 2, "truncation_quantile": 0.5,
                "candidate_pool_ratio": 0.5,
            ],
            "explore": ["of_type": "PerturbExplore"],
        ]
        var harness = try Self.harness(
            "pbt",
            ["/c": "choices(['a', 'b'])", "/epochs": "fidelity(1, 3, base=1)"],
            options: options
        )
        try harness.run(trials: 100, batch: 1) { $0["/c"] == "a" ? 1 : 2 }
        let last = harness.trials.filter { epochs($0) == 3 && $0.status == .completed }
        XCTAssertEqual(Set(last.compactMap { $0.params["/c"]?.stringValue }), ["a", "b"], "both lineages reach 3")
        XCTAssertEqual(harness.trials.count, 6, "2 members × 3 levels")
        XCTAssertTrue(harness.isDone)
    }

    /// With truncation selection alone (the paper's exploit), every level has exactly `population_size` members: the
    /// cost with resumption is `population_size` × the top fidelity.
    func testTruncationAloneKeepsThePopulationSizeAtEveryLevel() throws {
        let priors = ["/x": "uniform(0, 1)", "/epochs": "fidelity(1, 27, base=3)"]
        let options: [String: JSONValue] = [
            "population_size": 20, "seed": 7, "exploit": ["of_type": "TruncateExploit"],
        ]
        var harness = try Self.harness("pbt", priors, options: options)
        try harness.run(trials: 1000, batch: 1) { params in
            let x = params["/x"]?.doubleValue ?? 0, epochs = params["/epochs"]?.doubleValue ?? 1
            return (x - 0.3) * (x - 0.3) + exp(-(0.2 + x) * epochs / 3)
        }
        let levels = Dictionary(grouping: harness.trials) { epochs($0) ?? 0 }
        XCTAssertEqual(levels.keys.sorted(), [1, 2, 3, 4, 5, 7, 10, 14, 19, 27])
        XCTAssertTrue(levels.values.allSatisfy { $0.count == 20 }, "\(levels.mapValues(\.count))")
        XCTAssertTrue(harness.isDone)
    }
}
