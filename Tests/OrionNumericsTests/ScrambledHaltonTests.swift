import OrionNumerics
import XCTest

final class ScrambledHaltonTests: XCTestCase {
    private struct Points: Decodable {
        let dimensions: Int
        let points: [[Double]]
    }

    func testPlainSequenceMatchesScipy() throws {
        let fixture = try Fixture.load("halton.json", as: Points.self)
        var generator = SystemRandomNumberGenerator()
        let halton = ScrambledHalton(dimensions: fixture.dimensions, scrambled: false, using: &generator)
        assertClose(halton.points(fixture.points.count).flatMap { $0 }, fixture.points.flatMap { $0 }, relative: 1e-15)
    }

    func testScrambledSequenceIsStratifiedInEveryCoordinate() {
        var generator = SplitMix(seed: 3)
        let halton = ScrambledHalton(dimensions: 5, using: &generator)
        XCTAssertEqual(halton.bases, [2, 3, 5, 7, 11])
        for (j, base) in halton.bases.enumerated() {
            let cells = base * base
            let points = halton.points(cells, from: 0)
            let occupied = Set(points.map { Int(($0[j] * Double(cells)).rounded(.down)) })
            XCTAssertEqual(occupied.count, cells, "base \(base)")
            XCTAssertTrue(points.allSatisfy { $0[j] >= 0 && $0[j] < 1 })
        }
    }

    func testScramblingIsSeededAndAvoidsTheCorner() {
        var first = SplitMix(seed: 7)
        var second = SplitMix(seed: 7)
        var other = SplitMix(seed: 8)
        let a = ScrambledHalton(dimensions: 3, using: &first).points(10)
        XCTAssertEqual(a, ScrambledHalton(dimensions: 3, using: &second).points(10))
        XCTAssertNotEqual(a, ScrambledHalton(dimensions: 3, using: &other).points(10))
        XCTAssertTrue(a[0].allSatisfy { $0 > 0 })
    }

    func testScrambledPointsAreTheRadicalInversesOfTheirPermutedDigits() {
        // Reference: the permutations drawn in the same order from the same seed (place by place, coordinate by
        // coordinate), and each coordinate the sum of its permuted digits over the powers of its base, accumulated
        // from the first digit on.
        var generator = SplitMix(seed: 21)
        let halton = ScrambledHalton(dimensions: 5, using: &generator)
        var replay = SplitMix(seed: 21)
        let permutations: [[[Int]]] = halton.bases.map { base in
            (0..<Int((53 / log2(Double(base))).rounded(.up))).map { _ in
                var digits = Array(0..<base)
                digits.shuffle(using: &replay)
                return digits
            }
        }
        for index in [0, 1, 2, 7, 100, 999, 123_456] {
            let point = halton.point(index)
            for (j, base) in halton.bases.enumerated() {
                var remaining = index
                var factor = 1 / Double(base)
                var value = 0.0
                for place in permutations[j].indices {
                    value += Double(permutations[j][place][remaining % base]) * factor
                    remaining /= base
                    factor /= Double(base)
                    if factor == 0 { break }
                }
                XCTAssertEqual(point[j], min(value, 1 - 0x1p-53), accuracy: 1e-15, "index \(index), base \(base)")
            }
        }
    }

    func testPointsInBulkAreThePointsOneByOneToTheBit() {
        // `points` steps the digits like an odometer and precomputes each place's terms; `point` divides them out.
        var generator = SplitMix(seed: 5)
        for (dimensions, scrambled) in [(1, true), (6, true), (13, true), (3, false)] {
            let halton = ScrambledHalton(dimensions: dimensions, scrambled: scrambled, using: &generator)
            for start in [0, 1, 7, 242, 999_983] {
                let bulk = halton.points(300, from: start)
                XCTAssertEqual(bulk.count, 300)
                for (offset, point) in bulk.enumerated() {
                    let single = halton.point(start + offset)
                    XCTAssertEqual(
                        point.map(\.bitPattern),
                        single.map(\.bitPattern),
                        "\(dimensions) dimensions, index \(start + offset)"
                    )
                }
            }
        }
        XCTAssertEqual(ScrambledHalton(dimensions: 2, using: &generator).points(0, from: 9).count, 0)
    }

    func testScrambledPointsCoverTheCubeBetterThanRandomOnes() {
        // Largest empty-ball proxy: the mean distance from probe points to their nearest sample.
        var generator = SplitMix(seed: 11)
        let halton = ScrambledHalton(dimensions: 4, using: &generator).points(256)
        let random = (0..<256).map { _ in (0..<4).map { _ in Double.random(in: 0..<1, using: &generator) } }
        let probes = (0..<200).map { _ in (0..<4).map { _ in Double.random(in: 0..<1, using: &generator) } }
        func coverage(_ points: [[Double]]) -> Double {
            probes.reduce(0) { total, probe in
                total + points.map { p in zip(p, probe).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }.min()!
            } / Double(probes.count)
        }
        XCTAssertLessThan(coverage(halton), 0.9 * coverage(random))
    }
}

/// A small seeded generator for tests (SplitMix64).
struct SplitMix: RandomNumberGenerator {
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
