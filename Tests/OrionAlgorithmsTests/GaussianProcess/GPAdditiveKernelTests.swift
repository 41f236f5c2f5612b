import Foundation
import OrionCore
import OrionNumerics
import OrionTesting
import XCTest

@testable import OrionAlgorithms

/// The additive kernel (`gp`'s option `additive`): its terms, values, gradients, and what its fitted weight says of
/// additive and product-like functions.
final class GPAdditiveKernelTests: XCTestCase {
    /// The mixed space (``MixedSpaceData``), categories one-hot.
    private var transform: SpaceTransform { MixedSpaceData.transform }

    /// The structures the gradients are checked on: mixed with the overlap kernel, mixed without it (the one-hot
    /// coordinates under the Matérn, one term), each with weight `a`.
    private func structures(weight: Double) -> [KernelStructure] {
        var overlap = KernelStructure(transform, categories: true, integers: true, additive: true)
        overlap.additive?.weight = weight
        var plain = KernelStructure(
            transform,
            categories: false,
            integers: false,
            smoothness: .threeHalves,
            additive: true
        )
        plain.additive?.weight = weight
        return [overlap, plain]
    }

    func testOneTermPerDimensionElement() {
        let overlap = KernelStructure(transform, categories: true, integers: true, additive: true)
        XCTAssertEqual(overlap.additive?.terms, [0, 1, 2, 2, 2, 3])
        XCTAssertEqual(overlap.additive?.overlap, [false, false, true, false])
        let plain = KernelStructure(transform, categories: false, integers: false, additive: true)
        XCTAssertEqual(plain.additive?.overlap, [false, false, false, false])
        XCTAssertNil(KernelStructure(transform, categories: true, integers: true).additive)
    }

    func testKernelIsTheWeightedProductPlusTheMeanOfTheTerms() {
        var hyper = GPHyperparameters(
            lengthscales: [0.4, 0.6, 0.8, 1.5, 0.5, 0.3],
            signalVariance: 1.3,
            noiseVariance: 1e-3
        )
        hyper.structure = structures(weight: 0.3)[0]
        let inverse = hyper.lengthscales.map { 1 / ($0 * $0) }
        // Reals differ, categories q vs p, integers differ.
        let x = [0.1, 0.7, 0, 1, 0, 0.5, 0.4, 0.2, 1, 0, 0, 0.95]
        let matrix = GaussianProcess.kernelMatrix(x, count: 2, width: 6, inverse, hyper)
        func matern(_ squared: Double) -> Double {
            let r = 5.0.squareRoot() * squared.squareRoot()
            return (1 + r + r * r / 3) * exp(-r)
        }
        let d = (0..<6).map { x[$0] - x[6 + $0] }
        let q = (0..<6).map { d[$0] * d[$0] * inverse[$0] }
        let product = matern(q[0] + q[1] + q[5]) * exp(-0.5 * (q[2] + q[3] + q[4]))
        let terms = matern(q[0]) + matern(q[1]) + exp(-0.5 * (q[2] + q[3] + q[4])) + matern(q[5])
        XCTAssertEqual(matrix[1], 1.3 * (0.7 * product + 0.3 * terms / 4), accuracy: 1e-12)
        XCTAssertEqual(matrix[2], matrix[1])
        XCTAssertEqual(matrix[0], 1.3)
        // The cross-covariance of the same points is the same kernel.
        var cross = [Double](repeating: 0, count: 4)
        GaussianProcess.crossCovariance(
            x,
            count: 2,
            x,
            count: 2,
            width: 6,
            inverse,
            variance: 1.3,
            structure: hyper.structure,
            into: &cross
        )
        XCTAssertEqual(cross[1], matrix[1], accuracy: 1e-14)
        XCTAssertEqual(cross[0], 1.3, accuracy: 1e-14)
    }

    func testKernelMatrixIsPositiveDefiniteOnRelaxedPoints() throws {
        var generator = SeededGenerator(seed: 5)
        let count = 40
        let points = (0..<(count * 6)).map { _ in Double.random(in: 0..<1, using: &generator) }
        for weight in [0.01, 0.5, 0.99] {
            for structure in structures(weight: weight) {
                var hyper = GPHyperparameters(
                    lengthscales: [0.4, 0.6, 0.8, 1.5, 0.5, 0.3],
                    signalVariance: 1.3,
                    noiseVariance: 1e-3
                )
                hyper.structure = structure
                let inverse = hyper.lengthscales.map { 1 / ($0 * $0) }
                let matrix = GaussianProcess.kernelMatrix(points, count: count, width: 6, inverse, hyper)
                let rows = (0..<count).map { Array(matrix[($0 * count)..<(($0 + 1) * count)]) }
                XCTAssertGreaterThan(try XCTUnwrap(SymmetricEigen(rows)).values.min() ?? -1, 1e-9)
            }
        }
    }

    func testNegativeLogPosteriorGradientMatchesFiniteDifferences() {
        let (inputs, targets) = MixedSpaceData.data()
        // Mixed (width 6) with and without warping, then the reals alone (width 2) and one real (width 1).
        let reals = stride(from: 0, to: inputs.count, by: 6).flatMap { inputs[$0..<($0 + 2)] }
        let one = stride(from: 0, to: inputs.count, by: 6).map { inputs[$0] }
        var cases: [(inputs: [Double], width: Int, warped: [Int], structure: KernelStructure)] = []
        for weight in [0.2, 0.7] {
            for structure in structures(weight: weight) {
                cases.append((inputs, 6, [], structure))
                cases.append((inputs, 6, [0, 1], structure))
            }
            for (values, width) in [(reals, 2), (one, 1)] {
                var structure = KernelStructure(smoothness: weight < 0.5 ? .fiveHalves : .threeHalves)
                structure.additive = AdditiveTerms(
                    terms: Array(0..<width),
                    overlap: Array(repeating: false, count: width)
                )
                cases.append((values, width, [0], structure))
            }
        }
        for (index, item) in cases.enumerated() {
            let prior = GPPrior(width: item.width, warped: item.warped, additive: true)
            let w = item.width
            var theta = (0..<w).map { log(0.3 + 0.2 * Double($0)) } + [log(1.2), log(0.01)]
            theta += Array([log(0.7), log(1.6), log(2.0), log(0.5)].prefix(2 * item.warped.count))
            theta.append(AdditiveTerms.logit(item.structure.additive?.weight ?? 0.5))
            XCTAssertEqual(theta.count, prior.center.count)
            func value(_ theta: [Double]) -> (Double, [Double]) {
                GaussianProcess.negativeLogPosterior(
                    theta,
                    inputs: item.inputs,
                    width: w,
                    targets: targets,
                    prior: prior,
                    structure: item.structure
                )
            }
            let (base, gradient) = value(theta)
            XCTAssertTrue(base.isFinite)
            for p in 0..<theta.count {
                var up = theta
                var down = theta
                up[p] += 1e-6
                down[p] -= 1e-6
                let numeric = (value(up).0 - value(down).0) / 2e-6
                XCTAssertEqual(gradient[p], numeric, accuracy: 1e-4 * max(1, abs(gradient[p])), "case \(index) θ[\(p)]")
            }
        }
    }

    func testPredictionAndAcquisitionGradientsMatchFiniteDifferences() throws {
        let (inputs, targets) = MixedSpaceData.data()
        // A relaxed point: fractional one-hot coordinates, the integer inside a cell.
        let point = [0.37, 0.61, 0.2, 0.7, 0.1, 0.33]
        for structure in structures(weight: 0.6) {
            for warped in [false, true] {
                var hyper = GPHyperparameters(
                    lengthscales: [0.4, 0.6, 0.8, 1.5, 0.5, 0.3],
                    signalVariance: 1.3,
                    noiseVariance: 1e-3
                )
                hyper.structure = structure
                if warped { hyper.warping = InputWarping(coordinates: [1, 5], a: [0.5, 1.4], b: [2.2, 0.8]) }
                let gp = try GaussianProcess(inputs: inputs, width: 6, targets: targets, hyperparameters: hyper)
                assertPredictionGradientMatchesFiniteDifferences(gp, at: point, valueAccuracy: 1e-10)
                let model = AcquisitionModel(
                    process: gp,
                    best: targets.min() ?? 0,
                    bestInputs: [],
                    functions: Acquisition.allCases,
                    kappa: 2.5
                )
                assertAcquisitionGradientsMatchFiniteDifferences(model, at: point)
            }
        }
    }

    /// The fit of `function` at `count` seeded uniform points of the unit cube of `width` coordinates, with and
    /// without the additive part, and their posterior means at `query` (in the units of the outputs' transform).
    private func fits(
        width: Int,
        count: Int = 40,
        query: [Double],
        _ function: ([Double]) -> Double
    ) -> (weight: Double, additiveMean: Double, productMean: Double, transformedValue: Double) {
        var generator = SeededGenerator(seed: 3)
        let inputs = (0..<(count * width)).map { _ in Double.random(in: 0..<1, using: &generator) }
        let values = (0..<count).map { function(Array(inputs[($0 * width)..<($0 * width + width)])) }
        var additive = KernelStructure()
        additive.additive = AdditiveTerms(terms: Array(0..<width), overlap: Array(repeating: false, count: width))
        let withTerms = GPFit(
            inputs: inputs,
            width: width,
            values: values,
            structure: additive,
            starts: [],
            maxIterations: 100
        )
        let plain = GPFit(inputs: inputs, width: width, values: values, starts: [], maxIterations: 100)
        let output = OutputTransform(fitting: values)
        return (
            withTerms.hyperparameters.structure.additive?.weight ?? -1,
            withTerms.process?.predict(query, count: 1).mean[0] ?? .nan,
            plain.process?.predict(query, count: 1).mean[0] ?? .nan,
            output(function(query))
        )
    }

    func testAdditiveFunctionGetsALargeWeightAndPredictsAnUnseenCombinationOfGoodCoordinates() {
        // A sum of one bump per coordinate, each best at 0.8: no trial is near 0.8 in all four at once.
        let bump = { (x: [Double]) in -x.map { exp(-pow($0 - 0.8, 2) / 0.02) }.reduce(0, +) }
        let optimum = [0.8, 0.8, 0.8, 0.8]
        let fit = fits(width: 4, query: optimum, bump)
        XCTAssertGreaterThan(fit.weight, 0.7)
        // Lower is better: the additive model predicts the optimum lower, and nearer its true (transformed) value.
        XCTAssertLessThan(fit.additiveMean, fit.productMean)
        XCTAssertLessThan(abs(fit.additiveMean - fit.transformedValue), abs(fit.productMean - fit.transformedValue))
    }

    func testProductLikeFunctionGetsASmallWeightThatShrinksWithTheData() {
        // A narrow two-dimensional bump in a corner: a product of the coordinates' bumps, not a sum. With 40 trials
        // (9 in the bump) the evidence is weak and the prior keeps the weight near 0.3; with 80 it falls below 0.2.
        let corner = { (x: [Double]) in -exp(-(pow(x[0] - 0.75, 2) + pow(x[1] - 0.75, 2)) / 0.02) }
        let few = fits(width: 2, query: [0.75, 0.75], corner)
        let many = fits(width: 2, count: 80, query: [0.75, 0.75], corner)
        XCTAssertLessThan(few.weight, 0.4)
        XCTAssertLessThan(many.weight, 0.2)
        XCTAssertLessThan(many.weight, few.weight)
    }
}
