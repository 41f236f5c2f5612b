import Foundation
import OrionCore

extension GPBO: StateWriting {
    /// The state's JSON, the trials' records written by hand: the bytes `JSONEncoder` writes with sorted keys and
    /// unescaped slashes (``StateWriting``), for a state whose records grow with the trials.
    ///
    /// - Returns: UTF-8 JSON that ``init(from:)`` decodes.
    /// - Throws: `EncodingError` when a value cannot be written (a non-finite number).
    public func writtenState() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Sorted keys: design_index, design_seed, generator, last_fit, last_fit_count, last_local_fit,
        // last_local_fit_count, local_phase_from, options, records.
        var text = JSONText(capacity: 256 + records.count * (40 + 24 * (records.first?.vector.count ?? 0)))
        text.raw("{\"design_index\":")
        text.int(designIndex)
        text.raw(",\"design_seed\":")
        text.raw(String(designSeed).utf8)
        text.raw(",\"generator\":")
        text.raw(try encoder.encode(generator))
        if let lastFit {
            text.raw(",\"last_fit\":")
            try text.doubles(lastFit)
        }
        if let lastFitCount {
            text.raw(",\"last_fit_count\":")
            text.int(lastFitCount)
        }
        if let lastLocalFit {
            text.raw(",\"last_local_fit\":")
            try text.doubles(lastLocalFit)
        }
        if let lastLocalFitCount {
            text.raw(",\"last_local_fit_count\":")
            text.int(lastLocalFitCount)
        }
        if let localPhaseFrom {
            text.raw(",\"local_phase_from\":")
            text.int(localPhaseFrom)
        }
        text.raw(",\"options\":")
        text.raw(try encoder.encode(options))
        text.raw(",\"records\":[")
        for (position, record) in records.enumerated() {
            if position > 0 { text.raw(",") }
            // Sorted keys: id, kind, objective (absent when nil), vector.
            text.raw("{\"id\":")
            text.string(record.id)
            text.raw(",\"kind\":")
            text.string(record.kind.rawValue)
            if let objective = record.objective {
                text.raw(",\"objective\":")
                try text.double(objective)
            }
            text.raw(",\"vector\":")
            try text.doubles(record.vector)
            text.raw("}")
        }
        text.raw("]}")
        return Data(text.bytes)
    }
}
