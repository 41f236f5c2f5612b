import Foundation
import OrionCore
import OrionTesting
import XCTest

@testable import OrionAlgorithms

final class AutoSearchTests: XCTestCase {
    func testConformance() throws {
        try AlgorithmConformance.checkAll(
            factory: AlgorithmRegistry.standard,
            config: AlgorithmConfig(name: "auto"),
            braninThreshold: 1
        )
    }

    /// The same checks with a hand-over early in every run (`gp` for 8 completed trials, then `cmaes`).
    func testConformanceAcrossTheHandOver() throws {
        try AlgorithmConformance.checkAll(
            factory: AlgorithmRegistry.standard,
            config: AlgorithmConfig(name: "auto", options: ["hand_over_after": 8]),
            braninThreshold: 1
        )
    }

    func testOptions() throws {
        let resolved = try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: "auto"))
        XCTAssertEqual(resolved.options, ["seed": .null, "hand_over_after": 300])
        XCTAssertThrowsError(try AutoSearch.Options.decode(["n_initial_points": 3], algorithm: "auto")) { error in
            XCTAssertEqual((error as? AlgorithmError)?.code, .unknownOption)
        }
        XCTAssertNil(try AutoSearch.Options.decode(["hand_over_after": .null], algorithm: "auto").handOverAfter)
        XCTAssertThrowsError(try AutoSearch.Options.decode(["hand_over_after": 0], algorithm: "auto")) { error in
            XCTAssertEqual(
                (error as? AlgorithmError)?.message,
                "auto: option 'hand_over_after' must be an integer >= 1 or null, not 0"
            )
        }
    }

    /// The rules, in order: fidelity, small finite space, very wide, many numeric coordinates, otherwise gp.
    func testChoiceFollowsTheSpaceAndTheBudget() throws {
        func choice(_ priors: [String: String], maxTrials: Int? = 100) throws -> AutoSearch.Choice {
            AutoSearch.choose(for: AlgorithmContext(space: try Space(priors: priors), maxTrials: maxTrials))
        }
        XCTAssertEqual(try choice(["x": "uniform(0, 1)", "e": "fidelity(1, 16, base=2)"]), .asha)
        // Linear levels have no reduction factor for ASHA: random search at the full fidelity, as Oríon's default (the
        // default algorithm refused a valid prior).
        XCTAssertEqual(try choice(["x": "uniform(0, 1)", "e": "fidelity(1, 10, base=1)"]), .random)
        XCTAssertEqual(try choice(["x": "uniform(0, 1)", "e": "fidelity(0.1, 1.0)"]), .asha)
        XCTAssertEqual(try choice(["c": "choices(['a', 'b', 'c'])", "k": "randint(0, 30)"]), .random)
        XCTAssertEqual(try choice(["c": "choices(['a', 'b', 'c'])", "k": "randint(0, 40)"]), .gp, "120 > 100")
        XCTAssertEqual(try choice(["c": "choices(['a', 'b', 'c'])", "k": "randint(0, 30)"], maxTrials: nil), .gp)
        XCTAssertEqual(
            try choice(["a": "choices(['a', 'b'])", "b": "choices(['a', 'b', 'c'])", "x": "uniform(0, 1)"]),
            .gp
        )
        let letters = (0..<21).map { "'c\($0)'" }.joined(separator: ", ")
        XCTAssertEqual(try choice(["a": "choices([\(letters)])", "b": "choices([\(letters)])"]), .tpe, "42 > 40")
        XCTAssertEqual(try choice(["x": "uniform(0, 1, shape=9)", "c": "choices(['a', 'b', 'c'])"]), .gp)
        XCTAssertEqual(try choice(["x": "uniform(0, 1, shape=10)"]), .cmaes)
        XCTAssertEqual(
            try choice(["x": "uniform(0, 1, shape=8)", "k": "uniform(0, 9, discrete=True, shape=2)"]),
            .cmaes
        )
        XCTAssertEqual(try choice(["x": "uniform(-5, 10)", "y": "loguniform(1e-3, 1)"]), .gp)
    }

    /// `gp` gets Matérn-3/2 when every dimension is real (uniform, loguniform, normal, vectors), Matérn-5/2 as soon
    /// as one is an integer or a category; the option is in the saved state.
    func testGPKernelFollowsTheKindsOfTheDimensions() throws {
        func nu(_ priors: [String: String]) throws -> Double {
            let context = AlgorithmContext(space: try Space(priors: priors), maxTrials: 100)
            let options = try AutoSearch.Options.decode(["seed": 1], algorithm: "auto")
            let auto = try AutoSearch(options: options, context: context)
            XCTAssertEqual(auto.choice, .gp, "\(priors)")
            let gp = try XCTUnwrap(auto.delegate as? GPBO)
            let saved = try JSONDecoder().decode(GPBO.self, from: JSONEncoder().encode(gp))
            XCTAssertEqual(saved.options.maternNu, gp.options.maternNu)
            return gp.options.maternNu
        }
        XCTAssertEqual(try nu(["x": "uniform(-5, 10)", "y": "loguniform(1e-3, 1)", "z": "normal(0, 1)"]), 1.5)
        XCTAssertEqual(try nu(["x": "uniform(0, 1, shape=4)", "y": "uniform(0, 1, precision=3)"]), 1.5)
        XCTAssertEqual(try nu(["x": "uniform(-5, 10)", "k": "uniform(1, 16, discrete=True)"]), 2.5)
        XCTAssertEqual(try nu(["x": "uniform(-5, 10)", "w": "loguniform(8, 256, discrete=True)"]), 2.5)
        XCTAssertEqual(try nu(["x": "uniform(-5, 10)", "c": "choices(['a', 'b', 'c'])"]), 2.5)
        XCTAssertEqual(try nu(["k": "randint(0, 500)", "j": "randint(0, 500)"]), 2.5)
    }

    /// The state is the choice and the chosen algorithm's state; it decodes to an algorithm that continues with the
    /// same suggestions.
    func testStateKeepsTheChoice() throws {
        let space = try TestSpaces.branin()
        let context = AlgorithmContext(space: space, maxTrials: 50)
        var auto = try AutoSearch(options: AutoSearch.Options.decode(["seed": 4], algorithm: "auto"), context: context)
        XCTAssertEqual(auto.choice, .gp)
        XCTAssertTrue(auto.delegate is GPBO)
        let first = auto.suggest(count: 3, context: context)
        let data = try JSONEncoder().encode(auto)
        let object = try JSONDecoder().decode(JSONValue.self, from: data)
        XCTAssertEqual(object.objectValue?["choice"], "gp")
        XCTAssertNotNil(object.objectValue?["state"]?.objectValue?["design_index"])
        var restored = try JSONDecoder().decode(AutoSearch.self, from: data)
        XCTAssertEqual(restored.choice, .gp)
        XCTAssertEqual(restored.suggest(count: 2, context: context), auto.suggest(count: 2, context: context))
        XCTAssertEqual(first.count, 3)
        XCTAssertThrowsError(
            try JSONDecoder().decode(AutoSearch.self, from: Data(#"{"choice": "hebo", "state": {}}"#.utf8))
        )
    }

    private func experiment(_ options: [String: JSONValue], algorithm: String = "auto") throws -> Experiment {
        let config = try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: algorithm, options: options))
        return Experiment(
            id: "0123456789abcdef01234567",
            name: "auto",
            space: try TestSpaces.branin(),
            algorithm: config
        )
    }

    /// The algorithm's state in the driver's saved state (`{"algorithm": {...}, "configuration": ..., "name": ...}`).
    private func state(_ harness: AlgorithmHarness) throws -> [String: JSONValue] {
        let data = try XCTUnwrap(harness.state)
        let driver = try JSONDecoder().decode(JSONValue.self, from: data)
        return try XCTUnwrap(driver.objectValue?["algorithm"]?.objectValue)
    }

    /// Several workers (each step decodes the saved state, batches of three, results out of order) hand over at the
    /// same trial as a lone worker, with the same suggestions; the successor starts from every observation.
    func testHandOverIsSavedAndSharedByWorkers() throws {
        let experiment = try experiment(["seed": 3, "hand_over_after": 12])
        var workers = AlgorithmHarness(experiment: experiment, factory: AlgorithmRegistry.standard, reusesDriver: false)
        var lone = AlgorithmHarness(experiment: experiment, factory: AlgorithmRegistry.standard, reusesDriver: true)
        var late: String?  // one trial per round finishes in the next round
        while workers.trials.count < 36 {
            let completed = workers.counts[.completed, default: 0]
            let produced = try workers.produce(count: 3)
            XCTAssertEqual(try lone.produce(count: 3).map(\.params), produced.map(\.params))
            XCTAssertEqual(produced.count, 3)
            XCTAssertEqual(try state(workers)["choice"], completed >= 12 ? "cmaes" : "gp", "after \(completed)")
            XCTAssertEqual(try state(lone)["choice"], completed >= 12 ? "cmaes" : "gp")
            XCTAssertEqual(try state(workers)["handed_over_from"], completed >= 12 ? "gp" : nil)
            XCTAssertEqual(try state(workers)["successor"], completed >= 12 ? nil : "cmaes")
            for trial in ([late].compactMap { $0 } + produced.dropLast().map(\.id)) {
                let objective = Objectives.branin(try XCTUnwrap(workers.trials.first { $0.id == trial }).values)
                workers.complete(trial, objective: objective)
                lone.complete(trial, objective: objective)
            }
            late = produced.last?.id
        }
        let saved = try JSONEncoder().encode(JSONValue.object(state(workers)))
        let restored = try JSONDecoder().decode(AutoSearch.self, from: saved)
        XCTAssertEqual(restored.choice, .cmaes)
        XCTAssertEqual(restored.handedOverFrom, .gp)
        let cmaes = try XCTUnwrap(restored.delegate as? CMAES)
        XCTAssertEqual(cmaes.best?.objective, workers.bestObjective, "the successor saw every completed trial")
    }

    /// Until the hand-over `auto` is `gp` with the same seed (and, on branin's reals, Matérn-3/2; the local phase
    /// version 2), suggestion for suggestion; `hand_over_after: null` keeps `gp` for good, with no successor in the
    /// state.
    /// `auto` gives `gp` the local phase version 2 with the neighbourhood model (`"v2l"`), Matérn-3/2 and the
    /// additive kernel for the global suggestions
    /// on spaces of reals, the local phase version 3 alone on mixed spaces; the options are in the saved state.
    func testGPOptionsTurnOnTheLocalPhaseOnSpacesOfReals() throws {
        XCTAssertEqual(
            AutoSearch.gpOptions(for: try Space(priors: ["x": "uniform(0, 1)", "y": "loguniform(1e-3, 1)"])),
            ["matern_nu": .double(1.5), "trust_region": "v2l", "additive": "global"]
        )
        XCTAssertEqual(
            AutoSearch.gpOptions(for: try Space(priors: ["x": "uniform(0, 1)", "c": "choices(['a', 'b'])"])),
            ["trust_region": "v3"]
        )
        XCTAssertEqual(
            AutoSearch.gpOptions(for: try Space(priors: ["x": "uniform(0, 1)", "k": "uniform(1, 9, discrete=True)"])),
            ["trust_region": "v3"]
        )
        for (priors, local) in [
            (["x": "uniform(-5, 10)", "y": "loguniform(1e-3, 1)"], true),
            (["x": "uniform(-5, 10)", "k": "uniform(1, 16, discrete=True)", "c": "choices(['a', 'b', 'c'])"], false),
        ] {
            let context = AlgorithmContext(space: try Space(priors: priors), maxTrials: 100)
            let auto = try AutoSearch(
                options: try AutoSearch.Options.decode(["seed": 1], algorithm: "auto"),
                context: context
            )
            let gp = try XCTUnwrap(auto.delegate as? GPBO, "\(priors)")
            let saved = try JSONDecoder().decode(GPBO.self, from: JSONEncoder().encode(gp))
            XCTAssertTrue(saved.options.trustRegion, "\(priors)")
            XCTAssertEqual(saved.options.additive, local, "\(priors)")
            XCTAssertEqual(saved.options.additiveGlobalOnly, local, "\(priors)")
            XCTAssertEqual(saved.options.trustRegionVersion, local ? 2 : 3, "\(priors)")
        }
    }

    /// Until the hand-over `auto` is `gp` with the same seed (and, on branin's reals, Matérn-3/2; the local phase
    /// version 2), suggestion for suggestion; `hand_over_after: null` keeps `gp` for good, with no successor in the
    /// state.
    func testBeforeTheHandOverAutoIsGP() throws {
        func run(_ experiment: Experiment) throws -> AlgorithmHarness {
            var harness = AlgorithmHarness(experiment: experiment, factory: AlgorithmRegistry.standard)
            try harness.run(trials: 14, objective: Objectives.branin)
            return harness
        }
        let gp = try run(
            experiment(["seed": 5, "matern_nu": 1.5, "trust_region": "v2l", "additive": "global"], algorithm: "gp")
        )
        let auto = try run(experiment(["seed": 5, "hand_over_after": 10]))
        let never = try run(experiment(["seed": 5, "hand_over_after": .null]))
        XCTAssertEqual(auto.trials.prefix(10).map(\.params), gp.trials.prefix(10).map(\.params))
        XCTAssertNotEqual(auto.trials.suffix(4).map(\.params), gp.trials.suffix(4).map(\.params))
        XCTAssertEqual(never.trials.map(\.params), gp.trials.map(\.params))
        XCTAssertEqual(try state(auto)["choice"], "cmaes")
        XCTAssertEqual(try state(never)["choice"], "gp")
        XCTAssertNil(try state(never)["successor"])
        XCTAssertEqual(try state(never)["hand_over_after"], nil)
    }

    /// The successor: `cmaes` when the space has a numeric coordinate, `tpe` for categories only; a state saved
    /// before hand-overs existed decodes and never hands over.
    func testSuccessorAndOldStates() throws {
        func successor(_ priors: [String: String]) throws -> AutoSearch.Choice {
            AutoSearch.successor(of: .gp, for: AlgorithmContext(space: try Space(priors: priors)))
        }
        XCTAssertEqual(try successor(["x": "uniform(0, 1)", "c": "choices(['a', 'b'])"]), .cmaes)
        XCTAssertEqual(try successor(["k": "randint(0, 1000)"]), .cmaes)
        XCTAssertEqual(try successor(["a": "choices(['a', 'b'])", "b": "choices(['a', 'b', 'c'])"]), .tpe)
        let context = AlgorithmContext(space: try TestSpaces.branin())
        let gp = try GPBO(options: GPBO.Options.decode(["seed": 2], algorithm: "gp"), context: context)
        let gpState = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(gp))
        let old = try JSONEncoder().encode(JSONValue.object(["choice": "gp", "state": gpState]))
        let decoded = try JSONDecoder().decode(AutoSearch.self, from: old)
        XCTAssertEqual(decoded.choice, .gp)
        XCTAssertNil(decoded.successor)
        XCTAssertNil(decoded.handOverAfter)
    }
}
