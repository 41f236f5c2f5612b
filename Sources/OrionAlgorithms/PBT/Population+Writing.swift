import Foundation
import OrionCore

extension Population {
    /// Appends the population's JSON to `json`, the bytes `encode(to:)` gives with sorted keys: the members from
    /// ``membersMemo`` (only the new and changed ones written: members are only appended and changed in place),
    /// the other members by hand or, for the generator, through `encoder`.
    ///
    /// - Parameters:
    ///   - json: the algorithm's JSON so far.
    ///   - encoder: a `JSONEncoder` writing sorted keys and unescaped slashes.
    /// - Throws: `EncodingError` when a value cannot be written.
    /// - Complexity: O(m) comparisons and byte copies for m members, plus the writing of those that changed.
    func write(into json: inout JSONText, encoder: JSONEncoder) throws {
        // Sorted keys: fidelities, fidelityName, forkTimeout, generator, members, populationSize, queue, roots.
        json.raw("{\"fidelities\":[")
        for (position, fidelity) in fidelities.enumerated() {
            if position > 0 { json.raw(",") }
            try json.double(fidelity)
        }
        json.raw("],\"fidelityName\":")
        json.string(fidelityName)
        json.raw(",\"forkTimeout\":")
        try json.double(forkTimeout)
        json.raw(",\"generator\":")
        json.raw([UInt8](try encoder.encode(generator)))
        json.raw(",\"members\":")
        try json.appending {
            try membersMemo.write(members, into: &$0, fields: Self.memberBytes, same: Self.same, write: Self.write)
        }
        json.raw(",\"populationSize\":")
        json.int(populationSize)
        json.raw(",\"queue\":")
        Self.write(queue, into: &json)
        json.raw(",\"roots\":")
        Self.write(roots, into: &json)
        json.raw("}")
    }

    /// The capacity to reserve for the population's JSON: the size of the members written last, and room for the
    /// rest.
    var writtenCapacity: Int { membersMemo.lastSize + 8 * (queue.count + roots.count) + 1024 }

    /// `[i,...]`.
    private static func write(_ positions: [Int], into json: inout JSONText) {
        json.raw("[")
        for (index, position) in positions.enumerated() {
            if index > 0 { json.raw(",") }
            json.int(position)
        }
        json.raw("]")
    }

    /// The bytes of a ``Population/Member`` that hold its stored properties.
    static let memberBytes: [Range<Int>]? = StoredBytes.ranges(
        of: Member(parameters: Parameters(), configuration: "", generation: 0),
        [
            (\Member.parameters, MemoryLayout<Parameters>.size),
            (\Member.configuration, MemoryLayout<String>.size),
            (\Member.generation, MemoryLayout<Int>.size),
            (\Member.trialID, MemoryLayout<String?>.size),
            (\Member.status, MemoryLayout<Status>.size),
            (\Member.objective, MemoryLayout<Double?>.size),
            (\Member.parent, MemoryLayout<Int?>.size),
            (\Member.replaced, MemoryLayout<Int?>.size),
        ]
    )

    /// Whether two members write the same bytes (objectives compared bit for bit: `-0.0` writes differently).
    private static func same(_ a: Member, _ b: Member) -> Bool {
        a == b && a.objective?.bitPattern == b.objective?.bitPattern
    }

    /// Writes a member as its synthesized `Encodable` conformance does with sorted keys (absent optionals left out).
    private static func write(_ member: Member, into json: inout JSONText) throws {
        json.raw("{\"configuration\":")
        json.string(member.configuration)
        json.raw(",\"generation\":")
        json.int(member.generation)
        if let objective = member.objective {
            json.raw(",\"objective\":")
            try json.double(objective)
        }
        json.raw(",\"parameters\":")
        try json.parameters(member.parameters)
        if let parent = member.parent {
            json.raw(",\"parent\":")
            json.int(parent)
        }
        if let replaced = member.replaced {
            json.raw(",\"replaced\":")
            json.int(replaced)
        }
        json.raw(",\"status\":")
        json.string(member.status.rawValue)
        if let trialID = member.trialID {
            json.raw(",\"trialID\":")
            json.string(trialID)
        }
        json.raw("}")
    }
}

extension PBT: StateWriting {
    /// The state's JSON, the bytes its synthesized `encode(to:)` gives with sorted keys: the population written
    /// by ``Population/write(into:encoder:)`` (its members incrementally), the options through `JSONEncoder`.
    ///
    /// - Returns: UTF-8 JSON.
    /// - Throws: `EncodingError` when a value cannot be written.
    public func writtenState() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var json = JSONText(capacity: population.writtenCapacity + 1024)
        json.raw("{\"exploit\":")
        json.raw([UInt8](try encoder.encode(exploit)))
        json.raw(",\"explore\":")
        json.raw([UInt8](try encoder.encode(explore)))
        json.raw(",\"population\":")
        try population.write(into: &json, encoder: encoder)
        json.raw("}")
        return Data(json.bytes)
    }
}
