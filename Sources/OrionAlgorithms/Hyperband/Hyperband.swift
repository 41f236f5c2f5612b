import Foundation
import OrionCore

/// Hyperband (`hyperband`): successive halving run in brackets that trade many cheap configurations for few
/// expensive ones.
///
/// [Li et al., 2018](https://jmlr.org/papers/v18/16-558.html). With `R` the fidelity prior's `high`, `η` its
/// `base` and `s_max = floor(log(R / low) / log(η))`, bracket `s` (0 to `s_max`) draws
/// `ceil((s_max + 1) / (s_max - s + 1) · η^(s_max - s))` configurations at fidelity `R / η^(s_max - s)`, and
/// keeps the best `1/η` of them at each rung up to `R`, as in the paper (`fidelity(1, 27, base=3)`: 27 at 1, 12 at
/// 3, 6 at 9 and 4 at 27; Oríon truncates the ratio and starts 9 at 3). New configurations are points of a
/// scrambled Halton sequence over the space rather than independent draws.
///
/// Promotions are synchronous within a rung: once every trial of a rung is completed or broken, its best ones (up
/// to the next rung's size) are promoted, the same configuration at the next fidelity with `parent` the lower
/// trial's id. Workers do not idle meanwhile: they get the next bracket's new configurations, then the next
/// repetition's, up to `repetitions` (no limit when null). Broken trials count as finished and are never promoted,
/// so they do not block a rung.
///
/// - Complexity: O(t log t) per suggestion for t trials in a bracket's rungs.
public struct Hyperband: Algorithm {
    /// The options of Hyperband, Oríon's names and defaults.
    public struct Options: AlgorithmOptions {
        /// `seed`: an integer, or null (the default) for a seed drawn once from the system's entropy.
        public var seed: Int?
        /// `repetitions`: how many times the brackets are run; null (the default) for no limit (Oríon's `inf`).
        public var repetitions: Int?

        /// Oríon's option names.
        public enum CodingKeys: String, CodingKey {
            /// `seed`.
            case seed
            /// `repetitions`.
            case repetitions
        }

        /// `repetitions`: null is Oríon's `inf`.
        public static let unlimitedCounts: Set<String> = ["repetitions"]

        /// The defaults: `seed: null, repetitions: null`.
        public init() {}

        /// Decodes the options, every key present (the registry fills the defaults).
        ///
        /// - Throws: `DecodingError` for a value of the wrong type.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            seed = try container.decodeIfPresent(Int.self, forKey: .seed)
            repetitions = try container.decodeUnlimitedCount(forKey: .repetitions)
        }

        /// Encodes every option, null ones included.
        ///
        /// - Throws: `EncodingError` when a value cannot be encoded.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(seed, forKey: .seed)
            try container.encode(repetitions, forKey: .repetitions)
        }
    }

    /// `hyperband`.
    public static let name = "hyperband"

    /// `true`: it fills brackets (rungs, populations) with the trials it observes.
    public static let schedulesFidelity = true

    var core: SuccessiveHalving

    /// Creates a Hyperband search.
    ///
    /// - Parameters:
    ///   - options: `seed`, `repetitions`.
    ///   - context: the search space, which must have exactly one `fidelity(low, high, base)` dimension, base >= 2.
    /// - Throws: ``AlgorithmError`` `.unsupportedSpace` for a space without fidelity, `.invalidOption` for
    ///   `repetitions` below 1.
    public init(options: Options, context: AlgorithmContext) throws {
        let (low, high, base) = try SuccessiveHalving.fidelity(of: context.space, algorithm: Self.name)
        if let repetitions = options.repetitions, repetitions < 1 {
            throw AlgorithmError(
                .invalidOption,
                "hyperband: option 'repetitions' must be at least 1, or null for no limit, not \(repetitions)"
            )
        }
        core = SuccessiveHalving(
            plans: Self.brackets(low: low, high: high, base: base),
            base: base,
            synchronous: true,
            repetitions: options.repetitions,
            seed: options.seed,
            context: context
        )
    }

    /// The brackets of one repetition, with the lowest fidelity at least `low` (BOHB's and DEHB's too).
    ///
    /// Bracket `s` (from `s_max` down to 0) starts `n = ⌈(s_max + 1) / (s + 1) · η^s⌉` configurations, as in Li et
    /// al. (2018); rung `i` keeps `⌊n / η^i⌋` of them. Oríon's `compute_budgets` (and hpbandster's) truncates
    /// `(s_max + 1) / (s + 1)` to an integer first, which shrinks the middle brackets (9 rather than 12 at 3 of
    /// `fidelity(1, 27, base=3)`).
    ///
    /// - Parameters:
    ///   - low: the fidelity's lower bound.
    ///   - high: the fidelity's upper bound `R`.
    ///   - base: the reduction factor `η`.
    /// - Returns: each bracket's rungs, from its lowest fidelity up.
    static func brackets(low: Double, high: Double, base: Double) -> [[SuccessiveHalving.RungPlan]] {
        let sMax = max(0, Int(log(high / low) / log(base) + 1e-9))
        return (0...sMax).map { bracket in
            let depth = sMax - bracket
            let share = Double(sMax + 1) / Double(depth + 1)
            let trials = (share * pow(base, Double(depth)) - 1e-9).rounded(.up)
            let lowest = high / pow(base, Double(depth))
            return (0...depth).map { rung in
                let fidelity = (lowest * pow(base, Double(rung)) + 1e-9).rounded(.down)
                return SuccessiveHalving.RungPlan(
                    fidelity: min(max(fidelity, low), high),
                    capacity: max(1, Int(trials / pow(base, Double(rung)) + 1e-9))
                )
            }
        }
    }

    /// Up to `count` suggestions: promotions of complete rungs first, then new configurations for the first bracket
    /// that has room.
    ///
    /// - Parameters:
    ///   - count: the most suggestions wanted.
    ///   - context: the search space.
    /// - Returns: the suggestions; promotions carry their parent's id.
    public mutating func suggest(count: Int, context: AlgorithmContext) -> [Suggestion] {
        core.suggest(count: count, context: context) { _, _, open in open.first }
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

    /// `true` once no repetition can start and no promotion is left.
    ///
    /// - Parameter context: the search space.
    /// - Returns: whether the search is over.
    public func isDone(context: AlgorithmContext) -> Bool { core.isDone(context: context) }
}
