/// One entry of a results file: `{"name": ..., "type": ..., "value": ...}`.
public struct TrialResult: Codable, Sendable, Hashable {
    /// The kind of a result, with Oríon's wire names.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// The value being minimized.
        case objective
        /// A constraint value (feasible when ≤ 0).
        case constraint
        /// The gradient of the objective (a list of numbers).
        case gradient
        /// Any other number a script wants to keep.
        case statistic
        /// A value the parallel strategy assumed for a pending trial (internal).
        case lie
    }

    /// The result's name, such as `loss`.
    public var name: String
    /// The result's kind.
    public var type: Kind
    /// The value: a number, or a list of numbers for a gradient.
    ///
    /// An objective, constraint or lie keeps the kind of number the script wrote: `2` stays the integer `2`
    /// (printed `2`, as Oríon prints it) and `2.0` the double `2.0`; algorithms read either as a `Double`
    /// (``Trial/objective``).
    public var value: JSONValue

    /// Creates a result.
    ///
    /// The numbers of a gradient are kept as `.double`s (a script's `[1, 2]` is `[1.0, 2.0]`); any other value is
    /// kept as given, integers included.
    public init(name: String, type: Kind, value: JSONValue) {
        self.name = name
        self.type = type
        switch type {
        case .gradient: self.value = value.promotingIntegersToDoubles()
        case .objective, .constraint, .lie, .statistic: self.value = value
        }
    }

    private enum CodingKeys: String, CodingKey { case name, type, value, number }

    /// The kind of a whole number that JSON alone would read back as the other kind: written as the key
    /// `"number"` next to the value.
    private enum NumberKind: String, Codable {
        /// An integer where a double is the default (an objective, constraint or lie).
        case int
        /// A whole double where an integer is what JSON reads (a statistic).
        case float
    }

    /// Whether a value of this kind reads back as a double when nothing says otherwise.
    private var numbersAreDoubles: Bool {
        switch type {
        case .objective, .constraint, .lie, .gradient: true
        case .statistic: false
        }
    }

    /// Decodes `{"name", "type", "value"}` and the optional `"number"` written by ``encode(to:)``.
    ///
    /// JSON encoders write the double `2.0` as `2`, so the kind of a whole number is not in the text: the value of
    /// an objective, constraint or lie reads as a double unless `"number": "int"` says it was an integer (documents
    /// written before that key existed always held doubles there), and a statistic reads as JSON says unless
    /// `"number": "float"` says it was a whole double.
    ///
    /// Stored JSON writes NaN and the infinities as the strings `"NaN"`, `"Infinity"` and `"-Infinity"` (see
    /// ``JSONValue/encode(to:)``); they are read back as numbers: in the value of an objective, constraint or lie,
    /// in the list of a gradient, and anywhere in a statistic (so a statistic that was the text `"NaN"` reads back
    /// as the number NaN).
    ///
    /// - Throws: `DecodingError` for a missing field, an unknown type or an unknown `"number"`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(Kind.self, forKey: .type)
        var value = try container.decode(JSONValue.self, forKey: .value).restoringNonFiniteNumbers()
        switch try container.decodeIfPresent(NumberKind.self, forKey: .number) {
        case .int?:
            if case .double(let number) = value, let whole = Int(exactly: number) { value = .int(whole) }
        case .float?:
            if case .int(let whole) = value { value = .double(Double(whole)) }
        case nil:
            switch type {
            case .objective, .constraint, .lie, .gradient: value = value.promotingIntegersToDoubles()
            case .statistic: break
            }
        }
        self.init(name: try container.decode(String.self, forKey: .name), type: type, value: value)
    }

    /// Encodes `{"name", "type", "value"}`, and `"number"` when the value is a whole number whose kind JSON would
    /// not keep (see ``init(from:)``).
    ///
    /// - Throws: the encoder's error.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(type, forKey: .type)
        try container.encode(value, forKey: .value)
        switch value {
        case .int where numbersAreDoubles:
            try container.encode(NumberKind.int, forKey: .number)
        case .double(let number) where !numbersAreDoubles && number.isFinite && number.rounded() == number:
            try container.encode(NumberKind.float, forKey: .number)
        default:
            break
        }
    }

    /// Creates an objective result.
    public static func objective(_ value: Double, name: String = "objective") -> TrialResult {
        TrialResult(name: name, type: .objective, value: .double(value))
    }
}
