import Foundation
import OrionCore

/// The adaptive algorithm (`auto`): picks, from the search space and the budget, the built-in algorithm that suits
/// it, and runs it.
///
/// The choice is made once, when the experiment's algorithm is created, and kept in the state (so every worker
/// runs the same one), in this order:
/// 1. a fidelity dimension → `asha` (multi-fidelity early stopping, Oríon's defaults);
/// 2. a finite space with at most `max_trials` configurations → `random`, which draws without replacement, so it
///    tries every configuration within the budget;
/// 3. more categorical dimensions than numeric ones → `tpe`, whose per-dimension categorical densities need no
///    embedding;
/// 4. more than ``turboWidth`` coordinates in the unit cube (one per category) → `turbo`, whose trust region keeps
///    the GP local where a global one needs too many trials;
/// 5. otherwise → `gp` (a quasi-random design, then Gaussian-process BO with log expected improvement).
///
/// The delegate gets the `seed` and its own defaults; see docs/algorithms/auto.md for the measurements behind the
/// rules.
///
/// - Complexity: that of the chosen algorithm.
public struct AutoSearch: Algorithm {
    /// The options of `auto`.
    public struct Options: AlgorithmOptions {
        /// `seed`: an integer, or null (the default) for a seed drawn once from the system's entropy; passed to the
        /// chosen algorithm.
        public var seed: Int?

        /// The keys.
        public enum CodingKeys: String, CodingKey {
            /// `seed`.
            case seed
        }

        /// `seed: null`.
        public init() {}

        /// Encodes the seed (null as `null`).
        ///
        /// - Throws: `EncodingError` when the value cannot be encoded.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(seed, forKey: .seed)
        }
    }

    /// The algorithms `auto` chooses from.
    public enum Choice: String, Codable, Sendable, CaseIterable {
        /// Random search without replacement (small finite spaces).
        case random
        /// Gaussian-process BO.
        case gp
        /// Trust-region BO.
        case turbo
        /// Tree-structured Parzen estimator.
        case tpe
        /// Asynchronous successive halving.
        case asha

        /// The algorithm's type.
        var type: any Algorithm.Type {
            switch self {
            case .random: RandomSearch.self
            case .gp: GPBO.self
            case .turbo: TuRBO.self
            case .tpe: TPE.self
            case .asha: ASHA.self
            }
        }
    }

    /// `auto`.
    public static let name = "auto"

    /// Spaces wider than this many unit-cube coordinates go to `turbo` rather than `gp`.
    public static let turboWidth = 10

    /// The chosen algorithm.
    public let choice: Choice
    /// Its state.
    var delegate: any Algorithm

    /// The algorithm `auto` runs for a space and a budget.
    ///
    /// - Parameter context: the search space and the experiment's budget.
    /// - Returns: the choice (see the type's documentation for the rules).
    public static func choose(for context: AlgorithmContext) -> Choice {
        let space = context.space
        if space.fidelity != nil { return .asha }
        let cardinality = space.cardinality
        if cardinality.isFinite, let maxTrials = context.maxTrials, cardinality <= Double(maxTrials) {
            return .random
        }
        let categorical = space.dimensions.filter { $0.kind == .categorical }.count
        let numeric = space.dimensions.filter { $0.kind == .real || $0.kind == .integer }.count
        if categorical > numeric { return .tpe }
        let width = SpaceTransform(space, categoricalEncoding: .oneHot).width
        return width > turboWidth ? .turbo : .gp
    }

    /// Creates the algorithm chosen for `context`.
    ///
    /// - Parameters:
    ///   - options: the seed.
    ///   - context: the search space and the experiment's budget.
    /// - Throws: the chosen algorithm's ``AlgorithmError``.
    public init(options: Options, context: AlgorithmContext) throws {
        choice = Self.choose(for: context)
        delegate = try Self.make(choice.type, seed: options.seed, context: context)
    }

    private static func make<A: Algorithm>(_ type: A.Type, seed: Int?, context: AlgorithmContext) throws -> A {
        let options = try A.Options.decode(["seed": seed.map { .int($0) } ?? .null], algorithm: A.name)
        return try A(options: options, context: context)
    }

    /// The chosen algorithm's suggestions.
    ///
    /// - Parameters:
    ///   - count: the most suggestions wanted.
    ///   - context: the search space and the experiment's budget.
    /// - Returns: the suggestions.
    public mutating func suggest(count: Int, context: AlgorithmContext) -> [Suggestion] {
        delegate.suggest(count: count, context: context)
    }

    /// Passes the trials to the chosen algorithm.
    ///
    /// - Parameters:
    ///   - trials: the changed trials.
    ///   - context: the search space and the experiment's budget.
    public mutating func observe(_ trials: [Trial], context: AlgorithmContext) {
        delegate.observe(trials, context: context)
    }

    /// Whether the chosen algorithm is done.
    ///
    /// - Parameter context: the search space and the experiment's budget.
    /// - Returns: the chosen algorithm's answer.
    public func isDone(context: AlgorithmContext) -> Bool { delegate.isDone(context: context) }
}

extension AutoSearch {
    private enum CodingKeys: String, CodingKey {
        case choice, state
    }

    /// Decodes the choice and the chosen algorithm's state.
    ///
    /// - Throws: `DecodingError` when the choice is unknown or the state does not decode.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        choice = try container.decode(Choice.self, forKey: .choice)
        delegate = try choice.type.init(from: container.superDecoder(forKey: .state))
    }

    /// Encodes the choice and the chosen algorithm's state: `{"choice": "gp", "state": {...}}`.
    ///
    /// - Throws: `EncodingError` when the state cannot be encoded.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(choice, forKey: .choice)
        try delegate.encode(to: container.superEncoder(forKey: .state))
    }
}
