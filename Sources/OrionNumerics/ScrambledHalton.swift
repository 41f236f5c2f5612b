import Foundation

/// A randomized Halton sequence: low-discrepancy points in the unit cube, each digit of each coordinate passed
/// through its own random permutation (random digit scrambling, as in [Owen, 2017, "A randomized Halton
/// algorithm in R"](https://arxiv.org/abs/1706.02808)).
///
/// Coordinate `j` uses the `j`-th prime as its base. The scrambling breaks the correlations between the
/// coordinates of plain Halton in higher dimensions while keeping its stratification: the first `bᵏ` points put
/// exactly one point in each interval `[i/bᵏ, (i+1)/bᵏ)` of the coordinate of base `b`. The digits past the last
/// nonzero one are permuted too (53 bits' worth), so no scrambled point sits on a corner of the cube.
public struct ScrambledHalton: Sendable {
    /// The number of coordinates of each point.
    public let dimensions: Int
    /// The base of each coordinate.
    public let bases: [Int]
    /// The digit permutations, one after the other: place `k` of coordinate `j` maps digit `d` to
    /// `permutations[starts[j] + k·bⱼ + d]`; empty when not scrambled.
    let permutations: [Int]
    /// Where each coordinate's permutations start in ``permutations``.
    let starts: [Int]

    /// Creates the sequence.
    ///
    /// - Parameters:
    ///   - dimensions: the number of coordinates, at least 1.
    ///   - scrambled: whether to scramble the digits (otherwise the plain Halton sequence).
    ///   - generator: the source of the permutations.
    /// - Complexity: O(Σ bⱼ · 53 / log₂ bⱼ) for the permutations.
    public init(dimensions: Int, scrambled: Bool = true, using generator: inout some RandomNumberGenerator) {
        self.dimensions = max(1, dimensions)
        bases = Self.primes(count: self.dimensions)
        var starts: [Int] = []
        var permutations: [Int] = []
        if scrambled {
            for base in bases {
                starts.append(permutations.count)
                for _ in 0..<Self.digitCount(base) {
                    var digits = Array(0..<base)
                    digits.shuffle(using: &generator)
                    permutations += digits
                }
            }
        }
        self.starts = starts
        self.permutations = permutations
    }

    /// The number of digits that matter to a `Double` in base `b`.
    static func digitCount(_ base: Int) -> Int { Int((53 / log2(Double(base))).rounded(.up)) }

    /// The point of index `index` (≥ 0); index 0 is the origin when not scrambled.
    ///
    /// - Parameter index: the position in the sequence.
    /// - Returns: `dimensions` coordinates in `[0, 1)`.
    /// - Complexity: O(d log n).
    public func point(_ index: Int) -> [Double] {
        var result = [Double](repeating: 0, count: dimensions)
        let scrambled = !permutations.isEmpty
        permutations.withUnsafeBufferPointer { table in
            for j in 0..<dimensions {
                let base = bases[j]
                let inverseBase = 1 / Double(base)
                var remaining = index
                var factor = inverseBase
                var value = 0.0
                var place = 0
                let digits = scrambled ? Self.digitCount(base) : 0
                var offset = scrambled ? starts[j] : 0
                while remaining > 0 || place < digits {
                    // Past the index's last digit the digits are 0: no division (the slowest step here).
                    var digit = 0
                    if remaining > 0 {
                        digit = remaining % base
                        remaining /= base
                    }
                    if place < digits { digit = table[offset + digit] }
                    value += Double(digit) * factor
                    factor *= inverseBase
                    place += 1
                    offset += base
                    if factor == 0 { break }
                }
                result[j] = min(value, 1 - 0x1p-53)
            }
        }
        return result
    }

    /// The points of indices `start..<start + count`.
    ///
    /// - Parameters:
    ///   - count: the number of points.
    ///   - start: the index of the first one.
    /// - Returns: the points.
    public func points(_ count: Int, from start: Int = 0) -> [[Double]] {
        (start..<(start + max(0, count))).map(point)
    }

    /// The first `count` primes.
    static func primes(count: Int) -> [Int] {
        var primes: [Int] = []
        var candidate = 2
        while primes.count < count {
            if primes.allSatisfy({ $0 * $0 > candidate || candidate % $0 != 0 }) { primes.append(candidate) }
            candidate += 1
        }
        return primes
    }
}
