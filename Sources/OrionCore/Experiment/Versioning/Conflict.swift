/// A difference between a stored experiment and the configuration asked for, which experiment version control
/// turns into a child version (Oríon's EVC conflicts).
public enum Conflict: Sendable, Hashable {
    /// A dimension the new space has and the stored one has not.
    case newDimension(name: String, prior: String)
    /// A dimension the stored space has and the new one has not.
    case missingDimension(name: String, prior: String)
    /// A dimension whose prior changed.
    case changedDimension(name: String, oldPrior: String, newPrior: String)
    /// The algorithm or its options changed (Oríon's `{name: {options}}` rendering of each).
    case algorithm(old: String, new: String)
    /// The script's code (its git commit or uncommitted changes) changed.
    case code(old: CodeVersion?, new: CodeVersion?)
    /// The script or its non-prior arguments changed (each side as sorted `key value` items).
    case commandLine(old: [String], new: [String])
    /// The values of the script's configuration file that are not priors changed (each side a digest).
    case scriptConfig(old: String?, new: String?)

    /// What changed, in one phrase: `new dimension /z~uniform(0, 1)`.
    public var description: String {
        switch self {
        case .newDimension(let name, let prior):
            "new dimension \(name)~\(prior)"
        case .missingDimension(let name, let prior):
            "missing dimension \(name)~\(prior)"
        case .changedDimension(let name, let oldPrior, let newPrior):
            "dimension \(name) changed from \(oldPrior) to \(newPrior)"
        case .algorithm(let old, let new):
            "algorithm changed from \(old) to \(new)"
        case .code(let old, let new):
            "code changed from \(old?.shortDescription ?? "no repository") to \(new?.shortDescription ?? "no repository")"
        case .commandLine(let old, let new):
            // Only the items that differ: the whole sorted signature read as a jumbled command line.
            "command line changed from '\(old.filter { !new.contains($0) }.joined(separator: ", "))' to"
                + " '\(new.filter { !old.contains($0) }.joined(separator: ", "))'"
        case .scriptConfig:
            "the script's configuration file changed (values other than priors)"
        }
    }

    /// The marker or flag that resolves the conflict, as a fix to show: ``description`` plus this says all.
    public var resolution: String {
        switch self {
        case .newDimension(let name, let prior):
            "mark it `\(Self.flag(name))~+'\(prior)'` (with default_value=... to reuse the parent's trials)"
        case .missingDimension(let name, _):
            "mark it `\(Self.flag(name))~-` (or `\(Self.flag(name))~-VALUE` to keep the parent's trials with that"
                + " value), or rename it with `\(Self.flag(name))~>NEW` and a prior for NEW"
        case .changedDimension(let name, _, let newPrior):
            "mark it `\(Self.flag(name))~+'\(newPrior)'`"
        case .algorithm:
            "add --algorithm-change"
        case .code:
            "add --code-change-type noeffect|unsure|break, or --ignore-code-changes"
        case .commandLine:
            "add --cli-change-type noeffect|unsure|break, or --non-monitored-arguments NAME for an argument that does"
                + " not matter"
        case .scriptConfig:
            "add --config-change-type noeffect|unsure|break"
        }
    }

    /// The option that sets a dimension (`/lr` → `--lr`, `/x` → `-x`).
    public static func flag(_ dimension: String) -> String {
        let bare = dimension.hasPrefix("/") ? String(dimension.dropFirst()) : dimension
        return (bare.count == 1 ? "-" : "--") + bare
    }

    /// The renaming marker of `old` to `new` as a user writes it: `--lr~>rate` for `/lr` to `/rate`.
    public static func marker(_ old: String, _ new: String) -> String {
        flag(old) + "~>" + (new.hasPrefix("/") ? String(new.dropFirst()) : new)
    }

    /// The conflicts between a stored experiment and a candidate configuration for it.
    ///
    /// Dimensions are compared by name and canonical prior string; the algorithm by name and options; the code by
    /// its ``CodeVersion`` (unless `policy.ignoreCodeChanges`, or the candidate's code version is unknown); the
    /// command line by ``CommandLineSignature`` (the script and the arguments that are not priors, minus
    /// `policy.nonMonitoredArguments`), when both have one (a library client has none); the script's configuration
    /// file by its digest without the priors, when the candidate has one. A rename marker (`--old~>new`) is not a conflict of its own: the missing and
    /// the new dimension are reported, and the resolution pairs them.
    ///
    /// - Parameters:
    ///   - parent: the stored experiment.
    ///   - candidate: the experiment as asked for now (its space, algorithm, command line and code version).
    ///   - policy: what to ignore.
    /// - Returns: the conflicts, dimensions first (sorted by name), then algorithm, code, command line and script
    ///   configuration.
    public static func detect(parent: Experiment, candidate: Experiment, policy: BranchingPolicy) -> [Conflict] {
        var conflicts: [Conflict] = []
        let old = parent.space.priorStrings
        let new = candidate.space.priorStrings
        for name in Set(old.keys).union(new.keys).sorted() {
            switch (old[name], new[name]) {
            case (nil, let prior?): conflicts.append(.newDimension(name: name, prior: prior))
            case (let prior?, nil): conflicts.append(.missingDimension(name: name, prior: prior))
            case (let before?, let after?) where before != after:
                conflicts.append(.changedDimension(name: name, oldPrior: before, newPrior: after))
            default: break
            }
        }
        if parent.algorithm != candidate.algorithm {
            conflicts.append(.algorithm(old: render(parent.algorithm), new: render(candidate.algorithm)))
        }
        // A parent without a recorded code version (made before version control was on, which is when it is
        // recorded) cannot be compared: unknown is not a change.
        if !policy.ignoreCodeChanges, let before = parent.metadata.vcs, let after = candidate.metadata.vcs,
            before != after
        {
            conflicts.append(.code(old: parent.metadata.vcs, new: candidate.metadata.vcs))
        }
        // The script's configuration file is compared by its values below, not by its path.
        let configOptions = [parent, candidate].filter { $0.metadata.scriptConfig != nil }
            .compactMap(\.metadata.configOption)
        let ignored = policy.nonMonitoredArguments + configOptions
        let before = CommandLineSignature.items(
            of: parent.metadata.userArgs,
            in: parent.metadata.startDirectory,
            ignoring: ignored
        )
        let after = CommandLineSignature.items(
            of: candidate.metadata.userArgs,
            in: candidate.metadata.startDirectory,
            ignoring: ignored
        )
        if !candidate.metadata.userArgs.isEmpty, !parent.metadata.userArgs.isEmpty, before != after {
            conflicts.append(.commandLine(old: before, new: after))
        }
        // As for the code: a parent whose file's values were not recorded cannot be compared.
        if let stored = parent.metadata.scriptConfig,
            let config = candidate.metadata.scriptConfig(comparableWith: stored), stored != config
        {
            conflicts.append(.scriptConfig(old: stored, new: config))
        }
        return conflicts
    }

    /// `{name: {key: value, ...}}` with sorted keys, as Oríon prints an algorithm.
    public static func render(_ algorithm: AlgorithmConfig) -> String {
        let options = algorithm.options.keys.sorted().map { key in
            "\(key): \(algorithm.options[key]?.pythonRepr ?? "None")"
        }
        return "{\(algorithm.name): {\(options.joined(separator: ", "))}}"
    }
}
