import Foundation
import OrionCore
import OrionNumerics

extension GPBO {
    /// The most category combinations enumerated; beyond, those of the best candidates.
    static let combinationLimit = 64

    /// The kernel structure of the options for `transform`: the overlap kernel on one-hot coordinates
    /// (`categorical_kernel`) and equal-cell integers rounded (`round_integers`); with the additive part as
    /// `additive` says (by default as the option `additive` does).
    func kernelStructure(_ transform: SpaceTransform, additive: Bool? = nil) -> KernelStructure {
        KernelStructure(
            transform,
            categories: options.categoricalKernel,
            integers: options.roundIntegers,
            smoothness: options.smoothness,
            additive: additive ?? options.additive,
            linear: options.linearKernel
        )
    }

    /// Candidates refined by L-BFGS-B in their numeric coordinates with their categories held fixed.
    ///
    /// One per category combination: every combination when there are at most ``combinationLimit``, else those of
    /// the best candidates. Empty for a space without categories or when `categorical_kernel` is off.
    ///
    /// The relaxed refinement moves one-hot coordinates between categories, and snapping then keeps numeric
    /// coordinates tuned for a mixture of categories; here each combination gets the numeric coordinates that are
    /// best for it, so a category whose optimum lies elsewhere in the reals is scored at that optimum.
    ///
    /// - Parameters:
    ///   - model: the fitted acquisition model.
    ///   - transform: the unit-cube view, one-hot categories.
    ///   - pool: the candidates scored so far.
    ///   - scores: their scores, `scores[f][p]`.
    ///   - minimizer: the refining optimizer.
    /// - Returns: the refined points, not snapped.
    func refineWithinCategories(
        _ model: AcquisitionModel,
        _ transform: SpaceTransform,
        pool: [[Double]],
        scores: [[Double]],
        minimizer: BoundedLBFGS
    ) -> [[Double]] {
        guard options.categoricalKernel, !pool.isEmpty else { return [] }
        let groups = Self.categoryGroups(transform)
        guard !groups.isEmpty else { return [] }
        let w = transform.width
        let n = model.process.count
        var refined: [[Double]] = []
        for (row, function) in model.functions.enumerated() {
            let ranked = scores[row]
            let order = pool.indices.sorted { ranked[$0] > ranked[$1] }
            let starts = order.prefix(16).map { pool[$0] } + model.bestInputs
            let combinations = Self.categoryCombinations(groups, of: starts.map { transform.snap($0) })
            // Every start under every combination, scored at once; the best start of each combination is refined.
            var trial: [[Double]] = []
            for combination in combinations {
                for start in starts { trial.append(Self.setting(combination, groups, in: start)) }
            }
            let trialScores = model.scores(trial)[row]
            var best: [(score: Double, point: [Double])] = combinations.indices.map { index in
                let range = (index * starts.count)..<((index + 1) * starts.count)
                let top = range.max { trialScores[$0] < trialScores[$1] } ?? range.lowerBound
                return (trialScores[top], trial[top])
            }
            best.sort { $0.score > $1.score }
            // Each refinement costs O(n²) per step: fewer combinations refined when there are many trials.
            let refineCount = max(3, min(best.count, 4_000_000 / max(1, n * n)))
            for (_, start) in best.prefix(refineCount) {
                var lower = [Double](repeating: 0, count: w)
                var upper = [Double](repeating: 1, count: w)
                for group in groups {
                    for c in group {
                        lower[c] = start[c]
                        upper[c] = start[c]
                    }
                }
                let outcome = minimizer.minimize(from: start, lower: lower, upper: upper) { x in
                    let (value, gradient) = model.scoreWithGradient(function, x)
                    return (-value, gradient.map { -$0 })
                }
                if outcome.value.isFinite { refined.append(outcome.x) }
            }
        }
        return refined
    }

    /// The one-hot groups of `transform`'s categorical dimensions, in order (one per dimension element).
    static func categoryGroups(_ transform: SpaceTransform) -> [Range<Int>] {
        var groups: [Range<Int>] = []
        for coordinate in transform.coordinates where coordinate.category != nil {
            if groups.last != coordinate.group { groups.append(coordinate.group) }
        }
        return groups
    }

    /// The category combinations to refine.
    ///
    /// All of them when there are at most ``combinationLimit``, else those of `snapped` (each a one-hot vector),
    /// without repeats. A combination is the chosen category's offset in each group.
    static func categoryCombinations(_ groups: [Range<Int>], of snapped: [[Double]]) -> [[Int]] {
        var total = 1
        for group in groups {
            total *= group.count
            if total > combinationLimit { break }
        }
        if total <= combinationLimit {
            var combinations: [[Int]] = [[]]
            for group in groups {
                combinations = combinations.flatMap { prefix in (0..<group.count).map { prefix + [$0] } }
            }
            return combinations
        }
        var seen = Set<[Int]>()
        return snapped.compactMap { point in
            let combination = groups.map { group in
                (0..<group.count).max { point[group.lowerBound + $0] < point[group.lowerBound + $1] } ?? 0
            }
            return seen.insert(combination).inserted ? combination : nil
        }
    }

    /// `point` with the one-hot groups set to `combination`.
    static func setting(_ combination: [Int], _ groups: [Range<Int>], in point: [Double]) -> [Double] {
        var result = point
        for (group, chosen) in zip(groups, combination) {
            for (offset, c) in group.enumerated() { result[c] = offset == chosen ? 1 : 0 }
        }
        return result
    }
}
