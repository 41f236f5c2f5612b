import Foundation
import OrionCore

/// How ``EvolutionES`` changes a copied configuration: Oríon's `default_mutate` with its factors.
///
/// Oríon's `mutate` option names a Python function and its keyword arguments (`{function:
/// orion.algo.evolution_es.mutate_functions.default_mutate, multiply_factor: 3.0, add_factor: 1, volatility:
/// 0.001}`); only that default function exists here, so `function` may be left out or name it.
public struct Mutation: Codable, Sendable, Hashable {
    /// The function Oríon calls by default, the only one available.
    public static let defaultFunction = "orion.algo.evolution_es.mutate_functions.default_mutate"

    /// `multiply_factor`: a real value is multiplied by a factor drawn uniformly from `[1/m, m]`; 3.0 by default.
    public var multiplyFactor = 3.0
    /// `add_factor`: an integer moves by this much up or down; 1 by default.
    public var addFactor = 1
    /// `volatility`: a real value pushed past a bound lands within this of it; 0.001 by default.
    public var volatility = 0.001

    /// The defaults.
    public init() {}

    /// The configuration as stored.
    public var jsonValue: JSONValue {
        .object([
            "function": .string(Self.defaultFunction), "multiply_factor": .double(multiplyFactor),
            "add_factor": .int(addFactor), "volatility": .double(volatility),
        ])
    }

    /// Reads the `mutate` option: the function's name, or a mapping of it and its factors.
    ///
    /// - Parameter value: the option's value (not null).
    /// - Throws: ``AlgorithmError`` `.invalidOption` for another function or a bad factor.
    public init(json value: JSONValue) throws {
        if let name = value.stringValue {
            try Self.checkFunction(name)
            return
        }
        guard let object = value.objectValue else {
            throw AlgorithmError(
                .invalidOption,
                "option 'mutate' must be null, a function name or a mapping, not \(value.pythonRepr)"
            )
        }
        let valid: Set = ["function", "multiply_factor", "add_factor", "volatility"]
        let unknown = object.keys.filter { !valid.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw AlgorithmError(
                .invalidOption,
                "option 'mutate': unknown key\(unknown.count == 1 ? "" : "s") "
                    + unknown.map { "'\($0)'" }.joined(separator: ", ") + "; valid keys: "
                    + valid.sorted().joined(separator: ", ")
            )
        }
        if let function = object["function"] {
            guard let name = function.stringValue else {
                throw AlgorithmError(.invalidOption, "option 'mutate': 'function' must be a string")
            }
            try Self.checkFunction(name)
        }
        if let factor = object["multiply_factor"] {
            guard let number = factor.doubleValue, factor.boolValue == nil, number.isFinite, number >= 1 else {
                throw AlgorithmError(
                    .invalidOption,
                    "option 'mutate': 'multiply_factor' must be a number >= 1, not \(factor.pythonRepr)"
                )
            }
            multiplyFactor = number
        }
        if let factor = object["add_factor"] {
            guard case .int(let number) = factor, number >= 0 else {
                throw AlgorithmError(
                    .invalidOption,
                    "option 'mutate': 'add_factor' must be an integer >= 0, not \(factor.pythonRepr)"
                )
            }
            addFactor = number
        }
        if let spread = object["volatility"] {
            guard let number = spread.doubleValue, spread.boolValue == nil, number.isFinite, number >= 0 else {
                throw AlgorithmError(
                    .invalidOption,
                    "option 'mutate': 'volatility' must be a number >= 0, not \(spread.pythonRepr)"
                )
            }
            volatility = number
        }
    }

    private static func checkFunction(_ name: String) throws {
        guard name == defaultFunction else {
            throw AlgorithmError(
                .invalidOption,
                "option 'mutate': function '\(name)' is not available (Python functions cannot be called); "
                    + "leave 'function' out for \(defaultFunction), and set multiply_factor, add_factor, volatility"
            )
        }
    }

    /// Decodes the configuration.
    ///
    /// - Throws: ``AlgorithmError`` `.invalidOption` for a bad configuration.
    public init(from decoder: any Decoder) throws {
        try self.init(json: try decoder.singleValueContainer().decode(JSONValue.self))
    }

    /// Encodes the configuration as a mapping with every factor.
    ///
    /// - Throws: `EncodingError` when the value cannot be encoded.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(jsonValue)
    }

    /// A new value for one dimension of a configuration, as Oríon's `default_mutate` draws it.
    ///
    /// - Parameters:
    ///   - value: the old value (a nested list for a shaped dimension, mutated element by element).
    ///   - dimension: its dimension.
    ///   - generator: the source of randomness.
    /// - Returns: the new value, inside the dimension.
    func mutate(_ value: JSONValue, dimension: SpaceDimension, using generator: inout SeededGenerator) -> JSONValue {
        if case .array(let elements) = value {
            return .array(elements.map { mutate($0, dimension: dimension, using: &generator) })
        }
        if case .choices(let values, _) = dimension.prior {
            guard !values.isEmpty else { return value }
            return values[Int.random(in: 0..<values.count, using: &generator)]
        }
        guard let old = value.doubleValue, let (low, high) = dimension.interval else { return value }
        if dimension.kind == .integer {
            let step = Double(addFactor) * (Bool.random(using: &generator) ? 1 : -1)
            let moved = min(max(old + step, low), high)
            return .int(Int(exactly: moved.rounded()) ?? Int(old))
        }
        let factor =
            1 / multiplyFactor + (multiplyFactor - 1 / multiplyFactor) * Double.random(in: 0..<1, using: &generator)
        let scaled = old * factor
        // A real keeps the prior's precision, as sampled values do (and as Oríon rounds mutated values).
        if scaled < low {
            let moved = min(low + volatility * Double.random(in: 0..<1, using: &generator), high)
            return .double(dimension.applyingPrecision(moved))
        }
        if scaled > high {
            let moved = max(high - volatility * Double.random(in: 0..<1, using: &generator), low)
            return .double(dimension.applyingPrecision(moved))
        }
        return .double(dimension.applyingPrecision(scaled))
    }
}
