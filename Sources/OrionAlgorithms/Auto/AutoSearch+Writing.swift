import Foundation
import OrionCore

/// The sorted ids of ``AutoSearch``'s completed trials as last written, so that a save does not sort the set again.
///
/// The set only grows until the hand-over empties it. A save whose set is the one written last (shared storage:
/// one comparison) copies the bytes; otherwise the ids the memo lacks are sorted and merged into the sorted ones,
/// and a set that lacks an id the memo has (an older copy, or the set emptied) starts it over. The bytes are those
/// of `JSONEncoder` for the sorted array, whatever the history.
final class SortedIDsMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: Set<String> = []
    private var sorted: [String] = []
    private var bytes: [UInt8] = Array("[]".utf8)

    /// `["id",...]`: the ids sorted, as `JSONEncoder` writes the array.
    ///
    /// - Parameter live: the ids.
    /// - Returns: UTF-8 JSON.
    /// - Complexity: O(1) when `live` is the set written last; otherwise O(n) look-ups and O(n) to write, plus
    ///   O(k log k) for the k new ids.
    func written(_ live: Set<String>) -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        if live == ids { return bytes }
        var added = live.filter { !ids.contains($0) }
        if ids.count + added.count != live.count {
            sorted = []
            added = live
        }
        let fresh = added.sorted()
        var merged: [String] = []
        merged.reserveCapacity(live.count)
        var old = 0
        for id in fresh {
            while old < sorted.count, sorted[old] < id {
                merged.append(sorted[old])
                old += 1
            }
            merged.append(id)
        }
        merged.append(contentsOf: sorted[old...])
        var json = JSONText(capacity: bytes.count + 40 * fresh.count + 2)
        json.raw("[")
        for (position, id) in merged.enumerated() {
            if position > 0 { json.raw(",") }
            json.string(id)
        }
        json.raw("]")
        ids = live
        sorted = merged
        bytes = json.bytes
        return bytes
    }
}

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
        // The states first, so that the text is allocated once at its size.
        let delegateState = try state(delegate)
        let successorState = try successor.map { try state($0.algorithm) }
        let completed = completedMemo.written(completedIDs)
        // Sorted keys: choice, completed, hand_over_after, handed_over_from, state, successor, successor_state.
        var text = JSONText(capacity: 256 + completed.count + delegateState.count + (successorState?.count ?? 0))
        text.raw("{\"choice\":")
        text.string(choice.rawValue)
        if !completedIDs.isEmpty {
            text.raw(",\"completed\":")
            text.raw(completed)
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
        text.appending { $0.append(contentsOf: delegateState) }
        if let successor, let successorState {
            text.raw(",\"successor\":")
            text.string(successor.choice.rawValue)
            text.raw(",\"successor_state\":")
            text.appending { $0.append(contentsOf: successorState) }
        }
        text.raw("}")
        return Data(text.bytes)
    }
}
