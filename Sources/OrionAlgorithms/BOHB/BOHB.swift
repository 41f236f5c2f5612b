import Foundation
import OrionCore

/// BOHB (`bohb`): Hyperband whose new configurations come from a TPE-style model of the best results so far.
///
/// [Falkner et al., 2018](https://proceedings.mlr.press/v80/falkner18a.html). The brackets, rungs and synchronous
/// promotions are ``Hyperband``'s (the same ``SuccessiveHalving`` core, so promotions keep the configuration and
/// record the lower trial as `parent`). Only the configurations entering a bracket's bottom rung differ: a share
/// `random_fraction` of them, and all of them until a model exists, are sampled at random; the others maximize
/// l(x)/g(x) over `num_samples` draws from a widened l, where l and g are Parzen estimators (TPE's, over the unit
/// cube) of the best `top_n_percent` and the other observations at the highest fidelity that has enough of both
/// (more than `min_points_in_model`, at least the number of dimensions + 1, in each group).
///
/// - Complexity: O(n · w) per suggestion call to gather the n observations of width w, plus
///   O(`num_samples` · m · w) per model-based configuration for m modelled observations.
public struct BOHB: Algorithm {
    /// `bohb`.
    public static let name = "bohb"

    /// `true`: it fills brackets (rungs, populations) with the trials it observes.
    public static let schedulesFidelity = true

    /// The options, kept for the model.
    let options: Options
    /// Hyperband's brackets and promotions.
    var core: SuccessiveHalving

    /// Creates a BOHB search.
    ///
    /// - Parameters:
    ///   - options: Oríon's options, checked.
    ///   - context: the search space, which must have exactly one `fidelity(low, high, base)` dimension, base >= 2.
    /// - Throws: ``AlgorithmError`` `.unsupportedSpace` for a space without fidelity, `.invalidOption` for an
    ///   invalid `parallel_strategy`.
    public init(options: Options, context: AlgorithmContext) throws {
        let (low, high, base) = try SuccessiveHalving.fidelity(of: context.space, algorithm: Self.name)
        _ = try ParallelStrategy(options.parallelStrategy)
        self.options = options
        core = SuccessiveHalving(
            plans: Hyperband.brackets(low: low, high: high, base: base),
            base: base,
            synchronous: true,
            repetitions: nil,
            seed: options.seed,
            context: context
        )
    }

    /// Up to `count` suggestions: Hyperband's promotions first, then new configurations for the first bracket that
    /// has room, from the model when there is one (except a `random_fraction` share), at random otherwise.
    ///
    /// - Parameters:
    ///   - count: the most suggestions wanted.
    ///   - context: the search space.
    /// - Returns: the suggestions; promotions carry their parent's id.
    public mutating func suggest(count: Int, context: AlgorithmContext) -> [Suggestion] {
        let model = Model(brackets: core.brackets, options: options, context: context)
        let randomFraction = options.randomFraction
        return core.suggest(
            count: count,
            context: context,
            chooseBracket: { _, _, open in open.first },
            breed: { rng, _, _, promoted in
                guard promoted == nil, let model, Double.random(in: 0..<1, using: &rng) >= randomFraction else {
                    return nil
                }
                return model.point(using: &rng, transform: context.transform)
            }
        )
    }

    /// Ends the entries whose trials exist already (a point a user inserted at that fidelity), so that their rungs
    /// do not wait for them.
    ///
    /// - Parameters:
    ///   - suggestions: the suggestions dropped.
    ///   - context: the search space.
    public mutating func dropped(_ suggestions: [Suggestion], context: AlgorithmContext) {
        core.dropped(suggestions, context: context)
    }

    /// Records the status and objective of trials.
    ///
    /// - Parameters:
    ///   - trials: the changed trials.
    ///   - context: the search space.
    public mutating func observe(_ trials: [Trial], context: AlgorithmContext) {
        core.observe(trials, context: context)
    }

    /// `true` once no new configuration can be sampled (a small finite space exhausted) and no promotion is left.
    ///
    /// - Parameter context: the search space.
    /// - Returns: whether the search is over.
    public func isDone(context: AlgorithmContext) -> Bool { core.isDone(context: context) }
}
