import Foundation

/// A search algorithm: a value type whose stored properties are its whole state.
///
/// The state is `Codable`, saved as JSON in the storage under the experiment's algorithm lock, so that any worker
/// on any machine can continue where another stopped. All randomness comes from a stored ``SeededGenerator``:
/// the same seed and the same observations give the same suggestions.
///
/// Bookkeeping (trial ids, deduplication, retries, the `max_trials` budget) is done by ``AlgorithmDriver``, not by
/// each algorithm.
public protocol Algorithm: Codable, Sendable {
    /// The wire name used in configurations (`random`, `gridsearch`), lowercase.
    static var name: String { get }

    /// Every option with its default value; the keys are the only options accepted.
    static var defaultOptions: [String: JSONValue] { get }

    /// Creates the algorithm for `space`.
    ///
    /// - Parameters:
    ///   - space: the search space.
    ///   - options: every key of ``defaultOptions``, with user values applied (already validated by name).
    ///   - maxTrials: the experiment's budget, if any.
    /// - Throws: ``AlgorithmError`` when an option has a bad value or the space is unsupported.
    init(space: Space, options: [String: JSONValue], maxTrials: Int?) throws

    /// The options in effect (every key of ``defaultOptions``), as stored in the experiment.
    var configuration: [String: JSONValue] { get }

    /// Up to `count` new points (dimension name → value), each inside the space.
    ///
    /// Returns fewer (possibly none) when the algorithm has nothing to suggest now. The driver drops points that
    /// were already suggested and asks again.
    mutating func suggest(count: Int) -> [[String: JSONValue]]

    /// Learns from trials whose status changed (registered, reserved, completed, broken...), including the
    /// trials this algorithm suggested itself. A trial may be observed several times as its status changes.
    mutating func observe(_ trials: [Trial])

    /// Whether the algorithm has nothing more to suggest (e.g. an exhausted grid).
    var isDone: Bool { get }
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
    func decodeAlgorithm(named name: String, from data: Data) throws -> any Algorithm
}

/// An error in an algorithm's configuration or use.
public struct AlgorithmError: Error, CustomStringConvertible, Sendable {
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

    /// The message.
    public var description: String { message }
}
