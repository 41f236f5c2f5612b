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
    /// - Parameter config: the configuration as written by the user.
    /// - Returns: the configuration with every option of the algorithm.
    /// - Throws: ``AlgorithmError`` `.unknownAlgorithm` or `.unknownOption`, naming the valid ones.
    public func resolve(_ config: AlgorithmConfig) throws -> AlgorithmConfig {
        let type = try requireType(named: config.name)
        let valid = type.defaultOptions.keys.sorted()
        let unknown = config.options.keys.filter { type.defaultOptions[$0] == nil }.sorted()
        guard unknown.isEmpty else {
            let list = unknown.map { "'\($0)'" }.joined(separator: ", ")
            let validList = valid.isEmpty ? "none" : valid.joined(separator: ", ")
            throw AlgorithmError(
                .unknownOption,
                "unknown option\(unknown.count == 1 ? "" : "s") \(list) for algorithm '\(type.name)'; "
                    + "valid options: \(validList)"
            )
        }
        return AlgorithmConfig(name: type.name, options: type.defaultOptions.merging(config.options) { $1 })
    }

    /// Creates a fresh algorithm.
    ///
    /// - Parameters:
    ///   - config: the configuration (resolved again here, so a partial one is fine).
    ///   - space: the search space.
    ///   - maxTrials: the experiment's budget.
    /// - Returns: the algorithm.
    /// - Throws: ``AlgorithmError`` for a bad configuration or an unsupported space.
    public func makeAlgorithm(_ config: AlgorithmConfig, space: Space, maxTrials: Int?) throws -> any Algorithm {
        let resolved = try resolve(config)
        let type = try requireType(named: resolved.name)
        return try type.init(space: space, options: resolved.options, maxTrials: maxTrials)
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
            throw AlgorithmError(
                .unknownAlgorithm,
                "unknown algorithm '\(name)'; valid algorithms: \(names.joined(separator: ", "))"
            )
        }
        return type
    }
}
