import Foundation
import OrionCore

/// `category_exploration: k`: on a space with categories, every k-th suggestion searches a category combination drawn
/// at random.
///
/// A GP on one-hot categories can lock a run into the category of its first good trial: probe hD5 saw `auto` spend 92
/// of 100 trials of a real SVC on the `linear` kernel, and on the held-out svm_like 3 of 10 runs stayed on `linear`
/// from trial 15 to 100, varying only the coordinates that kernel ignores. Log-EI at the incumbent's level with a
/// little variance beats the other kernels, whose few design trials were poor. Random interleaving is SMAC's guard
/// against such a model ([Hutter et al., 2011](https://doi.org/10.1007/978-3-642-25566-3_40)), and CoCaBO draws the
/// categories apart from the GP ([Ru et al., 2020](https://arxiv.org/abs/1906.08878)). Here only the categories are
/// drawn: the numbers are still the model's.
///
/// - When: the suggestion made after `n` trials (completed, and earlier ones of the batch) with `n` a multiple of `k`,
///   after the design; with an even `k` under `trust_region`, a slot of a global suggestion.
/// - The combination: each categorical dimension's value drawn uniformly, drawn again while the combination is the
///   incumbent's (the best completed trial's), which the other suggestions already search.
/// - The point: the maximizer of log-EI over the numeric coordinates with the one-hot coordinates held at that
///   combination (``GPBO/maximizeInCombinationRegions(_:_:regions:seen:)`` over the whole numeric cube), from the
///   model on every trial; the usual step when every candidate is seen.
extension GPBO {
    /// Whether the suggestion made with `completed` trials completed and `batchIndex` earlier suggestions of the
    /// batch searches a random category combination.
    func isCategoryExplorationStep(completed: Int, batchIndex: Int, _ transform: SpaceTransform) -> Bool {
        let period = options.categoryExploration
        guard period > 0, completed >= options.nInitialPoints else { return false }
        guard transform.coordinates.contains(where: { $0.category != nil }) else { return false }
        return (completed + batchIndex) % period == 0
    }

    /// The exploration step: log-EI's maximizer within a category combination drawn at random (see above).
    ///
    /// - Parameters:
    ///   - model: the batch's model on every trial, fitted here (with `believed` pending) when `nil`.
    ///   - transform: the unit-cube view of the space.
    ///   - completed: the trials the model learns from.
    ///   - believed: the batch's earlier suggestions.
    ///   - seen: the points already observed or suggested.
    /// - Returns: the point; `nil` when the model cannot be fitted or every candidate is seen.
    mutating func categoryExplorationSuggestion(
        _ model: inout AcquisitionModel?,
        _ transform: SpaceTransform,
        completed: [Record],
        believed: [[Double]],
        seen: Set<[Double]>
    ) -> [Double]? {
        if model == nil {
            model = fit(transform, completed: completed).map { believed.reduce($0) { $0.believing($1) } }
        }
        guard let model else { return nil }
        let incumbent = completed.filter { $0.objective?.isFinite == true }.min {
            ($0.objective ?? .infinity) < ($1.objective ?? .infinity)
        }
        let combination = randomCombination(transform, avoiding: incumbent?.vector)
        var lower = [Double](repeating: 0, count: transform.width)
        var upper = [Double](repeating: 1, count: transform.width)
        for (index, value) in combination {
            lower[index] = value
            upper[index] = value
        }
        let region = TrustRegion(length: 1, lower: lower, upper: upper)
        return maximizeInCombinationRegions(model, transform, regions: [region], seen: seen)
    }

    /// The one-hot coordinates of a category combination drawn uniformly (each dimension's value independently),
    /// drawn again (up to 32 times) while it equals `avoiding`'s when the space has other combinations.
    ///
    /// - Returns: the one-hot coordinates' indices and values (1 for the drawn category, 0 for the others).
    mutating func randomCombination(_ transform: SpaceTransform, avoiding: [Double]?) -> [(Int, Double)] {
        let categorical = transform.coordinates.indices.filter { transform.coordinates[$0].category != nil }
        var groups: [Range<Int>] = []
        for index in categorical where groups.last != transform.coordinates[index].group {
            groups.append(transform.coordinates[index].group)
        }
        let alternatives = groups.contains { $0.count > 1 }
        var drawn: [(Int, Double)] = []
        for _ in 0..<32 {
            drawn = []
            for group in groups {
                let chosen = group.lowerBound + Int(generator.next() % UInt64(group.count))
                for index in group { drawn.append((index, index == chosen ? 1 : 0)) }
            }
            guard alternatives, let avoiding, drawn.allSatisfy({ avoiding[$0.0] == $0.1 }) else { break }
        }
        return drawn
    }
}
