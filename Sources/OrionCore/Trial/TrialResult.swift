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
    public var value: JSONValue

    /// Creates a result; the value of an objective, constraint or lie, and the numbers of a gradient, are kept as
    /// `.double`s (a script's `1` is `1.0`), so results compare equal after a round trip through JSON.
    public init(name: String, type: Kind, value: JSONValue) {
        self.name = name
        self.type = type
        switch type {
        case .objective, .constraint, .lie, .gradient: self.value = value.promotingIntegersToDoubles()
        case .statistic: self.value = value
        }
    }

    private enum CodingKeys: String, CodingKey { case name, type, value }

    /// Decodes `{"name", "type", "value"}`, normalizing the value as ``init(name:type:value:)`` does.
    ///
    /// Stored JSON writes NaN and the infinities as the strings `"NaN"`, `"Infinity"` and `"-Infinity"` (see
    /// ``JSONValue/encode(to:)``); they are read back as numbers: in the value of an objective, constraint or lie,
    /// in the list of a gradient, and anywhere in a statistic (so a statistic that was the text `"NaN"` reads back
    /// as the number NaN).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try container.decode(String.self, forKey: .name),
            type: try container.decode(Kind.self, forKey: .type),
            value: try container.decode(JSONValue.self, forKey: .value).restoringNonFiniteNumbers()
        )
    }

    /// Creates an objective result.
    public static func objective(_ value: Double, name: String = "objective") -> TrialResult {
        TrialResult(name: name, type: .objective, value: .double(value))
    }
}
