import Foundation

/// The typed options of an ``Algorithm``: a `Codable` struct whose coding keys are Oríon's option names.
///
/// `init()` holds every default, in one place; the keys of the defaults are the option names, and the registry
/// rejects the others, naming the valid ones. A stored experiment keeps Oríon's shape for its algorithm
/// (`{random: {seed: 1}}`): the options decode from that object and encode back to every key, defaults included
/// (a `nil` optional as `null`, a `Double` with its decimal point). A value of the wrong type becomes one line such as
/// `random: option 'seed' must be an integer or null, not 'abc'`; checks that need more than a type (a positive
/// count) throw an ``AlgorithmError`` from `init(from:)`, or from the algorithm's initializer when they need the
/// space.
///
/// ```swift
/// public struct Options: AlgorithmOptions {
///     public var seed: Int? = nil
///     public var nInitialPoints = 20
///     public enum CodingKeys: String, CodingKey { case seed, nInitialPoints = "n_initial_points" }
///     public init() {}
/// }
/// ```
public protocol AlgorithmOptions: Codable, Sendable, Hashable {
    /// The options with every default value.
    init()

    /// The options read with ``KeyedDecodingContainer/decodeUnlimitedCount(forKey:)``, whose null means no limit:
    /// Oríon's `inf`, which `orion info` shows for them (`repetitions: inf`). Empty by default.
    static var unlimitedCounts: Set<String> { get }
}

extension AlgorithmOptions {
    /// None.
    public static var unlimitedCounts: Set<String> { [] }

    /// Every option with its value, as stored in the experiment (`nil` optionals as `.null`).
    ///
    /// - Returns: option name → value.
    /// - Throws: ``AlgorithmError`` `.invalidOption` when the options are not a JSON object.
    public func jsonObject() throws -> [String: JSONValue] {
        let value: JSONValue
        do {
            value = try OptionsEncoder.encode(self)
        } catch {
            throw AlgorithmError(.invalidOption, "the options \(self) cannot be written as JSON (\(error))")
        }
        guard let object = value.objectValue else {
            throw AlgorithmError(.invalidOption, "the options \(self) are not a JSON object but \(value.pythonRepr)")
        }
        return object
    }

    /// The option names, sorted: the keys of the defaults.
    ///
    /// - Throws: ``AlgorithmError`` `.invalidOption` when the defaults are not a JSON object.
    public static func names() throws -> [String] { try Self().jsonObject().keys.sorted() }

    /// Decodes the options from their stored object, filling defaults for missing keys.
    ///
    /// - Parameters:
    ///   - object: option name → value; every key must be one of the defaults'.
    ///   - algorithm: the algorithm's wire name, for messages.
    /// - Returns: the options.
    /// - Throws: ``AlgorithmError`` `.unknownOption` naming the valid options, `.invalidOption` for a value of
    ///   the wrong type, or the options' own ``AlgorithmError``.
    public static func decode(_ object: [String: JSONValue], algorithm: String) throws -> Self {
        let defaults = try Self().jsonObject()
        let unknown = object.keys.filter { defaults[$0] == nil }.sorted()
        guard unknown.isEmpty else {
            let list = unknown.map { "'\($0)'" }.joined(separator: ", ")
            let valid = defaults.isEmpty ? "none" : defaults.keys.sorted().joined(separator: ", ")
            let suggestion = unknown.count == 1 ? Spelling.closest(to: unknown[0], in: defaults.keys.sorted()) : nil
            throw AlgorithmError(
                .unknownOption,
                "unknown option\(unknown.count == 1 ? "" : "s") \(list) for algorithm '\(algorithm)'; "
                    + "valid options: \(valid)" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
            )
        }
        let merged = defaults.merging(object) { $1 }
        do {
            return try decoded(merged)
        } catch let error as AlgorithmError {
            throw error
        } catch {
            // Find the option at fault (JSONDecoder does not always say), and what it accepts.
            let key = object.keys.sorted().first {
                (try? decoded(defaults.merging([$0: object[$0] ?? .null]) { $1 })) == nil
            }
            guard let key, let value = object[key] else {
                throw AlgorithmError(.invalidOption, "\(algorithm): invalid options \(merged) (\(error))")
            }
            func accepts(_ probe: JSONValue) -> Bool { (try? decoded(defaults.merging([key: probe]) { $1 })) != nil }
            let probes: [(JSONValue, String)] = [
                (.double(0.5), "a number"), (.int(1), "an integer"), (.string("a"), "a string"),
                (.bool(true), "a boolean"),
                (.array([]), "a list"), (.object([:]), "a mapping"),
            ]
            // A probe may fail the option's own range or names (`nums_population` ≥ 2, `crossover_strategy` bin or
            // exp): the default's kind then says what it is.
            let expected =
                probes.first { accepts($0.0) }?.1 ?? defaults[key].flatMap { Self.kind(of: $0) } ?? "a valid value"
            let nullable = value != .null && accepts(.null) ? " or null" : ""
            throw AlgorithmError(
                .invalidOption,
                "\(algorithm): option '\(key)' must be \(expected)\(nullable), not \(value.pythonRepr)"
            )
        }
    }

    /// What a value of `value`'s kind is called in messages (`"an integer"`, `"a string such as 'bin'"`), `nil` for
    /// null.
    private static func kind(of value: JSONValue) -> String? {
        switch value {
        case .int: "an integer"
        case .double: "a number"
        case .string(let text): "a string such as '\(text)'"
        case .bool: "a boolean"
        case .array: "a list"
        case .object: "a mapping"
        case .null: nil
        }
    }

    /// The options decoded from a complete object.
    private static func decoded(_ object: [String: JSONValue]) throws -> Self {
        let data = try JSONEncoder().encode(JSONValue.object(object))
        return try JSONDecoder().decode(Self.self, from: data)
    }
}

/// The options of an algorithm that has none.
public struct NoOptions: AlgorithmOptions {
    /// No options.
    public init() {}
}

extension KeyedDecodingContainer {
    /// An optional count for which Oríon writes infinity to mean "no limit" (`repetitions`, `max_age`): an integer,
    /// or `nil` for null, a missing key, or infinity (YAML's `.inf`, the text `inf` or `Infinity`, any case).
    ///
    /// Oríon's defaults for these options are `inf`, which its configuration shows and its users copy into their
    /// files; here no limit is `nil`.
    ///
    /// - Parameter key: the option's key.
    /// - Returns: the count, or `nil` for no limit.
    /// - Throws: the `DecodingError` of reading an integer, for any other value.
    public func decodeUnlimitedCount(forKey key: Key) throws -> Int? {
        if let count = try? decodeIfPresent(Int.self, forKey: key) { return count }
        if let text = try? decode(String.self, forKey: key), JSONValue.string(text).infinity == .infinity {
            return nil
        }
        if let number = try? decode(Double.self, forKey: key), number == .infinity { return nil }
        return try decodeIfPresent(Int.self, forKey: key)
    }
}

extension JSONValue {
    /// Plus or minus infinity when the value is one, or a text that Oríon's files use for it (YAML's `.inf`, `inf`,
    /// `Infinity`, signed, any case: JSON has no infinity, so it arrives as text); else `nil`.
    public var infinity: Double? {
        switch self {
        case .double(let value) where value.isInfinite:
            return value
        case .string(let text):
            switch text.lowercased() {
            case "inf", "+inf", ".inf", "+.inf", "infinity", "+infinity": return .infinity
            case "-inf", "-.inf", "-infinity": return -.infinity
            default: return nil
            }
        default:
            return nil
        }
    }
}
