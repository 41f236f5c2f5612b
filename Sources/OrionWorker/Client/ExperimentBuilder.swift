import Foundation
import OrionCore

/// What a user asks for when creating or resuming an experiment; `nil` fields keep what is stored.
public struct ExperimentRequest: Sendable {
    /// The experiment's name.
    public var name: String
    /// The version to resume; `nil` is the latest.
    public var version: Int?
    /// The search space; required to create an experiment.
    public var space: Space?
    /// The algorithm; `nil` keeps the stored one, or the default for a new experiment.
    public var algorithm: AlgorithmConfig?
    /// The number of trials to complete; `nil` keeps the stored value (unlimited for a new experiment).
    public var maxTrials: Int?
    /// Broken trials after which the experiment stops; `nil` keeps the stored value (3 for a new experiment).
    public var maxBroken: Int?
    /// The experiment's working directory; `nil` keeps the stored one.
    public var workingDir: String?
    /// Metadata recorded when the experiment is created.
    public var metadata: ExperimentMetadata
    /// Experiment version control: how a changed configuration becomes a child version; `nil` when it is disabled
    /// (a changed space is then refused, as before).
    public var branching: BranchingRequest?
    /// Who asks, so that an error's advice names what the caller can change: `orion`'s flags, or the parameters of
    /// ``ExperimentClient``'s `build`.
    public var interface: Interface = .commandLine

    /// Who asks for an experiment.
    public enum Interface: Sendable {
        /// `orion hunt` and the other commands: advice names flags (`-n`, `--enable-evc`).
        case commandLine
        /// ``ExperimentClient``: advice names its parameters (`name:`, `branching:`).
        case library
    }

    /// `commandLine` or `library`, whichever names the thing to change for ``interface``.
    func advice(_ commandLine: String, _ library: String) -> String {
        interface == .commandLine ? commandLine : library
    }

    /// Creates a request.
    public init(
        name: String,
        version: Int? = nil,
        space: Space? = nil,
        algorithm: AlgorithmConfig? = nil,
        maxTrials: Int? = nil,
        maxBroken: Int? = nil,
        workingDir: String? = nil,
        metadata: ExperimentMetadata = ExperimentMetadata(),
        branching: BranchingRequest? = nil
    ) {
        self.branching = branching
        self.name = name
        self.version = version
        self.space = space
        self.algorithm = algorithm
        self.maxTrials = maxTrials
        self.maxBroken = maxBroken
        self.workingDir = workingDir
        self.metadata = metadata
    }
}

/// An error about an experiment's configuration.
public struct ExperimentError: OrionError {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// No such experiment, and nothing to create it from.
        case notFound
        /// The request's space differs from the stored one.
        case spaceChanged
        /// The experiment has too many broken trials to go on.
        case broken
        /// A result or release the experiment cannot take: no objective, an objective that is not a number, a
        /// status a trial cannot be released with.
        case invalidResult
        /// A setting out of its range: negative max trials, max broken below 1, a heartbeat that is not positive.
        case invalidSetting
    }

    /// What went wrong.
    public var code: Code
    /// One line saying what happened and how to fix it.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Not found, a conflict for a changed space, a failure for a broken experiment.
    public var kind: ErrorKind {
        switch code {
        case .notFound: .notFound
        case .spaceChanged: .conflict
        case .broken: .failure
        case .invalidResult, .invalidSetting: .usage
        }
    }

    /// Whether the code is `spaceChanged` (the user fixes it by choosing another name), `invalidResult` or
    /// `invalidSetting`.
    public var isUsageError: Bool { [.spaceChanged, .invalidResult, .invalidSetting].contains(code) }
}

/// Creates an experiment or resumes a stored one, applying the changes that need no new version.
public enum ExperimentBuilder {
    /// The algorithm an experiment gets when none is configured: `auto`.
    ///
    /// `auto` picks the best general choice for the space and the budget (`gp`, `cmaes`, `tpe`, `asha`, or `random`
    /// for a small finite space; see docs/algorithms/auto.md). Oríon's default is `random`; an experiment stored
    /// with it keeps it when resumed.
    public static let defaultAlgorithm = AlgorithmConfig(name: "auto")

    /// What `build` did.
    public struct Outcome: Sendable {
        /// The experiment as stored now.
        public var experiment: Experiment
        /// Whether it was created by this call.
        public var created: Bool
        /// One line per change applied to a stored experiment (to show the user).
        public var changes: [String]
        /// The experiment this one was branched from by this call, when it is a new child version.
        public var parent: Experiment? = nil
    }

    /// Loads `(name, version)` or creates it.
    ///
    /// With experiment version control (`request.branching`), a stored experiment whose space, algorithm, command
    /// line or code changed gets a child version instead (``branch(_:_:storage:factory:)``). Without it, a stored
    /// experiment keeps its space (a different space is an error); a different
    /// algorithm replaces the stored one and restarts its state; `maxTrials`, `maxBroken`, `workingDir` and a
    /// changed command line (`metadata.userArgs`, when one is given) and code version (`metadata.vcs`, when known)
    /// are updated in place, as in Oríon. The name must follow `ExperimentName`'s rule, checked before anything is
    /// read or written, so that trial directories named after it (`<dir>/<name>-v<version>/<trial id>`) stay
    /// inside their parent.
    ///
    /// - Throws: `ExperimentNameError` for an invalid name, ``ExperimentError``, `AlgorithmError` for a bad algorithm
    ///   configuration, `StorageError`.
    public static func build(
        _ request: ExperimentRequest,
        storage: any Storage,
        factory: any AlgorithmFactory
    ) async throws -> Outcome {
        try ExperimentName.validate(request.name)
        // As the command line checks its flags: a negative budget or a max broken of 0 made an experiment that
        // failed with a confusing error at its first suggestion.
        if let maxTrials = request.maxTrials, maxTrials < 0 {
            throw ExperimentError(.invalidSetting, "max trials must be at least 0, not \(maxTrials)")
        }
        if let maxBroken = request.maxBroken, maxBroken < 1 {
            throw ExperimentError(.invalidSetting, "max broken must be at least 1, not \(maxBroken)")
        }
        if let branching = request.branching,
            let outcome = try await branch(request, branching, storage: storage, factory: factory)
        {
            return outcome
        }
        for attempt in 0..<2 {
            if let stored = try await storage.experiment(named: request.name, version: request.version) {
                return try await update(stored, with: request, storage: storage, factory: factory)
            }
            // `-v 1` with a space creates the experiment, as Oríon does: a job script that pins its first version
            // (so that a resubmission never lands on a branched v2) also runs on a fresh database; not beside a
            // later version of the name (a loaded dump of v2).
            let creatable: Bool
            if request.version == 1, request.space != nil {
                creatable = try await storage.experiment(named: request.name, version: nil) == nil
            } else {
                creatable = request.version == nil
            }
            if let version = request.version, !creatable {
                throw ExperimentError(
                    .notFound,
                    "experiment '\(request.name)' has no version \(version); "
                        + request.advice("run `orion list` to see the stored ones", "leave version out for the latest")
                )
            }
            guard let space = request.space else {
                let example = request.advice("-x~'uniform(0, 1)'", "space: [\"/x\": \"uniform(0, 1)\"]")
                throw ExperimentError(
                    .notFound,
                    "no experiment named '\(request.name)'; give a search space (e.g. \(example)) to create it"
                )
            }
            let algorithm = try factory.resolve(request.algorithm ?? defaultAlgorithm)
            let experiment = Experiment(
                name: request.name,
                version: 1,
                space: space,
                algorithm: algorithm,
                maxTrials: request.maxTrials,
                maxBroken: request.maxBroken ?? 3,
                workingDir: request.workingDir,
                metadata: request.metadata
            )
            // Fail early on a space the algorithm cannot search.
            _ = try factory.makeAlgorithm(algorithm, space: space, maxTrials: experiment.maxTrials)
            do {
                try await storage.createExperiment(experiment)
                return Outcome(experiment: experiment, created: true, changes: [])
            } catch let error as StorageError where error.code == .duplicate && attempt == 0 {
                // Another worker created it meanwhile: with version control, branch from it when its configuration
                // is not this one (as when it was there first); else resume it.
                if let branching = request.branching,
                    let outcome = try await branch(request, branching, storage: storage, factory: factory)
                {
                    return outcome
                }
                continue
            }
        }
        throw ExperimentError(.notFound, "experiment '\(request.name)' could not be created or loaded")
    }

    /// `requested` with every option's default, or `stored` when it runs the same algorithm.
    ///
    /// `stored` runs the same algorithm when it is what `stored` resolves to today (``AlgorithmFactory/resolve(_:)``;
    /// an option the algorithm gained after the experiment was stored, at its default), or when their options made
    /// for their spaces are equal
    /// (``AlgorithmFactory/effectiveOptions(_:space:)``: ASHA's `num_rungs: 3` written out, as Oríon stores it, and
    /// left out where the space gives 3). Then there is no change of algorithm (no reset of its state, no new
    /// version).
    ///
    /// - Parameters:
    ///   - requested: the configuration asked for now.
    ///   - space: the space it is asked for.
    ///   - stored: the stored experiment's (or the parent version's) configuration.
    ///   - storedSpace: the stored experiment's space.
    ///   - factory: resolves configurations.
    /// - Returns: `stored` when it runs the same algorithm, else `requested` resolved.
    /// - Throws: ``AlgorithmError`` when `requested` does not resolve.
    static func resolved(
        _ requested: AlgorithmConfig,
        in space: Space,
        stored: AlgorithmConfig,
        in storedSpace: Space,
        factory: any AlgorithmFactory
    ) throws -> AlgorithmConfig {
        let algorithm = try factory.resolve(requested)
        if (try? factory.resolve(stored)) == algorithm { return stored }
        guard algorithm.name.lowercased() == stored.name.lowercased(),
            let effective = try? factory.effectiveOptions(algorithm, space: space),
            let storedEffective = try? factory.effectiveOptions(stored, space: storedSpace),
            effective == storedEffective
        else { return algorithm }
        return stored
    }

    static func update(
        _ stored: Experiment,
        with request: ExperimentRequest,
        storage: any Storage,
        factory: any AlgorithmFactory
    ) async throws -> Outcome {
        var experiment = stored
        var changes: [String] = []
        if let space = request.space, space != stored.space {
            let before = stored.space.priorStrings.sorted { $0.key < $1.key }.map { "\($0.key)~\($0.value)" }
            let after = space.priorStrings.sorted { $0.key < $1.key }.map { "\($0.key)~\($0.value)" }
            // With version control on, this is a race: the experiment was removed and made again by another
            // worker while this one was branching; the advice to turn version control on would be wrong.
            let advice =
                request.branching == nil
                ? request.advice(
                    "use a new name with -n, or the same priors, or --enable-evc to make it a new version",
                    "use a new name, or the same space, or branching: BranchingRequest() to make it a new version"
                )
                : "another worker made it while this one was branching (after an orion db rm?); run the command again"
            throw ExperimentError(
                .spaceChanged,
                "experiment '\(stored.name)' v\(stored.version) was created with a different space"
                    + " (stored: \(before.joined(separator: " ")); given: \(after.joined(separator: " "))): \(advice)"
            )
        }
        var resetAlgorithm = false
        if let requested = request.algorithm {
            let algorithm = try resolved(
                requested,
                in: stored.space,
                stored: stored.algorithm,
                in: stored.space,
                factory: factory
            )
            if algorithm != stored.algorithm {
                _ = try factory.makeAlgorithm(algorithm, space: stored.space, maxTrials: experiment.maxTrials)
                experiment.algorithm = algorithm
                resetAlgorithm = true
                let before = Conflict.render(stored.algorithm)
                changes.append("algorithm changed from \(before) to \(Conflict.render(algorithm)); it restarts")
            }
        }
        if let maxTrials = request.maxTrials, maxTrials != stored.maxTrials {
            experiment.maxTrials = maxTrials
            var change = "max trials changed from \(stored.maxTrials.map(String.init) ?? "unlimited") to \(maxTrials)"
            if !resetAlgorithm && factory.plansForBudget(experiment.algorithm) {
                // Grid search fitted its grid to the old budget: made again for the new one, it skips the points
                // already tried (they are trials), as Oríon's, which builds its grid anew at each start.
                resetAlgorithm = true
                change +=
                    "; \(experiment.algorithm.name) plans its search again for it (points already tried are skipped)"
            }
            changes.append(change)
        }
        if let maxBroken = request.maxBroken, maxBroken != stored.maxBroken {
            experiment.maxBroken = maxBroken
            changes.append("max broken changed from \(stored.maxBroken) to \(maxBroken)")
        }
        if let workingDir = request.workingDir, workingDir != stored.workingDir {
            experiment.workingDir = workingDir
            changes.append("working directory changed to \(workingDir)")
        }
        let given = request.metadata
        if !given.userArgs.isEmpty, given.userArgs != stored.metadata.userArgs {
            // As Oríon, which overwrites the stored configuration when nothing branches: the command last given is
            // what `orion hunt -n NAME` resumes with.
            experiment.metadata.userArgs = given.userArgs
            experiment.metadata.userScript = given.userScript
            experiment.metadata.startDirectory = given.startDirectory
            changes.append(
                "command line changed from '\(stored.metadata.userArgs.joined(separator: " "))' to"
                    + " '\(given.userArgs.joined(separator: " "))'"
            )
        }
        if !given.userArgs.isEmpty,
            given.scriptConfigText != stored.metadata.scriptConfigText
                || given.configOption != stored.metadata.configOption
        {
            // The configuration file a resume with the stored command renders from: the one this command gives.
            experiment.metadata.scriptConfigText = given.scriptConfigText
            experiment.metadata.configOption = given.configOption
        }
        if let vcs = given.vcs, vcs != stored.metadata.vcs {
            // The code this run uses (nothing branched: version control off, the code unchanged, or
            // --ignore-code-changes), as Oríon records it.
            experiment.metadata.vcs = vcs
        }
        if let scriptConfig = given.scriptConfig, scriptConfig != stored.metadata.scriptConfig {
            // Likewise the values of the script's configuration file this run uses (compared as version control
            // compares them).
            if let before = stored.metadata.scriptConfig, given.scriptConfig(comparableWith: before) != before {
                changes.append("the script's configuration file changed (values other than priors)")
            }
            experiment.metadata.scriptConfig = scriptConfig
        }
        if experiment != stored {
            // Nothing is written for an experiment this build cannot run (an algorithm it does not know, say from a
            // dump of another tool): the hunt would fail right after, with the stored budget already changed.
            _ = try factory.makeAlgorithm(
                experiment.algorithm,
                space: experiment.space,
                maxTrials: experiment.maxTrials
            )
            try await storage.updateExperiment(experiment)
            if resetAlgorithm { try await storage.resetAlgorithm(of: experiment.id) }
        }
        return Outcome(experiment: experiment, created: false, changes: changes)
    }
}
