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
    /// An element whose stored properties are the bytes of the one written before (`fields`, from
    /// ``StoredBytes/ranges(of:_:)``) is the same value, the same references and numbers, which a comparison of
    /// memory shows without copying it; only the others are compared with `same`.
    ///
    /// - Parameters:
    ///   - live: the elements.
    ///   - out: the bytes written so far.
    ///   - fields: the bytes of an element that hold its stored properties, `nil` to compare with `same` only.
    ///   - same: whether two elements write the same bytes.
    ///   - write: writes one element.
    /// - Throws: what `write` throws (the caller then forgets the memo).
    /// - Complexity: O(n) comparisons and byte copies for n elements, plus the writing of those that changed.
    mutating func write(
        _ live: [Row],
        into out: inout [UInt8],
        fields: [Range<Int>]?,
        same: (Row, Row) -> Bool,
        write: (Row, inout JSONText) throws -> Void
    ) rethrows {
        if live.count < rows.count { self = WrittenRows() }
        for index in Self.changes(live, rows, fields: fields, same: same) {
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

    /// The positions of `old`'s elements that do not write the same bytes in `live`.
    private static func changes(
        _ live: [Row],
        _ old: [Row],
        fields: [Range<Int>]?,
        same: (Row, Row) -> Bool
    ) -> [Int] {
        let stride = MemoryLayout<Row>.stride
        return live.withUnsafeBytes { liveBytes in
            old.withUnsafeBytes { oldBytes in
                var changed: [Int] = []
                for index in old.indices {
                    if let fields, let a = liveBytes.baseAddress, let b = oldBytes.baseAddress {
                        let offset = index * stride
                        if fields.allSatisfy({
                            memcmp(a + offset + $0.lowerBound, b + offset + $0.lowerBound, $0.count) == 0
                        }) {
                            continue
                        }
                    }
                    if !same(live[index], old[index]) { changed.append(index) }
                }
                return changed
            }
        }
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
    private var size = 0

    /// The size of the bytes the last save wrote: the capacity to reserve for the next one.
    var lastSize: Int {
        lock.lock()
        defer { lock.unlock() }
        return size
    }

    /// Appends `[row,...]`, the JSON array of `live`, to `out`, writing only the elements that are not `same` as
    /// the ones written last.
    ///
    /// - Parameters:
    ///   - live: the elements.
    ///   - out: the bytes written so far.
    ///   - fields: the bytes of an element that hold its stored properties (``StoredBytes/ranges(of:_:)``), `nil`
    ///     to compare with `same` only.
    ///   - same: whether two elements write the same bytes.
    ///   - write: writes one element.
    /// - Throws: what `write` throws (the memo is then forgotten).
    func write(
        _ live: [Row],
        into out: inout [UInt8],
        fields: [Range<Int>]?,
        same: (Row, Row) -> Bool,
        write: (Row, inout JSONText) throws -> Void
    ) rethrows {
        lock.lock()
        defer { lock.unlock() }
        var kept = rows
        rows = WrittenRows()  // released while it is updated, so that its arrays are not copied
        let start = out.count
        try kept.write(live, into: &out, fields: fields, same: same, write: write)
        rows = kept
        size = out.count - start
    }
}

/// Where a value's stored properties lie in its memory, for comparing two values' memory without their padding.
enum StoredBytes {
    /// The bytes of a `T` that hold its stored properties (not the padding between them), as few ranges.
    ///
    /// - Parameters:
    ///   - sample: a value, whose stored properties are counted.
    ///   - properties: every stored property and its size.
    /// - Returns: the ranges, `nil` when `properties` does not name every stored property or one has no offset
    ///   (a computed one): the caller then compares values only.
    static func ranges<T>(of sample: T, _ properties: [(PartialKeyPath<T>, Int)]) -> [Range<Int>]? {
        guard Mirror(reflecting: sample).children.count == properties.count else { return nil }
        var ranges: [Range<Int>] = []
        for (path, size) in properties {
            guard let offset = MemoryLayout<T>.offset(of: path) else { return nil }
            ranges.append(offset..<(offset + size))
        }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var merged: [Range<Int>] = []
        for range in ranges {
            if let last = merged.last, last.upperBound == range.lowerBound {
                merged[merged.count - 1] = last.lowerBound..<range.upperBound
            } else {
                merged.append(range)
            }
        }
        return merged
    }
}
