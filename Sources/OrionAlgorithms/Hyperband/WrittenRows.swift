import Foundation

/// The written JSON of an array's elements, kept from one save to the next so that a save writes only the
/// elements that are new or changed and copies the bytes of the others.
///
/// The pattern of ``TPERecordsMemo``, for any element: the rows it wrote and their bytes; at every save each live
/// element is compared with the one its bytes were written from (an element that shares its storage with it, as
/// the copies of an unchanged array do, compares at the cost of a few pointer comparisons), changed ones are
/// written again and new ones appended; fewer elements than it remembers (an older copy) start it over. The bytes
/// are therefore those of writing every element, whatever the history. It is a value: the reference that shares it
/// between copies of an algorithm, and its lock, belong to the algorithm's memo.
struct WrittenRows<Row> {
    private var rows: [Row] = []
    private var pieces: [Range<Int>] = []
    private var bytes: [UInt8] = []
    private var size = 0

    /// Appends `[row,...]`, the JSON array of `live`, to `out`.
    ///
    /// - Parameters:
    ///   - live: the elements.
    ///   - out: the bytes written so far.
    ///   - same: whether two elements write the same bytes.
    ///   - write: writes one element.
    /// - Throws: what `write` throws (the caller then forgets the memo).
    /// - Complexity: O(n) comparisons and byte copies for n elements, plus the writing of those that changed.
    mutating func write(
        _ live: [Row],
        into out: inout [UInt8],
        same: (Row, Row) -> Bool,
        write: (Row, inout JSONText) throws -> Void
    ) rethrows {
        if live.count < rows.count { self = WrittenRows() }
        for index in rows.indices where !same(live[index], rows[index]) {
            pieces[index] = try keep(live[index], write)
            rows[index] = live[index]
        }
        if live.count > rows.count {
            rows.reserveCapacity(live.count)
            for index in rows.count..<live.count {
                pieces.append(try keep(live[index], write))
                rows.append(live[index])
            }
        }
        if bytes.count > 4 * size + 4096 { compact() }
        let start = out.count
        out.append(UInt8(ascii: "["))
        bytes.withUnsafeBufferPointer { stored in
            for (index, piece) in pieces.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: stored[piece]))
            }
        }
        out.append(UInt8(ascii: "]"))
        size = out.count - start
    }

    /// Drops the bytes of elements written before and changed since.
    private mutating func compact() {
        var kept: [UInt8] = []
        kept.reserveCapacity(size)
        pieces = pieces.map { piece in
            let start = kept.count
            kept.append(contentsOf: bytes[piece])
            return start..<kept.count
        }
        bytes = kept
    }

    /// Writes an element and keeps its bytes; their place in ``bytes``.
    private mutating func keep(_ row: Row, _ write: (Row, inout JSONText) throws -> Void) rethrows -> Range<Int> {
        var json = JSONText()
        try write(row, &json)
        let start = bytes.count
        bytes.append(contentsOf: json.bytes)
        return start..<bytes.count
    }
}

/// A ``WrittenRows`` that copies of an algorithm's state share: a reference, neither encoded nor compared, whose
/// lock lets copies in different tasks save at once.
final class SharedWrittenRows<Row>: @unchecked Sendable {
    private let lock = NSLock()
    private var rows = WrittenRows<Row>()

    /// `[row,...]`, the JSON array of `live`, writing only the elements that are not `same` as the ones written
    /// last.
    ///
    /// - Parameters:
    ///   - live: the elements.
    ///   - same: whether two elements write the same bytes.
    ///   - write: writes one element.
    /// - Returns: UTF-8 JSON.
    /// - Throws: what `write` throws (the memo is then forgotten).
    func written(
        _ live: [Row],
        same: (Row, Row) -> Bool,
        write: (Row, inout JSONText) throws -> Void
    ) rethrows -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        var kept = rows
        rows = WrittenRows()  // released while it is updated, so that its arrays are not copied
        var out: [UInt8] = []
        try kept.write(live, into: &out, same: same, write: write)
        rows = kept
        return out
    }
}
