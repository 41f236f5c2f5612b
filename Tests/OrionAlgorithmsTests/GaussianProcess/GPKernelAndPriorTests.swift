import Foundation
import OrionCore
import OrionTesting
import XCTest

@testable import OrionAlgorithms

/// The Matérn-3/2 kernel (`matern_nu`) and the two ways the lengthscales' prior enters the fit (`lengthscale_prior`).
final class GPKernelAndPriorTests: XCTestCase {
    /// Eight points in the unit square and a smooth function of them.
    private let inputs = UnitSquareData.inputs
    private func targets() -> [Double] { UnitSquareData.targets }

    private static let threeHalves = KernelStructure(smoothness: .threeHalves)

    func testMaternValuesMatchTheirClosedForms() {
        for r in [0.0, 0.1, 0.5, 1.0, 2.5] {
            let a3 = 3.0.squareRoot() * r
            let a5 = 5.0.squareRoot() * r
            XCTAssertEqual(
                MaternSmoothness.threeHalves.value(squaredDistance: r * r),
                (1 + a3) * exp(-a3),
                accuracy: 1e-14
            )
            XCTAssertEqual(
                MaternSmoothness.fiveHalves.value(squaredDistance: r * r),
                (1 + a5 + a5 * a5 / 3) * exp(-a5),
                accuracy: 1e-14
            )
            XCTAssertEqual(
                GaussianProcess.matern(squaredDistance: r * r),
                MaternSmoothness.fiveHalves.value(squaredDistance: r * r)
            )
        }
        // At r = 1 (values computed with Python's math module): 3/2 is rougher, it falls faster at short range.
        XCTAssertEqual(MaternSmoothness.threeHalves.value(squaredDistance: 1), 0.483_357_724_596_507_7, accuracy: 1e-12)
        XCTAssertEqual(MaternSmoothness.fiveHalves.value(squaredDistance: 1), 0.523_994_108_831_820_3, accuracy: 1e-12)
        XCTAssertLessThan(
            MaternSmoothness.threeHalves.value(squaredDistance: 0.01),
            MaternSmoothness.fiveHalves.value(squaredDistance: 0.01)
        )
    }

    func testMaternSlopeIsMinusTwiceTheDerivativeInTheSquaredDistance() {
        for smoothness in MaternSmoothness.allCases {
            for squared in [0.04, 0.3, 1.0, 4.0] {
                let h = 1e-7
                let derivative =
                    (smoothness.value(squaredDistance: squared + h) - smoothness.value(squaredDistance: squared - h))
                    / (2 * h)
                let (value, slope) = smoothness.valueAndSlope(squaredDistance: squared)
                XCTAssertEqual(value, smoothness.value(squaredDistance: squared), accuracy: 1e-15)
                XCTAssertEqual(slope, -2 * derivative, accuracy: 1e-6, "\(smoothness) at r² = \(squared)")
            }
        }
    }

    func testKernelMatrixUsesTheChosenSmoothness() throws {
        let lengthscales = [0.4, 0.6]
        var hyper = GPHyperparameters(lengthscales: lengthscales, signalVariance: 1.3, noiseVariance: 1e-6)
        hyper.structure = Self.threeHalves
        let gp = try GaussianProcess(inputs: inputs, width: 2, targets: targets(), hyperparameters: hyper)
        let cross = gp.crossCovariance([0.37, 0.61], count: 1)
        for i in 0..<8 {
            let dx = (inputs[2 * i] - 0.37) / lengthscales[0]
            let dy = (inputs[2 * i + 1] - 0.61) / lengthscales[1]
            let a = 3.0.squareRoot() * (dx * dx + dy * dy).squareRoot()
            XCTAssertEqual(cross[i], 1.3 * (1 + a) * exp(-a), accuracy: 1e-12)
        }
    }

    func testMatern32PredictionGradientMatchesFiniteDifferences() throws {
        var hyper = GPHyperparameters(lengthscales: [0.4, 0.6], signalVariance: 1.3, noiseVariance: 1e-3)
        hyper.structure = Self.threeHalves
        let gp = try GaussianProcess(inputs: inputs, width: 2, targets: targets(), hyperparameters: hyper)
        let point = [0.37, 0.61]
        assertPredictionGradientMatchesFiniteDifferences(gp, at: point)
    }

    func testNegativeLogPosteriorGradientMatchesFiniteDifferencesForEachKernelAndPrior() {
        let theta = [log(0.3), log(0.7), log(1.2), log(0.01)]
        for smoothness in MaternSmoothness.allCases {
            for kind in GPPrior.LengthscalePrior.allCases {
                let prior = GPPrior(width: 2, lengthscalePrior: kind)
                let structure = KernelStructure(smoothness: smoothness)
                func objective(_ theta: [Double]) -> (Double, [Double]) {
                    GaussianProcess.negativeLogPosterior(
                        theta,
                        inputs: inputs,
                        width: 2,
                        targets: targets(),
                        prior: prior,
                        structure: structure
                    )
                }
                let (_, gradient) = objective(theta)
                for p in 0..<theta.count {
                    var up = theta
                    var down = theta
                    up[p] += 1e-6
                    down[p] -= 1e-6
                    XCTAssertEqual(
                        gradient[p],
                        (objective(up).0 - objective(down).0) / 2e-6,
                        accuracy: 1e-4 * max(1, abs(gradient[p])),
                        "\(smoothness), \(kind), θ[\(p)]"
                    )
                }
            }
        }
    }

    func testPriorValueGradientAndModeForEachKind() {
        let theta = [log(0.3), log(4.0), log(3.0), -0.4, -5.0]
        for kind in GPPrior.LengthscalePrior.allCases {
            let prior = GPPrior(width: 3, lengthscalePrior: kind)
            let (value, gradient) = prior.negativeLog(theta)
            for p in 0..<theta.count {
                var up = theta
                var down = theta
                up[p] += 1e-6
                down[p] -= 1e-6
                let numeric = (prior.negativeLog(up).0 - prior.negativeLog(down).0) / 2e-6
                XCTAssertEqual(gradient[p], numeric, accuracy: 1e-6, "\(kind), θ[\(p)]")
            }
            // The centre is the minimizer of -log p: a zero gradient there.
            XCTAssertEqual(prior.negativeLog(prior.center).1.map(abs).max() ?? 1, 0, accuracy: 1e-12, "\(kind)")
            XCTAssertTrue(value.isFinite)
        }
        let mean = 2.0.squareRoot() + 0.5 * log(3.0)
        XCTAssertEqual(GPPrior(width: 3).center[0], mean, accuracy: 1e-12)
        XCTAssertEqual(GPPrior(width: 3, lengthscalePrior: .lengthscale).center[0], mean - 3, accuracy: 1e-12)
        // The density of ℓ is that of log ℓ over ℓ: -log p differs by Σ log ℓ.
        let difference =
            GPPrior(width: 3, lengthscalePrior: .lengthscale).negativeLog(theta).0
            - GPPrior(width: 3).negativeLog(theta).0
        XCTAssertEqual(difference, theta[0] + theta[1] + theta[2], accuracy: 1e-12)
    }

    func testLengthscaleDensityPriorFitsShorterLengthscalesOnFewPoints() {
        // Few points of a smooth function: the prior dominates, and its mode differs by a factor e³.
        let common = GaussianProcess.fitHyperparameters(
            inputs: inputs,
            width: 2,
            targets: targets(),
            starts: [],
            maxIterations: 100
        )
        let density = GaussianProcess.fitHyperparameters(
            inputs: inputs,
            width: 2,
            targets: targets(),
            lengthscalePrior: .lengthscale,
            starts: [],
            maxIterations: 100
        )
        for c in 0..<2 { XCTAssertLessThan(density.lengthscales[c], common.lengthscales[c]) }
    }

    /// The first 25 suggestions of `gp` with `options` on a 3-D cube against a quadratic bowl, seed 4.
    private func suggestions(_ options: [String: JSONValue]) throws -> [[Double]] {
        let space = try Space(priors: ["/x1": "uniform(0, 1)", "/x2": "uniform(0, 1)", "/x3": "uniform(0, 1)"])
        var resolved = try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: "gp", options: options))
        resolved.options["seed"] = .int(4)
        let experiment = Experiment(id: "0123456789abcdef01234567", name: "gp", space: space, algorithm: resolved)
        var harness = AlgorithmHarness(experiment: experiment, factory: AlgorithmRegistry.standard)
        try harness.run(trials: 25) { point in
            Objectives.numbers(point).reduce(0) { $0 + ($1 - 0.3) * ($1 - 0.3) }
        }
        return harness.trials.map { Objectives.numbers($0.params) }
    }

    func testOptionsAreSeededAndChangeTheSuggestionsAfterTheDesign() throws {
        let options: [String: JSONValue] = ["matern_nu": 1.5, "lengthscale_prior": "lengthscale"]
        let first = try suggestions(options)
        XCTAssertEqual(first, try suggestions(options), "same seed, same options: same trials")
        let plain = try suggestions(["matern_nu": 2.5])
        XCTAssertEqual(Array(first.prefix(10)), Array(plain.prefix(10)), "the quasi-random design does not change")
        XCTAssertNotEqual(Array(first.dropFirst(10)), Array(plain.dropFirst(10)))
        XCTAssertNotEqual(try suggestions(["matern_nu": 1.5]).dropFirst(10), plain.dropFirst(10))
    }
}
