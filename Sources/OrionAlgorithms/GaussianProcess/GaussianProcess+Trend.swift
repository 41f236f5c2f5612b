import OrionNumerics

/// A fitted convex quadratic trend over the numeric coordinates, the GP's prior mean with `prior_mean: "quadratic"`.
///
/// `t(x) = c + Σⱼ bⱼ (xⱼ - ½) + Σⱼ qⱼ ((xⱼ - ½)² - 1/12)` over the numeric coordinates `j` (reals and integers; the
/// one-hot coordinates of categories have none), fitted to the targets by least squares with a small ridge on `b` and
/// `q`, and `qⱼ ≥ 0` (coordinates fitted concave get no quadratic term). The GP models what the trend leaves (universal
/// kriging, [Rasmussen & Williams, 2006, §2.7](http://gaussianprocess.org/gpml/chapters/RW2.pdf), with the trend's
/// coefficients fixed at their fit). Near the trials the posterior follows them as before; far from them it returns to
/// the trend instead of a constant, so an unexplored corner of a bowl is predicted high and the expected improvement
/// there small, while a slope the trials show towards a bound is kept (the `b` terms). A quadratic mean is what DNGO
/// used to keep its search off the bounds ([Snoek et al., 2015](https://arxiv.org/abs/1502.05700)); here it is fitted
/// to the data rather than fixed.
struct GPTrend: Sendable, Hashable {
    /// The numeric coordinates the trend spans.
    let coordinates: [Int]
    /// `c`.
    let constant: Double
    /// `bⱼ`, one per entry of ``coordinates``.
    let linear: [Double]
    /// `qⱼ ≥ 0`, one per entry of ``coordinates``.
    let quadratic: [Double]

    /// The ridge on the slopes and curvatures, in squared target units: enough to keep the normal equations well
    /// conditioned, far below what the trials' sum of squares carries.
    static let ridge = 1e-3

    /// Fits the trend to `targets` at `inputs` (`targets.count × width`, row-major), or `nil` when there are fewer
    /// than two trials per coefficient (the fit would follow the trials' noise) or no numeric coordinate.
    ///
    /// - Parameters:
    ///   - inputs: the trials' points in the unit cube.
    ///   - width: the number of coordinates.
    ///   - targets: the trials' targets.
    ///   - coordinates: the numeric coordinates the trend spans.
    init?(inputs: [Double], width: Int, targets: [Double], coordinates: [Int]) {
        let n = targets.count
        let m = coordinates.count
        guard m > 0, n >= 2 * (1 + 2 * m) else { return nil }
        // Features: 1, then uⱼ, then u²ⱼ - 1/12 (centred on the cube, so that the constant and the curvatures are
        // nearly orthogonal); `active` says which curvatures are in the fit.
        var active = [Bool](repeating: true, count: m)
        var solution: [Double] = []
        for _ in 0...m {
            let columns = [0] + (1...m).map { $0 } + (0..<m).filter { active[$0] }.map { 1 + m + $0 }
            guard let fitted = Self.solve(inputs, width, targets, coordinates, columns) else { return nil }
            var full = [Double](repeating: 0, count: 1 + 2 * m)
            for (index, column) in columns.enumerated() { full[column] = fitted[index] }
            solution = full
            let concave = (0..<m).filter { active[$0] && full[1 + m + $0] < 0 }
            if concave.isEmpty { break }
            for j in concave { active[j] = false }
        }
        self.coordinates = coordinates
        constant = solution[0]
        linear = Array(solution[1...m])
        quadratic = (0..<m).map { max(0, solution[1 + m + $0]) }
    }

    /// The least-squares coefficients of the feature `columns` (ridge on all but the constant), or `nil` when the
    /// normal equations cannot be factored.
    private static func solve(
        _ inputs: [Double],
        _ width: Int,
        _ targets: [Double],
        _ coordinates: [Int],
        _ columns: [Int]
    ) -> [Double]? {
        let m = coordinates.count
        let p = columns.count
        var gram = [Double](repeating: 0, count: p * p)
        var right = [Double](repeating: 0, count: p)
        var row = [Double](repeating: 0, count: p)
        for i in targets.indices {
            for (index, column) in columns.enumerated() {
                row[index] = feature(column, inputs, i * width, coordinates, m)
            }
            for a in 0..<p {
                right[a] += row[a] * targets[i]
                for b in 0...a { gram[a * p + b] += row[a] * row[b] }
            }
        }
        for a in 0..<p {
            for b in 0..<a { gram[b * p + a] = gram[a * p + b] }
            if columns[a] != 0 { gram[a * p + a] += ridge }
        }
        guard let factor = try? Cholesky(gram, size: p) else { return nil }
        return factor.solve(right)
    }

    /// The value of feature `column` (0: the constant, 1...m: the slopes, m+1...2m: the curvatures) at the point that
    /// starts at `offset` of `inputs`.
    @inline(__always)
    private static func feature(_ column: Int, _ inputs: [Double], _ offset: Int, _ coordinates: [Int], _ m: Int)
        -> Double
    {
        if column == 0 { return 1 }
        let u = inputs[offset + coordinates[(column - 1) % m]] - 0.5
        return column <= m ? u : u * u - 1.0 / 12
    }

    /// The trend at the point that starts at `offset` of `points`.
    func value(_ points: [Double], at offset: Int) -> Double {
        var total = constant
        for (index, c) in coordinates.enumerated() {
            let u = points[offset + c] - 0.5
            total += linear[index] * u + quadratic[index] * (u * u - 1.0 / 12)
        }
        return total
    }

    /// The trend's values at the `points.count / width` points of `points`.
    func values(_ points: [Double], width: Int) -> [Double] {
        guard width > 0 else { return [] }
        return (0..<(points.count / width)).map { value(points, at: $0 * width) }
    }

    /// Adds the trend's gradient at `point` to `gradient`.
    func addGradient(at point: [Double], to gradient: inout [Double]) {
        for (index, c) in coordinates.enumerated() {
            gradient[c] += linear[index] + 2 * quadratic[index] * (point[c] - 0.5)
        }
    }
}
