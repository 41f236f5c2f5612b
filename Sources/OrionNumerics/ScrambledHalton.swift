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
    /// - Complexity: O(n · d · 53 / log₂ b) for n points, the same to the bit as ``point(_:)`` at each index.
    public func points(_ count: Int, from start: Int = 0) -> [[Double]] {
        let count = max(0, count)
        guard count > 0 else { return [] }
        let d = dimensions
        // Coordinate by coordinate (the tables stay in the L1 cache), into one flat buffer split into rows at the end.
        var flat = [Double](repeating: 0, count: count * d)
        let scrambled = !permutations.isEmpty
        for j in 0..<d {
            let base = bases[j]
            let inverseBase = 1 / Double(base)
            let digits = scrambled ? Self.digitCount(base) : 0
            // The places any index of the run has, and the scaled digit at each: `contributions[k·b + digit]` is
            // `Double(permuted digit) · b⁻⁽ᵏ⁺¹⁾`, the term `point(_:)` adds at place k, computed the same way.
            var indexPlaces = 0
            var last = start + count - 1
            while last > 0 {
                indexPlaces += 1
                last /= base
            }
            var factors: [Double] = []
            var factor = inverseBase
            for _ in 0..<max(indexPlaces, digits) {
                factors.append(factor)
                factor *= inverseBase
                // `point(_:)` stops once the next factor underflows to 0.
                if factor == 0 { break }
            }
            let places = factors.count
            var contributions = [Double](repeating: 0, count: places * base)
            for k in 0..<places {
                for digit in 0..<base {
                    let permuted = k < digits ? permutations[starts[j] + k * base + digit] : digit
                    contributions[k * base + digit] = Double(permuted) * factors[k]
                }
            }
            // The digits of the index, least significant first, stepped like an odometer instead of divided out.
            var odometer = [Int](repeating: 0, count: places + 1)
            var remaining = start
            var significant = 0
            while remaining > 0 && significant < places {
                odometer[significant] = remaining % base
                remaining /= base
                significant += 1
            }
            contributions.withUnsafeBufferPointer { terms in
                odometer.withUnsafeMutableBufferPointer { digit in
                    flat.withUnsafeMutableBufferPointer { output in
                        for p in 0..<count {
                            // `point(_:)` adds a term for each of the index's places and each scrambled place.
                            let used = min(max(significant, digits), places)
                            var value = 0.0
                            for k in 0..<used { value += terms[k * base + digit[k]] }
                            output[p * d + j] = min(value, 1 - 0x1p-53)
                            var k = 0
                            while k < places {
                                digit[k] += 1
                                if digit[k] < base { break }
                                digit[k] = 0
                                k += 1
                            }
                            significant = max(significant, min(k + 1, places))
                        }
                    }
                }
            }
        }
        return (0..<count).map { Array(flat[($0 * d)..<($0 * d + d)]) }
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
