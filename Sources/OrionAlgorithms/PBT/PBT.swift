import Foundation
import OrionCore

/// Population based training (`pbt`): a population trained generation by generation over the fidelity, the worst
/// members replaced by copies of better ones with perturbed or resampled hyperparameters.
///
/// [Jaderberg et al., 2017](https://arxiv.org/abs/1711.09846), as Oríon runs it. The fidelity prior
/// `fidelity(low, high, base)` is cut into `generations + 1` levels (evenly spaced for `base=1`, geometrically
/// otherwise; integers when both bounds are). `population_size` configurations are drawn at the lowest level.
/// When a member completes a level, ``Exploit`` decides: it goes on (the same hyperparameters at the next level,
/// its trial as `parent`), or a better member is copied (that member as `parent`, hyperparameters changed by
/// ``Explore``). The script continues from the parent's checkpoint, found in `ORION_PARENT_WORKING_DIR`. A broken
/// child sends the member it came from back for another try; a broken first-level member is replaced by a new
/// draw. The search is done when `population_size` members completed the highest level (or nothing more can run).
///
/// - Complexity: O(m) per offspring for m members (the lineage elites of `BacktrackExploit`), O(1) per observed
///   trial.
public struct PBT: Algorithm {
    /// The options of PBT, Oríon's names and defaults.
    public struct Options: AlgorithmOptions {
        /// `seed`: an integer, or null (the default) for a seed drawn once from the system's entropy.
        public var seed: Int?
        /// `population_size`: the members that are not broken at the first level, and how many must complete the
        /// last; 50 by default.
        public var populationSize = 50
        /// `generations`: the number of levels after the first; 10 by default.
        public var generations = 10
        /// `exploit`: whether a member goes on or is replaced (``Exploit/standard`` by default).
        public var exploit = Exploit.standard
        /// `explore`: the new hyperparameters of a copy (``Explore/standard`` by default).
        public var explore = Explore.standard
        /// `fork_timeout`: the longest time, in seconds, spent looking for a new configuration for one member;
        /// 60 by default.
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
            /// `explore`.
            case explore
            /// `fork_timeout`.
            case forkTimeout = "fork_timeout"
        }

        /// The defaults: `seed: null, population_size: 50, generations: 10, exploit: PipelineExploit(...),
        /// explore: PipelineExplore(...), fork_timeout: 60`.
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
            explore = try container.decodeIfPresent(Explore.self, forKey: .explore) ?? .standard
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
            try container.encode(explore, forKey: .explore)
            try PBT.encode(forkTimeout: forkTimeout, to: &container, forKey: .forkTimeout)
        }
    }

    /// `pbt`.
    public static let name = "pbt"

    /// `true`: it fills brackets (rungs, populations) with the trials it observes.
    public static let schedulesFidelity = true

    let exploit: Exploit
    let explore: Explore
    private(set) var population: Population

    /// Creates a PBT search.
    ///
    /// - Parameters:
    ///   - options: `seed`, `population_size`, `generations`, `exploit`, `explore`, `fork_timeout`.
    ///   - context: the search space, which must have exactly one `fidelity(low, high, base)` dimension.
    /// - Throws: ``AlgorithmError`` `.unsupportedSpace` for a space without fidelity.
    public init(options: Options, context: AlgorithmContext) throws {
        exploit = options.exploit
        explore = options.explore
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

    /// Checks the counts shared by ``PBT`` and ``PB2``.
    ///
    /// - Throws: ``AlgorithmError`` `.invalidOption` naming the option out of range.
    static func check(populationSize: Int, generations: Int, forkTimeout: Double) throws {
        guard populationSize >= 1 else {
            throw AlgorithmError(.invalidOption, "option 'population_size' must be at least 1, not \(populationSize)")
        }
        guard generations >= 1 else {
            throw AlgorithmError(.invalidOption, "option 'generations' must be at least 1, not \(generations)")
        }
        guard forkTimeout >= 0, forkTimeout.isFinite else {
            throw AlgorithmError(.invalidOption, "option 'fork_timeout' must be 0 or more seconds, not \(forkTimeout)")
        }
    }

    /// Writes `fork_timeout` as it was given: a whole number of seconds as an integer (`60`, as Oríon prints its
    /// default), a fraction as a float (Oríon compares it with a clock, so `60.5` is accepted there too).
    static func encode<Key: CodingKey>(
        forkTimeout: Double,
        to container: inout KeyedEncodingContainer<Key>,
        forKey key: Key
    ) throws {
        if let whole = Int(exactly: forkTimeout) {
            try container.encode(whole, forKey: key)
        } else {
            try container.encode(forkTimeout, forKey: key)
        }
    }

    /// The fidelity of each generation.
    public var fidelities: [Double] { population.fidelities }

    /// Up to `count` suggestions: first-level members while the population is short, then offspring of members
    /// that completed a level.
    ///
    /// - Parameters:
    ///   - count: the most suggestions wanted.
    ///   - context: the search space.
    /// - Returns: the suggestions; offspring carry their parent's id.
    public mutating func suggest(count: Int, context: AlgorithmContext) -> [Suggestion] {
        let explore = explore
        return population.suggest(count: count, context: context, exploit: exploit) {
            population,
            source,
            _,
            context,
            generator in
            let parameters = population.members[source].parameters
            return explore.explore(parameters, space: context.space, using: &generator) ?? parameters
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
}
