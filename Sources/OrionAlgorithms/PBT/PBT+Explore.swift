import Foundation
import OrionCore

/// How population-based training picks new hyperparameters for a copied member (Oríon's `explore` configuration).
///
/// Written as Oríon writes it: `{of_type: ResampleExplore, probability: 0.2}`,
/// `{of_type: PerturbExplore, factor: 1.2, volatility: 0.0001}`, or
/// `{of_type: PipelineExplore, explore_configs: [...]}`; `of_type` is case-insensitive.
public indirect enum Explore: Codable, Sendable, Hashable {
    /// Each stage in turn; the first that changes the hyperparameters decides.
    case pipeline([Explore])
    /// `ResampleExplore`: with this probability, new hyperparameters drawn from the priors; otherwise no change.
    case resample(probability: Double)
    /// `PerturbExplore`: every real or integer value multiplied or divided by `factor` (even odds), kept inside its
    /// bounds (a value pushed past a bound lands within `volatility` of it); an integer moves by at least 1; a
    /// category is drawn again uniformly.
    case perturb(factor: Double, volatility: Double)

    /// Oríon's default: `ResampleExplore(0.2)`, then `PerturbExplore(1.2, 0.0001)`.
    public static let standard: Explore = .pipeline([
        .resample(probability: 0.2), .perturb(factor: 1.2, volatility: 0.0001),
    ])

    /// The configuration as stored, Oríon's keys.
    public var jsonValue: JSONValue {
        switch self {
        case .pipeline(let stages):
            return .object(["of_type": "PipelineExplore", "explore_configs": .array(stages.map(\.jsonValue))])
        case .resample(let probability):
            return .object(["of_type": "ResampleExplore", "probability": .double(probability)])
        case .perturb(let factor, let volatility):
            return .object(["of_type": "PerturbExplore", "factor": .double(factor), "volatility": .double(volatility)])
        }
    }

    /// Reads a configuration written as Oríon writes it.
    ///
    /// - Parameter value: the `explore` option's value.
    /// - Throws: ``AlgorithmError`` `.invalidOption` naming the key at fault and what it accepts.
    public init(json value: JSONValue) throws {
        let reader = try StrategyReader(value, option: "explore")
        switch reader.type {
        case "pipelineexplore":
            try reader.allow(["explore_configs"])
            guard let stages = reader.object["explore_configs"]?.arrayValue, !stages.isEmpty else {
                throw AlgorithmError(
                    .invalidOption,
                    "option 'explore': PipelineExplore needs 'explore_configs', a non-empty list of explore "
                        + "configurations"
                )
            }
            self = .pipeline(try stages.map(Explore.init(json:)))
        case "resampleexplore":
            try reader.allow(["probability"])
            self = .resample(probability: try reader.number("probability", 0.2, 0...1))
        case "perturbexplore":
            try reader.allow(["factor", "volatility"])
            self = .perturb(
                factor: try reader.number("factor", 1.2, 1...),
                volatility: try reader.number("volatility", 0.0001, 0...)
            )
        default:
            throw reader.unknownType(valid: ["PipelineExplore", "ResampleExplore", "PerturbExplore"])
        }
    }

    /// Decodes the configuration from its JSON object.
    ///
    /// - Throws: ``AlgorithmError`` `.invalidOption` for a bad configuration.
    public init(from decoder: any Decoder) throws {
        try self.init(json: try decoder.singleValueContainer().decode(JSONValue.self))
    }

    /// Encodes the configuration as Oríon's JSON object.
    ///
    /// - Throws: `EncodingError` when the value cannot be encoded.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(jsonValue)
    }

    /// New hyperparameters for a copy of `parameters`, or `nil` when this stage leaves them as they are.
    ///
    /// - Parameters:
    ///   - parameters: the copied member's parameters.
    ///   - space: the search space; the fidelity is left as it is.
    ///   - generator: the source of randomness.
    /// - Returns: the new parameters, or `nil` for no change.
    func explore(_ parameters: Parameters, space: Space, using generator: inout SeededGenerator) -> Parameters? {
        switch self {
        case .pipeline(let stages):
            for stage in stages {
                if let changed = stage.explore(parameters, space: space, using: &generator) { return changed }
            }
            return nil
        case .resample(let probability):
            guard Double.random(in: 0..<1, using: &generator) < probability else { return nil }
            var sample = space.sample(using: &generator)
            if let fidelity = space.fidelity, let value = parameters[fidelity.name] {
                sample = sample.replacing(fidelity.name, with: value)
            }
            return sample
        case .perturb(let factor, let volatility):
            var result = parameters
            for dimension in space.dimensions where dimension.kind != .fidelity {
                guard let value = parameters[dimension.name] else { continue }
                let perturbed = Self.perturb(
                    value,
                    dimension: dimension,
                    factor: factor,
                    volatility: volatility,
                    using: &generator
                )
                result = result.replacing(dimension.name, with: perturbed)
            }
            return result
        }
    }

    /// `value` perturbed, element by element for a shaped dimension.
    static func perturb(
        _ value: JSONValue,
        dimension: SpaceDimension,
        factor: Double,
        volatility: Double,
        using generator: inout SeededGenerator
    ) -> JSONValue {
        if case .array(let elements) = value {
            return .array(
                elements.map {
                    perturb($0, dimension: dimension, factor: factor, volatility: volatility, using: &generator)
                }
            )
        }
        if case .choices(let values, _) = dimension.prior {
            guard !values.isEmpty else { return value }
            return values[Int.random(in: 0..<values.count, using: &generator)]
        }
        guard let number = value.doubleValue, let interval = dimension.interval else { return value }
        let real = perturbReal(number, interval, factor: factor, volatility: volatility, using: &generator)
        // A real keeps the prior's precision, as sampled values do (and as Oríon rounds explored values).
        guard dimension.kind == .integer else { return .double(dimension.applyingPrecision(real)) }
        var rounded = real.rounded()
        if rounded == number { rounded = real > number ? number + 1 : (real < number ? number - 1 : number) }
        rounded = min(max(rounded, interval.low), interval.high)
        return .int(Int(exactly: rounded) ?? Int(number))
    }

    /// `value` multiplied or divided by `factor`, kept inside `interval` (within `volatility` of a bound it crossed).
    static func perturbReal(
        _ value: Double,
        _ interval: (low: Double, high: Double),
        factor: Double,
        volatility: Double,
        using generator: inout SeededGenerator
    ) -> Double {
        var result = Double.random(in: 0..<1, using: &generator) > 0.5 ? value * factor : value / factor
        if result > interval.high {
            result = max(interval.high - abs(normal(volatility, using: &generator)), interval.low)
        } else if result < interval.low {
            result = min(interval.low + abs(normal(volatility, using: &generator)), interval.high)
        }
        return result
    }

    /// A draw from `N(0, sd²)` (Box–Muller).
    static func normal(_ sd: Double, using generator: inout SeededGenerator) -> Double {
        let u = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &generator)
        let v = Double.random(in: 0..<1, using: &generator)
        return sd * (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}
