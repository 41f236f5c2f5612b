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
///    dimensions included (one-hot); with the Matérn-3/2 kernel when every dimension is real, Matérn-5/2
///    otherwise, and the local phase `trust_region: "v2l"` with the additive kernel for the global suggestions
///    (`additive: "global"`) on spaces of reals too, the local phase `trust_region: "v3"` on mixed spaces
///    (``gpOptions(for:)``).
///
/// The delegate gets the `seed` and its own defaults; see docs/algorithms/auto.md for the measurements behind the
/// rules.
///
/// **Hand-over.** A Gaussian process costs O(n³) per fit in n observations, so a long run (no `max_trials`, or
/// thousands) would slow to seconds per trial. When `gp` is chosen, `auto` also keeps a successor that observes
/// every trial from the start: `cmaes` started at the best completed point (`n_initial_points: 1`) when the space
/// has a numeric coordinate, else `tpe`, whose model uses every completed trial. Once ``Options/handOverAfter``
/// trials are completed, the successor takes over for the rest of the run. The switch happens in
/// ``observe(_:context:)``, is a function of the observed trials only, and is saved in the state, so every worker
/// agrees on it.
///
/// - Complexity: that of the chosen algorithm (plus the successor's observation, O(1) per trial for `cmaes`).
public struct AutoSearch: Algorithm {
    /// The options of `auto`.
    public struct Options: AlgorithmOptions {
        /// `seed`: an integer, or null (the default) for a seed drawn once from the system's entropy; passed to the
        /// chosen algorithm.
        public var seed: Int?
        /// `hand_over_after` (300): once this many trials are completed, a `gp` run hands over to its successor
        /// (`cmaes`, or `tpe` in a space without numeric coordinates); null never hands over.
        public var handOverAfter: Int? = AutoSearch.defaultHandOverAfter

        /// The keys.
        public enum CodingKeys: String, CodingKey {
            /// `seed`.
            case seed
            /// `hand_over_after`.
            case handOverAfter = "hand_over_after"
        }

        /// `seed: null`, `hand_over_after: 300`.
        public init() {}

        /// Decodes and checks the options.
        ///
        /// - Throws: `DecodingError` for a value of the wrong type; ``AlgorithmError`` `.invalidOption` for a
        ///   `hand_over_after` below 1.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            seed = try container.decodeIfPresent(Int.self, forKey: .seed)
            handOverAfter =
                container.contains(.handOverAfter)
                ? try container.decodeIfPresent(Int.self, forKey: .handOverAfter) : handOverAfter
            if let handOverAfter, handOverAfter < 1 {
                throw AlgorithmError(
                    .invalidOption,
                    "auto: option 'hand_over_after' must be an integer >= 1 or null, not \(handOverAfter)"
                )
            }
        }

        /// Encodes every option (null as `null`).
        ///
        /// - Throws: `EncodingError` when a value cannot be encoded.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(seed, forKey: .seed)
            try container.encode(handOverAfter, forKey: .handOverAfter)
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

    /// `true`: a space with a fidelity runs a multi-fidelity algorithm, which fills brackets with the trials it observes.
    public static let schedulesFidelity = true

    /// Spaces of more unit-cube coordinates than this go to `tpe`.
    public static let tpeWidth = 40

    /// Spaces of at least this many numeric coordinates go to `cmaes`.
    public static let cmaesCoordinates = 10

    /// The default of `hand_over_after`: completed trials before `gp` hands over to its successor (see
    /// docs/algorithms/auto.md, Cost, for the cost per suggestion it bounds).
    public static let defaultHandOverAfter = 300

    /// The algorithm running now: the one chosen, or its successor after the hand-over.
    public private(set) var choice: Choice
    /// Its state.
    var delegate: any Algorithm
    /// The algorithm that takes over after ``handOverAfter`` completed trials, observing every trial meanwhile;
    /// `nil` when there is none (a choice other than `gp`, `hand_over_after: null`, after the hand-over, or a state
    /// saved before hand-overs existed).
    var successor: Successor?
    /// The completed trials that count towards the hand-over.
    public let handOverAfter: Int?
    /// The ids of the completed trials seen, until the hand-over.
    var completedIDs: Set<String> = []
    /// The sorted ids written at the last save, shared by copies (neither encoded nor compared).
    let completedMemo = SortedIDsMemo()
    /// The algorithm that ran before the hand-over, once it happened.
    public private(set) var handedOverFrom: Choice?

    /// The successor of the chosen algorithm and its state.
    struct Successor: Sendable {
        /// Which algorithm it is.
        var choice: Choice
        /// Its state.
        var algorithm: any Algorithm
    }

    /// The algorithm `auto` runs for a space and a budget.
    ///
    /// - Parameter context: the search space and the experiment's budget.
    /// - Returns: the choice (see the type's documentation for the rules).
    public static func choose(for context: AlgorithmContext) -> Choice {
        let space = context.space
        if let fidelity = space.fidelity {
            // ASHA's reduction factor is the fidelity's base: with base 1 (linear levels) there is none, and random
            // search runs every trial at the full fidelity, as Oríon's default does.
            guard case .fidelity(_, _, let base) = fidelity.prior, base >= 2 else { return .random }
            return .asha
        }
        let cardinality = space.cardinality
        if cardinality.isFinite, let maxTrials = context.maxTrials, cardinality <= Double(maxTrials) {
            return .random
        }
        let transform = SpaceTransform(space, categoricalEncoding: .oneHot)
        if transform.width > tpeWidth { return .tpe }
        let numeric = transform.coordinates.filter { $0.kind == .real || $0.kind == .integer }.count
        return numeric >= cmaesCoordinates ? .cmaes : .gp
    }

    /// Creates the algorithm chosen for `context`, and its successor when it is `gp` and `hand_over_after` is set.
    ///
    /// - Parameters:
    ///   - options: the seed and `hand_over_after`.
    ///   - context: the search space and the experiment's budget.
    /// - Throws: the chosen algorithm's ``AlgorithmError``.
    public init(options: Options, context: AlgorithmContext) throws {
        choice = Self.choose(for: context)
        delegate = try Self.make(
            choice.type,
            seed: options.seed,
            context: context,
            extra: choice == .gp ? Self.gpOptions(for: context.space) : [:]
        )
        handOverAfter = options.handOverAfter
        if choice == .gp, options.handOverAfter != nil {
            let next = Self.successor(of: choice, for: context)
            // Started at the best completed trial rather than at the centre of the space.
            let extra: [String: JSONValue] = next == .cmaes ? ["n_initial_points": 1] : [:]
            successor = Successor(
                choice: next,
                algorithm: try Self.make(next.type, seed: options.seed, context: context, extra: extra)
            )
        }
    }

    /// The options `auto` gives `gp` besides the seed: `matern_nu: 1.5` (Matérn-3/2) when every dimension of
    /// `space` is real, with the local phase `trust_region: "v2l"` and the additive kernel for the global suggestions
    /// (`additive: "global"`); otherwise (an integer or categorical dimension) the local phase `trust_region: "v3"`
    /// alone (Matérn-5/2, `gp`'s default, the product kernel).
    ///
    /// Matérn-3/2 helped multimodal spaces of reals and hurt mixed ones; the rule was validated on fresh problems
    /// by a pre-registered criterion (docs/algorithms/gp.md, "Matérn-3/2 on spaces of reals"). The local phase
    /// (version 2) passed its own pre-registered test on a second fresh set (docs/algorithms/gp.md, "The local
    /// phase, version 2"), but on mixed spaces its evidence is even (lr_like and two of the five real
    /// scikit-learn tasks worse, three mixed problems better), so it is given to spaces of reals only. The additive
    /// kernel for the global suggestions passed its pre-registered test on spaces of reals, a fourth fresh set
    /// (docs/algorithms/gp.md, "The additive kernel for global suggestions only"); it was not tested for mixed
    /// spaces. The local phase version 3 (one box per category combination) passed its pre-registered test on mixed
    /// spaces, a sixth fresh set (docs/algorithms/gp.md, "`trust_region: \"v3\"`"): better on 7 of 8, worse on none.
    /// Version 2's local suggestions with a model fitted on the trials nearest the box's centre (`"v2l"`) passed
    /// its pre-registered test on spaces of reals, an eighth fresh set (docs/algorithms/gp.md, "`trust_region:
    /// \"v2l\"`"): better on 5 of 8, worse on 1 (2.95×).
    ///
    /// - Parameter space: the search space.
    /// - Returns: the options, as `gp`'s option names to values.
    public static func gpOptions(for space: Space) -> [String: JSONValue] {
        space.dimensions.allSatisfy { $0.kind == .real }
            ? ["matern_nu": .double(1.5), "trust_region": "v2l", "additive": "global"] : ["trust_region": "v3"]
    }

    /// The algorithm that takes over from `choice` in a long run: `cmaes` when the space has a numeric coordinate
    /// (local progress from the best point, then restarts), else `tpe`.
    ///
    /// - Parameters:
    ///   - choice: the algorithm chosen first.
    ///   - context: the search space.
    /// - Returns: the successor.
    public static func successor(of choice: Choice, for context: AlgorithmContext) -> Choice {
        context.transform.coordinates.contains { $0.kind != .categorical } ? .cmaes : .tpe
    }

    private static func make<A: Algorithm>(
        _ type: A.Type,
        seed: Int?,
        context: AlgorithmContext,
        extra: [String: JSONValue] = [:]
    ) throws -> A {
        let object = extra.merging(["seed": seed.map { .int($0) } ?? .null]) { $1 }
        let options = try A.Options.decode(object, algorithm: A.name)
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

    /// Tells the chosen algorithm which of its suggestions were not registered.
    ///
    /// - Parameters:
    ///   - suggestions: the suggestions dropped.
    ///   - context: the search space and the experiment's budget.
    public mutating func dropped(_ suggestions: [Suggestion], context: AlgorithmContext) {
        delegate.dropped(suggestions, context: context)
    }

    /// Passes the trials to the chosen algorithm.
    ///
    /// - Parameters:
    ///   - trials: the changed trials.
    ///   - context: the search space and the experiment's budget.
    public mutating func observe(_ trials: [Trial], context: AlgorithmContext) {
        delegate.observe(trials, context: context)
        guard var next = successor, let limit = handOverAfter else { return }
        next.algorithm.observe(trials, context: context)
        for trial in trials where trial.status == .completed { completedIDs.insert(trial.id) }
        if completedIDs.count >= limit {
            handedOverFrom = choice
            choice = next.choice
            delegate = next.algorithm
            successor = nil
            completedIDs = []
        } else {
            successor = next
        }
    }

    /// Whether the chosen algorithm is done.
    ///
    /// - Parameter context: the search space and the experiment's budget.
    /// - Returns: the chosen algorithm's answer.
    public func isDone(context: AlgorithmContext) -> Bool { delegate.isDone(context: context) }
}

extension AutoSearch {
    private enum CodingKeys: String, CodingKey {
        case choice, state, successor
        case successorState = "successor_state"
        case handOverAfter = "hand_over_after"
        case completed
        case handedOverFrom = "handed_over_from"
    }

    /// Decodes the choice, the running algorithm's state and the hand-over's bookkeeping (absent from states saved
    /// before hand-overs existed: such a run never hands over).
    ///
    /// - Throws: `DecodingError` when a choice is unknown or a state does not decode.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        choice = try container.decode(Choice.self, forKey: .choice)
        delegate = try choice.type.init(from: container.superDecoder(forKey: .state))
        if let next = try container.decodeIfPresent(Choice.self, forKey: .successor) {
            successor = Successor(
                choice: next,
                algorithm: try next.type.init(from: container.superDecoder(forKey: .successorState))
            )
        }
        handOverAfter = try container.decodeIfPresent(Int.self, forKey: .handOverAfter)
        completedIDs = Set(try container.decodeIfPresent([String].self, forKey: .completed) ?? [])
        handedOverFrom = try container.decodeIfPresent(Choice.self, forKey: .handedOverFrom)
    }

    /// Encodes the choice and the running algorithm's state, `{"choice": "gp", "state": {...}}`, with the
    /// successor (`successor`, `successor_state`), `hand_over_after`, the completed trials counted so far
    /// (`completed`, sorted ids) and, after the hand-over, `handed_over_from`.
    ///
    /// - Throws: `EncodingError` when a state cannot be encoded.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(choice, forKey: .choice)
        try delegate.encode(to: container.superEncoder(forKey: .state))
        if let successor {
            try container.encode(successor.choice, forKey: .successor)
            try successor.algorithm.encode(to: container.superEncoder(forKey: .successorState))
        }
        try container.encodeIfPresent(handOverAfter, forKey: .handOverAfter)
        if !completedIDs.isEmpty { try container.encode(completedIDs.sorted(), forKey: .completed) }
        try container.encodeIfPresent(handedOverFrom, forKey: .handedOverFrom)
    }
}
