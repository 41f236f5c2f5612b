import Foundation
import OrionCore

/// Which trial directories are kept in an experiment's working directory, so that they do not pile up.
///
/// A trial's directory (`<working dir>/<trial id>`: its logs, results, rendered configuration and whatever the
/// script wrote) is always kept when the trial is broken (to diagnose it), interrupted, new, reserved or suspended
/// (it may run again and resume from a checkpoint), when it is the parent of such a trial (a promotion or a
/// population-based child loads its parent's checkpoint), and when it is the best completed trial. Of the other
/// completed trials, the `keepCompleted` most recently completed keep their directory; the rest are removed.
///
/// In a space with a fidelity, a completed trial below the top fidelity may still be promoted (ASHA, Hyperband, BOHB,
/// DEHB) or continued or copied (PBT, PB2, EvolutionES) by a later suggestion, whose run starts in a copy of its
/// directory: it is kept too, until the experiment is done (``Promotions``).
///
/// `orion hunt` applies the policy every minute while it runs (not in a space with a fidelity, whose promotions load
/// old checkpoints) and when its worker stops, a second Ctrl-C cutting it short (`worker.keep_trial_dirs`, default
/// 100 for the default working directory, everything for a `--working-dir` you chose); `orion clean` applies it on
/// demand.
public struct TrialDirectoryRetention: Sendable, Equatable, Codable {
    /// Completed trials whose directory is kept, most recent first (the best one is kept in addition); `nil`
    /// keeps every directory.
    public var keepCompleted: Int?
    /// Whether broken and interrupted trials' directories are kept (always, by `orion hunt`).
    public var keepFailed: Bool

    /// Creates a policy.
    ///
    /// - Parameters:
    ///   - keepCompleted: how many of the most recently completed trials keep their directory; `nil` keeps all.
    ///   - keepFailed: whether broken and interrupted trials keep theirs.
    public init(keepCompleted: Int?, keepFailed: Bool = true) {
        self.keepCompleted = keepCompleted.map { max(0, $0) }
        self.keepFailed = keepFailed
    }

    /// Keeps every directory (Oríon's behaviour for a working directory you chose).
    public static let keepAll = TrialDirectoryRetention(keepCompleted: nil)

    /// The default for the default working directory: the 100 most recently completed trials, the best one, and
    /// every broken or interrupted trial.
    public static let defaultKeepCompleted = 100

    /// Which completed trials a later suggestion may still start from: the best ones of each fidelity below the top
    /// of the space's, while the experiment is not done.
    ///
    /// A hunt stopped part way (Ctrl-C, `--worker-max-trials`, a job's time limit) removed them, and the promotion or
    /// population member that a later hunt started from one of them ran without its parent's checkpoint, in silence
    /// (hBN's probe: 14 of 120 PBT members with the defaults). Every one of these algorithms builds on the better
    /// trials of a fidelity (a rung's top third, a population's members but its worst, which copy its best), so the
    /// best ``keptPerLevel`` of each fidelity are kept, or more when `keepCompleted` is larger: keeping every one, an
    /// ASHA or Hyperband without an end (no max trials, unlimited repetitions) kept nearly every directory, without
    /// bound (hBP's re-check: 239 of 250, 241 MB). The most recent trials are kept besides, as always.
    public struct Promotions: Sendable, Equatable {
        /// The completed trials kept at each fidelity below the top, the best first, at least.
        public static let keptPerLevel = 100

        /// The fidelity dimension's name (`/epochs`).
        public var dimension: String
        /// Its top value: a trial there is not promoted further.
        public var top: Double

        /// The trials kept at each fidelity below the top, at least: ``keptPerLevel``, or the algorithm's population
        /// when it is larger (every member of a population may be continued: hBQ's re-check lost 8 of 200 PBT
        /// members' checkpoints with 100).
        public var perLevel = keptPerLevel

        /// The promotions of an experiment's space, or `nil` when nothing is promoted: no fidelity, or the
        /// experiment is done.
        ///
        /// - Parameters:
        ///   - space: the experiment's space.
        ///   - done: whether the experiment is done (its max trials completed, or its algorithm has nothing left).
        ///   - algorithm: the experiment's algorithm, whose population (`population_size` of PBT and PB2,
        ///     `nums_population` of EvolutionES) is kept at each fidelity when it is larger than ``keptPerLevel``.
        /// - Returns: what to keep for promotions.
        public static func of(_ space: Space, done: Bool, algorithm: AlgorithmConfig? = nil) -> Promotions? {
            guard !done, let fidelity = space.fidelity, case .fidelity(_, let high, _) = fidelity.prior else {
                return nil
            }
            let population = ["population_size", "nums_population"].compactMap { algorithm?.options[$0]?.intValue }
            return Promotions(
                dimension: fidelity.name,
                top: high,
                perLevel: ([keptPerLevel] + population).max() ?? keptPerLevel
            )
        }

        /// Whether `trial` is below the top fidelity: a later suggestion may start from its directory.
        public func mayStartFrom(_ trial: Trial) -> Bool {
            guard let value = trial.params[dimension]?.doubleValue else { return false }
            return value < top
        }
    }

    /// The ids of the trials whose directory is removed under this policy.
    ///
    /// - Parameters:
    ///   - trials: every trial of the experiment.
    ///   - promotions: completed trials that a later suggestion may start from, kept; `nil` when none may.
    /// - Returns: the ids, in no particular order.
    /// - Complexity: O(n log n) in the number of trials.
    public func removable(among trials: [Trial], promotions: Promotions? = nil) -> [String] {
        guard let keepCompleted else {
            return keepFailed ? [] : trials.filter { $0.status == .broken || $0.status == .interrupted }.map(\.id)
        }
        var protected = Set<String>()
        for trial in trials {
            switch trial.status {
            case .completed: continue
            case .broken, .interrupted:
                if keepFailed { protected.insert(trial.id) }
                if trial.status == .interrupted, let parent = trial.parent { protected.insert(parent) }
            case .new, .reserved, .suspended:
                protected.insert(trial.id)
                if let parent = trial.parent { protected.insert(parent) }
            }
        }
        let completed = trials.filter { $0.status == .completed }
        var best: (id: String, objective: Double)?
        for trial in completed {
            guard let objective = trial.objective, !objective.isNaN else { continue }
            if best.map({ objective < $0.objective }) ?? true { best = (trial.id, objective) }
        }
        if let best { protected.insert(best.id) }
        if let promotions {
            let levels = Dictionary(grouping: completed.filter(promotions.mayStartFrom)) {
                $0.params[promotions.dimension]?.doubleValue ?? 0
            }
            let kept = max(keepCompleted, promotions.perLevel)
            for level in levels.values {
                // The best first (an objective that is missing or NaN last), then the most recent.
                let ranked = level.sorted { left, right in
                    let a = left.objective.flatMap { $0.isNaN ? nil : $0 } ?? .infinity
                    let b = right.objective.flatMap { $0.isNaN ? nil : $0 } ?? .infinity
                    if a != b { return a < b }
                    return (left.endTime ?? .distantPast) > (right.endTime ?? .distantPast)
                }
                protected.formUnion(ranked.prefix(kept).map(\.id))
            }
        }
        let recent = completed.sorted { ($0.endTime ?? .distantPast) > ($1.endTime ?? .distantPast) }
        protected.formUnion(recent.prefix(keepCompleted).map(\.id))
        var removable = completed.map(\.id).filter { !protected.contains($0) }
        if !keepFailed {
            removable += trials.filter {
                ($0.status == .broken || $0.status == .interrupted) && !protected.contains($0.id)
            }
            .map(\.id)
        }
        return removable
    }

    /// Removes the directories of the removable trials under `workingDirectory`.
    ///
    /// Only `<workingDirectory>/<trial id>` is ever removed, and only when it is a directory (not a symbolic link).
    ///
    /// - Parameters:
    ///   - trials: every trial of the experiment.
    ///   - workingDirectory: the experiment's working directory (absolute).
    ///   - promotions: completed trials that a later suggestion may start from, kept.
    ///   - dryRun: only say what would be removed.
    ///   - stopsWhen: checked before each directory: the removal stops when it says so (a second Ctrl-C).
    /// - Returns: what was (or would be) removed.
    public func apply(
        to trials: [Trial],
        in workingDirectory: String,
        promotions: Promotions? = nil,
        dryRun: Bool = false,
        stopsWhen: () -> Bool = { false }
    ) -> Cleanup {
        var cleanup = Cleanup()
        let manager = FileManager.default
        for id in removable(among: trials, promotions: promotions) {
            if stopsWhen() { break }
            guard !id.isEmpty, !id.contains("/"), id != ".", id != ".." else { continue }
            let path = workingDirectory + "/" + id
            guard let attributes = try? manager.attributesOfItem(atPath: path),
                attributes[.type] as? FileAttributeType == .typeDirectory
            else { continue }
            let size = Self.size(of: path)
            if dryRun {
                cleanup.removed += 1
                cleanup.bytes += size
                continue
            }
            do {
                try manager.removeItem(atPath: path)
                cleanup.removed += 1
                cleanup.bytes += size
            } catch {
                cleanup.failures.append("\(path): \(error.localizedDescription)")
            }
        }
        return cleanup
    }

    /// ``apply(to:in:dryRun:)`` on the trials that decide it, read from `storage`: those whose directory is in
    /// `workingDirectory`, the most recently completed, the best, and every trial not completed (their parents keep
    /// their directories).
    ///
    /// The same directories are removed as with every trial of the experiment, whose reading made each stopping
    /// worker pay for the whole experiment (4 s at 100,000 trials, for every short-lived Slurm task).
    ///
    /// - Parameters:
    ///   - experimentID: the experiment.
    ///   - storage: where its trials are.
    ///   - workingDirectory: the experiment's working directory (absolute).
    ///   - promotions: completed trials that a later suggestion may start from, kept.
    ///   - stopsWhen: checked between look-ups and before each directory: the cleanup stops when it says so.
    /// - Returns: what was removed.
    /// - Throws: `StorageError`.
    public func apply(
        experimentID: String,
        storage: any Storage,
        in workingDirectory: String,
        promotions: Promotions? = nil,
        stopsWhen: @Sendable () -> Bool = { false }
    ) async throws -> Cleanup {
        if keepCompleted == nil && keepFailed { return Cleanup() }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: workingDirectory)) ?? []
        guard !names.isEmpty else { return Cleanup() }
        var deciding: [String: Trial] = [:]
        let notCompleted = TrialStatus.allCases.filter { $0 != .completed }
        for trial in try await storage.trials(of: experimentID, status: notCompleted) { deciding[trial.id] = trial }
        if let keepCompleted, keepCompleted > 0 {
            let recent = TrialPageQuery(statuses: [.completed], sort: .endTime, descending: true, limit: keepCompleted)
            for trial in try await storage.trialPage(of: experimentID, query: recent).trials {
                deciding[trial.id] = trial
            }
        }
        if let best = try await storage.summary(of: experimentID).bestTrial { deciding[best.id] = best }
        // Trial ids are 32 hexadecimal digits: the job array's logs, staging copies and the user's files beside them
        // are not looked up.
        for name in names where deciding[name] == nil && name.utf8.count == 32 && name.allSatisfy(\.isHexDigit) {
            if stopsWhen() { return Cleanup() }
            if let trial = try await storage.trial(id: name, of: experimentID) { deciding[name] = trial }
        }
        return apply(to: Array(deciding.values), in: workingDirectory, promotions: promotions, stopsWhen: stopsWhen)
    }

    /// The disk space `path` and everything under it take, in bytes: what removing it frees.
    ///
    /// Counted as `du` counts it (allocated blocks, directories included, links not followed); the files' lengths
    /// told 162 KB for directories that took 24 MB.
    static func size(of path: String) -> Int64 {
        var info = stat()
        var total: Int64 = lstat(path, &info) == 0 ? Int64(info.st_blocks) * 512 : 0
        guard let enumerator = FileManager.default.enumerator(atPath: path) else { return total }
        while let item = enumerator.nextObject() as? String {
            if lstat(path + "/" + item, &info) == 0 { total += Int64(info.st_blocks) * 512 }
        }
        return total
    }

    /// What a cleanup removed.
    public struct Cleanup: Sendable, Equatable, Codable {
        /// Trial directories removed.
        public var removed = 0
        /// Their total size in bytes.
        public var bytes: Int64 = 0
        /// Directories that could not be removed, with why.
        public var failures: [String] = []

        /// Creates an empty cleanup.
        public init() {}
    }
}
