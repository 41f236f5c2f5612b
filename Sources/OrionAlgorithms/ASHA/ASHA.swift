import Foundation
import OrionCore

/// Asynchronous successive halving (`asha`): new configurations at a low fidelity, the best promoted as results
/// arrive.
///
/// [Li et al., 2020](https://arxiv.org/abs/1810.05934). The rungs are `num_rungs` fidelities spread
/// geometrically from the fidelity prior's `low` to its `high` (`fidelity(1, 27, base=3)`: 1, 3, 9, 27), rounded
/// to integers as Oríon does. Whenever a worker asks, a configuration in the top `1/base` of the completed trials of
/// a rung that is not yet in the rung above is promoted (the same configuration at the next fidelity, `parent` the
/// lower trial's id), from the highest rung down; otherwise a new configuration is drawn at random into the bottom
/// rung of a bracket. Nobody waits for a full rung. Pending trials are not promoted until they complete; broken
/// trials never.
///
/// With `num_brackets` > 1, bracket `b` starts at rung `b` (fewer, more expensive configurations); a new
/// configuration goes to a bracket chosen at random with weight `e^(rungs)`, as in Oríon. Bracket `b`'s bottom rung
/// holds `base^(num_rungs - 1 - b)` configurations; when every bracket is full, a new repetition starts, up to
/// `repetitions` (no limit when null). The search is done when no repetition can start and every promotion was run
/// (or every configuration of a small finite space was tried).
///
/// - Complexity: O(t log t) per suggestion for t trials in a bracket's rungs.
public struct ASHA: Algorithm {
    /// The options of ASHA, Oríon's names and defaults.
    public struct Options: AlgorithmOptions {
        /// `seed`: an integer, or null (the default) for a seed drawn once from the system's entropy.
        public var seed: Int?
        /// `num_rungs`: the number of fidelities; null (the default) for `int(log(high / low) / log(base) + 1)`.
        public var numRungs: Int?
        /// `num_brackets`: 1 by default, at most `num_rungs`.
        public var numBrackets = 1
        /// `repetitions`: how many times the brackets are run; null (the default) for no limit (Oríon's `inf`).
        public var repetitions: Int?

        /// Oríon's option names.
        public enum CodingKeys: String, CodingKey {
            /// `seed`.
            case seed
            /// `num_rungs`.
            case numRungs = "num_rungs"
            /// `num_brackets`.
            case numBrackets = "num_brackets"
            /// `repetitions`.
            case repetitions
        }

        /// `repetitions`: null is Oríon's `inf`.
        public static let unlimitedCounts: Set<String> = ["repetitions"]

        /// The defaults: `seed: null, num_rungs: null, num_brackets: 1, repetitions: null`.
        public init() {}

        /// Decodes the options, every key present (the registry fills the defaults).
        ///
        /// - Throws: `DecodingError` for a value of the wrong type.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            seed = try container.decodeIfPresent(Int.self, forKey: .seed)
            numRungs = try container.decodeIfPresent(Int.self, forKey: .numRungs)
            numBrackets = try container.decodeIfPresent(Int.self, forKey: .numBrackets) ?? 1
            repetitions = try container.decodeUnlimitedCount(forKey: .repetitions)
        }

        /// Encodes every option, null ones included.
        ///
        /// - Throws: `EncodingError` when a value cannot be encoded.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(seed, forKey: .seed)
            try container.encode(numRungs, forKey: .numRungs)
            try container.encode(numBrackets, forKey: .numBrackets)
            try container.encode(repetitions, forKey: .repetitions)
        }
    }

    /// `asha`.
    public static let name = "asha"

    /// `true`: it fills brackets (rungs, populations) with the trials it observes.
    public static let schedulesFidelity = true

    var core: SuccessiveHalving

    /// Creates an ASHA search.
    ///
    /// - Parameters:
    ///   - options: `seed`, `num_rungs`, `num_brackets`, `repetitions`.
    ///   - context: the search space, which must have exactly one `fidelity(low, high, base)` dimension, base >= 2.
    /// - Throws: ``AlgorithmError`` `.unsupportedSpace` for a space without fidelity, `.invalidOption` for counts
    ///   out of range.
    public init(options: Options, context: AlgorithmContext) throws {
        let (low, high, base) = try SuccessiveHalving.fidelity(of: context.space, algorithm: Self.name)
        let budgets = try Self.budgets(low: low, high: high, base: base, numRungs: options.numRungs)
        guard (1...budgets.count).contains(options.numBrackets) else {
            throw AlgorithmError(
                .invalidOption,
                "asha: option 'num_brackets' must be between 1 and num_rungs (\(budgets.count)), "
                    + "not \(options.numBrackets)"
            )
        }
        if let repetitions = options.repetitions, repetitions < 1 {
            throw AlgorithmError(
                .invalidOption,
                "asha: option 'repetitions' must be at least 1, or null for no limit, not \(repetitions)"
            )
        }
        let plans = (0..<options.numBrackets).map { bracket in
            budgets[bracket...].enumerated().map { offset, fidelity in
                let exponent = Double(budgets.count - bracket - offset - 1)
                return SuccessiveHalving.RungPlan(fidelity: fidelity, capacity: Int(pow(base, exponent).rounded()))
            }
        }
        core = SuccessiveHalving(
            plans: plans,
            base: base,
            synchronous: false,
            repetitions: options.repetitions,
            seed: options.seed,
            context: context
        )
    }

    /// `num_rungs` as Oríon shows it: when null, the number of rungs the fidelity gives.
    ///
    /// That is `log(high / low) / log(base) + 1`, 5 for `fidelity(1, 16, base=2)`; the options are unchanged when
    /// it is set, or when the space has no usable fidelity.
    public static func displayedOptions(_ options: [String: JSONValue], space: Space) -> [String: JSONValue] {
        guard options["num_rungs"] == .null,
            let (low, high, base) = try? SuccessiveHalving.fidelity(of: space, algorithm: name),
            let budgets = try? budgets(low: low, high: high, base: base, numRungs: nil)
        else { return options }
        var shown = options
        shown["num_rungs"] = .int(budgets.count)
        return shown
    }

    /// The fidelities of the rungs: `num_rungs` values from `low` to `high` spaced geometrically, rounded as Oríon
    /// does (`int(value + 0.5)`) and kept inside `[low, high]`.
    ///
    /// - Parameters:
    ///   - low: the fidelity's lower bound.
    ///   - high: the fidelity's upper bound.
    ///   - base: the fidelity's base.
    ///   - numRungs: the option, `nil` for Oríon's default.
    /// - Returns: the fidelities, increasing.
    /// - Throws: ``AlgorithmError`` `.invalidOption` when `num_rungs` is below 1 or gives a fidelity twice.
    static func budgets(low: Double, high: Double, base: Double, numRungs: Int?) throws -> [Double] {
        // A tiny margin so that exact powers (1000 = 10^3) are not one rung short from rounding, as in Oríon.
        let automatic = Int(log(high / low) / log(base) + 1 + 1e-9)
        let count = numRungs ?? automatic
        guard count >= 1 else {
            throw AlgorithmError(.invalidOption, "asha: option 'num_rungs' must be at least 1, not \(count)")
        }
        let budgets = levels(low: low, high: high, base: base, count: count)
        guard distinct(budgets) else {
            let largest = (1..<count).last { distinct(levels(low: low, high: high, base: base, count: $0)) } ?? 1
            throw AlgorithmError(
                .invalidOption,
                "asha: option 'num_rungs' \(count) gives fidelity levels that repeat (\(Self.shortList(budgets)))"
                    + " for fidelity(\(Self.text(low)), \(Self.text(high)), base=\(Self.text(base)));"
                    + " use at most \(largest) rungs"
            )
        }
        return budgets
    }

    /// A number as written in a prior: whole ones without a decimal point.
    static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : JSONValue.double(value).pythonString
    }

    /// The levels, the first six and the last when there are more.
    static func shortList(_ levels: [Double]) -> String {
        let shown = levels.map(text)
        guard shown.count > 7 else { return shown.joined(separator: ", ") }
        return (shown.prefix(6) + ["...", shown[shown.count - 1]]).joined(separator: ", ")
    }

    /// `count` fidelities from `low` to `high` spaced geometrically; whole for whole bounds (epochs), rounded as
    /// Oríon does, while a fractional fidelity (a share of the data, fidelity(0.1, 1)) keeps its levels, which
    /// rounding would make all equal.
    private static func levels(low: Double, high: Double, base: Double, count: Int) -> [Double] {
        let start = log(low) / log(base)
        let end = log(high) / log(base)
        let whole = low.rounded() == low && high.rounded() == high
        return (0..<count).map { index -> Double in
            let exponent = count == 1 ? start : start + (end - start) * Double(index) / Double(count - 1)
            let level = pow(base, exponent)
            let rounded = whole ? (level + 0.5).rounded(.down) : level
            return min(max(rounded, low), high)
        }
    }

    private static func distinct(_ levels: [Double]) -> Bool {
        zip(levels, levels.dropFirst()).allSatisfy { $0 < $1 }
    }

    /// Up to `count` suggestions: promotions first, then new configurations.
    ///
    /// - Parameters:
    ///   - count: the most suggestions wanted.
    ///   - context: the search space.
    /// - Returns: the suggestions; promotions carry their parent's id.
    public mutating func suggest(count: Int, context: AlgorithmContext) -> [Suggestion] {
        core.suggest(count: count, context: context) { generator, brackets, open in
            let sizes = open.map { Double(brackets[$0].plan.count) }
            let largest = sizes.max() ?? 0
            let weights = sizes.map { exp($0 - largest) }
            var draw = Double.random(in: 0..<1, using: &generator) * weights.reduce(0, +)
            for (position, weight) in weights.enumerated() {
                draw -= weight
                if draw < 0 { return open[position] }
            }
            return open.last
        }
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
