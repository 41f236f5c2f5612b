import Foundation
import OrionAlgorithms
import OrionCore
import OrionTesting

/// A harness running `name` on `priors` through the standard registry, seeded: the set-up the BOHB, DEHB, PBT, PB2
/// and EvolutionES tests share.
///
/// - Parameters:
///   - name: the algorithm's wire name.
///   - priors: the search space.
///   - options: the algorithm's options; the registry fills the defaults.
///   - seed: the seed when `options` has none.
///   - maxTrials: the experiment's `max_trials`.
/// - Returns: the harness.
/// - Throws: the registry's and the space's errors.
func seededHarness(
    _ name: String,
    _ priors: [String: String],
    options: [String: JSONValue] = [:],
    seed: Int = 1,
    maxTrials: Int? = nil
) throws -> AlgorithmHarness {
    var resolved = try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: name, options: options))
    if resolved.options["seed"] == .null { resolved.options["seed"] = .int(seed) }
    let experiment = Experiment(
        id: "0123456789abcdef01234567",
        name: name,
        space: try Space(priors: priors),
        algorithm: resolved,
        maxTrials: maxTrials
    )
    return AlgorithmHarness(experiment: experiment, factory: AlgorithmRegistry.standard)
}
