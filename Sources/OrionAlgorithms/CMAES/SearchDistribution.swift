import Foundation
import OrionNumerics

/// The multivariate normal of CMA-ES over the numeric coordinates of the unit cube, with its evolution paths, and
/// the categorical distributions of the categorical coordinates.
///
/// `x = m + σ · A · y`, `y ~ N(0, C)`, mirrored into `[0, 1]`. `A` is the diagonal of the margin correction for
/// integer coordinates ([Hamano et al., 2022](https://arxiv.org/abs/2205.13482)): it keeps the probability that a
/// sample leaves the mean's integer at least `1 / (n λ)`, so that integer coordinates do not freeze. The parameters
/// are those of [Hansen's tutorial](https://arxiv.org/abs/1604.00772) for (μ/μ_w, λ)-CMA-ES with cumulative step-size
/// adaptation and positive weights.
struct SearchDistribution: Codable, Hashable, Sendable {
    /// The mean, one per numeric coordinate.
    var mean: [Double]
    /// The step size.
    var sigma: Double
    /// The covariance matrix C.
    var covariance: [[Double]]
    /// The evolution path of C.
    var pathC: [Double]
    /// The conjugate evolution path, of σ.
    var pathSigma: [Double]
    /// The margin correction's diagonal A (1 for reals).
    var margin: [Double]
    /// C's eigenvectors (`basis[k]` is the k-th) and the square roots of its eigenvalues.
    var basis: [[Double]]
    /// The square roots of C's eigenvalues.
    var scales: [Double]
    /// λ.
    var populationSize: Int
    /// Generations completed.
    var generation = 0
    /// The probabilities of each categorical coordinate's categories.
    var categories: [[Double]]

    /// A fresh distribution: identity covariance, zero paths.
    init(mean: [Double], sigma: Double, populationSize: Int, categoryCounts: [Int]) {
        let n = mean.count
        self.mean = mean
        self.sigma = sigma
        covariance = (0..<n).map { i in (0..<n).map { i == $0 ? 1.0 : 0.0 } }
        pathC = Array(repeating: 0, count: n)
        pathSigma = Array(repeating: 0, count: n)
        margin = Array(repeating: 1, count: n)
        basis = covariance
        scales = Array(repeating: 1, count: n)
        self.populationSize = populationSize
        categories = categoryCounts.map { Array(repeating: 1 / Double($0), count: $0) }
    }

    /// The recombination weights and μ_eff for λ.
    static func weights(populationSize: Int) -> (weights: [Double], effective: Double) {
        let mu = max(1, populationSize / 2)
        let raw = (1...mu).map { log((Double(populationSize) + 1) / 2) - log(Double($0)) }.map { max($0, 1e-12) }
        let total = raw.reduce(0, +)
        let weights = raw.map { $0 / total }
        return (weights, 1 / weights.reduce(0) { $0 + $1 * $1 })
    }

    /// A draw: `y ~ N(0, C)` (the step) and the mirrored point `x`.
    func sample(using rng: inout some RandomNumberGenerator) -> (x: [Double], categories: [Int]) {
        let n = mean.count
        let z = (0..<n).map { _ in TruncatedNormal.standardNormal(using: &rng) }
        var x = mean
        for k in 0..<n where scales[k] > 0 {
            let factor = scales[k] * z[k]
            for i in 0..<n { x[i] += sigma * margin[i] * basis[k][i] * factor }
        }
        let drawn = categories.map { probabilities -> Int in
            var u = Double.random(in: 0..<1, using: &rng)
            for (index, probability) in probabilities.enumerated() {
                u -= probability
                if u < 0 { return index }
            }
            return probabilities.count - 1
        }
        return (x.map(Self.mirror), drawn)
    }

    /// `x` reflected into `[0, 1]` (periodically: 1.3 → 0.7, −0.2 → 0.2, 2.4 → 0.4).
    static func mirror(_ x: Double) -> Double {
        guard x.isFinite else { return 0.5 }
        let folded = x - 2 * (x / 2).rounded(.down)
        return folded > 1 ? 2 - folded : folded
    }

    /// One generation's update from its members, ranked best first (at least one).
    ///
    /// - Parameters:
    ///   - ranked: the numeric points and categories of the members, best first.
    ///   - integerCells: for each numeric coordinate, its number of equal integer cells, or `nil` for a real.
    mutating func update(ranked: [(x: [Double], categories: [Int])], integerCells: [Int?]) {
        let n = mean.count
        let (allWeights, muEff) = Self.weights(populationSize: populationSize)
        let weights = Array(allWeights.prefix(ranked.count))
        let weightTotal = weights.reduce(0, +)
        let normalized = weights.map { $0 / weightTotal }
        updateCategories(ranked: ranked, weights: normalized)
        guard n > 0 else {
            generation += 1
            return
        }
        let dimension = Double(n)
        let cSigma = (muEff + 2) / (dimension + muEff + 5)
        let dSigma = 1 + 2 * max(0, ((muEff - 1) / (dimension + 1)).squareRoot() - 1) + cSigma
        let cC = (4 + muEff / dimension) / (dimension + 4 + 2 * muEff / dimension)
        let c1 = 2 / ((dimension + 1.3) * (dimension + 1.3) + muEff)
        let cMu = min(1 - c1, 2 * (muEff - 2 + 1 / muEff) / ((dimension + 2) * (dimension + 2) + muEff))
        let chiN = dimension.squareRoot() * (1 - 1 / (4 * dimension) + 1 / (21 * dimension * dimension))
        // The steps y_i = A⁻¹ (x_i − m) / σ of the selected members.
        let steps = ranked.prefix(normalized.count).map { member in
            (0..<n).map { (member.x[$0] - mean[$0]) / (sigma * margin[$0]) }
        }
        let stepMean = (0..<n).map { i in zip(normalized, steps).reduce(0.0) { $0 + $1.0 * $1.1[i] } }
        for i in 0..<n { mean[i] += sigma * margin[i] * stepMean[i] }
        // C^(-1/2) · stepMean = B · diag(1/D) · Bᵀ · stepMean.
        var whitened = Array(repeating: 0.0, count: n)
        for k in 0..<n where scales[k] > 0 {
            let projection = zip(basis[k], stepMean).reduce(0.0) { $0 + $1.0 * $1.1 } / scales[k]
            for i in 0..<n { whitened[i] += basis[k][i] * projection }
        }
        let sigmaFactor = (cSigma * (2 - cSigma) * muEff).squareRoot()
        for i in 0..<n { pathSigma[i] = (1 - cSigma) * pathSigma[i] + sigmaFactor * whitened[i] }
        let pathNorm = pathSigma.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let decay = 1 - pow(1 - cSigma, 2 * Double(generation + 1))
        let stalled = pathNorm / max(decay, 1e-300).squareRoot() >= (1.4 + 2 / (dimension + 1)) * chiN
        let cFactor = (cC * (2 - cC) * muEff).squareRoot()
        for i in 0..<n { pathC[i] = (1 - cC) * pathC[i] + (stalled ? 0 : cFactor * stepMean[i]) }
        let keep = 1 - c1 - cMu + (stalled ? c1 * cC * (2 - cC) : 0)
        for i in 0..<n {
            for j in 0...i {
                var rankMu = 0.0
                for (weight, step) in zip(normalized, steps) { rankMu += weight * step[i] * step[j] }
                let value = keep * covariance[i][j] + c1 * pathC[i] * pathC[j] + cMu * rankMu
                covariance[i][j] = value
                covariance[j][i] = value
            }
        }
        sigma *= exp(min(1, (cSigma / dSigma) * (pathNorm / chiN - 1)))
        sigma = min(sigma, 2)
        generation += 1
        decompose()
        correctMargins(integerCells: integerCells)
    }

    /// The categorical distributions moved towards the selected members' categories (a learning rate of ½), with a
    /// floor so that no category is ever ruled out.
    private mutating func updateCategories(ranked: [(x: [Double], categories: [Int])], weights: [Double]) {
        for coordinate in categories.indices {
            let count = categories[coordinate].count
            var target = Array(repeating: 0.0, count: count)
            for (weight, member) in zip(weights, ranked) { target[member.categories[coordinate]] += weight }
            let floor = 0.2 / Double(count * max(1, populationSize / 4))
            var updated = zip(categories[coordinate], target).map { max(0.5 * $0 + 0.5 * $1, floor) }
            let total = updated.reduce(0, +)
            updated = updated.map { $0 / total }
            categories[coordinate] = updated
        }
    }

    /// Recomputes the basis and scales from C (kept symmetric positive definite: a failed or non-positive
    /// decomposition resets C to the identity).
    mutating func decompose() {
        guard let eigen = SymmetricEigen(covariance), let smallest = eigen.values.first, smallest > 0 else {
            let n = mean.count
            covariance = (0..<n).map { i in (0..<n).map { i == $0 ? 1.0 : 0.0 } }
            basis = covariance
            scales = Array(repeating: 1, count: n)
            return
        }
        basis = eigen.vectors
        scales = eigen.values.map { $0.squareRoot() }
    }

    /// The margin correction: each integer coordinate's marginal deviation `σ · A_j · √C_jj` is raised so that the
    /// probability of crossing the nearer edge of the mean's cell is at least `1 / (n λ)`.
    mutating func correctMargins(integerCells: [Int?]) {
        let n = mean.count
        let alpha = 1 / (Double(max(n, 1)) * Double(populationSize))
        let quantile = Self.upperQuantile(alpha)
        for (i, cells) in integerCells.enumerated() {
            guard let cells, cells > 1 else { continue }
            let width = 1 / Double(cells)
            let position = min(max(mean[i], 0), 1)
            let cell = min((position / width).rounded(.down), Double(cells - 1))
            let distance = max(min(position - cell * width, (cell + 1) * width - position), 1e-12)
            let deviation = sigma * covariance[i][i].squareRoot()
            margin[i] = max(1, distance / (quantile * max(deviation, 1e-300)))
        }
    }

    /// The `z` with P(Z > z) = `p` for a standard normal Z, by bisection (p in (0, ½)).
    static func upperQuantile(_ p: Double) -> Double {
        var (low, high) = (0.0, 40.0)
        for _ in 0..<80 {
            let middle = (low + high) / 2
            if 0.5 * erfc(middle / 2.0.squareRoot()) > p { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }

    /// Whether the run has converged: a step size negligible on every coordinate, or a condition number of C
    /// beyond 10¹⁴.
    var hasConverged: Bool {
        guard !mean.isEmpty else { return false }
        let widest = (0..<mean.count).map { sigma * margin[$0] * covariance[$0][$0].squareRoot() }.max() ?? 0
        let largest = scales.max() ?? 1
        let smallest = scales.min() ?? 1
        return widest < 1e-10 || smallest <= 0 || largest / smallest > 1e7
    }
}
