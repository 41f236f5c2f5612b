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
/// 3. more than ``tpeWidth`` unit-cube coordinates (one per category) → `tpe`, whose cost is linear in the
///    dimensions where a GP's model and acquisition search degrade;
/// 4. at least ``cmaesCoordinates`` numeric coordinates (reals and integers, vector elements counted) → `cmaes`,
///    measured the best of ours at 100 trials in 10 and 20 dimensions (ahead of `turbo`, then `gp`);
/// 5. otherwise → `gp` (a quasi-random design, then Gaussian-process BO with log expected improvement), categorical
///    dimensions included (one-hot).
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
        /// Trust-region BO (not chosen by the current rules; kept decodable).
        case turbo
        /// CMA-ES.
        case cmaes
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
            case .cmaes: CMAES.self
            }
        }
    }

    /// `auto`.
    public static let name = "auto"

    /// Spaces of more unit-cube coordinates than this go to `tpe`.
    public static let tpeWidth = 40

    /// Spaces of at least this many numeric coordinates go to `cmaes`.
    public static let cmaesCoordinates = 10

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
        let transform = SpaceTransform(space, categoricalEncoding: .oneHot)
        if transform.width > tpeWidth { return .tpe }
        let numeric = transform.coordinates.filter { $0.kind == .real || $0.kind == .integer }.count
        return numeric >= cmaesCoordinates ? .cmaes : .gp
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
