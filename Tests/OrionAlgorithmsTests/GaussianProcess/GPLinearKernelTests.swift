import Foundation
import OrionCore
import OrionNumerics
import OrionTesting
import XCTest

@testable import OrionAlgorithms

/// The linear part of the kernel (`gp`'s option `linear_kernel`): which coordinates it covers, its values, the
/// gradients of the marginal likelihood and of the posterior with it, and what it does for a trend.
final class GPLinearKernelTests: XCTestCase {
    /// The mixed space (``MixedSpaceData``), categories one-hot.
    private var transform: SpaceTransform { MixedSpaceData.transform }

    /// The structures checked, each with the linear part: product with the overlap kernel and rounded integers,
    /// product without them (Matérn-3/2), and additive.
    private func structures() -> [KernelStructure] {
        var additive = KernelStructure(transform, categories: true, integers: true, additive: true, linear: true)
        additive.additive?.weight = 0.4
        return [
            KernelStructure(transform, categories: true, integers: true, linear: true),
            KernelStructure(transform, categories: false, integers: false, smoothness: .threeHalves, linear: true),
            additive,
        ]
    }

    private func hyperparameters(_ structure: KernelStructure, warped: Bool) -> GPHyperparameters {
        var hyper = GPHyperparameters(
            lengthscales: [0.4, 0.6, 0.8, 1.5, 0.5, 0.3],
            signalVariance: 1.3,
            noiseVariance: 1e-3
        )
        hyper.structure = structure
        hyper.linearVariance = 0.7
        if warped { hyper.warping = InputWarping(coordinates: [1, 5], a: [0.5, 1.4], b: [2.2, 0.8]) }
        return hyper
    }

    func testTheLinearPartCoversTheNumericCoordinatesOnly() {
        let structure = KernelStructure(transform, categories: true, integers: true, linear: true)
        XCTAssertEqual(structure.linear?.included, [true, true, false, false, false, true])
        XCTAssertNil(KernelStructure(transform, categories: true, integers: true).linear)
        let categories = SpaceTransform(try! Space(priors: ["/c": "choices(['p', 'q'])"]), categoricalEncoding: .oneHot)
        XCTAssertNil(KernelStructure(categories, categories: true, integers: true, linear: true).linear, "no numeric")
        XCTAssertEqual(structure.linear?.features([0.2, 0.9, 1, 0, 0, 0.5], width: 6), [-0.3, 0.4, 0, 0, 0, 0])
    }

    /// The covariances are the kernel without the part plus `v u · u'`, and the log vector ends with `log v`.
    func testTheKernelIsTheOtherPartPlusTheDotProduct() throws {
        let (inputs, targets) = MixedSpaceData.data()
        let n = targets.count
        for structure in structures() {
            let hyper = hyperparameters(structure, warped: true)
            XCTAssertEqual(hyper.logVector.last ?? 0, log(0.7), accuracy: 1e-15)
            let decoded = GPHyperparameters(logVector: hyper.logVector, width: 6, warped: [1, 5], structure: structure)
            XCTAssertEqual(decoded.linearVariance ?? 0, 0.7, accuracy: 1e-12)
            let gp = try GaussianProcess(inputs: inputs, width: 6, targets: targets, hyperparameters: hyper)
            var plain = hyper
            plain.structure.linear = nil
            let other = try GaussianProcess(inputs: inputs, width: 6, targets: targets, hyperparameters: plain)
            let points = [0.1, 0.95, 0, 1, 0, 0.3, 0.8, 0.05, 1, 0, 0, 0.7]
            let cross = gp.crossCovariance(points, count: 2)
            let base = other.crossCovariance(points, count: 2)
            let rounded = structure.roundingQueries(inputs, width: 6)
            let queries = structure.roundingQueries(points, width: 6)
            for i in 0..<n {
                for j in 0..<2 {
                    var dot = 0.0
                    for c in [0, 1, 5] { dot += (rounded[i * 6 + c] - 0.5) * (queries[j * 6 + c] - 0.5) }
                    XCTAssertEqual(cross[i * 2 + j], base[i * 2 + j] + 0.7 * dot, accuracy: 1e-12)
                }
            }
            // Far from every trial the prior variance is s² + v |u|².
            let prior = gp.priorVariance(points, count: 2)
            var squared = 0.0
            for c in [0, 1, 5] { squared += (queries[c] - 0.5) * (queries[c] - 0.5) }
            XCTAssertEqual(prior[0], 1.3 + 0.7 * squared, accuracy: 1e-12)
        }
    }

    func testNegativeLogPosteriorGradientMatchesFiniteDifferences() {
        let (inputs, targets) = MixedSpaceData.data()
        for (index, structure) in structures().enumerated() {
            for warped in [[], [0, 5]] as [[Int]] {
                let additive = structure.additive != nil
                let prior = GPPrior(width: 6, warped: warped, additive: additive, linear: true)
                var theta = (0..<6).map { log(0.3 + 0.2 * Double($0)) } + [log(1.2), log(0.01)]
                theta += Array([log(0.7), log(1.6), log(2.0), log(0.5)].prefix(2 * warped.count))
                if additive { theta.append(AdditiveTerms.logit(0.4)) }
                theta.append(log(0.6))
                XCTAssertEqual(theta.count, prior.center.count)
                XCTAssertEqual(prior.linearIndex, theta.count - 1)
                assertGradientMatchesFiniteDifferences(
                    { theta in
                        GaussianProcess.negativeLogPosterior(
                            theta,
                            inputs: inputs,
                            width: 6,
                            targets: targets,
                            prior: prior,
                            structure: structure
                        )
                    },
                    at: theta,
                    "structure \(index), warped \(warped)"
                )
            }
        }
    }

    func testPredictionAndAcquisitionGradientsMatchFiniteDifferences() throws {
        let (inputs, targets) = MixedSpaceData.data()
        // A relaxed point: fractional one-hot coordinates, the integer inside a cell.
        let point = [0.37, 0.61, 0.2, 0.7, 0.1, 0.33]
        for structure in structures() {
            for warped in [false, true] {
                let hyper = hyperparameters(structure, warped: warped)
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

    /// On a plane sampled in one corner of the square, the fitted linear part carries the trend to the far corner
    /// (the Matérn alone falls back towards the mean there), and its variance is fitted larger than on a function
    /// with no trend.
    func testTheFittedPartCarriesATrendAwayFromTheTrials() {
        var generator = SeededGenerator(seed: 7)
        let count = 14
        let inputs = (0..<(2 * count)).map { _ in Double.random(in: 0..<0.5, using: &generator) }
        let plane: [Double] = (0..<count).map { (i: Int) -> Double in 3 * inputs[2 * i] - 2 * inputs[2 * i + 1] }
        let bumps: [Double] = (0..<count).map { (i: Int) -> Double in
            sin(25 * inputs[2 * i]) * cos(25 * inputs[2 * i + 1])
        }
        let square = SpaceTransform(
            try! Space(priors: ["/x": "uniform(0, 1)", "/y": "uniform(0, 1)"]),
            categoricalEncoding: .oneHot
        )
        let linear = KernelStructure(square, categories: false, integers: false, linear: true)
        func fit(_ values: [Double], _ structure: KernelStructure) -> GPFit {
            GPFit(
                inputs: inputs,
                width: 2,
                values: values,
                structure: structure,
                starts: [],
                maxIterations: 200
            )
        }
        let withPart = fit(plane, linear)
        let without = fit(plane, .numeric)
        let corner = [0.95, 0.05]
        // In the targets' units (transformed, less their mean): the truth at the corner, and the two posterior means.
        let scale = OutputTransform(fitting: plane)
        let transformed: [Double] = plane.map { scale($0) }
        let truth: Double = scale(2.75) - transformed.reduce(0, +) / Double(count)
        let linearMean: Double = withPart.process?.predict(corner, count: 1).mean[0] ?? .nan
        let plainMean: Double = without.process?.predict(corner, count: 1).mean[0] ?? .nan
        let linearError: Double = abs(linearMean - truth)
        let plainError: Double = abs(plainMean - truth)
        XCTAssertLessThan(linearError, 0.8 * plainError, "\(linearMean) \(plainMean) \(truth)")
        let trendVariance = withPart.hyperparameters.linearVariance ?? 0
        let bumpsVariance = fit(bumps, linear).hyperparameters.linearVariance ?? .infinity
        XCTAssertGreaterThan(trendVariance, 10 * bumpsVariance, "\(trendVariance) vs \(bumpsVariance)")
    }
}
