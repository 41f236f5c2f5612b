import Foundation

/// A search algorithm: a value type whose stored properties are its whole state.
///
/// The state is `Codable`, saved as JSON in the storage under the experiment's algorithm lock, so that any worker
/// on any machine can continue where another stopped. All randomness comes from a stored ``SeededGenerator``:
/// the same seed and the same observations give the same suggestions.
///
/// The algorithm keeps only what it learns: the search space and the experiment's budget come with every call in
/// an ``AlgorithmContext``. Bookkeeping (trial ids, deduplication, retries, the `max_trials` budget) is done by
/// ``AlgorithmDriver``, not by each algorithm: a suggestion that is already a trial is dropped and the algorithm is
/// asked again. The algorithm alone says when it has nothing more to suggest (``isDone(context:)``).
///
/// Adding one: a folder in OrionAlgorithms with the algorithm and its ``AlgorithmOptions``, one line in the
/// registry (see CONTRIBUTING.md).
public protocol Algorithm: Codable, Sendable {
    /// The typed options, decoded from the experiment's configuration (Oríon's keys).
    associatedtype Options: AlgorithmOptions

    /// The wire name used in configurations (`random`, `gridsearch`), lowercase.
    static var name: String { get }

    /// Creates the algorithm.
    ///
    /// - Parameters:
    ///   - options: the options, defaults filled in and types checked.
    ///   - context: the search space and the experiment's budget.
    /// - Throws: ``AlgorithmError`` when an option has a bad value for this space, or the space is unsupported.
    init(options: Options, context: AlgorithmContext) throws

    /// Up to `count` new suggestions, each inside the space.
    ///
    /// Returns fewer (possibly none) when the algorithm has nothing to suggest now. The driver drops suggestions
    /// that are already trials (same parameters, fidelity included) and asks again.
    ///
    /// - Parameters:
    ///   - count: the most suggestions wanted.
    ///   - context: the search space and the experiment's budget.
    /// - Returns: the suggestions.
    mutating func suggest(count: Int, context: AlgorithmContext) -> [Suggestion]

    /// Learns from trials whose status changed (registered, reserved, completed, broken...), including the
    /// trials this algorithm suggested itself. A trial may be observed several times as its status changes.
    ///
    /// - Parameters:
    ///   - trials: the changed trials.
    ///   - context: the search space and the experiment's budget.
    mutating func observe(_ trials: [Trial], context: AlgorithmContext)

    /// Learns that the driver did not register these suggestions because a trial with the same parameters exists
    /// (a point a user inserted, a trial of a parent version): no result will come for them as suggested, under
    /// their parent. An algorithm that waits for each of its suggestions (a rung, a generation, a lineage) must not
    /// wait for these. The default does nothing.
    ///
    /// - Parameters:
    ///   - suggestions: the suggestions dropped, as the algorithm made them.
    ///   - context: the search space and the experiment's budget.
    mutating func dropped(_ suggestions: [Suggestion], context: AlgorithmContext)

    /// Whether the algorithm has nothing more to suggest (an exhausted grid, every configuration of a finite space
    /// tried at its highest fidelity...).
    ///
    /// - Parameter context: the search space and the experiment's budget.
    /// - Returns: `true` once the search is over.
    func isDone(context: AlgorithmContext) -> Bool

    /// The options as Oríon shows them once the algorithm is made for `space` (`orion info`): an option whose
    /// null means "computed from the space" given its computed value (ASHA's `num_rungs: 5` for
    /// `fidelity(1, 16, base=2)`). The default returns `options` unchanged.
    ///
    /// - Parameters:
    ///   - options: every option with its value, as resolved.
    ///   - space: the experiment's search space.
    /// - Returns: the options to show.
    static func displayedOptions(_ options: [String: JSONValue], space: Space) -> [String: JSONValue]

    /// Whether the algorithm plans its whole search for the experiment's `max_trials` when it is made (grid search
    /// fits its grid to it), so that a new `max_trials` must make it again: the stored state is reset and the new
    /// algorithm skips the points already tried. `false` by default.
    static var plansForBudget: Bool { get }

    /// Whether the algorithm schedules trials at several fidelities in brackets, rungs or populations (ASHA,
    /// Hyperband, PBT...), which inherited trials of a parent version can fill: when they alone leave it done, a
    /// new version's algorithm starts without them. `false` by default.
    static var schedulesFidelity: Bool { get }
}

extension Algorithm {
    /// Nothing: the algorithm does not wait for the results of its own suggestions.
    public mutating func dropped(_ suggestions: [Suggestion], context: AlgorithmContext) {}

    /// `false`: the algorithm reads `max_trials` from its context at each call, if at all.
    public static var plansForBudget: Bool { false }

    /// `false`: the algorithm does not fill brackets with the trials it observes.
    public static var schedulesFidelity: Bool { false }

    /// The options unchanged.
    public static func displayedOptions(_ options: [String: JSONValue], space: Space) -> [String: JSONValue] {
        options
    }
}

/// What an algorithm is told at every call: the search space, its numeric view and the experiment's budget.
///
/// The driver owns it and builds it once; algorithms do not store a copy of the space in their state.
public struct AlgorithmContext: Sendable, Hashable {
    /// The search space.
    public let space: Space
    /// The space as the unit cube, for model-based algorithms: `transform.encode(trial.params)` gives a trial's
    /// vector, `transform.decode(vector)` a point to suggest (categories as one index coordinate each; build a
    /// `SpaceTransform(space, categoricalEncoding: .oneHot)` for one-hot).
    public let transform: SpaceTransform
    /// The experiment's `max_trials`, if any.
    public let maxTrials: Int?

    /// Creates a context.
    ///
    /// - Parameters:
    ///   - space: the search space.
    ///   - maxTrials: the experiment's budget.
    /// - Complexity: O(w) to build the transform, for a vector width of w.
    public init(space: Space, maxTrials: Int? = nil) {
        self.space = space
        self.transform = SpaceTransform(space)
        self.maxTrials = maxTrials
    }
}

/// One point an algorithm suggests, with the trial it comes from, if any.
///
/// `Codable`, so that an algorithm can keep suggestions waiting in its state (a promotion queue).
public struct Suggestion: Codable, Sendable, Hashable {
    /// The parameters, one per dimension of the space (fidelity included).
    public var parameters: Parameters
    /// The id of the trial this one comes from, if any.
    ///
    /// The same configuration at a lower fidelity (a promotion), or the member a population-based child is copied
    /// from. Stored as the trial's `parent`.
    public var parent: String?

    /// Creates a suggestion.
    ///
    /// - Parameters:
    ///   - parameters: the point.
    ///   - parent: the id of the trial it comes from.
    public init(_ parameters: Parameters, parent: String? = nil) {
        self.parameters = parameters
        self.parent = parent
    }
}

/// Makes algorithms from configurations and decodes stored states.
///
/// OrionAlgorithms' `AlgorithmRegistry` is the standard implementation; plugins can provide their own.
public protocol AlgorithmFactory: Sendable {
    /// Validates `config` (known name, known options) and fills every option's default.
    ///
    /// - Throws: ``AlgorithmError`` naming the valid algorithms or options.
    func resolve(_ config: AlgorithmConfig) throws -> AlgorithmConfig

    /// Creates a fresh algorithm for `space` from a resolved configuration.
    func makeAlgorithm(_ config: AlgorithmConfig, space: Space, maxTrials: Int?) throws -> any Algorithm

    /// Decodes an algorithm of wire name `name` from its stored JSON state.
    ///
    /// - Throws: ``AlgorithmError`` `.corruptState` when the state cannot be decoded (the driver then rebuilds
    ///   the algorithm from scratch by observing every trial again).
    func decodeAlgorithm(named name: String, from data: Data) throws -> any Algorithm

    /// The options of `config` once made for `space`: every option with its value, an option whose null means
    /// "computed from the space" given its computed value (ASHA's `num_rungs`).
    ///
    /// Two configurations whose options are equal here run the same algorithm, so that `num_rungs: 3` written out
    /// (as Oríon stores it) and `num_rungs` left out, where the space gives 3 rungs, are not an algorithm change.
    ///
    /// - Throws: as ``resolve(_:)``.
    func effectiveOptions(_ config: AlgorithmConfig, space: Space) throws -> [String: JSONValue]

    /// Whether the algorithm of `config` plans its search for the experiment's `max_trials` when it is made
    /// (``Algorithm/plansForBudget``): a new `max_trials` then resets its state.
    func plansForBudget(_ config: AlgorithmConfig) -> Bool

    /// Whether the algorithm of `config` schedules trials at several fidelities (``Algorithm/schedulesFidelity``).
    func schedulesFidelity(_ config: AlgorithmConfig) -> Bool
}

extension AlgorithmFactory {
    /// The resolved options, unchanged: a factory whose algorithms compute no option from the space.
    ///
    /// - Throws: as ``resolve(_:)``.
    public func effectiveOptions(_ config: AlgorithmConfig, space: Space) throws -> [String: JSONValue] {
        try resolve(config).options
    }

    /// Whether the algorithm of `config` plans its search for `max_trials` (``Algorithm/plansForBudget``); `false`
    /// for a factory that does not say.
    public func plansForBudget(_ config: AlgorithmConfig) -> Bool { false }

    /// `false` for a factory that does not say.
    public func schedulesFidelity(_ config: AlgorithmConfig) -> Bool { false }
}

/// An error in an algorithm's configuration or use.
public struct AlgorithmError: OrionError {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// No algorithm has this name.
        case unknownAlgorithm
        /// The algorithm has no such option.
        case unknownOption
        /// An option's value is invalid.
        case invalidOption
        /// The algorithm cannot search this space.
        case unsupportedSpace
        /// The stored state could not be decoded.
        case corruptState
        /// The configuration would need more resources than allowed (a grid too large to build).
        case tooLarge
        /// The algorithm suggested a point that is not a value of the space (a bug in the algorithm).
        case invalidSuggestion
        /// The algorithm's state cannot be saved (a value JSON cannot hold; a bug in the algorithm).
        case invalidState
    }

    /// What went wrong.
    public var code: Code
    /// A sentence saying what happened and how to fix it.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// ``ErrorKind/usage``: the algorithm's configuration is the user's (a corrupt state never reaches the user: the
    /// driver rebuilds the algorithm); ``ErrorKind/failure`` for a suggestion outside the space or a state that
    /// cannot be saved (bugs in the algorithm).
    public var kind: ErrorKind { code == .invalidSuggestion || code == .invalidState ? .failure : .usage }
}
