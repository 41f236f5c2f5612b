import Foundation
import OrionCore

/// The written bytes of the compact form (``StoredBrackets``) kept from one save to the next, so that a save costs
/// a concatenation plus the entries that changed rather than the whole history written again.
///
/// The state is saved after every production, and between two saves a step appends a few entries and finishes a
/// few others: every other entry's row, and every configuration's row, is the same bytes as before. The memo keeps,
/// for each entry (by bracket, rung and position, which never change: entries are only appended), the entry it
/// was written from and its row's bytes apart from the configuration numbers; for each configuration, its row's
/// bytes and the place of its first appearance. The numbers (order of first appearance) are kept up to date as
/// configurations arrive, so an entry appended below later ones shifts the numbers, not the bytes.
///
/// The memo checks itself against the state at every save (each entry compared with the one it was written
/// from, which is cheap while they share their storage) and starts over when anything it cannot follow happened:
/// fewer brackets or entries than it remembers (an older copy of the state), a changed configuration, fidelity or
/// parameters, a configuration reappearing before its first appearance, or a new first configuration. The bytes
/// are then those ``StoredBrackets/written(_:fidelityName:)`` writes from scratch, whatever the history of the
/// state or of its copies: copies of a ``SuccessiveHalving`` share one memo (it is a reference, neither encoded nor
/// compared), and a state that differs from the last one saved only costs a rebuild.
final class StoredBracketsMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var memo: Memo?
    private var rebuildCount = 0

    /// How many times the memo started over on a state it could not follow (for tests).
    var rebuilds: Int {
        lock.lock()
        defer { lock.unlock() }
        return rebuildCount
    }

    /// The compact form's members, the bytes ``StoredBrackets/written(_:fidelityName:)`` gives for `brackets`.
    ///
    /// - Parameters:
    ///   - brackets: the brackets.
    ///   - fidelityName: the fidelity dimension's name.
    /// - Returns: `"brackets":[...],"configurations":[...]` and `"fields":[...]`.
    /// - Throws: `EncodingError.invalidValue` for a non-finite number (the memo is then forgotten).
    /// - Complexity: O(e) comparisons and byte copies for e entries, plus O(c · d) for the c entries of d
    ///   dimensions that changed since the last save.
    func written(_ brackets: [SuccessiveHalving.Bracket], fidelityName: String) throws -> (
        bracketsAndConfigurations: [UInt8], fields: [UInt8]
    ) {
        lock.lock()
        defer { lock.unlock() }
        do {
            var current = Memo(fidelityName: fidelityName)
            if let kept = memo, kept.fidelityName == fidelityName { current = kept }
            memo = nil  // released while it is updated, so that its arrays are not copied
            if try !current.update(brackets) {
                rebuildCount += 1
                current = Memo(fidelityName: fidelityName)
                guard try current.update(brackets) else {
                    return try StoredBrackets.written(brackets, fidelityName: fidelityName)
                }
            }
            let result = try current.write(brackets)
            memo = current
            return result
        } catch {
            memo = nil
            throw error
        }
    }

    /// The bytes of an ``SuccessiveHalving/Entry`` that hold its stored properties (not the padding between
    /// them), as few ranges; `nil` when the list below does not name every stored property.
    static let entryBytes: [Range<Int>]? = {
        typealias Entry = SuccessiveHalving.Entry
        return StoredBytes.ranges(
            of: Entry(configuration: "", parameters: Parameters()),
            [
                (\Entry.configuration, MemoryLayout<String>.size),
                (\Entry.parameters, MemoryLayout<Parameters>.size),
                (\Entry.trialID, MemoryLayout<String?>.size),
                (\Entry.objective, MemoryLayout<Double?>.size),
                (\Entry.isFinished, MemoryLayout<Bool>.size),
                (\Entry.broken, MemoryLayout<Bool>.size),
                (\Entry.source, MemoryLayout<String?>.size),
            ]
        )
    }()

    /// Where a configuration occurs: an entry's own configuration (`source` 0) or the configuration it was bred
    /// from (`source` 1), in the order the compact form numbers configurations.
    private struct Position: Comparable {
        var bracket: Int
        var rung: Int
        var entry: Int
        var source: Int

        static func < (lhs: Position, rhs: Position) -> Bool {
            (lhs.bracket, lhs.rung, lhs.entry, lhs.source) < (rhs.bracket, rhs.rung, rhs.entry, rhs.source)
        }
    }

    /// One configuration of the compact form.
    private struct Configuration {
        /// Where it first occurs.
        var first: Position
        /// Its parameters when they have the fields of the first configuration, else `nil` (its entries then carry
        /// their parameters).
        var base: Parameters?
        /// Its row, `[rendering, values...]`, in ``Memo/bytes``.
        var bytes: Range<Int>
    }

    /// One entry's row without its numbers: plain integers, so that writing the rows copies no reference.
    private struct Row {
        /// Its configuration, by memo id.
        var configuration: Int
        /// The configuration it was bred from, by memo id, or -1.
        var source: Int
        /// Whether it carries its parameters (they are not its configuration's at the rung's fidelity).
        var hasParameters: Bool
        /// `,flags,trial id,objective` in ``Memo/bytes``.
        var middle: Range<Int>
        /// `,parameters]` or `]` in ``Memo/bytes``.
        var tail: Range<Int>
    }

    private struct Memo {
        let fidelityName: String
        /// The fields of the first configuration, `nil` before any.
        var fields: [StoredBrackets.Field]?
        /// Memo id by rendering.
        var ids: [String: Int] = [:]
        /// Configurations by memo id.
        var configurations: [Configuration] = []
        /// Memo ids in the compact form's order (of first occurrence).
        var order: [Int] = []
        /// The compact form's number of each memo id.
        var numbers: [Int] = []
        /// The entries each bracket's rows were written from, rung by rung.
        var entries: [[[SuccessiveHalving.Entry]]] = []
        /// The rows of each bracket's rungs.
        var rows: [[[Row]]] = []
        /// The fidelities of each bracket's rungs.
        var fidelities: [[Double]] = []
        /// The written pieces the rows and configurations refer to (a changed row's new pieces are appended).
        var bytes: [UInt8] = []
        /// The size of the last bytes written, to reserve as much next time.
        var size = 0

        init(fidelityName: String) { self.fidelityName = fidelityName }

        /// Brings the memo up to `brackets`; `false` when it cannot follow them (start over).
        mutating func update(_ brackets: [SuccessiveHalving.Bracket]) throws -> Bool {
            guard brackets.count >= rows.count else { return false }
            for b in brackets.indices {
                let bracket = brackets[b]
                guard bracket.plan.count == bracket.rungs.count else { return false }
                if b == rows.count {
                    rows.append(Array(repeating: [], count: bracket.rungs.count))
                    entries.append(Array(repeating: [], count: bracket.rungs.count))
                    fidelities.append(bracket.plan.map(\.fidelity))
                }
                guard rows[b].count == bracket.rungs.count,
                    zip(fidelities[b], bracket.plan).allSatisfy({ $0 == $1.fidelity })
                else { return false }
                for r in bracket.rungs.indices {
                    let live = bracket.rungs[r]
                    let known = rows[b][r].count
                    guard live.count >= known else { return false }
                    let changed = Self.changes(live, entries[b][r])
                    for e in changed {
                        let old = entries[b][r][e]
                        let entry = live[e]
                        guard entry.configuration == old.configuration, entry.source == old.source,
                            entry.parameters == old.parameters
                        else { return false }
                        rows[b][r][e].middle = try middle(entry, hasParameters: rows[b][r][e].hasParameters)
                        entries[b][r][e] = entry
                    }
                    if live.count > known {
                        let fidelity = SuccessiveHalving.value(bracket.plan[r].fidelity)
                        for e in known..<live.count {
                            let position = Position(bracket: b, rung: r, entry: e, source: 0)
                            guard let row = try row(live[e], at: position, fidelity: fidelity) else { return false }
                            rows[b][r].append(row)
                            entries[b][r].append(live[e])
                        }
                    }
                }
            }
            return true
        }

        /// The positions of `old`'s entries that differ in `live`.
        ///
        /// An entry whose stored properties are the bytes of the old one's is the same value (the same references
        /// and numbers), which a comparison of memory shows without copying it; only the others are compared as
        /// values. The algorithm's arrays are copies of the ones the memo saw (copy on write), so most entries are
        /// the same bytes.
        private static func changes(_ live: [SuccessiveHalving.Entry], _ old: [SuccessiveHalving.Entry]) -> [Int] {
            let stride = MemoryLayout<SuccessiveHalving.Entry>.stride
            return live.withUnsafeBytes { liveBytes in
                old.withUnsafeBytes { oldBytes in
                    var changed: [Int] = []
                    for e in old.indices {
                        if let fields = StoredBracketsMemo.entryBytes, let a = liveBytes.baseAddress,
                            let b = oldBytes.baseAddress,
                            fields.allSatisfy({
                                memcmp(
                                    a + e * stride + $0.lowerBound,
                                    b + e * stride + $0.lowerBound,
                                    $0.count
                                ) == 0
                            })
                        {
                            continue
                        }
                        if live[e] != old[e] { changed.append(e) }
                    }
                    return changed
                }
            }
        }

        /// The row of a new entry, its configurations numbered; `nil` when the numbering cannot be followed.
        private mutating func row(_ entry: SuccessiveHalving.Entry, at position: Position, fidelity: JSONValue)
            throws -> Row?
        {
            guard let configuration = try occurrence(entry, at: position) else { return nil }
            var source = -1
            if let rendering = entry.source {
                var at = position
                at.source = 1
                let bred = SuccessiveHalving.Entry(configuration: rendering, parameters: Parameters([]))
                guard let id = try occurrence(bred, at: at) else { return nil }
                source = id
            }
            let base = configurations[configuration].base?.replacing(fidelityName, with: fidelity)
            let hasParameters = base != entry.parameters
            var tail = JSONText()
            if hasParameters {
                tail.raw(",")
                try tail.parameters(entry.parameters)
            }
            tail.raw("]")
            return Row(
                configuration: configuration,
                source: source,
                hasParameters: hasParameters,
                middle: try middle(entry, hasParameters: hasParameters),
                tail: keep(tail.bytes)
            )
        }

        /// The memo id of `entry`'s configuration occurring at `position`, numbered when new; `nil` when it occurred
        /// only later (its first occurrence moves) or it would become the first configuration.
        private mutating func occurrence(_ entry: SuccessiveHalving.Entry, at position: Position) throws -> Int? {
            if let id = ids[entry.configuration] {
                return configurations[id].first < position ? id : nil
            }
            // Its number: after every configuration that first occurs before it.
            var low = 0
            var high = order.count
            while low < high {
                let middle = (low + high) / 2
                if configurations[order[middle]].first < position { low = middle + 1 } else { high = middle }
            }
            guard low > 0 || order.isEmpty else { return nil }
            let entryFields = entry.parameters.map { StoredBrackets.Field(name: $0.name, type: $0.type) }
            if fields == nil { fields = entryFields }
            let fits = entryFields == fields
            var json = JSONText()
            json.raw("[")
            json.string(entry.configuration)
            if fits {
                for param in entry.parameters {
                    json.raw(",")
                    try json.value(param.value)
                }
            }
            json.raw("]")
            let id = configurations.count
            configurations.append(
                Configuration(first: position, base: fits ? entry.parameters : nil, bytes: keep(json.bytes))
            )
            ids[entry.configuration] = id
            order.insert(id, at: low)
            numbers.append(low)
            for number in (low + 1)..<order.count { numbers[order[number]] = number }
            return id
        }

        /// `,flags,trial id,objective` of an entry's row, kept.
        private mutating func middle(_ entry: SuccessiveHalving.Entry, hasParameters: Bool) throws -> Range<Int> {
            var json = JSONText()
            json.raw(",")
            json.int(
                (entry.isFinished ? 1 : 0) | (entry.broken ? 2 : 0) | (entry.source != nil ? 4 : 0)
                    | (hasParameters ? 8 : 0)
            )
            json.raw(",")
            if let trialID = entry.trialID { json.string(trialID) } else { json.raw("null") }
            json.raw(",")
            if let objective = entry.objective { try json.double(objective) } else { json.raw("null") }
            return keep(json.bytes)
        }

        /// Appends the decimal digits of a number that is not negative.
        private static func append(_ value: Int, to out: inout [UInt8]) {
            if value < 10 {
                out.append(UInt8(ascii: "0") + UInt8(value))
                return
            }
            let start = out.count
            var rest = value
            while rest > 0 {
                out.append(UInt8(ascii: "0") + UInt8(rest % 10))
                rest /= 10
            }
            out[start...].reverse()
        }

        /// Appends written bytes to ``bytes``; their place there.
        private mutating func keep(_ written: [UInt8]) -> Range<Int> {
            let start = bytes.count
            bytes.append(contentsOf: written)
            return start..<bytes.count
        }

        /// The compact form's members from the memo, which must be up to date with `brackets`.
        mutating func write(_ brackets: [SuccessiveHalving.Bracket]) throws -> (
            bracketsAndConfigurations: [UInt8], fields: [UInt8]
        ) {
            var plans = JSONText()
            var out: [UInt8] = []
            out.reserveCapacity(size + 64)
            out.append(contentsOf: "\"brackets\":[".utf8)
            try bytes.withUnsafeBufferPointer { pieces in
                for b in brackets.indices {
                    if b > 0 { out.append(UInt8(ascii: ",")) }
                    plans = JSONText()
                    try StoredBrackets.writePlan(brackets[b].plan, into: &plans)
                    plans.raw(",\"repetition\":")
                    plans.int(brackets[b].repetition)
                    plans.raw(",\"rungs\":[")
                    out.append(contentsOf: plans.bytes)
                    for r in rows[b].indices {
                        if r > 0 { out.append(UInt8(ascii: ",")) }
                        out.append(UInt8(ascii: "["))
                        rows[b][r].withUnsafeBufferPointer { rows in
                            numbers.withUnsafeBufferPointer { numbers in
                                for index in rows.indices {
                                    let row = rows[index]
                                    if index > 0 { out.append(UInt8(ascii: ",")) }
                                    out.append(UInt8(ascii: "["))
                                    Self.append(numbers[row.configuration], to: &out)
                                    out.append(contentsOf: UnsafeBufferPointer(rebasing: pieces[row.middle]))
                                    if row.source >= 0 {
                                        out.append(UInt8(ascii: ","))
                                        Self.append(numbers[row.source], to: &out)
                                    }
                                    out.append(contentsOf: UnsafeBufferPointer(rebasing: pieces[row.tail]))
                                }
                            }
                        }
                        out.append(UInt8(ascii: "]"))
                    }
                    out.append(contentsOf: "]}".utf8)
                }
                out.append(contentsOf: "],\"configurations\":[".utf8)
                for (number, id) in order.enumerated() {
                    if number > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: pieces[configurations[id].bytes]))
                }
                out.append(UInt8(ascii: "]"))
            }
            size = out.count
            return (out, StoredBrackets.writtenFields(fields ?? []))
        }
    }
}
