import Foundation
import OrionAlgorithms
import OrionCore
import OrionTesting
import XCTest

final class GPBOTests: XCTestCase {
    private func experiment(_ space: Space, options: [String: JSONValue], maxTrials: Int? = nil) -> Experiment {
        Experiment(
            id: "0123456789abcdef01234567",
            name: "gp",
            space: space,
            algorithm: AlgorithmConfig(name: "gp", options: options),
            maxTrials: maxTrials
        )
    }

    /// The best values of `algorithm` on `objective` after `trials`, one per seed.
    private func bests(
        _ algorithm: String,
        _ space: Space,
        trials: Int,
        seeds: Range<Int>,
        objective: (Parameters) -> Double
    ) throws -> [Double] {
        var bests: [Double] = []
        for seed in seeds {
            let config = AlgorithmConfig(name: algorithm, options: ["seed": .int(seed)])
            let experiment = Experiment(
                id: "0123456789abcdef01234567",
                name: "gp",
                space: space,
                algorithm: config,
                maxTrials: trials
            )
            var harness = AlgorithmHarness(experiment: experiment, factory: AlgorithmRegistry.standard)
            try harness.run(trials: trials, objective: objective)
            bests.append(harness.bestObjective ?? .infinity)
        }
        return bests
    }

    private func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    /// The Hartmann 3-D function (minimum -3.86278 at (0.1146, 0.5556, 0.8525)).
    private static func hartmann3(_ point: Parameters) -> Double {
        let x = Objectives.numbers(point)
        let a: [[Double]] = [[3, 10, 30], [0.1, 10, 35], [3, 10, 30], [0.1, 10, 35]]
        let p: [[Double]] = [
            [0.3689, 0.1170, 0.2673], [0.4699, 0.4387, 0.7470], [0.1091, 0.8732, 0.5547], [0.0381, 0.5743, 0.8828],
        ]
        let alpha: [Double] = [1, 1.2, 3, 3.2]
        var sum = 0.0
        for i in 0..<4 {
            var exponent = 0.0
            for j in 0..<3 { exponent += a[i][j] * (x[j] - p[i][j]) * (x[j] - p[i][j]) }
            sum += alpha[i] * exp(-exponent)
        }
        return -sum
    }

    func testConformance() throws {
        try AlgorithmConformance.checkAll(
            factory: AlgorithmRegistry.standard,
            config: AlgorithmConfig(name: "gp"),
            braninThreshold: 0.6
        )
    }

    func testConformanceWithTheAdditiveKernel() throws {
        try AlgorithmConformance.checkAll(
            factory: AlgorithmRegistry.standard,
            config: AlgorithmConfig(name: "gp", options: ["additive": true]),
            braninThreshold: 0.6
        )
    }

    func testConformanceWithTheAdditiveKernelForGlobalSuggestionsOnly() throws {
        try AlgorithmConformance.checkAll(
            factory: AlgorithmRegistry.standard,
            config: AlgorithmConfig(name: "gp", options: ["additive": "global", "trust_region": "v2"]),
            braninThreshold: 0.6
        )
    }

    func testConformanceWithTheNeighbourhoodModel() throws {
        try AlgorithmConformance.checkAll(
            factory: AlgorithmRegistry.standard,
            config: AlgorithmConfig(
                name: "gp",
                options: ["matern_nu": 1.5, "additive": "global", "trust_region": "v2l"]
            ),
            braninThreshold: 0.6
        )
        try AlgorithmConformance.checkAll(
            factory: AlgorithmRegistry.standard,
            config: AlgorithmConfig(name: "gp", options: ["trust_region": "v2l"]),
            braninThreshold: 0.6
        )
    }

    func testConformanceWithAlternatingGlobalKernels() throws {
        try AlgorithmConformance.checkAll(
            factory: AlgorithmRegistry.standard,
            config: AlgorithmConfig(
                name: "gp",
                options: ["matern_nu": 1.5, "additive": "alternate", "trust_region": "v2l"]
            ),
            braninThreshold: 0.6
        )
    }

    func testConformanceWithTheLocalPhaseVersion3() throws {
        try AlgorithmConformance.checkAll(
            factory: AlgorithmRegistry.standard,
            config: AlgorithmConfig(name: "gp", options: ["trust_region": "v3"]),
            braninThreshold: 0.6
        )
    }

    func testConformanceWithRefitGrowth() throws {
        try AlgorithmConformance.checkAll(
            factory: AlgorithmRegistry.standard,
            config: AlgorithmConfig(
                name: "gp",
                options: ["additive": "global", "trust_region": "v2", "refit_growth": 0.3]
            ),
            braninThreshold: 0.6
        )
    }

    func testConformanceWithTheLinearKernel() throws {
        try AlgorithmConformance.checkAll(
            factory: AlgorithmRegistry.standard,
            config: AlgorithmConfig(
                name: "gp",
                options: ["linear_kernel": true, "additive": "global", "trust_region": "v2l", "matern_nu": 1.5]
            ),
            braninThreshold: 0.6
        )
    }

    func testConformanceWithBoxCox() throws {
        try AlgorithmConformance.checkAll(
            factory: AlgorithmRegistry.standard,
            config: AlgorithmConfig(name: "gp", options: ["output_transform": "box_cox"]),
            braninThreshold: 0.6
        )
    }

    func testOptionsHaveOrionNamesAndDefaultsAndAreChecked() throws {
        let resolved = try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: "gp"))
        XCTAssertEqual(
            resolved.options,
            [
                "seed": .null, "n_initial_points": 10, "acq_func": "log_ei", "kappa": 1.96,
                "n_restarts_optimizer": 1, "n_candidates": 2000, "input_warping": false, "categorical_kernel": false,
                "round_integers": false, "matern_nu": 2.5, "lengthscale_prior": "log_lengthscale",
                "trust_region": false, "additive": false, "refit_growth": 0.0, "output_transform": "yeo_johnson",
                "prior_mean": "mean", "final_exploit": 0.0, "category_exploration": 0, "linear_kernel": false,
            ]
        )
        for (key, value) in [
            ("n_initial_points", JSONValue.int(0)), ("acq_func", "pi"), ("n_candidates", 0), ("matern_nu", 0.5),
            ("lengthscale_prior", "gamma"), ("additive", "yes"), ("output_transform", "log"), ("prior_mean", "max"),
            ("final_exploit", 0.6), ("final_exploit", -0.1), ("linear_kernel", "yes"),
        ] {
            XCTAssertThrowsError(
                try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: "gp", options: [key: value]))
            ) { error in
                XCTAssertEqual((error as? AlgorithmError)?.code, .invalidOption)
                XCTAssertTrue("\(error)".contains(key), "\(error)")
            }
        }
    }

    func testBeatsRandomSearchOnBraninAndHartmann3() throws {
        let branin = try TestSpaces.branin()
        let gp = try bests("gp", branin, trials: 30, seeds: 0..<3, objective: Objectives.branin)
        let random = try bests("random", branin, trials: 30, seeds: 0..<3, objective: Objectives.branin)
        XCTAssertLessThan(median(gp) - Objectives.braninMinimum, 0.1 * (median(random) - Objectives.braninMinimum))
        let cube = try Space(priors: ["/x1": "uniform(0, 1)", "/x2": "uniform(0, 1)", "/x3": "uniform(0, 1)"])
        let hartmann = Self.hartmann3
        let minimum = -3.862_779_787_332_658_4
        let gpHartmann = try bests("gp", cube, trials: 30, seeds: 0..<3, objective: hartmann)
        let randomHartmann = try bests("random", cube, trials: 30, seeds: 0..<3, objective: hartmann)
        XCTAssertLessThan(median(gpHartmann) - minimum, 0.5 * (median(randomHartmann) - minimum))
        XCTAssertLessThan(median(gpHartmann) - minimum, 0.1)
    }

    func testParallelSuggestionsAccountForPendingTrials() throws {
        let space = try TestSpaces.branin()
        var harness = AlgorithmHarness(
            experiment: experiment(space, options: ["seed": 3, "n_initial_points": 5]),
            factory: AlgorithmRegistry.standard
        )
        try harness.run(trials: 12, objective: Objectives.branin)
        // Four workers at once: four distinct points, spread apart rather than piled on the incumbent.
        let batch = try harness.produce(count: 4)
        XCTAssertEqual(batch.count, 4)
        let points = batch.map { Objectives.numbers($0.params) }
        XCTAssertEqual(Set(points).count, 4)
        var closest = Double.infinity
        for i in 0..<4 {
            for j in 0..<i {
                closest = min(closest, hypot((points[i][0] - points[j][0]) / 15, (points[i][1] - points[j][1]) / 15))
            }
        }
        XCTAssertGreaterThan(closest, 1e-3)
        // A reserved trial is pending: the next suggestion is not the same point again.
        harness.setStatus(batch[0].id, .reserved)
        let next = try harness.produce(count: 1)
        XCTAssertEqual(next.count, 1)
        XCTAssertFalse(points.contains(Objectives.numbers(next[0].params)))
    }

    func testMixedSpaceSuggestionsAreValidAndUseEveryCategory() throws {
        let space = try Space(priors: [
            "/x": "uniform(-5, 5)", "/k": "uniform(0, 10, discrete=True)", "/c": "choices(['a', 'b', 'c'])",
        ])
        var harness = AlgorithmHarness(
            experiment: experiment(space, options: ["seed": 1, "n_initial_points": 6]),
            factory: AlgorithmRegistry.standard
        )
        // Best at c = 'b', k = 3, x = 1.
        let completed = try harness.run(trials: 25) { point in
            let values = Dictionary(uniqueKeysWithValues: point.map { ($0.name, $0.value) })
            let x = values["/x"]?.doubleValue ?? 0
            let k = Double(values["/k"]?.intValue ?? 0)
            let penalty = values["/c"] == "b" ? 0 : 4.0
            return (x - 1) * (x - 1) + 0.5 * (k - 3) * (k - 3) + penalty
        }
        XCTAssertEqual(completed.count, 25)
        XCTAssertTrue(completed.allSatisfy { space.contains($0.params) })
        XCTAssertLessThan(harness.bestObjective ?? .infinity, 0.5)
    }
}
