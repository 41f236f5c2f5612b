import Foundation
import OrionCore

extension PB2: StateWriting {
    /// The state's JSON, the bytes its synthesized `encode(to:)` gives with sorted keys: the population written
    /// by ``Population/write(into:encoder:)`` (its members incrementally), the exploit through `JSONEncoder`.
    ///
    /// - Returns: UTF-8 JSON.
    /// - Throws: `EncodingError` when a value cannot be written.
    public func writtenState() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var json = JSONText(capacity: population.writtenCapacity + 1024)
        json.raw("{\"exploit\":")
        json.raw([UInt8](try encoder.encode(exploit)))
        json.raw(",\"population\":")
        try population.write(into: &json, encoder: encoder)
        json.raw("}")
        return Data(json.bytes)
    }
}
