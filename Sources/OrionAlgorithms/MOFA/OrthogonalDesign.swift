import OrionCore

/// Orthogonal-array Latin hypercube designs for ``MOFA``.
///
/// A design of `index · levels^strength` rows over `columns` factors: each column takes each of `levels` levels
/// equally often and, with strength 2 and a prime number of levels, every pair of the first `levels + 1` columns
/// takes every pair of levels equally often (the Rao–Hamming construction: rows `(a, b)`, columns `a`, `b`, `a + b`,
/// `a + 2b`, … mod `levels`). Further columns, or any column when `levels` is not prime, are balanced random
/// permutations. Level labels are permuted at random per column and `index` copies are stacked. The rows are then
/// spread into a Latin hypercube (Tang, 1993, [doi:10.1080/01621459.1993.10476423](https://doi.org/10.1080/01621459.1993.10476423)):
/// the `n / levels` rows of level `l` get distinct cells of `[l / levels, (l + 1) / levels)`, so every column
/// has one point in each of `n` equal cells of `[0, 1)`.
enum OrthogonalDesign {
    /// The levels of the array: `rows × columns` integers in `0..<levels`.
    static func levels(
        columns: Int,
        levels: Int,
        strength: Int,
        index: Int,
        using generator: inout SeededGenerator
    ) -> [[Int]] {
        let base = strength == 1 ? levels : levels * levels
        var rows: [[Int]] = []
        for _ in 0..<index {
            var block = Array(repeating: Array(repeating: 0, count: columns), count: base)
            for column in 0..<columns {
                var values: [Int]
                if strength == 2, isPrime(levels), column <= levels {
                    values = (0..<base).map { row in
                        let (a, b) = (row / levels, row % levels)
                        return column == 0
                            ? a : (a * (column == 1 ? 0 : 1) + b * (column == 1 ? 1 : column - 1)) % levels
                    }
                } else {
                    values = (0..<base).map { $0 % levels }
                    values.shuffle(using: &generator)
                }
                let relabel = (0..<levels).shuffled(using: &generator)
                for row in 0..<base { block[row][column] = relabel[values[row]] }
            }
            rows += block
        }
        return rows
    }

    /// The design in the unit cube: each row's levels spread into a Latin hypercube.
    ///
    /// - Parameters:
    ///   - levels: the array from ``levels(columns:levels:strength:index:using:)``.
    ///   - count: the number of levels.
    ///   - generator: the randomness.
    /// - Returns: one point of `[0, 1)^columns` per row.
    static func points(_ levels: [[Int]], count: Int, using generator: inout SeededGenerator) -> [[Double]] {
        guard let columns = levels.first?.count else { return [] }
        let rows = levels.count
        var points = Array(repeating: Array(repeating: 0.0, count: columns), count: rows)
        let perLevel = Double(rows) / Double(count)
        for column in 0..<columns {
            var slots = Array(repeating: [Int](), count: count)
            for level in 0..<count {
                slots[level] = Array(0..<Int(perLevel.rounded(.up))).shuffled(using: &generator)
            }
            var used = Array(repeating: 0, count: count)
            for row in 0..<rows {
                let level = levels[row][column]
                let slot = slots[level][used[level] % slots[level].count]
                used[level] += 1
                let cell = Double(level) * perLevel + Double(slot)
                points[row][column] = min((cell + Double.random(in: 0..<1, using: &generator)) / Double(rows), 1)
            }
        }
        return points
    }

    static func isPrime(_ value: Int) -> Bool {
        guard value >= 2 else { return false }
        var divisor = 2
        while divisor * divisor <= value {
            if value % divisor == 0 { return false }
            divisor += 1
        }
        return true
    }
}
