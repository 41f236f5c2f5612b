import Foundation
import OrionCore
import OrionTesting
import XCTest

@testable import OrionAlgorithms

/// `prior_mean: "quadratic"`: a convex quadratic trend over the numeric coordinates, fitted to the targets, as the
/// GP's prior mean (``GPTrend``).
final class GPTrendTests: XCTestCase {
    /// `count` points of width 3 drawn with `seed`: two numeric coordinates, then a one-hot-like coordinate (0 or 1).
    private func points(_ count: Int, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).flatMap { _ in
            [
                Double.random(in: 0...1, using: &generator), Double.random(in: 0...1, using: &generator),
                Double.random(in: 0...1, using: &generator) < 0.5 ? 0 : 1,
            ]
        }
    }

    private func u(_ x: Double) -> Double { x - 0.5 }

    /// A trend that is exactly a convex quadratic of the numeric coordinates is recovered, within 2% (the ridge shrinks
    /// the coefficients a little), and the categorical coordinate has no term.
    func testAConvexQuadraticIsRecovered() throws {
        let inputs = points(40, seed: 3)
        let targets = stride(from: 0, to: inputs.count, by: 3).map { i -> Double in
            let (a, b) = (u(inputs[i]), u(inputs[i + 1]))
            return 0.7 + 1.5 * a - 0.4 * b + 6 * (a * a - 1.0 / 12) + 2 * (b * b - 1.0 / 12)
        }
        let trend = try XCTUnwrap(GPTrend(inputs: inputs, width: 3, targets: targets, coordinates: [0, 1]))
        XCTAssertEqual(trend.coordinates, [0, 1])
        XCTAssertEqual(trend.constant, 0.7, accuracy: 0.014)
        XCTAssertEqual(trend.linear[0], 1.5, accuracy: 0.03)
        XCTAssertEqual(trend.linear[1], -0.4, accuracy: 0.008)
        XCTAssertEqual(trend.quadratic[0], 6, accuracy: 0.12)
        XCTAssertEqual(trend.quadratic[1], 2, accuracy: 0.04)
        for i in stride(from: 0, to: inputs.count, by: 3) {
            XCTAssertEqual(trend.value(inputs, at: i), targets[i / 3], accuracy: 1e-2)
        }
    }

    /// A coordinate along which the targets are concave gets no curvature (the trend stays convex), and the other
    /// coordinate's curvature is still fitted.
    func testAConcaveCoordinateGetsNoCurvature() throws {
        let inputs = points(40, seed: 8)
        let targets = stride(from: 0, to: inputs.count, by: 3).map { i -> Double in
            let (a, b) = (u(inputs[i]), u(inputs[i + 1]))
            return -5 * a * a + 3 * b * b
        }
        let trend = try XCTUnwrap(GPTrend(inputs: inputs, width: 3, targets: targets, coordinates: [0, 1]))
        XCTAssertEqual(trend.quadratic[0], 0)
        XCTAssertEqual(trend.quadratic[1], 3, accuracy: 0.05)
    }

    /// Fewer than two trials per coefficient, or no numeric coordinate: no trend.
    func testTooFewTrialsGiveNoTrend() {
        let inputs = points(9, seed: 1)
        let targets = [Double](repeating: 1, count: 9)
        XCTAssertNil(GPTrend(inputs: inputs, width: 3, targets: targets, coordinates: [0, 1]))
        XCTAssertNotNil(GPTrend(inputs: points(10, seed: 1), width: 3, targets: targets + [1], coordinates: [0, 1]))
        XCTAssertNil(
            GPTrend(inputs: points(40, seed: 1), width: 3, targets: Array(repeating: 1, count: 40), coordinates: [])
        )
    }

    /// Trials in the middle of a bowl: far from them the constant mean returns to the targets' mean, so a corner looks
    /// like an average trial, while the quadratic mean predicts the corner above every trial; at the trials both
    /// interpolate.
    func testAFarCornerOfABowlIsPredictedHigh() throws {
        var generator = SeededGenerator(seed: 11)
        let inputs = (0..<24).flatMap { _ in
            [Double.random(in: 0.3...0.7, using: &generator), Double.random(in: 0.3...0.7, using: &generator)]
        }
        let values = stride(from: 0, to: inputs.count, by: 2).map { i -> Double in
            let (a, b) = (inputs[i] - 0.45, inputs[i + 1] - 0.55)
            return 10 * a * a + 10 * b * b
        }
        func fit(_ priorMean: PriorMean) -> GPFit {
            GPFit(
                inputs: inputs,
                width: 2,
                values: values,
                starts: [],
                maxIterations: 50,
                priorMean: priorMean,
                trendCoordinates: [0, 1],
                fixed: GPHyperparameters(lengthscales: [0.05, 0.05], signalVariance: 1, noiseVariance: 1e-6)
            )
        }
        let constant = try XCTUnwrap(fit(.mean).process)
        let quadratic = try XCTUnwrap(fit(.quadratic).process)
        XCTAssertNil(constant.trend)
        XCTAssertNotNil(quadratic.trend)
        let worst = try XCTUnwrap(fit(.quadratic).targets.max())
        let corner = [1.0, 0.0]
        XCTAssertEqual(constant.predict(corner, count: 1).mean[0], 0, accuracy: 1e-6)
        XCTAssertGreaterThan(quadratic.predict(corner, count: 1).mean[0], worst + 1)
        for (index, target) in fit(.quadratic).targets.enumerated() {
            let point = Array(inputs[(2 * index)..<(2 * index + 2)])
            XCTAssertEqual(quadratic.predict(point, count: 1).mean[0], target, accuracy: 1e-3)
        }
        // The trend moves the mean, not the variance (its coefficients are fixed at their fit).
        XCTAssertEqual(
            quadratic.predict(corner, count: 1).variance[0],
            constant.predict(corner, count: 1).variance[0],
            accuracy: 1e-9
        )
    }

    /// The gradient with the trend matches finite differences, with and without rounded integers.
    func testTheGradientWithTheTrendMatchesFiniteDifferences() throws {
        let inputs = UnitSquareData.inputs
        let trend = try XCTUnwrap(
            GPTrend(
                inputs: inputs + inputs,
                width: 2,
                targets: UnitSquareData.targets + UnitSquareData.targets,
                coordinates: [0, 1]
            )
        )
        let hyperparameters = GPHyperparameters(lengthscales: [0.3, 0.5], signalVariance: 1.2, noiseVariance: 1e-4)
        let gp = try GaussianProcess(
            inputs: inputs,
            width: 2,
            targets: UnitSquareData.targets,
            hyperparameters: hyperparameters,
            trend: trend
        )
        for point in [[0.2, 0.7], [0.95, 0.05], [0.5, 0.5]] {
            assertPredictionGradientMatchesFiniteDifferences(gp, at: point, valueAccuracy: 1e-9)
        }
        var additive = hyperparameters
        additive.structure.additive = AdditiveTerms(groups: [0..<1, 1..<2], overlap: [false, false])
        let additiveGP = try GaussianProcess(
            inputs: inputs,
            width: 2,
            targets: UnitSquareData.targets,
            hyperparameters: additive,
            trend: trend
        )
        assertPredictionGradientMatchesFiniteDifferences(additiveGP, at: [0.3, 0.8], valueAccuracy: 1e-9)
    }

    /// On a mixed space the design is the same, the model's suggestions differ, and the state keeps the option.
    func testARunWithTheQuadraticMeanDiffersAfterTheDesign() throws {
        let space = try Space(priors: [
            "/x": "uniform(-5, 5)", "/k": "uniform(0, 10, discrete=True)", "/c": "choices(['a', 'b', 'c'])",
        ])
        func run(_ priorMean: String) throws -> (points: [[Double]], gp: GPBO) {
            let options = try GPBO.Options.decode(
                ["seed": 2, "trust_region": "v3", "prior_mean": .string(priorMean)],
                algorithm: "gp"
            )
            return try runSequentially(options, space: space, count: 24, maxTrials: 50) { parameters, _ in
                let x = parameters["/x"]?.doubleValue ?? 0
                let k = parameters["/k"]?.doubleValue ?? 0
                let offset = parameters["/c"]?.stringValue == "b" ? 0.0 : 1.0
                return (x - 1) * (x - 1) + 0.5 * (k - 3) * (k - 3) + offset
            }
        }
        let base = try run("mean")
        let quadratic = try run("quadratic")
        XCTAssertEqual(base.points.prefix(10), quadratic.points.prefix(10))
        XCTAssertNotEqual(base.points, quadratic.points)
        let (_, _, restored) = try stateRoundTrip(quadratic.gp)
        XCTAssertEqual(restored.options.priorMeanKind, .quadratic)
    }
}
