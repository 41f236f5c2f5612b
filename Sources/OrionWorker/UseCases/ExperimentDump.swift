import Foundation
import OrionCore

/// Experiments with their trials, as a portable JSON document: what `orion db dump` writes and `orion db load`
/// reads (the format is documented in docs/dump-format.md).
///
/// A dump is read from any ``Storage`` and loaded into any other, so it moves experiments between backends
/// (SQLite, PostgreSQL, in memory) and machines; `scripts/import-orion.py` writes the same format from an
/// Oríon 0.2.7 database. The algorithm's saved state is not part of a dump: a loaded experiment's algorithm
/// starts anew and observes every loaded trial at its next production, as after an algorithm change.
public struct ExperimentDump: Codable, Sendable, Hashable {
    /// One experiment and its trials.
    public struct Entry: Codable, Sendable, Hashable {
        /// The experiment's configuration, as stored.
        public var experiment: Experiment
        /// Its trials, in submission order.
        public var trials: [Trial]

        /// Creates an entry.
        ///
        /// - Parameters:
        ///   - experiment: the experiment.
        ///   - trials: its trials.
        public init(experiment: Experiment, trials: [Trial]) {
            self.experiment = experiment
            self.trials = trials
        }
    }

    /// The value of the `format` key of every dump.
    public static let formatName = "swift-orion-dump"
    /// The version of the format this code writes and the newest it reads.
    public static let currentFormatVersion = 1

    /// Always ``formatName``: tells a dump from any other JSON file.
    public var format: String
    /// The format's version (``currentFormatVersion`` when written by this code).
    public var formatVersion: Int
    /// The version of the program that wrote the dump (`0.1.0`, or `orion 0.2.7` for an import from Oríon).
    public var writtenBy: String
    /// When the dump was written.
    public var created: Date
    /// The experiments, sorted by name then version.
    public var experiments: [Entry]

    enum CodingKeys: String, CodingKey {
        case format
        case formatVersion = "format_version"
        case writtenBy = "written_by"
        case created
        case experiments
    }

    /// Creates a dump of the given experiments.
    ///
    /// - Parameters:
    ///   - experiments: the experiments with their trials.
    ///   - created: when the dump is written.
    public init(experiments: [Entry], created: Date = Date()) {
        self.format = Self.formatName
        self.formatVersion = Self.currentFormatVersion
        self.writtenBy = "swift-orion \(OrionVersion.current)"
        self.created = created
        self.experiments = experiments
    }

    /// Reads experiments and their trials from a storage.
    ///
    /// - Parameters:
    ///   - storage: where to read.
    ///   - name: only this experiment (every version of it unless `version` is given); every experiment when `nil`.
    ///   - version: only this version of `name`.
    /// - Returns: the dump.
    /// - Throws: ``DumpError`` `.notFound` when `name` (and `version`) match nothing, or the storage's error.
    public static func read(from storage: any Storage, name: String? = nil, version: Int? = nil) async throws
        -> ExperimentDump
    {
        let experiments = try await selected(in: storage, name: name, version: version)
        var entries: [Entry] = []
        for experiment in experiments {
            entries.append(
                Entry(experiment: experiment, trials: try await storage.trials(of: experiment.id, status: nil))
            )
        }
        return ExperimentDump(experiments: entries)
    }

    /// The JSON text of the dump: sorted keys, dates as seconds since 1970 (UTC) to the microsecond, non-finite
    /// numbers as `"NaN"`, `"Infinity"`, `"-Infinity"`.
    ///
    /// Dates are kept to the microsecond (as Oríon keeps them): loading a dump and dumping it again gives the same
    /// text.
    ///
    /// - Returns: the UTF-8 JSON document.
    /// - Throws: `EncodingError` if a value cannot be encoded.
    public func encoded() throws -> Data {
        try Self.makeEncoder().encode(self)
    }

    /// The encoder of ``encoded()``.
    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Self.microseconds(date.timeIntervalSince1970))
        }
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity",
            negativeInfinity: "-Infinity",
            nan: "NaN"
        )
        return encoder
    }

    /// Reads a dump from its JSON text, checking that it is one and that its version is known.
    ///
    /// - Parameters:
    ///   - data: the document.
    ///   - source: the file's name, for the messages.
    /// - Returns: the dump.
    /// - Throws: ``DumpError`` `.invalid` naming what is wrong.
    public static func decode(_ data: Data, source: String) throws -> ExperimentDump {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            Date(timeIntervalSince1970: microseconds(try decoder.singleValueContainer().decode(Double.self)))
        }
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity",
            negativeInfinity: "-Infinity",
            nan: "NaN"
        )
        struct Header: Decodable {
            var format: String?
            var formatVersion: Int?
            enum CodingKeys: String, CodingKey {
                case format
                case formatVersion = "format_version"
            }
        }
        if data.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
            let what = source == "-" ? "the standard input" : source
            throw DumpError(
                .invalid,
                "\(what) is empty: there is nothing to load; give a file written by orion db dump"
            )
        }
        // The header first: JSON that does not parse is then told apart (a truncated or hand-broken file), rather
        // than checked up front, which built a second whole tree of the document (about 20 KB per trial).
        let parsed: Header?
        do {
            parsed = try decoder.decode(Header.self, from: data)
        } catch {
            do {
                _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            } catch {
                // A pickle starts with its protocol's opcode, 0x80: Oríon's PickledDB file, or a `db dump` of
                // Oríon's develop branch (`dump.pkl`).
                if data.first == 0x80 {
                    throw DumpError(
                        .invalid,
                        "\(source) is a Python pickle, as Oríon's PickledDB files are, not a swift-orion dump: convert"
                            + " it with scripts/import-orion.py --pickleddb FILE -o dump.json, then load dump.json"
                            + " (docs/migrating-from-orion.md)",
                        underlying: error
                    )
                }
                throw DumpError(.invalid, "\(source) is not valid JSON (\(Self.reason(of: error)))", underlying: error)
            }
            parsed = nil
        }
        guard let header = parsed, header.format == formatName else {
            throw DumpError(
                .invalid,
                "\(source) is not a swift-orion dump (no \"format\": \"\(formatName)\"): write one with `orion db dump`"
                    + " or, from Oríon, scripts/import-orion.py"
            )
        }
        let version = header.formatVersion ?? 0
        guard version >= 1, version <= currentFormatVersion else {
            throw DumpError(
                .invalid,
                "\(source) has dump format version \(version); this orion reads versions 1 to "
                    + "\(currentFormatVersion): upgrade orion to load it"
            )
        }
        do {
            return try decoder.decode(ExperimentDump.self, from: data)
        } catch {
            throw DumpError(.invalid, "\(source) is not a valid dump: \(Self.describe(error))", underlying: error)
        }
    }

    /// The parser's own words for a JSON error, without Foundation's wrapping.
    private static func reason(of error: any Error) -> String {
        let nsError = error as NSError
        return (nsError.userInfo[NSDebugDescriptionErrorKey] as? String) ?? nsError.localizedDescription
    }

    /// `seconds` rounded to the microsecond.
    static func microseconds(_ seconds: Double) -> Double {
        (seconds * 1_000_000).rounded() / 1_000_000
    }

    /// One line for a decoding error: where in the document, and what.
    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
            return keys.isEmpty ? "" : " at \(keys)"
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing key '\(key.stringValue)'\(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return context.debugDescription + path(context)
        @unknown default: return "\(error)"
        }
    }
}

/// What `orion db load` does when an experiment of the dump exists already (same name and version), as Oríon's
/// `--resolve`.
public enum ConflictPolicy: String, CaseIterable, Sendable, Codable {
    /// Keep the stored experiment, skip the dumped one.
    case ignore
    /// Delete the stored experiment (and its trials) and load the dumped one.
    case overwrite
    /// Load the dumped one as a new version, one above the latest stored version of that name.
    case bump
}

/// What a load did.
public struct LoadReport: Sendable, Hashable, Codable {
    /// The experiments loaded, as `<name>-v<version>` in the target (after any bump).
    public var loaded: [String] = []
    /// The experiments of the dump skipped because they existed (``ConflictPolicy/ignore``).
    public var ignored: [String] = []
    /// The stored experiments replaced (``ConflictPolicy/overwrite``).
    public var overwritten: [String] = []
    /// The number of trials loaded.
    public var trials = 0
    /// The trials of the dump left out because their values repeat another trial's of the same experiment (Oríon
    /// 0.2.7 stores `1` and `1.0` of a real dimension as two trials; here they are one value, one trial).
    public var repeated = 0

    /// Creates an empty report.
    public init() {}
}

extension ExperimentDump {
    /// Loads the dump's experiments and trials into a storage.
    ///
    /// Each experiment keeps its name, version, configuration and trials (statuses, results, times). Its id is
    /// kept unless the target uses it already, in which case it gets a new one; trial ids are computed again from
    /// the experiment id and the parameters (the same ids for a dump of this program), parents renamed to
    /// match. A trial that was `reserved` when dumped has no worker in the target: it is
    /// loaded `interrupted`, so that the next hunt runs it again.
    ///
    /// - Parameters:
    ///   - storage: the target.
    ///   - resolve: what to do with an experiment whose name and version exist in the target; `nil` refuses.
    /// - Returns: what was loaded, skipped and replaced.
    /// - Throws: ``DumpError`` `.invalid` when a trial does not fit its experiment's space (a value outside its
    ///   prior, a missing or unknown dimension: a dump edited or written by another program) or a name with a
    ///   control character, `.conflict` on an existing experiment without a policy (nothing is loaded in these
    ///   cases) or on one another writer created while this load ran (what this load had stored stays), `.failed`
    ///   when the target fails part way (what this load had stored is removed), or the storage's error.
    public func load(into storage: any Storage, resolve: ConflictPolicy?) async throws -> LoadReport {
        try check()
        return try await load(checkedInto: storage, resolve: resolve)
    }

    /// ``load(into:resolve:)`` of a dump ``check()`` has passed already (`orion db load` checks it before it opens
    /// the target, and each check reads every trial).
    package func load(checkedInto storage: any Storage, resolve: ConflictPolicy?) async throws -> LoadReport {
        if resolve == nil {
            var conflicts: [String] = []
            for entry in experiments {
                guard
                    try await storage.experiment(
                        named: entry.experiment.name,
                        version: entry.experiment.version
                    ) != nil
                else { continue }
                conflicts.append(entry.experiment.displayName)
            }
            if !conflicts.isEmpty {
                throw DumpError(
                    .conflict,
                    conflicts.count == 1
                        ? "experiment \(conflicts[0]) exists already in the target database: choose --resolve ignore"
                            + " (keep it), overwrite (replace it) or bump (load as a new version)"
                        : "experiments \(Self.listed(conflicts)) exist already in the target database:"
                            + " choose --resolve ignore (keep them), overwrite (replace them) or bump (load them as new"
                            + " versions)"
                )
            }
        }
        if resolve == .overwrite { try await Self.checkOverwriteKeepsTrees(of: experiments, in: storage) }
        var report = LoadReport()
        // The experiments this load created, removed again when the target fails part way (below).
        var created: [String] = []
        do {
            try await loadEntries(into: storage, resolve: resolve, report: &report, created: &created)
        } catch {
            let duplicate = (error as? StorageError)?.code == .duplicate
            let conflict = duplicate || (error as? DumpError)?.code == .conflict
            // A failure of the target (disk, connection): what this load wrote is removed, so that it is all or
            // nothing. A conflict is another load or hunt writing the same experiments at the same time, which may
            // have taken this load's as its own (ignored, or finished as a load cut off): they stay.
            if !conflict {
                for id in created.reversed() { try? await storage.deleteExperiment(id: id) }
            }
            guard duplicate || !created.isEmpty else { throw error }
            var message = ErrorReport(error).message
            if duplicate {
                message = "another load or hunt wrote an experiment of the dump while this load ran (\(message))"
            }
            if !created.isEmpty {
                message +=
                    conflict
                    ? "; this load had loaded \(report.loaded.joined(separator: ", ")), which stay: load again with"
                        + " --resolve ignore to load the rest"
                    : "; the \(created.count) experiment(s) this load had written were removed"
            } else if duplicate {
                message += ": load again, with --resolve ignore, overwrite or bump"
            }
            if !report.overwritten.isEmpty {
                message += ", and the ones it replaced are gone: " + report.overwritten.joined(separator: ", ")
            }
            throw DumpError(
                (error as? DumpError)?.code ?? (duplicate ? .conflict : .failed),
                message,
                underlying: error
            )
        }
        return report
    }

    /// The loop of ``load(into:resolve:)``: each experiment, parents first, then its trials.
    private func loadEntries(
        into storage: any Storage,
        resolve: ConflictPolicy?,
        report: inout LoadReport,
        created: inout [String]
    ) async throws {
        // Dumped experiment id → its id in the target, for the versions whose id changed (a clash, a bump, or an
        // ignored experiment the target keeps), so that their children's links follow them.
        var movedIDs: [String: String] = [:]
        for entry in Self.parentsFirst(experiments) {
            var experiment = entry.experiment
            // The experiment `overwrite` replaces, in the same transaction as the new one is stored.
            var replacing: String?
            let dumpedID = experiment.id
            // An experiment stored without trials is a conflict like any other: each load stores an experiment
            // with its trials in one transaction, so it is not a load cut off between them (as loads before
            // 2026-12-05 could leave, and loading again used to fill) but one whose trials were removed
            // (`orion db rm -s`), which loading must not bring back.
            if let existing = try await storage.experiment(named: experiment.name, version: experiment.version) {
                switch resolve {
                case nil:
                    // It was not there when the load started: another load or hunt wrote it since.
                    throw DumpError(
                        .conflict,
                        "experiment \(experiment.displayName) was created in the target database while this load ran:"
                            + " load again, with --resolve ignore, overwrite or bump"
                    )
                case .ignore:
                    movedIDs[dumpedID] = existing.id
                    report.ignored.append(experiment.displayName)
                    continue
                case .overwrite:
                    replacing = existing.id
                    report.overwritten.append(existing.displayName)
                case .bump:
                    let latest = try await storage.experiment(named: experiment.name, version: nil)
                    experiment.version = (latest?.version ?? experiment.version) + 1
                }
            }
            if var refers = experiment.refers {
                refers.rootID = movedIDs[refers.rootID] ?? refers.rootID
                refers.parentID = refers.parentID.map { movedIDs[$0] ?? $0 }
                experiment.refers = refers
            }
            switch try await Self.create(
                &experiment,
                with: entry.trials,
                in: storage,
                resolve: resolve,
                replacing: replacing
            ) {
            case .created(let trials, let stored):
                created.append(experiment.id)
                if experiment.id != dumpedID { movedIDs[dumpedID] = experiment.id }
                report.repeated += trials - stored
                report.trials += stored
                report.loaded.append(experiment.displayName)
            case .taken(let existing):
                // `ignore`, and another load or hunt wrote this version meanwhile: ignored, as if it had been there.
                movedIDs[dumpedID] = existing.id
                report.ignored.append(existing.displayName)
            }
        }
    }

    /// What ``create(_:with:in:resolve:)`` did.
    private enum Creation {
        /// Created with its trials: how many the dump had, and how many were stored (repeated ids are one).
        case created(trials: Int, stored: Int)
        /// Under ``ConflictPolicy/ignore``, another writer created this version meanwhile: it is kept.
        case taken(Experiment)
    }

    /// Creates `experiment` with its trials (``stored(_:as:in:replacing:)``) in one transaction, with
    /// the deletion of the experiment `replacing` (`--resolve overwrite`) when one is given.
    ///
    /// Another writer may take its id or its version meanwhile (loads of one dump at the same time): a taken id
    /// gets a new one (and the trials their ids from it); a taken version moves one above the latest with `bump`
    /// (so that loads bumping the same name at once each get a version of their own), is kept with `ignore`, and
    /// is the storage's `.duplicate` error otherwise.
    private static func create(
        _ experiment: inout Experiment,
        with dumped: [Trial],
        in storage: any Storage,
        resolve: ConflictPolicy?,
        replacing: String? = nil
    ) async throws -> Creation {
        var attempts = 0
        while true {
            var candidate = experiment
            let trials = try await stored(dumped, as: &candidate, in: storage, replacing: replacing)
            if candidate.id != experiment.id, var refers = candidate.refers {
                // A root refers to itself: under its new id.
                if refers.rootID == experiment.id { refers.rootID = candidate.id }
                if refers.parentID == experiment.id { refers.parentID = candidate.id }
                candidate.refers = refers
            }
            do {
                let inserted =
                    if let replacing {
                        try await storage.replaceExperiment(replacing, with: candidate, trials: trials)
                    } else {
                        try await storage.createExperiment(candidate, trials: trials)
                    }
                experiment = candidate
                return .created(trials: trials.count, stored: inserted.count)
            } catch let error as StorageError where error.code == .duplicate && attempts < 10 {
                attempts += 1
                if try await storage.experiment(id: candidate.id) != nil { continue }
                switch resolve {
                case .bump:
                    let latest = try await storage.experiment(named: experiment.name, version: nil)
                    experiment.version = max(experiment.version, latest?.version ?? 0) + 1
                case .ignore:
                    guard
                        let existing = try await storage.experiment(named: experiment.name, version: experiment.version)
                    else { continue }
                    return .taken(existing)
                case .overwrite, nil:
                    throw error
                }
            }
        }
    }

    /// Refuses a dump that no database could take, before any storage is opened: names with control characters
    /// (``checkNames()``), an experiment version given twice (``checkNoExperimentTwice()``) and trials that do not
    /// fit their spaces (``checkTrialsFitTheirSpaces()``).
    ///
    /// `orion db load` calls it before it opens (and so creates) the target, so that a refused file leaves no new
    /// empty database behind, then ``load(checkedInto:resolve:)``; ``load(into:resolve:)`` calls it first.
    ///
    /// - Throws: ``DumpError`` `.invalid`, naming what is wrong.
    public func check() throws {
        try checkNames()
        try checkNoExperimentTwice()
        try checkTrialsFitTheirSpaces()
    }

    /// Refuses a dump that holds one version of an experiment twice (two files pasted together): the second was
    /// taken for one another load had made meanwhile, and the load stopped half way (hBI's re-check).
    ///
    /// - Throws: ``DumpError`` `.invalid` naming the experiment.
    func checkNoExperimentTwice() throws {
        var seen: Set<String> = []
        for entry in experiments where !seen.insert(entry.experiment.displayName).inserted {
            throw DumpError(
                .invalid,
                "the dump holds experiment \(entry.experiment.displayName) twice: keep one of them, nothing was loaded"
            )
        }
    }

    /// Refuses the dump when an experiment's name holds a control character (a NUL, a line break), before anything
    /// is written: no command could name it, and PostgreSQL cannot store a NUL at all, so SQLite and PostgreSQL
    /// accept the same dumps.
    ///
    /// - Throws: ``DumpError`` `.invalid` naming the experiment and the character.
    func checkNames() throws {
        for entry in experiments {
            let name = entry.experiment.name
            guard let bad = name.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) else {
                continue
            }
            let escaped = name.unicodeScalars.map {
                $0.properties.generalCategory == .control
                    ? String(format: "\\u%04X", $0.value) : String($0)
            }.joined()
            throw DumpError(
                .invalid,
                "experiment name '\(escaped)' holds the control character U+\(String(format: "%04X", bad.value)): no"
                    + " command could name it; fix the name in the dump, nothing was loaded"
            )
        }
    }

    /// Refuses the dump when a trial does not fit its experiment's space, before anything is written.
    ///
    /// `orion insert` would refuse such a trial, and the algorithms and `orion info` would read values the space
    /// cannot hold. The message names the experiment, the trial and what does not fit.
    func checkTrialsFitTheirSpaces() throws {
        for entry in experiments {
            let space = entry.experiment.space
            let misfits = entry.trials.filter { !space.contains($0.params) }
            guard let first = misfits.first else { continue }
            let count = misfits.count == 1 ? "a trial" : "\(misfits.count) trials"
            let verb = misfits.count == 1 ? "does" : "do"
            throw DumpError(
                .invalid,
                "\(count) of experiment \(entry.experiment.displayName) \(verb) not fit its space (trial \(first.id): "
                    + "\(Self.misfit(first.params, in: space))); nothing was loaded"
            )
        }
    }

    /// What of `params` does not fit `space`: the first missing or unknown dimension, or value outside its prior.
    static func misfit(_ params: Parameters, in space: Space) -> String {
        let names = Set(params.map(\.name))
        if let missing = space.dimensions.first(where: { !names.contains($0.name) }) {
            return "no value for \(missing.name)"
        }
        let known = Set(space.dimensions.map(\.name))
        if let unknown = params.first(where: { !known.contains($0.name) }) {
            return "\(unknown.name) is not a dimension of the space"
        }
        for dimension in space.dimensions {
            guard let param = params.first(where: { $0.name == dimension.name }) else { continue }
            if param.type != dimension.kind || !dimension.contains(param.value) {
                let prior = space.priorStrings[dimension.name] ?? dimension.kind.rawValue
                return "\(dimension.name) = \(param.value.pythonRepr) does not fit \(prior)"
            }
        }
        return "its parameters are not in the space's order"
    }

    /// Refuses an overwrite that would cut stored versions off their tree.
    ///
    /// That is a stored experiment the dump replaces whose child versions the dump does not replace too: their
    /// parent would be gone, `orion list` would show them as a separate tree and `orion info` a deleted id.
    /// Checked before anything is changed.
    ///
    /// - Throws: ``DumpError`` `.conflict` naming the experiment and its children, and what to do instead.
    private static func checkOverwriteKeepsTrees(of entries: [Entry], in storage: any Storage) async throws {
        let replaced = Set(entries.map { "\($0.experiment.name)\u{0}\($0.experiment.version)" })
        let stored = try await storage.experiments()
        for entry in entries {
            guard
                let existing = stored.first(where: {
                    $0.name == entry.experiment.name && $0.version == entry.experiment.version
                })
            else { continue }
            let cutOff = stored.filter {
                $0.refers?.parentID == existing.id && !replaced.contains("\($0.name)\u{0}\($0.version)")
            }
            guard !cutOff.isEmpty else { continue }
            throw DumpError(
                .conflict,
                "overwriting \(existing.displayName) would cut off its child version(s) "
                    + cutOff.map(\.displayName).joined(separator: ", ")
                    + ", which the dump does not replace: load the whole tree, use --resolve bump, or remove them"
                    + " first (orion db rm)"
            )
        }
    }

    /// `names` for a message: all of them up to 20, else the first 20 and how many more (a conflict of 157
    /// experiments named them all, 1.5 KB on one line).
    public static func listed(_ names: [String]) -> String {
        guard names.count > listedAtMost else { return names.joined(separator: ", ") }
        return names.prefix(listedAtMost).joined(separator: ", ") + " and \(names.count - listedAtMost) more"
    }

    /// How many names ``listed(_:)`` gives at most.
    public static let listedAtMost = 20

    /// The entries with every parent before its children (by `refers`), otherwise in the dump's order.
    private static func parentsFirst(_ entries: [Entry]) -> [Entry] {
        let parents = Dictionary(
            entries.map { ($0.experiment.id, $0.experiment.refers?.parentID) },
            uniquingKeysWith: { first, _ in first }
        )
        func depth(_ id: String) -> Int {
            var depth = 0
            var current = parents[id] ?? nil
            while let parent = current, depth < entries.count {
                depth += 1
                current = parents[parent] ?? nil
            }
            return depth
        }
        return entries.enumerated()
            .sorted { (depth($0.element.experiment.id), $0.offset) < (depth($1.element.experiment.id), $1.offset) }
            .map(\.element)
    }

    /// The trials as they are stored in the target: a new experiment id when the target uses the dumped one
    /// already (unless by the experiment `replacing`, which goes in the same transaction); trial ids computed again
    /// from the experiment id and the parameters (as the storage's deduplication expects, whatever program wrote the
    /// dump), parents renamed to match; reserved trials interrupted.
    private static func stored(
        _ trials: [Trial],
        as experiment: inout Experiment,
        in storage: any Storage,
        replacing: String? = nil
    ) async throws -> [Trial] {
        if experiment.id != replacing, try await storage.experiment(id: experiment.id) != nil {
            experiment.id = Experiment.makeID()
        }
        var renamed: [String: String] = [:]
        for trial in trials { renamed[trial.id] = Trial.makeID(experimentID: experiment.id, params: trial.params) }
        return trials.map { original in
            var trial = original
            trial.experimentID = experiment.id
            trial.id = renamed[trial.id] ?? trial.id
            trial.parent = trial.parent.map { renamed[$0] ?? $0 }
            // Interrupted with its last heartbeat, as a released lost trial (the REST API's elapsed time ends there).
            if trial.status == .reserved { trial.status = .interrupted }
            return trial
        }
    }
}

/// An error reading, writing or loading a dump.
public struct DumpError: OrionError {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// The file is not a dump, is of a newer format, or is malformed.
        case invalid
        /// An experiment of the dump exists in the target and no conflict policy was given.
        case conflict
        /// The experiment to dump does not exist.
        case notFound
        /// The target failed part way through a load (what the load had written is removed).
        case failed
    }

    /// What went wrong.
    public var code: Code
    /// One line saying what happened and how to fix it.
    public var message: String
    /// The underlying error, if any.
    public var underlying: (any Error & Sendable)?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: what went wrong.
    ///   - message: what happened and how to fix it.
    ///   - underlying: the cause, if any.
    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// The underlying error.
    public var cause: (any Error)? { underlying }

    /// Usage for a file that is not a loadable dump, a conflict, not found.
    public var kind: ErrorKind {
        switch code {
        case .invalid: .usage
        case .conflict: .conflict
        case .notFound: .notFound
        case .failed: .failure
        }
    }
}
