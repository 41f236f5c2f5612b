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
///   incumbent's (the model's best trial), which the other suggestions already search.
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
        let groups = Self.categoryGroups(transform)
        let combination = randomCombination(groups, avoiding: model.bestInputs.first)
        let region = TrustRegion(
            length: 1,
            lower: Self.setting(combination, groups, in: [Double](repeating: 0, count: transform.width)),
            upper: Self.setting(combination, groups, in: [Double](repeating: 1, count: transform.width))
        )
        return maximizeInCombinationRegions(model, transform, regions: [region], seen: seen)
    }

    /// A category combination (the chosen category's offset in each of `groups`) drawn uniformly, each group
    /// independently, drawn again (up to 32 times) while it is `avoiding`'s one-hot setting when there are other
    /// combinations.
    ///
    /// - Returns: the combination, as ``GPBO/setting(_:_:in:)`` takes it.
    mutating func randomCombination(_ groups: [Range<Int>], avoiding: [Double]?) -> [Int] {
        let alternatives = groups.contains { $0.count > 1 }
        var drawn: [Int] = []
        for _ in 0..<32 {
            drawn = groups.map { Int(generator.next() % UInt64($0.count)) }
            guard alternatives, let avoiding,
                zip(groups, drawn).allSatisfy({ avoiding[$0.0.lowerBound + $0.1] == 1 })
            else { break }
        }
        return drawn
    }
}
