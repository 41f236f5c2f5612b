import Foundation
import XCTest

@testable import OrionAlgorithms

final class GaussianProcessTests: XCTestCase {
    /// Eight points in the unit square and a smooth function of them.
    private let inputs = UnitSquareData.inputs
    private func targets() -> [Double] { UnitSquareData.targets }

    private func process(noise: Double = 1e-8) throws -> GaussianProcess {
        let hyper = GPHyperparameters(lengthscales: [0.4, 0.6], signalVariance: 1.3, noiseVariance: noise)
        return try GaussianProcess(inputs: inputs, width: 2, targets: targets(), hyperparameters: hyper)
    }

    func testPosteriorInterpolatesNoiselessTrainingPoints() throws {
        let gp = try process()
        let (mean, variance) = gp.predict(inputs, count: 8)
        for i in 0..<8 {
            XCTAssertEqual(mean[i], targets()[i], accuracy: 1e-5)
            XCTAssertLessThan(variance[i], 1e-5)
        }
        // Far from the data the posterior reverts to the prior.
        let far = gp.predict([5, 5], count: 1)
        XCTAssertEqual(far.mean[0], 0, accuracy: 1e-6)
        XCTAssertEqual(far.variance[0], 1.3, accuracy: 1e-6)
    }

    func testPredictWithGradientMatchesBatchPredictionAndFiniteDifferences() throws {
        let gp = try process(noise: 1e-3)
        let point = [0.37, 0.61]
        assertPredictionGradientMatchesFiniteDifferences(gp, at: point)
    }

    func testNegativeLogPosteriorGradientMatchesFiniteDifferences() {
        let prior = GPPrior(width: 2)
        let theta = [log(0.3), log(0.7), log(1.2), log(0.01)]
        let (_, gradient) = GaussianProcess.negativeLogPosterior(
            theta,
            inputs: inputs,
            width: 2,
            targets: targets(),
            prior: prior
        )
        for p in 0..<theta.count {
            var up = theta
            var down = theta
            up[p] += 1e-6
            down[p] -= 1e-6
            let plus = GaussianProcess.negativeLogPosterior(
                up,
                inputs: inputs,
                width: 2,
                targets: targets(),
                prior: prior
            )
            let minus = GaussianProcess.negativeLogPosterior(
                down,
                inputs: inputs,
                width: 2,
                targets: targets(),
                prior: prior
            )
            XCTAssertEqual(gradient[p], (plus.0 - minus.0) / 2e-6, accuracy: 1e-4 * max(1, abs(gradient[p])), "θ[\(p)]")
        }
    }

    func testFitFindsShortLengthscalesForARoughDirectionAndLongOnesForAFlatOne() {
        // y varies fast along x₀ and not at all along x₁.
        var generator = SplitMixGenerator(seed: 5)
        let points = (0..<40).map { _ in
            [Double.random(in: 0...1, using: &generator), Double.random(in: 0...1, using: &generator)]
        }
        let values = points.map { sin(12 * $0[0]) }
        let hyper = GaussianProcess.fitHyperparameters(
            inputs: points.flatMap { $0 },
            width: 2,
            targets: values,
            starts: [],
            maxIterations: 100
        )
        XCTAssertLessThan(hyper.lengthscales[0], 0.5)
        XCTAssertGreaterThan(hyper.lengthscales[1], 3 * hyper.lengthscales[0])
        XCTAssertLessThan(hyper.noiseVariance, 1e-2)
    }

    func testOutputTransformIsIncreasingAndTamesAHeavyTail() {
        let values = [0.1, 0.5, 1, 2, 3, 5, 8, 30, 400, 9000]
        let transform = OutputTransform(fitting: values)
        let targets = values.map { transform($0) }
        XCTAssertEqual(targets, targets.sorted())
        XCTAssertLessThan(transform.lambda, 0.5)
        // The outlier no longer dwarfs the rest: it sits within a few standard deviations.
        XCTAssertLessThan(targets.last ?? 0, 3.5)
        XCTAssertEqual(targets.reduce(0, +) / 10, 0, accuracy: 1e-9)
        let flat = OutputTransform(fitting: [2, 2, 2, 2])
        XCTAssertEqual(flat(2), 0)
    }
}

/// A small seeded generator for tests (SplitMix64).
struct SplitMixGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
