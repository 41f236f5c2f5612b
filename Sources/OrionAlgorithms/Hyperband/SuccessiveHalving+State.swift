import Foundation
import OrionCore

/// The compact stored form of ``SuccessiveHalving``'s brackets.
///
/// The state is saved after every production, so its encoding is on every trial's path. The former form wrote each
/// rung entry as an object with its configuration's rendering and its whole ``Parameters`` (`{name, type, value}`
/// per dimension), so that a promoted configuration was written once per rung and encoding the state took most of a
/// long run's time. The compact form writes:
///
/// - `fields`: the names and types of the dimensions, once: `[{"name": "/epochs", "type": "fidelity"}, ...]`;
/// - `configurations`: each configuration once, in order of first appearance: `[rendering, value, value, ...]`,
///   the values in the order of `fields` (the fidelity as in the configuration's first entry); a configuration whose
///   parameters do not have exactly these fields is `[rendering]` alone, and its entries carry their parameters;
/// - `brackets`: `{"plan", "repetition", "rungs"}` where an entry is an array
///   `[configuration, flags, trial id or null, objective or null, (source), (parameters)]`: `configuration` and
///   `source` index `configurations`; `flags` adds 1 (finished), 2 (broken), 4 (a `source` follows) and 8 (the
///   entry's ``Parameters`` follow, written in full because they are not the configuration's values at the rung's
///   fidelity, e.g. a trial inserted with the fidelity written `3.0`).
///
/// Decoding rebuilds the same entries as the former form did, so a state continues with the same suggestions
/// whichever form it was saved in; ``SuccessiveHalving/init(from:)`` reads both (the former one has no
/// `configurations`).
enum StoredBrackets {
    /// The name and type of one dimension.
    struct Field: Codable, Hashable {
        /// The dimension's name.
        var name: String
        /// The dimension's kind.
        var type: DimensionKind
    }

    /// One row of `configurations`.
    struct Configuration: Codable {
        /// The rendering of the configuration.
        var rendering: String
        /// Its values in the order of `fields`, `nil` when its parameters have other fields.
        var values: [JSONValue]?

        init(rendering: String, values: [JSONValue]?) {
            self.rendering = rendering
            self.values = values
        }

        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            rendering = try container.decode(String.self)
            var values: [JSONValue] = []
            while !container.isAtEnd { values.append(try container.decode(JSONValue.self)) }
            self.values = values.isEmpty ? nil : values
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.unkeyedContainer()
            try container.encode(rendering)
            for value in values ?? [] { try container.encode(value) }
        }
    }

    /// One rung entry: indices into `configurations` and what the rung knows of its trial.
    struct Row: Codable {
        var configuration: Int
        var isFinished: Bool
        var broken: Bool
        var trialID: String?
        var objective: Double?
        var source: Int?
        var parameters: Parameters?

        init(
            configuration: Int,
            isFinished: Bool,
            broken: Bool,
            trialID: String?,
            objective: Double?,
            source: Int?,
            parameters: Parameters?
        ) {
            self.configuration = configuration
            self.isFinished = isFinished
            self.broken = broken
            self.trialID = trialID
            self.objective = objective
            self.source = source
            self.parameters = parameters
        }

        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            configuration = try container.decode(Int.self)
            let flags = try container.decode(Int.self)
            isFinished = flags & 1 != 0
            broken = flags & 2 != 0
            trialID = try container.decodeNil() ? nil : try container.decode(String.self)
            objective = try container.decodeNil() ? nil : try container.decode(Double.self)
            source = flags & 4 != 0 ? try container.decode(Int.self) : nil
            parameters = flags & 8 != 0 ? try container.decode(Parameters.self) : nil
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.unkeyedContainer()
            try container.encode(configuration)
            let flags =
                (isFinished ? 1 : 0) | (broken ? 2 : 0) | (source != nil ? 4 : 0) | (parameters != nil ? 8 : 0)
            try container.encode(flags)
            if let trialID { try container.encode(trialID) } else { try container.encodeNil() }
            if let objective { try container.encode(objective) } else { try container.encodeNil() }
            if let source { try container.encode(source) }
            if let parameters { try container.encode(parameters) }
        }
    }

    /// One bracket: its plan, its repetition and its rungs' rows.
    struct Bracket: Codable {
        var plan: [SuccessiveHalving.RungPlan]
        var repetition: Int
        var rungs: [[Row]]
    }

    /// The compact form of `brackets`.
    ///
    /// - Parameters:
    ///   - brackets: the brackets.
    ///   - fidelityName: the fidelity dimension's name.
    /// - Returns: `fields`, `configurations` and the brackets' rows.
    /// - Complexity: O(e · d) for e entries of d dimensions.
    static func compact(_ brackets: [SuccessiveHalving.Bracket], fidelityName: String) -> (
        fields: [Field], configurations: [Configuration], brackets: [Bracket]
    ) {
        var fields: [Field]?
        var configurations: [Configuration] = []
        var bases: [Parameters?] = []
        var numbers: [String: Int] = [:]

        func number(of entry: SuccessiveHalving.Entry) -> Int {
            if let number = numbers[entry.configuration] { return number }
            let entryFields = entry.parameters.map { Field(name: $0.name, type: $0.type) }
            if fields == nil { fields = entryFields }
            let fits = entryFields == fields
            configurations.append(
                Configuration(rendering: entry.configuration, values: fits ? entry.parameters.map(\.value) : nil)
            )
            bases.append(fits ? entry.parameters : nil)
            numbers[entry.configuration] = configurations.count - 1
            return configurations.count - 1
        }

        let stored = brackets.map { bracket in
            Bracket(
                plan: bracket.plan,
                repetition: bracket.repetition,
                rungs: bracket.rungs.enumerated().map { rung, entries in
                    let fidelity = SuccessiveHalving.value(bracket.plan[rung].fidelity)
                    return entries.map { entry in
                        let configuration = number(of: entry)
                        let source = entry.source.map { source in
                            numbers[source]
                                ?? number(
                                    of: SuccessiveHalving.Entry(configuration: source, parameters: Parameters([]))
                                )
                        }
                        let base = bases[configuration]?.replacing(fidelityName, with: fidelity)
                        return Row(
                            configuration: configuration,
                            isFinished: entry.isFinished,
                            broken: entry.broken,
                            trialID: entry.trialID,
                            objective: entry.objective,
                            source: source,
                            parameters: base == entry.parameters ? nil : entry.parameters
                        )
                    }
                }
            )
        }
        return (fields ?? [], configurations, stored)
    }

    /// The brackets a compact form describes, as they were encoded.
    ///
    /// - Parameters:
    ///   - fields: `fields`.
    ///   - configurations: `configurations`.
    ///   - brackets: the brackets' rows.
    ///   - fidelityName: the fidelity dimension's name.
    /// - Returns: the brackets.
    /// - Throws: `DecodingError.dataCorrupted` when an index is out of range or an entry has no parameters.
    static func expand(
        fields: [Field],
        configurations: [Configuration],
        brackets: [Bracket],
        fidelityName: String
    ) throws -> [SuccessiveHalving.Bracket] {
        func corrupt(_ what: String) -> DecodingError {
            DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "successive halving state: \(what)"))
        }
        let bases = try configurations.map { configuration -> Parameters? in
            guard let values = configuration.values else { return nil }
            guard values.count == fields.count else {
                throw corrupt(
                    "configuration '\(configuration.rendering)' has \(values.count) values for "
                        + "\(fields.count) fields"
                )
            }
            return Parameters(
                zip(fields, values).map { field, value in
                    Trial.Param(
                        name: field.name,
                        type: field.type,
                        value: field.type == .real ? value.promotingIntegersToDoubles() : value
                    )
                }
            )
        }
        return try brackets.map { bracket in
            guard bracket.rungs.count == bracket.plan.count else {
                throw corrupt("a bracket has \(bracket.rungs.count) rungs for a plan of \(bracket.plan.count)")
            }
            let rungs = try bracket.rungs.enumerated().map { rung, rows in
                let fidelity = SuccessiveHalving.value(bracket.plan[rung].fidelity)
                return try rows.map { row -> SuccessiveHalving.Entry in
                    guard configurations.indices.contains(row.configuration),
                        row.source.map(configurations.indices.contains) ?? true
                    else {
                        throw corrupt("entry refers to configuration \(row.configuration) of \(configurations.count)")
                    }
                    guard
                        let parameters = row.parameters
                            ?? bases[row.configuration]?.replacing(fidelityName, with: fidelity)
                    else { throw corrupt("entry of '\(configurations[row.configuration].rendering)' has no values") }
                    return SuccessiveHalving.Entry(
                        configuration: configurations[row.configuration].rendering,
                        parameters: parameters,
                        trialID: row.trialID,
                        objective: row.objective,
                        isFinished: row.isFinished,
                        broken: row.broken,
                        source: row.source.map { configurations[$0].rendering }
                    )
                }
            }
            return SuccessiveHalving.Bracket(plan: bracket.plan, rungs: rungs, repetition: bracket.repetition)
        }
    }
}
