import Foundation

/// A weighted mixture of product kernels over some coordinates of the unit cube: the densities l(x) and g(x) of TPE.
///
/// One component per observation plus one for the prior (the uniform distribution of the cube, since every
/// coordinate of ``SpaceTransform`` is its prior's CDF; its kernel is a normal of mean ½ and deviation 1 truncated to
/// `[0, 1]`, as Optuna's and Oríon's prior component). Numeric coordinates get a normal kernel truncated to `[0, 1]`;
/// integer coordinates with equal cells score the probability of the candidate's cell; categorical coordinates a
/// categorical kernel that puts weight 1 on the observed category plus `priorWeight` spread over every category.
///
/// Bandwidths ([Bergstra et al., 2011](https://papers.nips.cc/paper/4443-algorithms-for-hyper-parameter-optimization);
/// [Watanabe, 2023](https://arxiv.org/abs/2304.11127)): on each coordinate, an observation's deviation is the larger
/// distance to its sorted neighbours on that coordinate (the bounds are not neighbours), clipped to
/// `[1 / min(100, n + 2), 1]` (the "magic clip"), also when the kernel is joint over several coordinates (as
/// Optuna 5 does; Scott's rule `0.2 · n^(-1/(d+4))` did worse at Optuna's settings on the comparison problems).
struct ParzenEstimator: Sendable {
    /// How a coordinate is modelled.
    enum Kind: Hashable, Sendable {
        /// A real: a density.
        case real
        /// An integer cut into `levels` equal cells: the probability of the cell.
        case cells(Int)
        /// A category among `levels`, encoded at the centre of equal cells.
        case categorical(Int)
    }

    /// The kinds of the modelled coordinates.
    let kinds: [Kind]
    /// The log weight of each component, normalized; the prior is last.
    private(set) var logWeights: [Double] = []
    /// The normal kernels, `[coordinate][component]` (empty for categorical coordinates).
    private var kernels: [[TruncatedNormal]] = []
    /// `log(kernel.normalizer)`, `[coordinate][component]`.
    private var logNormalizers: [[Double]] = []
    /// The categorical kernels' log probabilities, `[coordinate][component][category]`.
    private var logProbabilities: [[[Double]]] = []
    /// The cumulative component weights, for sampling.
    private var cumulativeWeights: [Double] = []

    /// Builds the estimator of `points`.
    ///
    /// - Parameters:
    ///   - points: the observations, each with one value per modelled coordinate, in `[0, 1]`.
    ///   - weights: one positive weight per point.
    ///   - kinds: how each coordinate is modelled.
    ///   - priorWeight: the weight of the prior component (the points' weights are as given).
    ///   - minimumBandwidth: the smallest deviation of a kernel, instead of the magic clip's `1 / min(100, n + 2)`.
    ///   - bandwidthScale: a factor applied to every kernel's deviation once clipped (BOHB's widened sampling
    ///     density).
    init(
        points: [[Double]],
        weights: [Double],
        kinds: [Kind],
        priorWeight: Double,
        minimumBandwidth: Double? = nil,
        bandwidthScale: Double = 1
    ) {
        self.kinds = kinds
        let count = points.count
        let allWeights = weights + [priorWeight]
        let total = allWeights.reduce(0, +)
        logWeights = allWeights.map { log($0 / total) }
        var running = 0.0
        cumulativeWeights = allWeights.map { weight in
            running += weight / total
            return running
        }
        let minimum = minimumBandwidth ?? 1 / min(100, Double(count) + 2)
        for (coordinate, kind) in kinds.enumerated() {
            let values = points.map { $0[coordinate] }
            switch kind {
            case .real, .cells:
                var row = zip(values, Self.neighbourSpreads(values)).map {
                    TruncatedNormal(mean: $0, sd: min(max($1, minimum), 1) * bandwidthScale)
                }
                row.append(TruncatedNormal(mean: 0.5, sd: 1))
                kernels.append(row)
                logNormalizers.append(row.map { log($0.normalizer) })
                logProbabilities.append([])
            case .categorical(let levels):
                let share = priorWeight / Double(levels)
                var rows = values.map { value -> [Double] in
                    let observed = Self.category(value, levels)
                    let rowTotal = priorWeight + 1
                    return (0..<levels).map { log((share + ($0 == observed ? 1 : 0)) / rowTotal) }
                }
                rows.append(Array(repeating: -log(Double(levels)), count: levels))
                kernels.append([])
                logNormalizers.append([])
                logProbabilities.append(rows)
            }
        }
    }

    /// The category whose cell holds `value`.
    static func category(_ value: Double, _ levels: Int) -> Int {
        min(max(Int((value * Double(levels)).rounded(.down)), 0), levels - 1)
    }

    /// Each value's larger distance to its sorted neighbours; at the two ends, the distance to the only inner
    /// neighbour (the bounds are not neighbours); 1 for a lone value.
    static func neighbourSpreads(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        let sorted = order.map { values[$0] }
        var spreads = Array(repeating: 1.0, count: values.count)
        guard sorted.count > 1 else {
            if let only = sorted.first { spreads[0] = max(only, 1 - only) }
            return spreads
        }
        for (rank, index) in order.enumerated() {
            let left = rank > 0 ? sorted[rank] - sorted[rank - 1] : nil
            let right = rank + 1 < sorted.count ? sorted[rank + 1] - sorted[rank] : nil
            spreads[index] = max(left ?? 0, right ?? 0)
        }
        return spreads
    }

    /// The log density (or log probability, for cells and categories) of `x`, whose coordinates are snapped.
    ///
    /// - Parameter x: one value per modelled coordinate.
    /// - Returns: log l(x), log-sum-exp over the components.
    /// - Complexity: O(m · k) for m components and k coordinates.
    func logDensity(_ x: [Double]) -> Double {
        var terms = logWeights
        for (coordinate, kind) in kinds.enumerated() {
            let value = x[coordinate]
            switch kind {
            case .real:
                let row = kernels[coordinate]
                let normalizers = logNormalizers[coordinate]
                for component in terms.indices {
                    terms[component] += row[component].logDensity(value, logNormalizer: normalizers[component])
                }
            case .cells(let levels):
                let cell = Double(Self.category(value, levels))
                let (low, high) = (cell / Double(levels), (cell + 1) / Double(levels))
                let row = kernels[coordinate]
                let normalizers = logNormalizers[coordinate]
                for component in terms.indices {
                    terms[component] += row[component].logMass(
                        from: low,
                        to: high,
                        logNormalizer: normalizers[component]
                    )
                }
            case .categorical(let levels):
                let observed = Self.category(value, levels)
                let rows = logProbabilities[coordinate]
                for component in terms.indices { terms[component] += rows[component][observed] }
            }
        }
        guard let largest = terms.max(), largest.isFinite else { return terms.max() ?? -.infinity }
        return largest + log(terms.reduce(0) { $0 + exp($1 - largest) })
    }

    /// A draw: a component picked by weight, then each coordinate from its kernel (categories at their centre).
    ///
    /// - Parameter rng: the random source.
    /// - Returns: one value per modelled coordinate, in `[0, 1]`.
    func sample(using rng: inout some RandomNumberGenerator) -> [Double] {
        let u = Double.random(in: 0..<1, using: &rng)
        let component = min(
            cumulativeWeights.firstIndex { u < $0 } ?? cumulativeWeights.count - 1,
            logWeights.count - 1
        )
        return kinds.enumerated().map { coordinate, kind in
            switch kind {
            case .real, .cells:
                return kernels[coordinate][component].sample(using: &rng)
            case .categorical(let levels):
                let probabilities = logProbabilities[coordinate][component].map(exp)
                var draw = Double.random(in: 0..<1, using: &rng)
                var chosen = levels - 1
                for (category, probability) in probabilities.enumerated() {
                    draw -= probability
                    if draw < 0 {
                        chosen = category
                        break
                    }
                }
                return (Double(chosen) + 0.5) / Double(levels)
            }
        }
    }
}
