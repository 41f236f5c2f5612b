import Foundation
import OrionCore

/// What experiment version control is asked to do when an experiment is built (Oríon's `evc` options and the
/// command line's markers).
public struct BranchingRequest: Sendable, Hashable {
    /// How conflicts are resolved.
    public var policy: BranchingPolicy
    /// The name of the child (`--branch-to`); `nil` keeps the parent's name with the next version.
    public var branchTo: String?
    /// The experiment to branch from (`--branch-from NAME[:VERSION]`) instead of the one named by `-n`, which
    /// becomes its child.
    public var branchFrom: String?
    /// The version of ``branchFrom``; `nil` is the request's version (`--branch-from a -v 1`, as in Oríon), else
    /// its latest.
    public var branchFromVersion: Int?

    /// Creates a request.
    ///
    /// - Parameters:
    ///   - policy: how conflicts are resolved.
    ///   - branchTo: the child's name.
    ///   - branchFrom: the parent's name, when it is not the experiment named by `-n`.
    ///   - branchFromVersion: the parent's version.
    public init(
        policy: BranchingPolicy = BranchingPolicy(),
        branchTo: String? = nil,
        branchFrom: String? = nil,
        branchFromVersion: Int? = nil
    ) {
        self.policy = policy
        self.branchTo = branchTo
        self.branchFrom = branchFrom
        self.branchFromVersion = branchFromVersion
    }

    /// The version of the parent `--branch-from` names: its own (`NAME:VERSION`), else the version asked for
    /// (`--branch-from a -v 1`, as Oríon reads it), else `nil`, the latest.
    ///
    /// - Parameters:
    ///   - source: the parent's name.
    ///   - given: its version from `NAME:VERSION`.
    ///   - requested: the version asked for (`-v`).
    ///   - advice: how the caller names the setting (`--branch-from`, or the library's `branchFrom`).
    /// - Returns: the version to branch from, `nil` for the latest.
    /// - Throws: ``ExperimentError`` `.invalidSetting` when both are given and differ.
    public static func parentVersion(
        of source: String,
        given: Int?,
        requested: Int?,
        advice: String
    ) throws(ExperimentError) -> Int? {
        if let given, let requested, given != requested {
            throw ExperimentError(
                .invalidSetting,
                "\(advice): \(source):\(given) and version \(requested) name two versions of the parent; give one"
            )
        }
        return given ?? requested
    }

    /// Reads `NAME` or `NAME:VERSION` (`--branch-from`).
    ///
    /// - Parameter text: the flag's value.
    /// - Returns: the name and the version, `nil` for the latest.
    public static func parseSource(_ text: String) -> (name: String, version: Int?) {
        if let colon = text.lastIndex(of: ":"), let version = Int(text[text.index(after: colon)...]), version >= 1 {
            return (String(text[..<colon]), version)
        }
        return (text, nil)
    }
}

extension ExperimentBuilder {
    /// Creates the child version a changed configuration needs, as Oríon's EVC does; `nil` when there is nothing
    /// to branch (no stored parent, or no conflict and no new name), and the ordinary build goes on.
    ///
    /// The parent is the stored `(name, version)` (the latest when no version is given), or, when there is none,
    /// the experiment named by `--branch-from`. The child is `(name, parent version + 1)`, or `(branchTo, 1)`; it records the parent, the
    /// root and the adapters that carry the parent's trials over (``ExperimentRefers``). Only the latest version
    /// of a name can get a same-name child.
    ///
    /// Several workers may branch at once. One whose new version another worker created first resumes that version
    /// when it has the same configuration (no conflict between the two), and otherwise branches again from it; one
    /// that finds a newer version than the latest it read (it was asked for the latest) reads it again and branches
    /// from there. Each new version is thus the child of the one before, with the configuration it was created with.
    ///
    /// - Throws: ``BranchingError`` for unresolved conflicts, markers that do not fit, a parent that has a newer
    ///   version, or a `--branch-to` name that exists; ``ExperimentError`` `.notFound` for a missing
    ///   `--branch-from` experiment; `AlgorithmError`; `StorageError`.
    static func branch(
        _ request: ExperimentRequest,
        _ branching: BranchingRequest,
        storage: any Storage,
        factory: any AlgorithmFactory
    ) async throws -> Outcome? {
        for _ in 0..<Self.branchingAttempts {
            switch try await branchOnce(request, branching, storage: storage, factory: factory) {
            case .built(let outcome): return outcome
            case .raced: continue
            }
        }
        throw BranchingError(
            .hasChild,
            "experiment '\(branching.branchTo ?? request.name)': other workers created \(Self.branchingAttempts) new "
                + "versions while this one was branching; run the command again"
        )
    }

    /// How many times a worker reads the tree again after losing a race to create a version.
    static let branchingAttempts = 16

    /// What one attempt at branching did.
    enum BranchingAttempt {
        /// The outcome (`nil`: nothing to branch).
        case built(Outcome?)
        /// Another worker created a version meanwhile: read the tree again.
        case raced
    }

    /// One attempt of ``branch(_:_:storage:factory:)``.
    private static func branchOnce(
        _ request: ExperimentRequest,
        _ branching: BranchingRequest,
        storage: any Storage,
        factory: any AlgorithmFactory
    ) async throws -> BranchingAttempt {
        let parent: Experiment
        let stored = try await storage.experiment(named: request.name, version: request.version)
        if let stored {
            // `-n` exists: it is the parent (a `--branch-from` only names the parent of a new experiment).
            parent = stored
        } else if let source = branching.branchFrom {
            // `--branch-from a -v 1` with no `-n` experiment yet: the version is the parent's, as in Oríon (it was
            // ignored, and the child branched from the latest).
            let sourceVersion = try BranchingRequest.parentVersion(
                of: source,
                given: branching.branchFromVersion,
                requested: request.version,
                advice: request.advice("--branch-from", "branchFrom")
            )
            guard let found = try await storage.experiment(named: source, version: sourceVersion) else {
                let version = sourceVersion.map { " version \($0)" } ?? ""
                throw ExperimentError(
                    .notFound,
                    request.advice("--branch-from", "branchFrom")
                        + ": no experiment '\(source)'\(version); run `orion list` to see the stored ones"
                )
            }
            parent = found
        } else {
            return .built(nil)
        }
        var child = Experiment(
            name: parent.name,
            version: parent.version,
            space: request.space ?? parent.space,
            algorithm: try request.algorithm.map {
                try resolved(
                    $0,
                    in: request.space ?? parent.space,
                    stored: parent.algorithm,
                    in: parent.space,
                    factory: factory
                )
            } ?? parent.algorithm,
            maxTrials: request.maxTrials ?? parent.maxTrials,
            maxBroken: request.maxBroken ?? parent.maxBroken,
            workingDir: request.workingDir ?? parent.workingDir,
            metadata: request.metadata
        )
        let conflicts = Conflict.detect(parent: parent, candidate: child, policy: branching.policy)
        let name = branching.branchTo ?? request.name
        // The renamings the parent was made by, or carries from its own command line: applied already.
        let parentRenames =
            branching.policy.markers.renames.isEmpty ? [:] : UserCommand.storedMarkers(parent.metadata.userArgs).renames
        if conflicts.isEmpty, !branching.policy.markers.renames.isEmpty {
            // A rename with nothing to rename (its dimension is not stored, or its target not new) is refused here
            // as when something else changed: stored with the command line, it broke every later branch.
            _ = try ConflictResolution.adapters(
                for: [],
                parent: parent,
                candidate: child,
                policy: branching.policy,
                parentRenames: parentRenames
            )
        }
        guard !conflicts.isEmpty || name != parent.name else { return .built(nil) }
        let candidate = child
        let adapters = try ConflictResolution.adapters(
            for: conflicts,
            parent: parent,
            candidate: child,
            policy: branching.policy,
            parentRenames: parentRenames
        )
        child.name = name
        // The existing experiment resumed, when it is the child this run would make (``resumption``).
        func resume(_ existing: Experiment) async throws -> Outcome? {
            try await resumption(of: existing, from: parent, as: candidate, branching.policy, request, storage, factory)
        }
        if name == parent.name {
            if let latest = try await storage.experiment(named: name, version: nil), latest.version != parent.version {
                // Asked for the latest, which another worker has just superseded: branch from the new one.
                if request.version == nil, stored != nil, latest.version > parent.version { return .raced }
                // Asked for this version, whose child is what this run would make: resume it.
                if let resumed = try await resume(latest) {
                    return .built(resumed)
                }
                throw BranchingError(
                    .hasChild,
                    "experiment '\(name)' v\(parent.version) already has a newer version v\(latest.version): branch"
                        + request.advice(
                            " from the latest (leave out --version) or give the new version a name with "
                                + "--branch-to NAME",
                            " from the latest (version: nil) or give the new version a name with branchTo"
                        )
                )
            }
            child.version = parent.version + 1
        } else {
            try ExperimentName.validate(name)
            if let existing = try await storage.experiment(named: name, version: nil) {
                // Branched from this version with this configuration (by a worker started at the same moment, or an
                // earlier run of the same job script): resume it, as a version that lost the race to another worker
                // does (below).
                if let resumed = try await resume(existing) {
                    return .built(resumed)
                }
                throw BranchingError(
                    .invalidName,
                    "cannot branch \(parent.displayName) to '\(name)': an experiment of that name exists already;"
                        + request.advice(
                            " give --branch-to another name, or resume it with -n \(name)",
                            " give branchTo another name, or resume it with name: \"\(name)\""
                        )
                )
            }
            child.version = 1
        }
        child.refers = ExperimentRefers(
            rootID: parent.refers?.rootID ?? parent.id,
            parentID: parent.id,
            adapters: adapters
        )
        _ = try factory.makeAlgorithm(child.algorithm, space: child.space, maxTrials: child.maxTrials)
        // A rename resolves a missing and a new dimension: named as what it is.
        var renamed: [String] = []
        var resolvedAway: Set<Conflict> = []
        for case .dimensionRenaming(let old, let new) in adapters {
            renamed.append("dimension \(old) renamed to \(new)")
            resolvedAway.formUnion(
                conflicts.filter { conflict in
                    switch conflict {
                    case .missingDimension(let name, _): name == old
                    case .newDimension(let name, _): name == new
                    default: false
                    }
                }
            )
        }
        let reasons = renamed + conflicts.filter { !resolvedAway.contains($0) }.map(\.description)
        let why = reasons.isEmpty ? "new name" : reasons.joined(separator: "; ")
        let changes = ["new version \(child.displayName) branched from \(parent.displayName) (\(why))"]
        do {
            try await storage.createExperiment(child)
        } catch let error as StorageError where error.code == .duplicate {
            // Another worker created this version first: resume it when its configuration is this one (no
            // conflict), otherwise branch again, from it.
            guard let raced = try await storage.experiment(named: child.name, version: child.version) else {
                throw error
            }
            if let resumed = try await resume(raced) {
                return .built(resumed)
            }
            guard name == parent.name else {
                throw BranchingError(
                    .invalidName,
                    "cannot branch \(parent.displayName) to '\(name)': another worker has just created it with "
                        + "another configuration;"
                        + request.advice(
                            " give --branch-to another name, or resume it with -n \(name)",
                            " give branchTo another name, or resume it with name: \"\(name)\""
                        )
                )
            }
            return .raced
        }
        return .built(Outcome(experiment: child, created: true, changes: changes, parent: parent))
    }
}

extension ExperimentBuilder {
    /// `existing` resumed, with a note, when it is the child this run would branch from `parent` (its parent is
    /// `parent`, and its configuration is `candidate`'s: no conflict between them under `policy`); else `nil`.
    ///
    /// Workers started together, or a job script run again, ask for the version one of them has made already.
    static func resumption(
        of existing: Experiment,
        from parent: Experiment,
        as candidate: Experiment,
        _ policy: BranchingPolicy,
        _ request: ExperimentRequest,
        _ storage: any Storage,
        _ factory: any AlgorithmFactory
    ) async throws -> Outcome? {
        var ours = candidate
        ours.name = existing.name
        guard existing.refers?.parentID == parent.id,
            Conflict.detect(parent: existing, candidate: ours, policy: policy).isEmpty
        else { return nil }
        var resumed = try await update(existing, with: request, storage: storage, factory: factory)
        resumed.changes.insert(
            "\(existing.displayName) was branched from \(parent.displayName) with this configuration already; this run"
                + " resumes it",
            at: 0
        )
        return resumed
    }
}
