import Foundation

/// The JSON form of an ``AlgorithmDriver``'s state: `{"algorithm": {...}, "configuration": {...}, "name": "random"}`.
///
/// The algorithm's own JSON is embedded verbatim and extracted verbatim (not through ``JSONValue``), so that
/// numbers `JSONValue` cannot hold exactly, such as the 64-bit words of a ``SeededGenerator``, survive. States
/// saved by earlier versions also hold `"known"`, the fingerprints of every trial: it is read past and not written
/// again (the storage's index of trial ids replaced it).
struct StoredState {
    /// The algorithm's wire name.
    var name: String
    /// The algorithm's options as configured in the experiment.
    var configuration: [String: JSONValue]
    /// The algorithm's own JSON state.
    var algorithm: Data

    private struct Header: Codable {
        var name: String
        var configuration: [String: JSONValue]
    }

    init(name: String, configuration: [String: JSONValue], algorithm: Data) {
        self.name = name
        self.configuration = configuration
        self.algorithm = algorithm
    }

    /// Decodes a state written by ``encoded()`` (or any JSON object with the same members, in any order).
    ///
    /// - Throws: ``AlgorithmError`` `.corruptState`.
    init(decoding data: Data) throws {
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: data)
        } catch {
            throw AlgorithmError(
                .corruptState,
                "the stored algorithm state cannot be read (\(error))"
            )
        }
        guard let algorithm = RawJSON.member("algorithm", of: data) else {
            throw AlgorithmError(
                .corruptState,
                "the stored algorithm state has no 'algorithm' member"
            )
        }
        self.init(name: header.name, configuration: header.configuration, algorithm: algorithm)
    }

    /// The state as JSON, keys sorted, the algorithm's JSON embedded as is.
    func encoded() throws -> Data {
        let header = try Self.makeEncoder().encode(Header(name: name, configuration: configuration))
        // `header` is a non-empty object: `{"configuration":...}`; put the algorithm member first.
        let opening = Data("{\"algorithm\":".utf8)
        var result = Data(capacity: opening.count + algorithm.count + header.count)
        result.append(opening)
        result.append(algorithm)
        result.append(UInt8(ascii: ","))
        result.append(header.dropFirst())
        return result
    }

    /// An encoder writing object keys in sorted order, so that equal values give equal bytes.
    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

/// Finds the bytes of a member of a JSON object without decoding them.
enum RawJSON {
    /// The exact bytes of the value of the top-level member `key` of the JSON object in `data`.
    ///
    /// Keys are compared as written (escape sequences are not decoded). Returns `nil` when `data` is not an
    /// object or has no such member.
    static func member(_ key: String, of data: Data) -> Data? {
        let bytes = [UInt8](data)
        let wanted = [UInt8](key.utf8)
        var index = skipSpace(bytes, 0)
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        while true {
            index = skipSpace(bytes, index)
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            guard let keyEnd = endOfString(bytes, index) else { return nil }
            let name = bytes[(index + 1)..<(keyEnd - 1)]
            index = skipSpace(bytes, keyEnd)
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            let valueStart = skipSpace(bytes, index + 1)
            guard let valueEnd = endOfValue(bytes, valueStart) else { return nil }
            if name.elementsEqual(wanted) { return Data(bytes[valueStart..<valueEnd]) }
            index = skipSpace(bytes, valueEnd)
            guard index < bytes.count, bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
    }

    private static func skipSpace(_ bytes: [UInt8], _ start: Int) -> Int {
        var index = start
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        return index
    }

    /// The index just past the string starting (with its quote) at `start`.
    private static func endOfString(_ bytes: [UInt8], _ start: Int) -> Int? {
        var index = start + 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index + 1
            default: index += 1
            }
        }
        return nil
    }

    /// The index just past the value starting at `start`.
    private static func endOfValue(_ bytes: [UInt8], _ start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        if bytes[start] == UInt8(ascii: "\"") { return endOfString(bytes, start) }
        var depth = 0
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                guard let end = endOfString(bytes, index) else { return nil }
                index = end
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { return index }
                depth -= 1
                if depth == 0 { return index + 1 }
            case UInt8(ascii: ","):
                if depth == 0 { return index }
            default:
                break
            }
            index += 1
        }
        return depth == 0 ? index : nil
    }
}
