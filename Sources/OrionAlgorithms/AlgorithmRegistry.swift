import Foundation
import OrionCore

/// The algorithms this package knows, by wire name: the standard ``AlgorithmFactory``.
///
/// Adding an algorithm is one line in ``standard``'s list.
public struct AlgorithmRegistry: AlgorithmFactory {
    /// Every built-in algorithm.
    public static let standard = AlgorithmRegistry(algorithms: [
        RandomSearch.self,
        GridSearch.self,
        TPE.self,
        CMAES.self,
        GPBO.self,
        Hyperband.self,
        ASHA.self,
        BOHB.self,
        DEHB.self,
        MOFA.self,
        PBT.self,
        PB2.self,
        EvolutionES.self,
        TuRBO.self,
        AutoSearch.self,
    ])

    /// The algorithm types, by wire name.
    private let types: [String: any Algorithm.Type]

    /// Creates a registry of `algorithms`; a later type replaces an earlier one of the same name.
    ///
    /// - Parameter algorithms: the algorithm types.
    public init(algorithms: [any Algorithm.Type]) {
        var types: [String: any Algorithm.Type] = [:]
        for type in algorithms { types[type.name.lowercased()] = type }
        self.types = types
    }

    /// The wire names of the algorithms, sorted.
    public var names: [String] { types.keys.sorted() }

    /// The algorithm type called `name` (case-insensitive), if any.
    ///
    /// - Parameter name: a wire name such as `random`.
    /// - Returns: the type, or `nil`.
    public func algorithmType(named name: String) -> (any Algorithm.Type)? {
        types[name.lowercased()]
    }

    /// Checks the name and options of `config` and fills every option's default.
    ///
    /// The options are decoded into the algorithm's ``AlgorithmOptions`` and encoded back, so the result lists
    /// every option with its value (`{seed: null}` for `random`) and a value of the wrong type is rejected here.
    ///
    /// - Parameter config: the configuration as written by the user.
    /// - Returns: the configuration with every option of the algorithm.
    /// - Throws: ``AlgorithmError`` `.unknownAlgorithm` or `.unknownOption`, naming the valid ones;
    ///   `.invalidOption` for a bad value.
    public func resolve(_ config: AlgorithmConfig) throws -> AlgorithmConfig {
        let type = try requireType(named: config.name)
        return AlgorithmConfig(name: type.name, options: try Self.resolvedOptions(type, config.options))
    }

    /// The options of `config` as Oríon shows them (`orion info`): every option with its value, those computed
    /// from the space with their value (``Algorithm/displayedOptions(_:space:)``), and a count whose null means no
    /// limit (``AlgorithmOptions/unlimitedCounts``) as infinity, which prints as `inf`.
    ///
    /// Not for storing: JSON has no infinity.
    ///
    /// - Parameters:
    ///   - config: the configuration as stored.
    ///   - space: the experiment's search space.
    /// - Returns: option name → value.
    /// - Throws: as ``resolve(_:)``.
    public func displayedOptions(_ config: AlgorithmConfig, space: Space) throws -> [String: JSONValue] {
        let type = try requireType(named: config.name)
        var options = type.displayedOptions(try Self.resolvedOptions(type, config.options), space: space)
        for key in Self.unlimitedCounts(type) where options[key] == .null {
            options[key] = .double(.infinity)
        }
        return options
    }

    /// The options of `config` made for `space`: those computed from the space with their value
    /// (``Algorithm/displayedOptions(_:space:)``), every other as resolved.
    ///
    /// - Throws: as ``resolve(_:)``.
    public func effectiveOptions(_ config: AlgorithmConfig, space: Space) throws -> [String: JSONValue] {
        let type = try requireType(named: config.name)
        return type.displayedOptions(try Self.resolvedOptions(type, config.options), space: space)
    }

    /// Whether the algorithm of `config` plans its search for `max_trials` (grid search); `false` for an unknown
    /// name.
    public func plansForBudget(_ config: AlgorithmConfig) -> Bool {
        algorithmType(named: config.name)?.plansForBudget ?? false
    }

    /// Whether the algorithm of `config` schedules trials at several fidelities; `false` for an unknown name.
    public func schedulesFidelity(_ config: AlgorithmConfig) -> Bool {
        algorithmType(named: config.name)?.schedulesFidelity ?? false
    }

    private static func unlimitedCounts<A: Algorithm>(_ type: A.Type) -> Set<String> { A.Options.unlimitedCounts }

    /// Creates a fresh algorithm.
    ///
    /// - Parameters:
    ///   - config: the configuration (resolved again here, so a partial one is fine).
    ///   - space: the search space.
    ///   - maxTrials: the experiment's budget.
    /// - Returns: the algorithm.
    /// - Throws: ``AlgorithmError`` for a bad configuration or an unsupported space.
    public func makeAlgorithm(_ config: AlgorithmConfig, space: Space, maxTrials: Int?) throws -> any Algorithm {
        let type = try requireType(named: config.name)
        return try Self.make(type, config.options, AlgorithmContext(space: space, maxTrials: maxTrials))
    }

    private static func resolvedOptions<A: Algorithm>(_ type: A.Type, _ options: [String: JSONValue]) throws
        -> [String: JSONValue]
    {
        try namingAlgorithm(A.self) { try A.Options.decode(options, algorithm: A.name).jsonObject() }
    }

    private static func make<A: Algorithm>(
        _ type: A.Type,
        _ options: [String: JSONValue],
        _ context: AlgorithmContext
    ) throws -> A {
        try namingAlgorithm(A.self) { try A(options: A.Options.decode(options, algorithm: A.name), context: context) }
    }

    /// Runs `body`, putting the algorithm's name before an option's message that does not start with it
    /// (`pbt: option 'population_size' ...`), as most algorithms write theirs, whether the options are resolved or
    /// the algorithm made.
    private static func namingAlgorithm<A: Algorithm, T>(_ type: A.Type, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var error as AlgorithmError where error.code == .invalidOption && error.message.hasPrefix("option '") {
            error.message = "\(A.name): " + error.message
            throw error
        }
    }

    /// Decodes an algorithm's JSON state.
    ///
    /// - Parameters:
    ///   - name: the algorithm's wire name.
    ///   - data: the JSON written by the algorithm's `encode(to:)`.
    /// - Returns: the algorithm.
    /// - Throws: ``AlgorithmError`` `.unknownAlgorithm`, or `.corruptState` when the JSON does not decode.
    public func decodeAlgorithm(named name: String, from data: Data) throws -> any Algorithm {
        let type = try requireType(named: name)
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw AlgorithmError(
                .corruptState,
                "the stored state of algorithm '\(type.name)' cannot be decoded (\(error)); "
                    + "it was probably written by another version of swift-orion"
            )
        }
    }

    private func requireType(named name: String) throws -> any Algorithm.Type {
        guard let type = algorithmType(named: name) else {
            if let similar = Self.orionPlugins[name.lowercased()] {
                throw AlgorithmError(
                    .unknownAlgorithm,
                    "algorithm '\(name)' is one of Oríon's plugins (a Python package), which swift-orion does not"
                        + " provide; \(similar) is the closest here; valid algorithms: \(names.joined(separator: ", "))"
                )
            }
            throw AlgorithmError(
                .unknownAlgorithm,
                "unknown algorithm '\(name)'; valid algorithms: \(names.joined(separator: ", "))"
            )
        }
        return type
    }

    /// Oríon's algorithms from optional Python packages (`pip install orion[ax]`, ...), with the closest of ours.
    static let orionPlugins: [String: String] = [
        "axoptimizer": "gp", "nevergradoptimizer": "cmaes", "hebo": "gp (or auto, the default)",
        "bayesianoptimizer": "gp", "robo_gp": "gp", "robo_gp_mcmc": "gp", "robo_randomforest": "tpe",
        "robo_dngo": "gp", "robo_bohamiann": "gp", "robo_ablr": "gp",
    ]
}
