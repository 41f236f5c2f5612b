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
    ///   - b: the `size × columns` right-hand sides, row-major.
    ///   - columns: the number of right-hand sides.
    /// - Returns: `X`, `size × columns`, row-major.
    /// - Complexity: O(n² m) for m columns.
    public static func solveLower(_ lower: [Double], size: Int, _ b: [Double], columns: Int) -> [Double] {
        let (n, m) = (size, columns)
        precondition(lower.count == n * n && b.count == n * m, "sizes do not match")
        var x = b
        lower.withUnsafeBufferPointer { l in
            x.withUnsafeMutableBufferPointer { x in
                // Columns are independent: solving a block of them at a time keeps the block's rows in cache (the
                // whole right-hand side of thousands of columns does not fit), with each entry's operations in the
                // same order as a solve of all columns at once, so the result is the same to the bit.
                for first in stride(from: 0, to: m, by: columnBlock) {
                    let last = min(first + columnBlock, m)
                    for i in 0..<n {
                        let rowI = i * m
                        for k in 0..<i {
                            let factor = l[i * n + k]
                            if factor == 0 { continue }
                            let rowK = k * m
                            for c in first..<last { x[rowI + c] -= factor * x[rowK + c] }
                        }
                        let inverse = 1 / l[i * n + i]
                        for c in first..<last { x[rowI + c] *= inverse }
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
