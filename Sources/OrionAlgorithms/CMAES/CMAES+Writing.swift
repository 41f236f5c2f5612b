import Foundation
import OrionCore

/// The written results of a ``CMAES`` (configuration → objective, a JSON object with sorted keys) kept from one
/// save to the next, so that a save writes only the results that are new or changed and copies the others.
///
/// Every configuration with a result has a member, so the object grows with the trials: `JSONEncoder` sorted and
/// wrote it whole at every save. The memo keeps the keys sorted with each member's bytes; a save looks every
/// result up (one hash look-up each), writes the new and changed ones, merges the new keys into the sorted ones
/// and concatenates the bytes. Results are only added and changed, so a memo that knows a key the results lack
/// (an older copy of the state: copies share the memo, which is neither encoded nor compared) starts over. The
/// bytes are the ones `JSONEncoder` writes for the dictionary, whatever the history.
final class SortedResultsMemo: @unchecked Sendable {
    private struct Memo {
        /// The keys, sorted as `JSONEncoder` sorts them.
        var keys: [String] = []
        /// Each key's `"key":value` in ``bytes``, in the order of ``keys``.
        var pieces: [Range<Int>] = []
        /// The bit pattern of each key's value when written.
        var values: [String: UInt64] = [:]
        var bytes: [UInt8] = []
        var size = 0
    }

    private let lock = NSLock()
    private var memo = Memo()

    /// The size of the bytes the last save wrote: the capacity to reserve for the next one.
    var lastSize: Int {
        lock.lock()
        defer { lock.unlock() }
        return memo.size
    }

    /// Appends `{"key":value,...}`, the JSON object of `results` as `JSONEncoder` writes it with sorted keys, to
    /// `out`.
    ///
    /// - Parameters:
    ///   - results: the results.
    ///   - out: the bytes written so far.
    /// - Throws: `EncodingError.invalidValue` for a non-finite number (the memo is then forgotten).
    /// - Complexity: O(n) look-ups and byte copies for n results, plus O(k log k) to sort and write the k new
    ///   ones.
    func write(_ results: [String: Double], into out: inout [UInt8]) throws {
        lock.lock()
        defer { lock.unlock() }
        var current = memo
        memo = Memo()  // released while it is updated, so that its arrays are not copied
        var added: [(key: String, value: Double)] = []
        var changed: [(key: String, value: Double)] = []
        for (key, value) in results {
            if let old = current.values[key] {
                if old != value.bitPattern { changed.append((key, value)) }
            } else {
                added.append((key, value))
            }
        }
        if current.values.count + added.count != results.count {
            current = Memo()
            added = results.map { ($0.key, $0.value) }
            changed = []
        }
        for (key, value) in changed {
            guard let position = Self.position(of: key, in: current.keys) else { continue }
            current.pieces[position] = try Self.keep(key, value, in: &current)
            current.values[key] = value.bitPattern
        }
        if !added.isEmpty {
            added.sort { $0.key < $1.key }
            var newPieces: [Range<Int>] = []
            for (key, value) in added {
                newPieces.append(try Self.keep(key, value, in: &current))
                current.values[key] = value.bitPattern
            }
            var keys: [String] = []
            var pieces: [Range<Int>] = []
            keys.reserveCapacity(current.keys.count + added.count)
            pieces.reserveCapacity(keys.capacity)
            var old = 0
            for (index, entry) in added.enumerated() {
                while old < current.keys.count, current.keys[old] < entry.key {
                    keys.append(current.keys[old])
                    pieces.append(current.pieces[old])
                    old += 1
                }
                keys.append(entry.key)
                pieces.append(newPieces[index])
            }
            keys.append(contentsOf: current.keys[old...])
            pieces.append(contentsOf: current.pieces[old...])
            current.keys = keys
            current.pieces = pieces
        }
        if current.bytes.count > 4 * current.size + 4096 { Self.compact(&current) }
        let start = out.count
        out.append(UInt8(ascii: "{"))
        current.bytes.withUnsafeBufferPointer { stored in
            for (index, piece) in current.pieces.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: stored[piece]))
            }
        }
        out.append(UInt8(ascii: "}"))
        current.size = out.count - start
        memo = current
    }

    /// The position of `key` in the sorted `keys`.
    private static func position(of key: String, in keys: [String]) -> Int? {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low < keys.count && keys[low] == key ? low : nil
    }

    /// Writes `"key":value` into the memo's bytes; its place there.
    private static func keep(_ key: String, _ value: Double, in memo: inout Memo) throws -> Range<Int> {
        var json = JSONText()
        json.string(key)
        json.raw(":")
        try json.double(value)
        let start = memo.bytes.count
        memo.bytes.append(contentsOf: json.bytes)
        return start..<memo.bytes.count
    }

    /// Drops the bytes of results written before and changed since.
    private static func compact(_ memo: inout Memo) {
        var kept: [UInt8] = []
        kept.reserveCapacity(memo.size)
        memo.pieces = memo.pieces.map { piece in
            let start = kept.count
            kept.append(contentsOf: memo.bytes[piece])
            return start..<kept.count
        }
        memo.bytes = kept
    }
}

extension CMAES: StateWriting {
    /// The state's JSON, the bytes its synthesized `encode(to:)` gives with sorted keys: the results from
    /// ``resultsMemo`` (only the new and changed ones written), the members and the pending configurations (sorted)
    /// by hand, the rest through `JSONEncoder`.
    ///
    /// - Returns: UTF-8 JSON.
    /// - Throws: `EncodingError` when a value cannot be written.
    public func writtenState() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Sorted keys: best, distribution, generator, members, options, pending, restarts, results.
        var json = JSONText(capacity: resultsMemo.lastSize + 64 * (pending.count + members.count) + 4096)
        json.raw("{")
        if let best {
            json.raw("\"best\":")
            json.raw([UInt8](try encoder.encode(best)))
            json.raw(",")
        }
        if let distribution {
            json.raw("\"distribution\":")
            json.raw([UInt8](try encoder.encode(distribution)))
            json.raw(",")
        }
        json.raw("\"generator\":")
        json.raw([UInt8](try encoder.encode(generator)))
        json.raw(",\"members\":[")
        for (position, member) in members.enumerated() {
            if position > 0 { json.raw(",") }
            try Self.write(member, into: &json)
        }
        json.raw("],\"options\":")
        json.raw([UInt8](try encoder.encode(options)))
        json.raw(",\"pending\":[")
        for (position, key) in pending.sorted().enumerated() {
            if position > 0 { json.raw(",") }
            json.string(key)
        }
        json.raw("],\"restarts\":")
        json.raw([UInt8](try encoder.encode(restarts)))
        json.raw(",\"results\":")
        try json.appending { try resultsMemo.write(results, into: &$0) }
        json.raw("}")
        return Data(json.bytes)
    }

    /// Writes a member as its synthesized `Encodable` conformance does with sorted keys.
    private static func write(_ member: Member, into json: inout JSONText) throws {
        json.raw("{\"categories\":[")
        for (position, category) in member.categories.enumerated() {
            if position > 0 { json.raw(",") }
            json.int(category)
        }
        json.raw("],\"fresh\":")
        json.raw(member.fresh ? "true" : "false")
        json.raw(",\"key\":")
        json.string(member.key)
        if let objective = member.objective {
            json.raw(",\"objective\":")
            try json.double(objective)
        }
        json.raw(",\"x\":[")
        for (position, value) in member.x.enumerated() {
            if position > 0 { json.raw(",") }
            try json.double(value)
        }
        json.raw("]}")
    }
}
