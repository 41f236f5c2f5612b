import Foundation
import OrionCore

/// JSON text written by hand, as `JSONEncoder` writes it with sorted keys and unescaped slashes.
struct JSONText {
    /// The bytes written so far.
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// Appends raw JSON (punctuation, or bytes another encoder wrote).
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends raw JSON bytes.
    mutating func raw(_ data: some Sequence<UInt8>) { bytes.append(contentsOf: data) }

    /// Appends raw JSON bytes: one copy of the array's storage (the generic form goes byte by byte where the
    /// compiler does not specialize it, as in builds without whole-module optimization).
    mutating func raw(_ data: [UInt8]) { bytes.append(contentsOf: data) }

    /// Lets `body` append to the bytes directly: a memo copies the rows it kept without an intermediate array.
    mutating func appending<Result>(_ body: (inout [UInt8]) throws -> Result) rethrows -> Result {
        try body(&bytes)
    }

    /// Appends a JSON string, escaping quotes, backslashes and control characters.
    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        let utf8 = value.utf8
        guard utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            bytes.append(contentsOf: utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x08: raw("\\b")
            case 0x0C: raw("\\f")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                raw("\\u00")
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends an integer.
    mutating func int(_ value: Int) { bytes.append(contentsOf: String(value).utf8) }

    /// Appends a finite double as `JSONEncoder` writes it (its description, without a trailing `.0`).
    ///
    /// - Throws: `EncodingError.invalidValue` for a non-finite value.
    mutating func double(_ value: Double) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value,
                .init(codingPath: [], debugDescription: "cannot write the non-finite number \(value) in JSON")
            )
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    /// Appends a JSON value, object keys sorted.
    ///
    /// - Throws: `EncodingError.invalidValue` for a non-finite number.
    mutating func value(_ value: JSONValue) throws {
        switch value {
        case .null: raw("null")
        case .bool(let flag): flag ? raw("true") : raw("false")
        case .int(let number): int(number)
        case .double(let number): try double(number)
        case .string(let text): string(text)
        case .array(let elements):
            raw("[")
            for (position, element) in elements.enumerated() {
                if position > 0 { raw(",") }
                try self.value(element)
            }
            raw("]")
        case .object(let members):
            raw("{")
            for (position, key) in members.keys.sorted().enumerated() {
                if position > 0 { raw(",") }
                string(key)
                raw(":")
                try self.value(members[key] ?? .null)
            }
            raw("}")
        }
    }

    /// Appends parameters in their stored form, `[{"name": ..., "type": ..., "value": ...}]` (with `"literal"`
    /// first when the parameter keeps one, ``Trial/Param/storedLiteral``).
    ///
    /// - Throws: `EncodingError.invalidValue` for a non-finite number.
    mutating func parameters(_ parameters: Parameters) throws {
        raw("[")
        for (position, param) in parameters.enumerated() {
            if position > 0 { raw(",") }
            raw("{")
            if let literal = param.storedLiteral {
                raw("\"literal\":")
                string(literal)
                raw(",")
            }
            raw("\"name\":")
            string(param.name)
            raw(",\"type\":")
            string(param.type.rawValue)
            raw(",\"value\":")
            try value(param.value)
            raw("}")
        }
        raw("]")
    }
}

extension StoredBrackets {
    /// The compact form's `brackets`, `configurations` and `fields` members, written by hand: the bytes
    /// `JSONEncoder` writes for them with sorted keys.
    ///
    /// - Parameters:
    ///   - brackets: the brackets.
    ///   - fidelityName: the fidelity dimension's name.
    /// - Returns: `"brackets":[...],"configurations":[...]` and `"fields":[...]`.
    /// - Throws: `EncodingError.invalidValue` for a non-finite number.
    /// - Complexity: O(e · d) for e entries of d dimensions.
    static func written(_ brackets: [SuccessiveHalving.Bracket], fidelityName: String) throws -> (
        bracketsAndConfigurations: [UInt8], fields: [UInt8]
    ) {
        let compact = compact(brackets, fidelityName: fidelityName)
        var json = JSONText(capacity: 128 * compact.configurations.count + 64)
        json.raw("\"brackets\":[")
        for (position, bracket) in compact.brackets.enumerated() {
            if position > 0 { json.raw(",") }
            try writePlan(bracket.plan, into: &json)
            json.raw(",\"repetition\":")
            json.int(bracket.repetition)
            json.raw(",\"rungs\":[")
            for (rung, rows) in bracket.rungs.enumerated() {
                if rung > 0 { json.raw(",") }
                json.raw("[")
                for (index, row) in rows.enumerated() {
                    if index > 0 { json.raw(",") }
                    try write(row, into: &json)
                }
                json.raw("]")
            }
            json.raw("]}")
        }
        json.raw("],\"configurations\":[")
        for (position, configuration) in compact.configurations.enumerated() {
            if position > 0 { json.raw(",") }
            json.raw("[")
            json.string(configuration.rendering)
            for value in configuration.values ?? [] {
                json.raw(",")
                try json.value(value)
            }
            json.raw("]")
        }
        json.raw("]")
        return (json.bytes, writtenFields(compact.fields))
    }

    /// `{"plan":[...]` of a bracket: the opening of its object and its plan.
    ///
    /// - Throws: `EncodingError.invalidValue` for a non-finite fidelity.
    static func writePlan(_ plan: [SuccessiveHalving.RungPlan], into json: inout JSONText) throws {
        json.raw("{\"plan\":[")
        for (rung, step) in plan.enumerated() {
            if rung > 0 { json.raw(",") }
            json.raw("{\"capacity\":")
            json.int(step.capacity)
            json.raw(",\"fidelity\":")
            try json.double(step.fidelity)
            json.raw("}")
        }
        json.raw("]")
    }

    /// `"fields":[...]`.
    static func writtenFields(_ fields: [Field]) -> [UInt8] {
        var json = JSONText()
        json.raw("\"fields\":[")
        for (position, field) in fields.enumerated() {
            if position > 0 { json.raw(",") }
            json.raw("{\"name\":")
            json.string(field.name)
            json.raw(",\"type\":")
            json.string(field.type.rawValue)
            json.raw("}")
        }
        json.raw("]")
        return json.bytes
    }

    /// Writes one row as ``Row/encode(to:)`` does.
    private static func write(_ row: Row, into json: inout JSONText) throws {
        json.raw("[")
        json.int(row.configuration)
        json.raw(",")
        let flags =
            (row.isFinished ? 1 : 0) | (row.broken ? 2 : 0) | (row.source != nil ? 4 : 0)
            | (row.parameters != nil ? 8 : 0)
        json.int(flags)
        json.raw(",")
        if let trialID = row.trialID { json.string(trialID) } else { json.raw("null") }
        json.raw(",")
        if let objective = row.objective { try json.double(objective) } else { json.raw("null") }
        if let source = row.source {
            json.raw(",")
            json.int(source)
        }
        if let parameters = row.parameters {
            json.raw(",")
            try json.parameters(parameters)
        }
        json.raw("]")
    }
}

extension SuccessiveHalving {
    /// The state's JSON, the bytes `encode(to:)` gives with sorted keys, most of it written by hand.
    ///
    /// The small members go through `JSONEncoder` with the brackets left out; the brackets, configurations and
    /// fields are the bytes ``StoredBrackets/written(_:fidelityName:)`` writes, put together by ``stateMemo`` from
    /// the last save's rows and those of the entries that changed since, into their places.
    ///
    /// - Returns: UTF-8 JSON.
    /// - Throws: `EncodingError` when a value cannot be written.
    /// - Complexity: O(e) comparisons and byte copies for e entries, plus the writing of the entries that changed
    ///   since the last save.
    func writtenState() throws -> Data {
        var result = Data()
        try write(into: &result)
        return result
    }

    /// Appends ``writtenState()``'s bytes to `result`, with room for `extra` more bytes after them (one copy of
    /// the written brackets into the state, which is saved whole).
    func write(into result: inout Data, reserving extra: Int = 0) throws {
        let small = withoutBrackets
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let rest = [UInt8](try encoder.encode(small))
        let written = try stateMemo.written(brackets, fidelityName: fidelityName)
        let emptyBrackets = Array("\"brackets\":[],\"configurations\":[]".utf8)
        let emptyFields = Array("\"fields\":[]".utf8)
        guard let bracketsRange = rest.firstRange(of: emptyBrackets),
            let fieldsRange = rest.firstRange(of: emptyFields),
            bracketsRange.upperBound <= fieldsRange.lowerBound
        else {
            result.append(try encoder.encode(self))
            return
        }
        result.reserveCapacity(
            result.count + rest.count + written.bracketsAndConfigurations.count + written.fields.count + extra
        )
        result.append(contentsOf: rest[..<bracketsRange.lowerBound])
        result.append(contentsOf: written.bracketsAndConfigurations)
        result.append(contentsOf: rest[bracketsRange.upperBound..<fieldsRange.lowerBound])
        result.append(contentsOf: written.fields)
        result.append(contentsOf: rest[fieldsRange.upperBound...])
    }
}

extension SuccessiveHalving {
    /// `{"core": <core's state>, <others>}`: the JSON of an algorithm whose stored properties are `core` and
    /// `others` (names sorted after `core`), as `JSONEncoder` writes it with sorted keys.
    ///
    /// - Parameters:
    ///   - core: the algorithm's successive-halving core.
    ///   - others: the other stored properties, name and value, in name order.
    /// - Returns: UTF-8 JSON.
    /// - Throws: `EncodingError` when a value cannot be written.
    static func writtenState(core: SuccessiveHalving, others: [(String, any Encodable)] = []) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var tail = JSONText()
        for (name, value) in others {
            tail.raw(",")
            tail.string(name)
            tail.raw(":")
            tail.raw([UInt8](try encoder.encode(value)))
        }
        tail.raw("}")
        var result = Data("{\"core\":".utf8)
        try core.write(into: &result, reserving: tail.bytes.count)
        result.append(contentsOf: tail.bytes)
        return result
    }
}

extension ASHA: StateWriting {
    /// The state's JSON, the rungs written by hand (``SuccessiveHalving/writtenState()``).
    ///
    /// - Returns: the bytes `JSONEncoder` writes with sorted keys.
    /// - Throws: `EncodingError` when a value cannot be written.
    public func writtenState() throws -> Data { try SuccessiveHalving.writtenState(core: core) }
}

extension Hyperband: StateWriting {
    /// The state's JSON, the rungs written by hand (``SuccessiveHalving/writtenState()``).
    ///
    /// - Returns: the bytes `JSONEncoder` writes with sorted keys.
    /// - Throws: `EncodingError` when a value cannot be written.
    public func writtenState() throws -> Data { try SuccessiveHalving.writtenState(core: core) }
}

extension BOHB: StateWriting {
    /// The state's JSON, the rungs written by hand (``SuccessiveHalving/writtenState()``).
    ///
    /// - Returns: the bytes `JSONEncoder` writes with sorted keys.
    /// - Throws: `EncodingError` when a value cannot be written.
    public func writtenState() throws -> Data {
        try SuccessiveHalving.writtenState(core: core, others: [("options", options)])
    }
}

extension DEHB: StateWriting {
    /// The state's JSON, the rungs written by hand (``SuccessiveHalving/writtenState()``).
    ///
    /// - Returns: the bytes `JSONEncoder` writes with sorted keys.
    /// - Throws: `EncodingError` when a value cannot be written.
    public func writtenState() throws -> Data {
        try SuccessiveHalving.writtenState(core: core, others: [("evolution", evolution)])
    }
}

extension JSONText {
    /// Appends an array of finite doubles as `JSONEncoder` writes it.
    ///
    /// - Throws: `EncodingError.invalidValue` for a non-finite value.
    mutating func doubles(_ values: [Double]) throws {
        raw("[")
        for (position, value) in values.enumerated() {
            if position > 0 { raw(",") }
            try double(value)
        }
        raw("]")
    }
}
