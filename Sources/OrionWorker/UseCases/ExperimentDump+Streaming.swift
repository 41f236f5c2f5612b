import Foundation
import OrionCore

extension ExperimentDump {
    /// What a streamed dump wrote.
    public struct Written: Sendable, Hashable {
        /// The experiments written.
        public var experiments = 0
        /// The trials written.
        public var trials = 0
    }

    /// Writes a dump of a storage's experiments piece by piece: the same bytes as ``read(from:name:version:)``
    /// followed by ``encoded()``, with only one experiment's trials in memory at a time.
    ///
    /// ``encoded()`` builds the whole document, and `JSONEncoder` a tree of it first: a dump of 77,000 trials
    /// peaked near 500 MB. Here each experiment's trials are read in one call (one consistent snapshot per
    /// experiment, as before), each trial is encoded alone by the same encoder and indented to its depth, and
    /// the text goes to `output` in pieces of about `pieceSize` bytes.
    ///
    /// - Parameters:
    ///   - storage: where to read.
    ///   - name: only this experiment (every version of it unless `version` is given); every experiment when `nil`.
    ///   - version: only this version of `name`.
    ///   - created: the date the dump records.
    ///   - pieceSize: the size in bytes from which the text is handed to `output` (about a megabyte).
    ///   - output: receives the text, in order.
    /// - Returns: how many experiments and trials were written.
    /// - Throws: ``DumpError`` `.notFound` when `name` (and `version`) match nothing (before anything is written),
    ///   the storage's error, an encoding error, or `output`'s.
    public static func write(
        from storage: any Storage,
        name: String? = nil,
        version: Int? = nil,
        created: Date = Date(),
        pieceSize: Int = 1 << 20,
        to output: @escaping (Data) throws -> Void
    ) async throws -> Written {
        let experiments = try await selected(in: storage, name: name, version: version)
        let encoder = makeEncoder()
        var text = StreamedText(pieceSize: pieceSize, output: output)
        var written = Written()
        // The keys in the order `.sortedKeys` gives them: created, experiments, format, format_version, written_by.
        try text.append("{\n  \"created\" : ")
        try text.append(try fragment(created, encoder: encoder, depth: 1))
        try text.append(",\n  \"experiments\" : [\n")
        for (index, experiment) in experiments.enumerated() {
            let trials = try await storage.trials(of: experiment.id, status: nil)
            try text.append(index == 0 ? "    {\n" : ",\n    {\n")
            try text.append("      \"experiment\" : ")
            try text.append(try fragment(experiment, encoder: encoder, depth: 3))
            try text.append(",\n      \"trials\" : [\n")
            // A few hundred trials per call of the encoder: encoded as an array, whose elements are written two
            // spaces in, between a line `[` and a line `]`; in the document they are eight spaces in.
            var start = 0
            while start < trials.count {
                let end = min(start + Self.trialsPerEncoding, trials.count)
                let array = try encoder.encode(Array(trials[start..<end]))
                let elements = array.dropFirst(2).dropLast(2)
                try text.append(start == 0 ? Data() : Data(",\n".utf8))
                try text.append(PrettyJSON.indented(elements, depth: 3, first: true))
                start = end
            }
            // No trial: the encoder's empty array, `[`, an empty line, `]`.
            try text.append("\n      ]\n    }")
            written.experiments += 1
            written.trials += trials.count
        }
        try text.append("\n  ],\n")
        try text.append("  \"format\" : ")
        try text.append(try fragment(formatName, encoder: encoder, depth: 1))
        try text.append(",\n  \"format_version\" : ")
        try text.append(try fragment(currentFormatVersion, encoder: encoder, depth: 1))
        try text.append(",\n  \"written_by\" : ")
        try text.append(try fragment("swift-orion \(OrionVersion.current)", encoder: encoder, depth: 1))
        try text.append("\n}")
        try text.flush()
        return written
    }

    /// The experiments a dump of `name` (and `version`) holds: every experiment when `name` is `nil`.
    static func selected(in storage: any Storage, name: String?, version: Int?) async throws -> [Experiment] {
        var experiments = try await storage.experiments()
        guard let name else { return experiments }
        experiments = experiments.filter { $0.name == name && (version == nil || $0.version == version) }
        guard !experiments.isEmpty else {
            let which = version.map { " with version \($0)" } ?? ""
            throw DumpError(.notFound, "no experiment named '\(name)'\(which) to dump; `orion list` shows them")
        }
        return experiments
    }

    /// How many trials are encoded at once.
    static let trialsPerEncoding = 256

    /// `value` as the encoder writes it, its lines after the first indented by two spaces per `depth`, as they are
    /// when `value` is nested that deep in a pretty-printed document.
    static func fragment(_ value: some Encodable, encoder: JSONEncoder, depth: Int) throws -> Data {
        PrettyJSON.indented(try encoder.encode(value), depth: depth, first: false)
    }
}

/// Text handed to an output in pieces of at least `pieceSize` bytes (the last one may be smaller).
private struct StreamedText {
    let pieceSize: Int
    let output: (Data) throws -> Void
    var buffer = Data()

    init(pieceSize: Int, output: @escaping (Data) throws -> Void) {
        self.pieceSize = max(1, pieceSize)
        self.output = output
        buffer.reserveCapacity(self.pieceSize + self.pieceSize / 4)
    }

    mutating func append(_ text: String) throws {
        try append(Data(text.utf8))
    }

    mutating func append(_ data: Data) throws {
        buffer.append(data)
        if buffer.count >= pieceSize { try flush() }
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try output(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
