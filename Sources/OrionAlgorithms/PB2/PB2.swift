import Foundation
import OrionCore

/// Population based bandits (`pb2`): ``PBT`` whose explore step picks the copy's hyperparameters with a
/// time-varying Gaussian-process bandit instead of random perturbations.
///
/// [Parker-Holder et al., 2020](https://arxiv.org/abs/2002.02518). Generations, exploit and lineages are PBT's
/// (`population_size`, `generations`, `exploit`, `fork_timeout`). The data are the most recent 200 steps of the
/// population: for each completed member whose parent completed, the fidelity `t`, the objective before the step
/// and the member's hyperparameters (on the unit cube of the shared space transform) as input, the decrease of the
/// objective over the step as target. A ``TimeVaryingGP`` is fitted to them; the new hyperparameters maximize
/// `UCB = μ + √β_t · σ` at the copy's `t` and objective, `β_t = 0.2 · log(0.4 · n)` for n data points, where `σ`
/// also counts the members still running as observed (so that parallel copies spread out). With fewer than 3
/// data points, the copy is perturbed as PBT's `PerturbExplore` does.
///
/// - Complexity: O(n³) per copy for n ≤ 200 data points (36 fits of the kernel's parameters), plus O(m) for m
///   members.
public struct PB2: Algorithm {
    /// The options of PB2, Oríon's names and defaults (PBT's without `explore`).
    public struct Options: AlgorithmOptions {
        /// `seed`: an integer, or null (the default) for a seed drawn once from the system's entropy.
        public var seed: Int?
        /// `population_size`: 50 by default.
        public var populationSize = 50
        /// `generations`: 10 by default.
        public var generations = 10
        /// `exploit`: ``Exploit/standard`` by default.
        public var exploit = Exploit.standard
        /// `fork_timeout`: seconds; 60 by default.
        public var forkTimeout = 60.0

        /// Oríon's option names.
        public enum CodingKeys: String, CodingKey {
            /// `seed`.
            case seed
            /// `population_size`.
            case populationSize = "population_size"
            /// `generations`.
            case generations
            /// `exploit`.
            case exploit
            /// `fork_timeout`.
            case forkTimeout = "fork_timeout"
        }

        /// The defaults: `seed: null, population_size: 50, generations: 10, exploit: PipelineExploit(...),
        /// fork_timeout: 60`.
        public init() {}

        /// Decodes the options, every key present (the registry fills the defaults).
        ///
        /// - Throws: `DecodingError` for a value of the wrong type, ``AlgorithmError`` for one out of range.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            seed = try container.decodeIfPresent(Int.self, forKey: .seed)
            populationSize = try container.decodeIfPresent(Int.self, forKey: .populationSize) ?? 50
            generations = try container.decodeIfPresent(Int.self, forKey: .generations) ?? 10
            exploit = try container.decodeIfPresent(Exploit.self, forKey: .exploit) ?? .standard
            forkTimeout = try container.decodeIfPresent(Double.self, forKey: .forkTimeout) ?? 60
            try PBT.check(populationSize: populationSize, generations: generations, forkTimeout: forkTimeout)
        }

        /// Encodes every option, null ones included.
        ///
        /// - Throws: `EncodingError` when a value cannot be encoded.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(seed, forKey: .seed)
            try container.encode(populationSize, forKey: .populationSize)
            try container.encode(generations, forKey: .generations)
            try container.encode(exploit, forKey: .exploit)
            try PBT.encode(forkTimeout: forkTimeout, to: &container, forKey: .forkTimeout)
        }
    }

    /// `pb2`.
    public static let name = "pb2"

    /// `true`: it fills brackets (rungs, populations) with the trials it observes.
    public static let schedulesFidelity = true

    /// The most recent steps the model is fitted to.
    static let window = 200
    /// The random candidates tried for the acquisition's maximum, before local refinement.
    static let candidates = 256

    let exploit: Exploit
    private(set) var population: Population

    /// Creates a PB2 search.
    ///
    /// - Parameters:
    ///   - options: `seed`, `population_size`, `generations`, `exploit`, `fork_timeout`.
    ///   - context: the search space, which must have exactly one `fidelity(low, high, base)` dimension.
    /// - Throws: ``AlgorithmError`` `.unsupportedSpace` for a space without fidelity.
    public init(options: Options, context: AlgorithmContext) throws {
        exploit = options.exploit
        population = Population(
            fidelities: try Population.fidelities(
                of: context.space,
                generations: options.generations,
                algorithm: Self.name
            ),
            populationSize: options.populationSize,
            forkTimeout: options.forkTimeout,
            seed: options.seed,
            context: context
        )
    }

    /// Up to `count` suggestions: first-level members while the population is short, then offspring.
    ///
    /// - Parameters:
    ///   - count: the most suggestions wanted.
    ///   - context: the search space.
    /// - Returns: the suggestions; offspring carry their parent's id.
    public mutating func suggest(count: Int, context: AlgorithmContext) -> [Suggestion] {
        population.suggest(count: count, context: context, exploit: exploit) {
            population,
            source,
            generation,
            context,
            generator in
            Self.explore(population, source: source, generation: generation, context: context, using: &generator)
        }
    }

    /// Records the status and objective of trials.
    ///
    /// - Parameters:
    ///   - trials: the changed trials.
    ///   - context: the search space.
    public mutating func observe(_ trials: [Trial], context: AlgorithmContext) {
        population.observe(trials, context: context)
    }

    /// Ends the members whose trials exist already (a point a user inserted): each counts as broken, so that its
    /// lineage goes on as after a failed trial.
    ///
    /// - Parameters:
    ///   - suggestions: the suggestions dropped.
    ///   - context: the search space.
    public mutating func dropped(_ suggestions: [Suggestion], context: AlgorithmContext) {
        population.dropped(suggestions, context: context)
    }

    /// `true` once `population_size` members completed the last level, or nothing more can run.
    ///
    /// - Parameter context: the search space.
    /// - Returns: whether the search is over.
    public func isDone(context: AlgorithmContext) -> Bool { population.isDone(context: context) }

    /// New hyperparameters for a copy of member `source` that runs at level `generation`, by the GP bandit.
    static func explore(
        _ population: Population,
        source: Int,
        generation: Int,
        context: AlgorithmContext,
        using generator: inout SeededGenerator
    ) -> Parameters {
        let transform = context.transform
        let base = population.members[source]
        // A step's gain is nil when its trial broke: it gets the worst gain seen, so that the bandit moves away
        // from hyperparameters that broke instead of proposing them again (91 children of one member in a region
        // that always broke, before).
        var observed: [(t: Double, before: Double, x: [Double], gain: Double?)] = []
        var running: [[Double]] = []
        for member in population.members {
            if member.status == .pending {
                if let x = try? transform.encode(member.parameters) { running.append(x) }
                continue
            }
            guard member.status == .completed || member.status == .broken, let parent = member.parent,
                population.members[parent].status == .completed,
                let before = population.members[parent].objective,
                let x = try? transform.encode(member.parameters)
            else { continue }
            let gain = member.status == .completed ? member.objective.map { before - $0 } : nil
            if member.status == .completed, gain == nil { continue }
            observed.append((population.fidelities[member.generation], before, x, gain))
        }
        observed = Array(observed.suffix(window))
        let worst = observed.compactMap(\.gain).min() ?? 0
        let completedSteps = observed.count { $0.gain != nil }
        let steps = observed.map { (t: $0.t, before: $0.before, x: $0.x, gain: $0.gain ?? worst) }
        let next = min(generation, population.fidelities.count - 1)
        guard completedSteps >= 3, transform.width > 0, let baseObjective = base.objective else {
            return Explore.perturb(factor: 1.2, volatility: 0.0001)
                .explore(base.parameters, space: context.space, using: &generator) ?? base.parameters
        }
        func scale(_ values: [Double]) -> (Double) -> Double {
            let low = values.min() ?? 0
            let span = (values.max() ?? 1) - low
            return { ($0 - low) / (span + 1e-8) }
        }
        // The copy's own time and objective count in the scales, so that they stay inside [0, 1].
        let time = scale(steps.map(\.t) + [population.fidelities[next]])
        let before = scale(steps.map(\.before) + [baseObjective])
        let gains = steps.map(\.gain)
        let mean = gains.reduce(0, +) / Double(gains.count)
        let sd = (gains.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(gains.count)).squareRoot()
        let targets = gains.map { min(max(($0 - mean) / (sd + 1e-8), -2), 2) }
        let inputs = steps.map { [time($0.t), before($0.before)] + $0.x }
        guard let model = TimeVaryingGP.fit(inputs: inputs, targets: targets) else {
            return base.parameters
        }
        let fixed = [time(population.fidelities[next]), before(baseObjective)]
        let spread = model.refitted(inputs: inputs + running.suffix(window).map { fixed + $0 }) ?? model
        let beta = max(0, 0.2 * log(0.4 * Double(steps.count)))
        func ucb(_ x: [Double]) -> Double {
            model.predict(fixed + x).mean + beta.squareRoot() * spread.predict(fixed + x).sd
        }
        let width = transform.width
        var best = (try? transform.encode(base.parameters)) ?? Array(repeating: 0.5, count: width)
        var bestValue = ucb(best)
        for _ in 0..<candidates {
            let x = (0..<width).map { _ in Double.random(in: 0...1, using: &generator) }
            let value = ucb(x)
            if value > bestValue { (best, bestValue) = (x, value) }
        }
        var step = 0.1
        for _ in 0..<3 {
            for _ in 0..<16 {
                let x = best.map { min(max($0 + step * Explore.normal(1, using: &generator), 0), 1) }
                let value = ucb(x)
                if value > bestValue { (best, bestValue) = (x, value) }
            }
            step /= 3
        }
        return transform.decode(best)
    }
}
