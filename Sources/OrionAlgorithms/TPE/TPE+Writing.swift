import Foundation
import OrionCore

/// The written records of a ``TPE`` kept from one save to the next, so that a save copies the records written
/// before and writes only the new ones and those that changed (a trial completed or broken).
///
/// The state is saved after every production and holds one record per trial: written whole by `JSONEncoder`, it
/// cost tens of milliseconds per save at 1,000 trials. The memo keeps each record it wrote and its bytes; at every
/// save it compares the records with them (in order: records are only appended and changed in place) and starts
/// over when there are fewer than it remembers (an older copy of the state: copies of a ``TPE`` share one memo,
/// which is neither encoded nor compared). The bytes are the ones `JSONEncoder` writes for the records, whatever
/// the history.
final class TPERecordsMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var records: [TPE.Record] = []
    private var pieces: [Range<Int>] = []
    private var bytes: [UInt8] = []
    private var size = 0

    /// `[record, ...]`: the JSON array of `live`, as `JSONEncoder` writes it with sorted keys.
    ///
    /// - Parameter live: the records.
    /// - Returns: UTF-8 JSON.
    /// - Throws: `EncodingError.invalidValue` for a non-finite number (the memo is then forgotten).
    /// - Complexity: O(n) comparisons and byte copies for n records, plus the writing of those that changed.
    func written(_ live: [TPE.Record]) throws -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        do {
            if live.count < records.count { forget() }
            for index in records.indices where live[index] != records[index] {
                pieces[index] = try keep(live[index])
                records[index] = live[index]
            }
            for index in records.count..<live.count {
                pieces.append(try keep(live[index]))
                records.append(live[index])
            }
            if bytes.count > 4 * size + 4096 { compact() }
            var out: [UInt8] = []
            out.reserveCapacity(size + pieces.count + 2)
            out.append(UInt8(ascii: "["))
            bytes.withUnsafeBufferPointer { stored in
                for (index, piece) in pieces.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: stored[piece]))
                }
            }
            out.append(UInt8(ascii: "]"))
            size = out.count
            return out
        } catch {
            forget()
            throw error
        }
    }

    private func forget() {
        records = []
        pieces = []
        bytes = []
    }

    /// Drops the bytes of records written before and changed since.
    private func compact() {
        var kept: [UInt8] = []
        kept.reserveCapacity(size)
        pieces = pieces.map { piece in
            let start = kept.count
            kept.append(contentsOf: bytes[piece])
            return start..<kept.count
        }
        bytes = kept
    }

    /// Writes a record as its `Encodable` conformance does (keys sorted, no `objective` when it has none) and
    /// keeps it; its place in ``bytes``.
    private func keep(_ record: TPE.Record) throws -> Range<Int> {
        var json = JSONText()
        json.raw("{\"id\":")
        json.string(record.id)
        if let objective = record.objective {
            json.raw(",\"objective\":")
            try json.double(objective)
        }
        json.raw(",\"status\":")
        json.string(record.status.rawValue)
        json.raw(",\"vector\":[")
        for (position, value) in record.vector.enumerated() {
            if position > 0 { json.raw(",") }
            try json.double(value)
        }
        json.raw("]}")
        let start = bytes.count
        bytes.append(contentsOf: json.bytes)
        return start..<bytes.count
    }
}

extension TPE: StateWriting {
    /// The state's JSON, the bytes `encode(to:)` gives with sorted keys: the records from ``recordsMemo`` (only
    /// the new and changed ones written), the other members through `JSONEncoder`.
    ///
    /// - Returns: UTF-8 JSON.
    /// - Throws: `EncodingError` when a value cannot be written.
    public func writtenState() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let written = try recordsMemo.written(records)
        // Allocated once at its size: a growing buffer would copy the records as it grows.
        var json = JSONText(capacity: written.count + 64 * (seen?.count ?? 0) + 1024)
        json.raw("{\"generator\":")
        json.raw([UInt8](try encoder.encode(generator)))
        json.raw(",\"options\":")
        json.raw([UInt8](try encoder.encode(options)))
        json.raw(",\"records\":")
        json.raw(written)
        if let seen {
            json.raw(",\"seen\":")
            json.raw([UInt8](try encoder.encode(seen.sorted())))
        }
        json.raw("}")
        return Data(json.bytes)
    }
}
