import Foundation
import OrionCore

/// The written rungs of an ``EvolutionES`` kept from one save to the next, so that a save writes only the entries
/// that are new or changed (suggested, observed, finished) and copies the bytes of the others.
///
/// Entries are only appended to a rung and changed in place, so each rung of each repetition keeps its own
/// ``WrittenRows``; copies of the state share the memo (a reference, neither encoded nor compared), and a rung
/// that is not a continuation of the one written last (an older copy, a decoded state) is written again. The
/// bytes are the ones `JSONEncoder` writes for the repetitions, whatever the history.
final class EvolutionESMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var rungs: [[WrittenRows<EvolutionES.Entry>]] = []
    private var size = 0

    /// The size of the bytes the last save wrote: the capacity to reserve for the next one, so that a large state
    /// is not copied as its buffer grows.
    var lastSize: Int {
        lock.lock()
        defer { lock.unlock() }
        return size
    }

    /// Appends `[repetition, ...]`, the JSON array of `repetitions` as `JSONEncoder` writes it with sorted keys,
    /// to `out`.
    ///
    /// - Parameters:
    ///   - repetitions: the repetitions.
    ///   - out: the bytes written so far.
    /// - Throws: `EncodingError.invalidValue` for a non-finite number (the memo is then forgotten).
    /// - Complexity: O(e) comparisons and byte copies for e entries, plus the writing of those that changed.
    func write(_ repetitions: [EvolutionES.Repetition], into out: inout [UInt8]) throws {
        lock.lock()
        defer { lock.unlock() }
        var kept = rungs
        rungs = []  // released while it is updated, so that its arrays are not copied
        if kept.count > repetitions.count { kept.removeLast(kept.count - repetitions.count) }
        let start = out.count
        out.append(UInt8(ascii: "["))
        for (r, repetition) in repetitions.enumerated() {
            if r == kept.count { kept.append([]) }
            if kept[r].count != repetition.rungs.count {
                kept[r] = Array(repeating: WrittenRows(), count: repetition.rungs.count)
            }
            if r > 0 { out.append(UInt8(ascii: ",")) }
            var json = JSONText()
            json.raw("{\"generated\":")
            json.int(repetition.generated)
            json.raw(repetition.isBottomClosed ? ",\"isBottomClosed\":true" : ",\"isBottomClosed\":false")
            json.raw(",\"rungs\":[")
            out.append(contentsOf: json.bytes)
            for g in repetition.rungs.indices {
                if g > 0 { out.append(UInt8(ascii: ",")) }
                try kept[r][g].write(
                    repetition.rungs[g],
                    into: &out,
                    fields: Self.entryBytes,
                    same: Self.same,
                    write: Self.write
                )
            }
            out.append(contentsOf: (repetition.shortGeneration == true ? "],\"shortGeneration\":true}" : "]}").utf8)
        }
        out.append(UInt8(ascii: "]"))
        rungs = kept
        size = out.count - start
    }

    /// The bytes of an ``EvolutionES/Entry`` that hold its stored properties.
    static let entryBytes: [Range<Int>]? = {
        typealias Entry = EvolutionES.Entry
        return StoredBytes.ranges(
            of: Entry(parameters: Parameters(), configuration: ""),
            [
                (\Entry.parameters, MemoryLayout<Parameters>.size),
                (\Entry.configuration, MemoryLayout<String>.size),
                (\Entry.parent, MemoryLayout<String?>.size),
                (\Entry.trialID, MemoryLayout<String?>.size),
                (\Entry.objective, MemoryLayout<Double?>.size),
                (\Entry.isFinished, MemoryLayout<Bool>.size),
                (\Entry.isSuggested, MemoryLayout<Bool>.size),
            ]
        )
    }()

    /// Whether two entries write the same bytes (objectives compared bit for bit: `-0.0` writes differently).
    private static func same(_ a: EvolutionES.Entry, _ b: EvolutionES.Entry) -> Bool {
        a == b && a.objective?.bitPattern == b.objective?.bitPattern
    }

    /// Writes an entry as its synthesized `Encodable` conformance does with sorted keys (absent optionals left
    /// out).
    private static func write(_ entry: EvolutionES.Entry, into json: inout JSONText) throws {
        json.raw("{\"configuration\":")
        json.string(entry.configuration)
        json.raw(entry.isFinished ? ",\"isFinished\":true" : ",\"isFinished\":false")
        json.raw(entry.isSuggested ? ",\"isSuggested\":true" : ",\"isSuggested\":false")
        if let objective = entry.objective {
            json.raw(",\"objective\":")
            try json.double(objective)
        }
        json.raw(",\"parameters\":")
        try json.parameters(entry.parameters)
        if let parent = entry.parent {
            json.raw(",\"parent\":")
            json.string(parent)
        }
        if let trialID = entry.trialID {
            json.raw(",\"trialID\":")
            json.string(trialID)
        }
        json.raw("}")
    }
}

extension EvolutionES: StateWriting {
    /// The state's JSON, the bytes `encode(to:)` gives with sorted keys: the repetitions from ``memo`` (only the
    /// new and changed entries written), the other members by hand or, for the generator and the mutation,
    /// through `JSONEncoder`.
    ///
    /// - Returns: UTF-8 JSON.
    /// - Throws: `EncodingError` when a value cannot be written.
    public func writtenState() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Sorted keys: fidelities, fidelityName, generator, maxRetries, mutation, numsPopulation, repetitionLimit,
        // repetitions, seen.
        var json = JSONText(capacity: memo.lastSize + 64 * (seen?.count ?? 0) + 1024)
        json.raw("{\"fidelities\":[")
        for (position, fidelity) in fidelities.enumerated() {
            if position > 0 { json.raw(",") }
            try json.double(fidelity)
        }
        json.raw("],\"fidelityName\":")
        json.string(fidelityName)
        json.raw(",\"generator\":")
        json.raw([UInt8](try encoder.encode(generator)))
        json.raw(",\"maxRetries\":")
        json.int(maxRetries)
        json.raw(",\"mutation\":")
        json.raw([UInt8](try encoder.encode(mutation)))
        json.raw(",\"numsPopulation\":")
        json.int(numsPopulation)
        json.raw(",\"repetitionLimit\":")
        if let repetitionLimit { json.int(repetitionLimit) } else { json.raw("null") }
        json.raw(",\"repetitions\":")
        try json.appending { try memo.write(repetitions, into: &$0) }
        if let seen {
            json.raw(",\"seen\":[")
            for (position, configuration) in seen.sorted().enumerated() {
                if position > 0 { json.raw(",") }
                json.string(configuration)
            }
            json.raw("]")
        }
        json.raw("}")
        return Data(json.bytes)
    }
}
