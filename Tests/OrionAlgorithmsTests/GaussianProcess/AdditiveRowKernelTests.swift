import Foundation
import OrionCore
import OrionTesting
import XCTest

@testable import OrionAlgorithms

/// The additive kernel row by row: the same to the bit as pair by pair without the per-point factors, the same to
/// rounding with them, and pair by pair again where the factors could overflow.
final class AdditiveRowKernelTests: XCTestCase {
    /// Four reals; and two reals, a categorical of three (one-hot, coordinates 2–4) and an integer (coordinate 5).
    private let reals = try! Space(priors: [
        "/a": "uniform(-5, 5)", "/b": "uniform(0, 1)", "/c": "uniform(-1, 1)", "/d": "uniform(2, 3)",
    ])
    private let mixed = try! Space(priors: [
        "/a": "uniform(-5, 5)", "/b": "uniform(-5, 5)", "/c": "choices(['p', 'q', 'r'])",
        "/k": "uniform(0, 10, discrete=True)",
    ])

    /// The additive structures checked: reals under both smoothnesses, mixed with and without the overlap kernel.
    private func structures() -> [(KernelStructure, width: Int)] {
        let realTransform = SpaceTransform(reals, categoricalEncoding: .oneHot)
        let mixedTransform = SpaceTransform(mixed, categoricalEncoding: .oneHot)
        var result: [(KernelStructure, width: Int)] = []
        for smoothness in MaternSmoothness.allCases {
            var structure = KernelStructure(
                realTransform,
                categories: false,
                integers: false,
                smoothness: smoothness,
                additive: true
            )
            structure.additive?.weight = 0.3
            result.append((structure, realTransform.width))
        }
        for categories in [true, false] {
            var structure = KernelStructure(
                mixedTransform,
                categories: categories,
                integers: categories,
                smoothness: .threeHalves,
                additive: true
            )
            structure.additive?.weight = 0.7
            result.append((structure, mixedTransform.width))
        }
        return result
    }

    /// `count` random points of the unit cube, `width` wide, row-major; the first copies `x` and the second differs
    /// from it in the last bit of each coordinate (zero and tiny distances).
    private func block(_ x: [Double], count: Int, using generator: inout SeededGenerator) -> [Double] {
        var points = x + x.map { $0 == 0 ? Double.leastNonzeroMagnitude : $0.nextDown }
        for _ in 2..<count { points += x.map { _ in Double.random(in: 0...1, using: &generator) } }
        return points
    }

    /// The row kernel of `x` against `points` (prepared or not) and the pair kernel of each pair.
    private func compare(
        _ structure: KernelStructure,
        width: Int,
        lengthscales: [Double],
        prepared: Bool,
        seed: UInt64,
        check: (_ row: Double, _ pair: Double) -> Void
    ) {
        var generator = SeededGenerator(seed: seed)
        let inverse = lengthscales.map { 1 / ($0 * $0) }
        let x = (0..<width).map { _ in Double.random(in: 0...1, using: &generator) }
        let count = 50
        let points = block(x, count: count, using: &generator)
        let columns = GaussianProcess.transposed(points, rows: count, width: width)
        let row = AdditiveRowKernel(structure, inverseSquared: inverse, width: width, capacity: count)
        var pair = AdditivePairKernel(structure, inverseSquared: inverse, width: width)
        x.withUnsafeBufferPointer { x in
            columns.withUnsafeBufferPointer { columns in
                points.withUnsafeBufferPointer { points in
                    guard let xBase = x.baseAddress, let base = columns.baseAddress, let p = points.baseAddress else {
                        return XCTFail("empty buffers")
                    }
                    if prepared { row.prepare(columns: base, stride: count, count: count) }
                    row.evaluate(xBase, columns: base, stride: count, count: count, slopes: true)
                    for j in 0..<count {
                        let (kernel, product, additive) = pair.evaluate(xBase, p + j * width)
                        check(row.kernel[j], kernel)
                        check(row.product[j], product)
                        check(row.additive[j], additive)
                        for c in 0..<width { check(row.coefficients[c * count + j], pair.coefficients[c]) }
                    }
                }
            }
        }
    }

    func testWithoutFactorsItIsThePairKernelToTheBit() {
        for (index, (structure, width)) in structures().enumerated() {
            let lengthscales = (0..<width).map { 0.2 + 0.3 * Double($0) }
            compare(structure, width: width, lengthscales: lengthscales, prepared: false, seed: UInt64(index)) {
                XCTAssertEqual($0.bitPattern, $1.bitPattern, "structure \(index): \($0) vs \($1)")
            }
        }
    }

    func testFactorsAgreeWithThePairKernelToRounding() {
        // Moderate lengthscales, the fit's smallest (5e-3: exponents up to √5/5e-3 · ½ ≈ 224), and a mix.
        let scales: [[Double]] = [
            [0.3, 0.8, 2, 40, 0.05, 1], [5e-3, 5e-3, 5e-3, 5e-3, 5e-3, 5e-3], [5e-3, 0.1, 1, 7e-3, 2, 0.02],
        ]
        var differing = 0
        for (index, (structure, width)) in structures().enumerated() {
            for (set, lengthscales) in scales.enumerated() {
                let seed = UInt64(100 + 10 * index + set)
                let lengthscales = Array(lengthscales.prefix(width))
                compare(structure, width: width, lengthscales: lengthscales, prepared: true, seed: seed) { row, pair in
                    if row != pair { differing += 1 }
                    // The bound of `AdditiveRowKernel`'s documentation, 6e-13 relative, with room.
                    let tolerance = 1e-12 * max(abs(pair), 1e-300)
                    XCTAssertEqual(row, pair, accuracy: tolerance, "structure \(index), lengthscales \(set)")
                }
            }
        }
        // The factors are used: some values differ in their last bits.
        XCTAssertGreaterThan(differing, 0)
    }

    func testTinyLengthscalesFallBackToThePairKernel() {
        // κ|u| up to √3/1e-4 · ½ ≈ 8,660 > 256: every coordinate takes its exponentials pair by pair.
        for (index, (structure, width)) in structures().enumerated() {
            let lengthscales = [Double](repeating: 1e-4, count: width)
            compare(structure, width: width, lengthscales: lengthscales, prepared: true, seed: UInt64(200 + index)) {
                XCTAssertEqual($0.bitPattern, $1.bitPattern, "structure \(index): \($0) vs \($1)")
            }
        }
    }
}
