import Foundation
import XCTest

@testable import OrionAlgorithms

/// The parts added for HEBO-style BO: input warping, the acquisition portfolio and its Pareto front.
final class GPComponentsTests: XCTestCase {
    private let inputs = UnitSquareData.inputs
    private func targets() -> [Double] { UnitSquareData.targets }

    func testWarpingIsMonotoneInvertibleAndTheIdentityAtOne() {
        for (a, b) in [(1.0, 1.0), (0.3, 2.5), (4.0, 0.4), (0.25, 4.0)] {
            var previous = -1.0
            for step in 0...200 {
                let x = Double(step) / 200
                let y = InputWarping.cdf(x, a: a, b: b)
                XCTAssertGreaterThanOrEqual(y, previous, "a=\(a) b=\(b) x=\(x)")
                XCTAssertTrue((0...1).contains(y))
                previous = y
                if (0.01...0.99).contains(x) {
                    XCTAssertEqual(InputWarping.inverse(y, a: a, b: b), x, accuracy: 1e-6, "a=\(a) b=\(b)")
                    XCTAssertGreaterThan(InputWarping.density(x, a: a, b: b), 0)
                }
                if a == 1, b == 1, (0.01...0.99).contains(x) { XCTAssertEqual(y, x, accuracy: 1e-12) }
            }
        }
        // The density and the parameter derivatives are those of the CDF.
        let (x, a, b, h) = (0.37, 0.6, 1.8, 1e-6)
        let numeric = (InputWarping.cdf(x + h, a: a, b: b) - InputWarping.cdf(x - h, a: a, b: b)) / (2 * h)
        XCTAssertEqual(InputWarping.density(x, a: a, b: b), numeric, accuracy: 1e-6)
        let (dA, dB) = InputWarping.logParameterDerivatives(x, a: a, b: b)
        let numericA = (InputWarping.cdf(x, a: a * exp(h), b: b) - InputWarping.cdf(x, a: a * exp(-h), b: b)) / (2 * h)
        let numericB = (InputWarping.cdf(x, a: a, b: b * exp(h)) - InputWarping.cdf(x, a: a, b: b * exp(-h))) / (2 * h)
        XCTAssertEqual(dA, numericA, accuracy: 1e-6)
        XCTAssertEqual(dB, numericB, accuracy: 1e-6)
    }

    func testWarpedNegativeLogPosteriorGradientMatchesFiniteDifferences() {
        let prior = GPPrior(width: 2, warped: [0, 1])
        let theta = [log(0.3), log(0.7), log(1.2), log(0.01), log(0.7), log(1.6), log(2.0), log(0.5)]
        func value(_ theta: [Double]) -> (Double, [Double]) {
            GaussianProcess.negativeLogPosterior(theta, inputs: inputs, width: 2, targets: targets(), prior: prior)
        }
        let (_, gradient) = value(theta)
        for p in 0..<theta.count {
            var up = theta
            var down = theta
            up[p] += 1e-6
            down[p] -= 1e-6
            let numeric = (value(up).0 - value(down).0) / 2e-6
            XCTAssertEqual(gradient[p], numeric, accuracy: 1e-4 * max(1, abs(gradient[p])), "θ[\(p)]")
        }
    }

    func testWarpedPredictionGradientMatchesFiniteDifferences() throws {
        var hyper = GPHyperparameters(lengthscales: [0.4, 0.6], signalVariance: 1.3, noiseVariance: 1e-3)
        hyper.warping = InputWarping(coordinates: [1], a: [0.5], b: [2.2])
        let gp = try GaussianProcess(inputs: inputs, width: 2, targets: targets(), hyperparameters: hyper)
        let point = [0.37, 0.61]
        assertPredictionGradientMatchesFiniteDifferences(gp, at: point, valueAccuracy: 1e-10)
    }

    func testEveryAcquisitionGradientMatchesFiniteDifferences() throws {
        let hyper = GPHyperparameters(lengthscales: [0.4, 0.6], signalVariance: 1.3, noiseVariance: 1e-3)
        let gp = try GaussianProcess(inputs: inputs, width: 2, targets: targets(), hyperparameters: hyper)
        let model = AcquisitionModel(
            process: gp,
            best: targets().min() ?? 0,
            bestInputs: [],
            functions: Acquisition.allCases,
            kappa: 2.5
        )
        let point = [0.37, 0.61]
        for function in Acquisition.allCases {
            let (value, gradient) = model.scoreWithGradient(function, point)
            XCTAssertEqual(value, model.scores([point])[function.rawValue][0], accuracy: 1e-9, "\(function)")
            for c in 0..<2 {
                var up = point
                var down = point
                up[c] += 1e-6
                down[c] -= 1e-6
                let numeric =
                    (model.scoreWithGradient(function, up).0 - model.scoreWithGradient(function, down).0) / 2e-6
                XCTAssertEqual(gradient[c], numeric, accuracy: 1e-4 * max(1, abs(numeric)), "\(function) x[\(c)]")
            }
        }
    }

    func testParetoFrontKeepsExactlyTheNonDominatedPoints() {
        // Columns are points; rows are the three scores (higher is better).
        let scores: [[Double]] = [
            [5, 4, 3, 5, 1, 2, -.infinity],
            [1, 3, 3, 1, 5, 2, 9],
            [2, 2, 3, 2, 0, 1, 9],
        ]
        // 0 and 3 are equal (one kept), 5 is dominated by 2, 6 has a non-finite score.
        XCTAssertEqual(AcquisitionModel.paretoFront(scores), [0, 1, 2, 4])
        // With one score the front is the maximizer.
        XCTAssertEqual(AcquisitionModel.paretoFront([[0.5, 2, 1]]), [1])
        // Brute force on random scores: no front point is dominated, every other point is.
        var generator = SplitMixGenerator(seed: 3)
        let random = (0..<3).map { _ in (0..<60).map { _ in Double(Int.random(in: 0..<8, using: &generator)) } }
        let front = Set(AcquisitionModel.paretoFront(random))
        func dominates(_ q: Int, _ p: Int) -> Bool {
            random.allSatisfy { $0[q] >= $0[p] } && random.contains { $0[q] > $0[p] }
        }
        for p in 0..<60 {
            let dominated = (0..<60).contains { dominates($0, p) }
            if front.contains(p) {
                XCTAssertFalse(dominated, "front point \(p) is dominated")
            } else {
                // Left out: dominated, or equal to a front point.
                let duplicate = front.contains { q in random.allSatisfy { $0[q] == $0[p] } }
                XCTAssertTrue(dominated || duplicate, "point \(p) left out")
            }
        }
    }

    func testScheduledKappaGrowsWithTrialsAndDimensions() {
        let small = AcquisitionModel.scheduledKappa(observations: 10, dimensions: 2)
        XCTAssertLessThan(small, AcquisitionModel.scheduledKappa(observations: 100, dimensions: 2))
        XCTAssertLessThan(small, AcquisitionModel.scheduledKappa(observations: 10, dimensions: 6))
        XCTAssertGreaterThan(small, 1)
    }
}
