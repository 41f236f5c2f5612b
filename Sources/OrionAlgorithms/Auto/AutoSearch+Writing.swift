import Foundation
import OrionCore

extension AutoSearch: StateWriting {
    /// The state's JSON, with the running algorithm's and the successor's states written by themselves when they
    /// are ``StateWriting`` (`gp`'s records grow with the trials): the bytes `JSONEncoder` writes with sorted keys
    /// and unescaped slashes, as ``encode(to:)`` describes the members.
    ///
    /// - Returns: UTF-8 JSON that ``init(from:)`` decodes.
    /// - Throws: `EncodingError` when a state cannot be written.
    public func writtenState() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func state(_ algorithm: any Algorithm) throws -> Data {
            try (algorithm as? any StateWriting)?.writtenState() ?? encoder.encode(algorithm)
        }
        // Sorted keys: choice, completed, hand_over_after, handed_over_from, state, successor, successor_state.
        var text = JSONText(capacity: 1024 + 16 * completedIDs.count)
        text.raw("{\"choice\":")
        text.string(choice.rawValue)
        if !completedIDs.isEmpty {
            text.raw(",\"completed\":[")
            for (position, id) in completedIDs.sorted().enumerated() {
                if position > 0 { text.raw(",") }
                text.string(id)
            }
            text.raw("]")
        }
        if let handOverAfter {
            text.raw(",\"hand_over_after\":")
            text.int(handOverAfter)
        }
        if let handedOverFrom {
            text.raw(",\"handed_over_from\":")
            text.string(handedOverFrom.rawValue)
        }
        text.raw(",\"state\":")
        text.raw(try state(delegate))
        if let successor {
            text.raw(",\"successor\":")
            text.string(successor.choice.rawValue)
            text.raw(",\"successor_state\":")
            text.raw(try state(successor.algorithm))
        }
        text.raw("}")
        return Data(text.bytes)
    }
}
