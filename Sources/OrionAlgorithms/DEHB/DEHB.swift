import Foundation
import OrionCore

/// DEHB (`dehb`): differential evolution over Hyperband's brackets.
///
/// [Awad, Mallik and Hutter, 2021](https://arxiv.org/abs/2105.09821). The brackets and rungs are ``Hyperband``'s
/// (the same ``SuccessiveHalving`` core: a rung is filled once the one below is complete, and workers get the next
/// bracket's configurations meanwhile). Each fidelity keeps a subpopulation, as large as the largest rung at that
/// fidelity, of the best configurations evaluated there.
///
/// - The first repetition of the brackets is Hyperband's: random configurations at the bottom, promotions above (the
///   same configuration, `parent` the lower trial), as DEHB's first iteration.
/// - From the second repetition on, every configuration is a child: a mutant of donors (the subpopulation of the
///   rung's fidelity at a bracket's bottom; above it, the parent rung's best configurations, those Hyperband would
///   promote, with the global population added when they are too few), crossed with a target of the subpopulation;
///   a child has no parent trial, since it is a new configuration.
/// - Selection: a child's result replaces its target in the subpopulation when it is at least as good (or when the
///   target is older than `max_age`); any other result joins a subpopulation that is not full, or replaces the
///   member it is compared with in turn when better.
///
/// - Complexity: O(p · w) per child for a subpopulation of p members of width w; O(t log t) per suggestion for
///   the t trials of a bracket's rungs.
public struct DEHB: Algorithm {
    /// `dehb`.
    public static let name = "dehb"

    /// `true`: it fills brackets (rungs, populations) with the trials it observes.
    public static let schedulesFidelity = true

    /// Hyperband's brackets.
    var core: SuccessiveHalving
    /// The subpopulations and the pending children's targets.
    var evolution: DifferentialEvolution

    /// Creates a DEHB search.
    ///
    /// - Parameters:
    ///   - options: Oríon's options, checked.
    ///   - context: the search space, which must have exactly one `fidelity(low, high, base)` dimension, base >= 2.
    /// - Throws: ``AlgorithmError`` `.unsupportedSpace` for a space without fidelity.
    public init(options: Options, context: AlgorithmContext) throws {
        let (low, high, base) = try SuccessiveHalving.fidelity(of: context.space, algorithm: Self.name)
        let plans = Hyperband.brackets(low: low, high: high, base: base)
        core = SuccessiveHalving(
            plans: plans,
            base: base,
            synchronous: true,
            repetitions: nil,
            seed: options.seed,
            context: context
        )
        evolution = DifferentialEvolution(options: options, plans: plans)
    }

    /// Up to `count` suggestions: Hyperband's promotions and new configurations in the first repetition,
    /// children of the subpopulations after it.
    ///
    /// - Parameters:
    ///   - count: the most suggestions wanted.
    ///   - context: the search space.
    /// - Returns: the suggestions; promotions carry their parent's id.
    public mutating func suggest(count: Int, context: AlgorithmContext) -> [Suggestion] {
        var evolution = self.evolution
        let suggestions = core.suggest(
            count: count,
            context: context,
            chooseBracket: { _, _, open in open.first },
            breed: { rng, bracket, rung, _ in
                guard bracket.repetition > 0 else { return nil }
                return evolution.child(bracket: bracket, rung: rung, context: context, using: &rng)
            }
        )
        self.evolution = evolution
        return suggestions
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

    /// Records the status of trials, and makes the completed ones compete in their fidelity's subpopulation.
    ///
    /// - Parameters:
    ///   - trials: the changed trials.
    ///   - context: the search space.
    public mutating func observe(_ trials: [Trial], context: AlgorithmContext) {
        core.observe(trials, context: context)
        for trial in trials where trial.status == .broken && context.space.contains(trial.params) {
            guard let fidelity = context.space.fidelity.flatMap({ trial.params[$0.name]?.doubleValue }) else {
                continue
            }
            evolution.forget(key: DifferentialEvolution.key(context.space.configuration(of: trial.params), fidelity))
        }
        for trial in trials where trial.status == .completed && context.space.contains(trial.params) {
            guard
                let objective = trial.objective, objective.isFinite,
                let fidelity = context.space.fidelity.flatMap({ trial.params[$0.name]?.doubleValue }),
                let vector = try? context.transform.encode(trial.params)
            else { continue }
            let key = DifferentialEvolution.key(context.space.configuration(of: trial.params), fidelity)
            evolution.select(vector: vector, fitness: objective, fidelity: fidelity, key: key)
        }
    }

    /// `true` once no new configuration can be sampled (a small finite space exhausted) and no rung has work left.
    ///
    /// - Parameter context: the search space.
    /// - Returns: whether the search is over.
    public func isDone(context: AlgorithmContext) -> Bool { core.isDone(context: context) }
}
