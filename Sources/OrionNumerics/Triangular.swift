/// Solves with triangular matrices stored row-major in `[Double]`, for one right-hand side or many.
///
/// Only the named triangle of the matrix is read. Right-hand sides of the matrix versions are `size × columns`,
/// row-major, solved all at once (the inner loops run along rows, which is what keeps them fast).
public enum Triangular {
    /// The solution of `L x = b` for a lower-triangular `L`.
    ///
    /// - Parameters:
    ///   - lower: the `size × size` lower-triangular matrix.
    ///   - size: its order.
    ///   - b: `size` entries.
    /// - Returns: `x`.
    /// - Complexity: O(n²).
    public static func solveLower(_ lower: [Double], size: Int, _ b: [Double]) -> [Double] {
        let n = size
        precondition(lower.count == n * n && b.count == n, "sizes do not match")
        var x = b
        lower.withUnsafeBufferPointer { l in
            x.withUnsafeMutableBufferPointer { x in
                for i in 0..<n {
                    let row = i * n
                    x[i] = (x[i] - dot(l, row, UnsafeBufferPointer(x), 0, count: i)) / l[row + i]
                }
            }
        }
        return x
    }

    /// The solution of `Lᵀ x = b` for a lower-triangular `L` (an upper-triangular solve without a transpose).
    ///
    /// - Parameters:
    ///   - lower: the `size × size` lower-triangular matrix.
    ///   - size: its order.
    ///   - b: `size` entries.
    /// - Returns: `x`.
    /// - Complexity: O(n²).
    public static func solveLowerTransposed(_ lower: [Double], size: Int, _ b: [Double]) -> [Double] {
        let n = size
        precondition(lower.count == n * n && b.count == n, "sizes do not match")
        var x = b
        lower.withUnsafeBufferPointer { l in
            x.withUnsafeMutableBufferPointer { x in
                for i in stride(from: n - 1, through: 0, by: -1) {
                    x[i] /= l[i * n + i]
                    let value = x[i]
                    let row = i * n
                    for k in 0..<i { x[k] -= l[row + k] * value }
                }
            }
        }
        return x
    }

    /// The solution of `U x = b` for an upper-triangular `U`.
    ///
    /// - Parameters:
    ///   - upper: the `size × size` upper-triangular matrix.
    ///   - size: its order.
    ///   - b: `size` entries.
    /// - Returns: `x`.
    /// - Complexity: O(n²).
    public static func solveUpper(_ upper: [Double], size: Int, _ b: [Double]) -> [Double] {
        let n = size
        precondition(upper.count == n * n && b.count == n, "sizes do not match")
        var x = b
        upper.withUnsafeBufferPointer { u in
            x.withUnsafeMutableBufferPointer { x in
                for i in stride(from: n - 1, through: 0, by: -1) {
                    var sum = x[i]
                    let row = i * n
                    for k in (i + 1)..<max(n, i + 1) { sum -= u[row + k] * x[k] }
                    x[i] = sum / u[row + i]
                }
            }
        }
        return x
    }

    /// The solution of `L X = B` for a lower-triangular `L` and `columns` right-hand sides.
    ///
    /// - Parameters:
    ///   - lower: the `size × size` lower-triangular matrix.
    ///   - size: its order.
    ///   - b: the `size × columns` right-hand sides, row-major (solved in place when the caller passes its last use).
    ///   - columns: the number of right-hand sides.
    /// - Returns: `X`, `size × columns`, row-major.
    /// - Complexity: O(n² m) for m columns.
    public static func solveLower(_ lower: [Double], size: Int, _ b: consuming [Double], columns: Int) -> [Double] {
        let (n, m) = (size, columns)
        precondition(lower.count == n * n && b.count == n * m, "sizes do not match")
        // `b` is consumed: when the caller does not use it again, it is solved in place (no copy of thousands of
        // columns).
        var x = b
        lower.withUnsafeBufferPointer { l in
            x.withUnsafeMutableBufferPointer { x in
                // Columns are independent: solving a block of them at a time keeps the block's rows in cache (the
                // whole right-hand side of thousands of columns does not fit), with each entry's operations in the
                // same order as a solve of all columns at once, so the result is the same to the bit.
                guard let base = x.baseAddress else { return }
                for first in stride(from: 0, to: m, by: columnBlock) {
                    let width = min(first + columnBlock, m) - first
                    for i in 0..<n {
                        let rowI = i * m
                        // Rows of the block as pointers: unchecked offsets, so that the inner loops are vectorized.
                        let target = base + rowI + first
                        // Four rows above at a time when their factors are not zero: each entry still gets its
                        // terms one by one in increasing k (the same to the bit), with a quarter of the loads and
                        // stores of row i.
                        var k = 0
                        while k < i {
                            let f0 = l[i * n + k]
                            if k + 3 < i {
                                let (f1, f2, f3) = (l[i * n + k + 1], l[i * n + k + 2], l[i * n + k + 3])
                                if f0 != 0, f1 != 0, f2 != 0, f3 != 0 {
                                    let row0 = base + k * m + first
                                    let (row1, row2, row3) = (row0 + m, row0 + 2 * m, row0 + 3 * m)
                                    for c in 0..<width {
                                        target[c] =
                                            (((target[c] - f0 * row0[c]) - f1 * row1[c]) - f2 * row2[c]) - f3 * row3[c]
                                    }
                                    k += 4
                                    continue
                                }
                            }
                            if f0 != 0 {
                                let rowK = base + k * m + first
                                for c in 0..<width { target[c] -= f0 * rowK[c] }
                            }
                            k += 1
                        }
                        let inverse = 1 / l[i * n + i]
                        for c in 0..<width { target[c] *= inverse }
                    }
                }
            }
        }
        return x
    }

    /// The columns of a multi-column solve done together: a block of `n` rows of this many doubles stays in the
    /// L1 or L2 cache for the orders a GP meets (a few hundred).
    static let columnBlock = 64

    /// The solution of `Lᵀ X = B` for a lower-triangular `L` and `columns` right-hand sides.
    ///
    /// - Parameters:
    ///   - lower: the `size × size` lower-triangular matrix.
    ///   - size: its order.
    ///   - b: the `size × columns` right-hand sides, row-major.
    ///   - columns: the number of right-hand sides.
    /// - Returns: `X`, `size × columns`, row-major.
    /// - Complexity: O(n² m) for m columns.
    public static func solveLowerTransposed(
        _ lower: [Double],
        size: Int,
        _ b: [Double],
        columns: Int
    ) -> [Double] {
        let (n, m) = (size, columns)
        precondition(lower.count == n * n && b.count == n * m, "sizes do not match")
        var x = b
        lower.withUnsafeBufferPointer { l in
            x.withUnsafeMutableBufferPointer { x in
                for i in stride(from: n - 1, through: 0, by: -1) {
                    let rowI = i * m
                    let inverse = 1 / l[i * n + i]
                    for c in 0..<m { x[rowI + c] *= inverse }
                    for k in 0..<i {
                        let factor = l[i * n + k]
                        if factor == 0 { continue }
                        let rowK = k * m
                        for c in 0..<m { x[rowK + c] -= factor * x[rowI + c] }
                    }
                }
            }
        }
        return x
    }
}
