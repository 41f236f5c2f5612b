import Foundation
import OrionCore
import OrionNumerics
import OrionTesting
import XCTest

@testable import OrionAlgorithms

/// The kernel on categorical and integer coordinates: values, positive definiteness, gradients, and a search on a
/// mixed space.
final class MixedKernelTests: XCTestCase {
    /// The mixed space (``MixedSpaceData``), categories one-hot.
    private var transform: SpaceTransform { MixedSpaceData.transform }
    private var structure: KernelStructure { KernelStructure(transform, categories: true, integers: true) }
    private let hyper = GPHyperparameters(
        lengthscales: [0.4, 0.6, 0.8, 1.5, 0.5, 0.3],
        signalVariance: 1.3,
        noiseVariance: 1e-3
    )

    func testStructureFollowsTheTransform() {
        XCTAssertEqual(transform.width, 6)
        XCTAssertEqual(structure.categorical, [false, false, true, true, true, false])
        XCTAssertEqual(structure.rounded, [.init(coordinate: 5, levels: 11)])
        XCTAssertTrue(KernelStructure(transform, categories: false, integers: false).isNumeric)
        let reals = SpaceTransform(try! Space(priors: ["/x": "uniform(0, 1)"]), categoricalEncoding: .oneHot)
        XCTAssertTrue(KernelStructure(reals, categories: true, integers: true).isNumeric)
    }

    func testKernelMatrixAndSlopesIsTheKernelMatrixToTheBitWithEachPairsValueAndSlope() {
        // The one-pass kernel of the marginal likelihood must give the same matrix as `kernelMatrix` (an identity,
        // not a tolerance: `gp`'s suggestions depend on it) and, per pair, the Matérn value and slope and the
        // overlap factor that the gradient used to recompute; on the mixed structure and on the plain Matérn-3/2.
        let (inputs, _) = MixedSpaceData.data()
        let n = inputs.count / 6
        let inverse = hyper.lengthscales.map { 1 / ($0 * $0) }
        var mixed = hyper
        mixed.structure = structure
        var rough = hyper
        rough.structure = KernelStructure(smoothness: .threeHalves)
        for hyperparameters in [mixed, rough] {
            let kernel = hyperparameters.structure
            let pairs = GaussianProcess.kernelMatrixAndSlopes(inputs, count: n, width: 6, inverse, hyperparameters)
            let plain = GaussianProcess.kernelMatrix(inputs, count: n, width: 6, inverse, hyperparameters)
            XCTAssertEqual(pairs.matrix.map(\.bitPattern), plain.map(\.bitPattern))
            XCTAssertEqual(pairs.factors.isEmpty, kernel.categorical.isEmpty)
            for i in 0..<n {
                for j in 0..<i {
                    var numeric = 0.0
                    var overlap = 0.0
                    for c in 0..<6 {
                        let term = (inputs[i * 6 + c] - inputs[j * 6 + c]) * (inputs[i * 6 + c] - inputs[j * 6 + c])
                        if kernel.isCategorical(c) {
                            overlap += term * inverse[c]
                        } else {
                            numeric += term * inverse[c]
                        }
                    }
                    let (value, slope) = kernel.smoothness.valueAndSlope(squaredDistance: numeric)
                    XCTAssertEqual(pairs.values[i * n + j], value, accuracy: 1e-14)
                    XCTAssertEqual(pairs.slopes[i * n + j], slope, accuracy: 1e-14)
                    if !pairs.factors.isEmpty {
                        XCTAssertEqual(pairs.factors[i * n + j], exp(-0.5 * overlap), accuracy: 1e-14)
                    }
                }
            }
        }
    }

    func testCrossCovarianceIsThePairByPairKernelToTheBit() {
        // The cross-covariances sum each pair's distances along transposed rows; every entry must still be the
        // pair-by-pair kernel (an identity: `gp`'s suggestions depend on it), with and without categories, on relaxed
        // (fractional one-hot) points, for a count of points that is not a multiple of the vector width.
        let (inputs, _) = MixedSpaceData.data()
        let n = inputs.count / 6
        var generator = SeededGenerator(seed: 21)
        let m = 37
        let points = (0..<(m * 6)).map { _ in Double.random(in: 0..<1, using: &generator) }
        let inverse = hyper.lengthscales.map { 1 / ($0 * $0) }
        for kernel in [structure, KernelStructure(smoothness: .threeHalves), KernelStructure.numeric] {
            var result = [Double](repeating: 0, count: n * m)
            GaussianProcess.crossCovariance(
                inputs,
                count: n,
                points,
                count: m,
                width: 6,
                inverse,
                variance: 1.3,
                structure: kernel,
                into: &result
            )
            var expected = [Double](repeating: 0, count: n * m)
            inputs.withUnsafeBufferPointer { x in
                points.withUnsafeBufferPointer { p in
                    for i in 0..<n {
                        for j in 0..<m {
                            let (squared, overlap) = kernel.squaredDistances(x, i, p, j, width: 6, inverse)
                            expected[i * m + j] =
                                1.3 * kernel.smoothness.value(squaredDistance: squared)
                                * KernelStructure.overlap(overlap)
                        }
                    }
                }
            }
            XCTAssertEqual(result.map(\.bitPattern), expected.map(\.bitPattern), "\(kernel)")
        }
    }

    func testKernelIsMaternTimesExponentiatedOverlap() {
        var mixed = hyper
        mixed.structure = structure
        let x = [0.1, 0.7, 0, 1, 0, 0.5, 0.4, 0.2, 1, 0, 0, 0.95]
        let inverse = hyper.lengthscales.map { 1 / ($0 * $0) }
        let matrix = GaussianProcess.kernelMatrix(x, count: 2, width: 6, inverse, mixed)
        var numeric = 0.0
        for c in [0, 1, 5] { numeric += pow(x[c] - x[6 + c], 2) * inverse[c] }
        // Categories q and p differ: ½(1/ℓ_p² + 1/ℓ_q²).
        let overlap = 0.5 * (inverse[2] + inverse[3])
        XCTAssertEqual(
            matrix[1],
            1.3 * GaussianProcess.matern(squaredDistance: numeric) * exp(-overlap),
            accuracy: 1e-12
        )
        XCTAssertEqual(matrix[0], 1.3)
        // The same category: the overlap factor is 1, the Matérn alone.
        var same = x
        for c in 8..<11 { same[c] = x[c - 6] }
        let sameMatrix = GaussianProcess.kernelMatrix(same, count: 2, width: 6, inverse, mixed)
        XCTAssertEqual(sameMatrix[1], 1.3 * GaussianProcess.matern(squaredDistance: numeric), accuracy: 1e-12)
        // The plain structure is the Matérn of every coordinate, bit for bit as before.
        var all = 0.0
        for c in 0..<6 { all += pow(x[c] - x[6 + c], 2) * inverse[c] }
        XCTAssertEqual(
            GaussianProcess.kernelMatrix(x, count: 2, width: 6, inverse, hyper)[1],
            1.3 * GaussianProcess.matern(squaredDistance: all)
        )
    }

    func testKernelMatrixIsPositiveDefiniteOnSnappedAndRelaxedPoints() throws {
        var mixed = hyper
        mixed.structure = structure
        var generator = SeededGenerator(seed: 5)
        let count = 40
        // Relaxed points (fractional one-hot coordinates) as the acquisition sees them, and snapped ones.
        var points: [Double] = []
        for index in 0..<count {
            let raw = (0..<6).map { _ in Double.random(in: 0..<1, using: &generator) }
            points += index % 2 == 0 ? raw : transform.snap(raw)
        }
        let inverse = hyper.lengthscales.map { 1 / ($0 * $0) }
        let matrix = GaussianProcess.kernelMatrix(points, count: count, width: 6, inverse, mixed)
        let rows = (0..<count).map { Array(matrix[($0 * count)..<(($0 + 1) * count)]) }
        let eigen = try XCTUnwrap(SymmetricEigen(rows))
        XCTAssertGreaterThan(eigen.values.min() ?? -1, 1e-9)
        // Without the overlap kernel the same structure is positive definite too (the plain Matérn).
        let plain = GaussianProcess.kernelMatrix(points, count: count, width: 6, inverse, hyper)
        let plainRows = (0..<count).map { Array(plain[($0 * count)..<(($0 + 1) * count)]) }
        XCTAssertGreaterThan(try XCTUnwrap(SymmetricEigen(plainRows)).values.min() ?? -1, 1e-9)
    }

    func testNegativeLogPosteriorGradientMatchesFiniteDifferences() {
        let (inputs, targets) = MixedSpaceData.data()
        let prior = GPPrior(width: 6, warped: [0, 1])
        let theta =
            [log(0.3), log(0.7), log(0.9), log(0.4), log(2.0), log(0.5), log(1.2), log(0.01)]
            + [log(0.7), log(1.6), log(2.0), log(0.5)]
        func value(_ theta: [Double]) -> (Double, [Double]) {
            GaussianProcess.negativeLogPosterior(
                theta,
                inputs: inputs,
                width: 6,
                targets: targets,
                prior: prior,
                structure: structure
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
            XCTAssertEqual(gradient[p], numeric, accuracy: 1e-4 * max(1, abs(gradient[p])), "θ[\(p)]")
        }
    }

    func testPredictionGradientMatchesFiniteDifferencesAndIsFlatWithinAnIntegerCell() throws {
        let (inputs, targets) = MixedSpaceData.data()
        var mixed = hyper
        mixed.structure = structure
        let gp = try GaussianProcess(inputs: inputs, width: 6, targets: targets, hyperparameters: mixed)
        // A relaxed point: fractional one-hot coordinates, the integer inside a cell (not at its centre).
        let point = [0.37, 0.61, 0.2, 0.7, 0.1, 0.33]
        assertPredictionGradientMatchesFiniteDifferences(gp, at: point, valueAccuracy: 1e-10)
        let (mean, variance, dMean, _) = gp.predictWithGradient(point)
        XCTAssertEqual(dMean[5], 0)
        // Anywhere in the integer's cell [3/11, 4/11) the GP is the GP at the integer 3 (the cell's centre).
        var centre = point
        centre[5] = 3.5 / 11
        var edge = point
        edge[5] = 3.01 / 11
        let atCentre = gp.predict(centre, count: 1)
        let atEdge = gp.predict(edge, count: 1)
        XCTAssertEqual(atCentre.mean[0], mean, accuracy: 1e-12)
        XCTAssertEqual(atEdge.mean[0], mean, accuracy: 1e-12)
        XCTAssertEqual(atEdge.variance[0], variance, accuracy: 1e-12)
    }

    func testCategoryCombinationsEnumerateOrFollowTheCandidates() {
        let groups = [2..<5, 5..<7]
        let all = GPBO.categoryCombinations(groups, of: [])
        XCTAssertEqual(all.count, 6)
        XCTAssertEqual(Set(all), Set([[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1]]))
        let point = GPBO.setting([2, 1], groups, in: Array(repeating: 0.5, count: 7))
        XCTAssertEqual(point, [0.5, 0.5, 0, 0, 1, 0, 1])
        // 5 × 5 × 5 > 64: the combinations of the candidates only, without repeats.
        let large = [0..<5, 5..<10, 10..<15]
        let a = GPBO.setting([1, 2, 3], large, in: Array(repeating: 0, count: 15))
        let b = GPBO.setting([4, 0, 0], large, in: Array(repeating: 0, count: 15))
        XCTAssertEqual(GPBO.categoryCombinations(large, of: [a, b, a]), [[1, 2, 3], [4, 0, 0]])
    }

    /// On a space of reals the options change nothing: the same suggestions with and without them.
    func testRealOnlySpacesAreUnchanged() throws {
        let space = try TestSpaces.branin()
        func run(_ options: [String: JSONValue]) throws -> [[Double]] {
            let experiment = Experiment(
                id: "0123456789abcdef01234567",
                name: "gp",
                space: space,
                algorithm: AlgorithmConfig(name: "gp", options: options.merging(["seed": 4]) { $1 }),
                maxTrials: 16
            )
            var harness = AlgorithmHarness(experiment: experiment, factory: AlgorithmRegistry.standard)
            return try harness.run(trials: 16, objective: Objectives.branin).map { Objectives.numbers($0.params) }
        }
        let plain = try run([:])
        XCTAssertEqual(plain.count, 16)
        XCTAssertEqual(try run(["categorical_kernel": true, "round_integers": true]), plain)
    }

    /// A mixed space where the category moves the reals' optimum, and the best category's optimum is far from the
    /// others': over three seeds, at least two end in the right category within 0.05 of the optimum in 40 trials
    /// (the other categories are 0.5 and 1 worse at their best).
    func testSearchFindsTheRightCategoryAndRefinesWithinIt() throws {
        let space = try Space(priors: [
            "/x": "uniform(-5, 5)", "/y": "uniform(-5, 5)", "/k": "uniform(0, 10, discrete=True)",
            "/c": "choices(['a', 'b', 'c'])",
        ])
        // Category b is best (offset 0) with its optimum at (-2, 1.5); a (offset 0.5) at (1, -1); c at (0.5, 3).
        let shifts: [String: (Double, Double, Double)] = ["a": (1, -1, 0.5), "b": (-2, 1.5, 0), "c": (0.5, 3, 1)]
        var bests: [Double] = []
        for seed in 0..<3 {
            let experiment = Experiment(
                id: "0123456789abcdef01234567",
                name: "gp",
                space: space,
                algorithm: AlgorithmConfig(
                    name: "gp",
                    options: ["seed": .int(seed), "categorical_kernel": true, "round_integers": true]
                ),
                maxTrials: 40
            )
            var harness = AlgorithmHarness(experiment: experiment, factory: AlgorithmRegistry.standard)
            try harness.run(trials: 40) { point in
                let values = Dictionary(uniqueKeysWithValues: point.map { ($0.name, $0.value) })
                let (s, t, o) = shifts[values["/c"]?.stringValue ?? "a"] ?? (0, 0, 9)
                let dx = (values["/x"]?.doubleValue ?? 0) - s
                let dy = (values["/y"]?.doubleValue ?? 0) - t
                let dk = Double(values["/k"]?.intValue ?? 0) - 3
                return dx * dx + 2 * dy * dy + 0.5 * dk * dk + o
            }
            bests.append(harness.bestObjective ?? .infinity)
        }
        XCTAssertGreaterThanOrEqual(bests.filter { $0 < 0.05 }.count, 2, "\(bests)")
    }
}
