import OrionCore
import Yams

extension YAMLLayerReader {
    /// The `experiment:` keys: those of the settings table.
    static var experimentKeys: [String] { Setting.settings(in: "experiment").map(\.name) }
    static let experimentDeprecatedKeys = ["algorithms", "strategy", "worker_trials"]
    /// Keys Oríon's own files have under `experiment:`, accepted there with a note and ignored.
    ///
    /// Oríon 0.2.7 drops them there (`producer` with a warning, `pool_size` silently); at the top level `pool_size`
    /// is the worker's.
    static let experimentIgnoredKeys = ["pool_size", "producer"]
    /// The `worker:` keys: those of the settings table, and Oríon's executor keys (accepted, ignored).
    static var workerKeys: [String] {
        Setting.settings(in: "worker").map(\.name).filter { !$0.contains(".") && $0 != "executor" }
            + ["executor", "executor_configuration"]
    }
    static let workerDeprecatedKeys = ["max_idle_time"]
    static let topLevelKeys = ["experiment", "worker", "storage", "database", "evc"]
    /// Oríon's other top-level keys: accepted and ignored (they configure Oríon's other commands).
    static let topLevelIgnoredKeys = ["debug", "frontends_uri", "gunicorn", "producer"]
    static let evcKeys = [
        "enable", "auto_resolution", "manual_resolution", "non_monitored_arguments", "ignore_code_changes",
        "algorithm_change", "code_change_type", "cli_change_type", "config_change_type", "orion_version_change",
        "branch_from", "branch_to",
    ]

    /// Reads the top-level mapping: the sections, and Oríon's deprecated top-level keys (read first, so that a
    /// section's value wins over a top-level one).
    mutating func readTopLevel(_ root: Node) throws(ConfigurationError) {
        // Oríon accepts experiment and worker keys at the top level (deprecated), `max_trials` meaning
        // experiment.max_trials; keys both sections have go to the experiment.
        let experimentTop = Self.experimentKeys + Self.experimentDeprecatedKeys
        let workerTop = (Self.workerKeys + Self.workerDeprecatedKeys).filter { !experimentTop.contains($0) }
        // And, as Oríon's `backward_keys`, the version control's (`ignore_code_changes: true`).
        let evcTop = Self.evcKeys.filter { !experimentTop.contains($0) && !workerTop.contains($0) }
        let entries = try entries(
            of: root,
            section: "",
            allowed: Self.topLevelKeys,
            alsoAccepted: Self.topLevelIgnoredKeys + experimentTop + workerTop + evcTop
        )
        let deprecatedExperiment = entries.filter { experimentTop.contains($0.key) }
        let deprecatedWorker = entries.filter { workerTop.contains($0.key) }
        let deprecatedEVC = entries.filter { evcTop.contains($0.key) }
        for entry in deprecatedExperiment + deprecatedWorker + deprecatedEVC {
            // `worker_trials` gets its own note (`readExperiment`), which names its replacement, a worker key.
            if entry.key == "worker_trials" { continue }
            let section =
                experimentTop.contains(entry.key) ? "experiment" : workerTop.contains(entry.key) ? "worker" : "evc"
            note(at: entry.keyNode, "top-level '\(entry.key)' is deprecated: put it under '\(section):'")
        }
        try readExperiment(deprecatedExperiment)
        try readWorker(deprecatedWorker)
        try readEVC(entries: deprecatedEVC)
        for entry in entries {
            switch entry.key {
            case "experiment":
                guard !isNull(entry.value) else { continue }
                try readExperiment(
                    try self.entries(
                        of: entry.value,
                        section: "experiment",
                        allowed: Self.experimentKeys,
                        alsoAccepted: Self.experimentDeprecatedKeys + Self.experimentIgnoredKeys
                    )
                )
            case "worker":
                guard !isNull(entry.value) else { continue }
                try readWorker(
                    try self.entries(
                        of: entry.value,
                        section: "worker",
                        allowed: Self.workerKeys,
                        alsoAccepted: Self.workerDeprecatedKeys
                    )
                )
            case "storage":
                guard !isNull(entry.value) else { continue }
                try readStorage(entry.value)
            case "database":
                if !isGlobal {
                    note(at: entry.keyNode, "top-level 'database' is deprecated: put it under 'storage:'")
                }
                try readDatabase(entry.value, keyNode: entry.keyNode)
            case "evc":
                try readEVC(entry.value)
            case "producer":
                note(at: entry.keyNode, "'producer' is not supported anymore (as in Oríon) and is ignored")
            default:
                continue
            }
        }
    }

    /// The option keys of an algorithm's mapping (`{tpe: {seed: 1}}`, `{of_type: tpe, seed: 1}`), with their nodes.
    static func algorithmOptionKeys(_ node: Node) -> [(String, Node)] {
        guard case .mapping(let mapping) = node else { return [] }
        let keys = mapping.compactMap { key, value in key.scalar.map { ($0.string, key, value) } }
        if keys.contains(where: { $0.0 == "of_type" }) {
            return keys.filter { $0.0 != "of_type" }.map { ($0.0, $0.1) }
        }
        guard keys.count == 1, let only = keys.first, case .mapping(let options) = only.2 else { return [] }
        return options.compactMap { key, _ in key.scalar.map { ($0.string, key) } }
    }

    /// Reads `experiment:` keys.
    mutating func readExperiment(_ entries: [Entry]) throws(ConfigurationError) {
        // The deprecated `algorithms` first, so that `algorithm` wins when both are given.
        for entry in entries.sorted(by: { ($0.key == "algorithms" ? 0 : 1) < ($1.key == "algorithms" ? 0 : 1) }) {
            switch entry.key {
            case "algorithm", "algorithms":
                if entry.key == "algorithms" {
                    note(at: entry.keyNode, "'algorithms' is deprecated: write 'algorithm'")
                }
                guard !isNull(entry.value) else { continue }
                do {
                    layer.experiment.algorithm = try ConfigurationLoader.algorithm(from: jsonValue(entry.value))
                } catch {
                    throw failure(at: entry.value, "'experiment.algorithm' \(error.text); \(error.example)")
                }
                layer.sources["experiment.algorithm"] = source(entry.keyNode)
                layer.sources = layer.sources.filter { !$0.key.hasPrefix(ConfigurationLoader.algorithmOptionPrefix) }
                for (option, keyNode) in Self.algorithmOptionKeys(entry.value) {
                    layer.sources[ConfigurationLoader.algorithmOptionPrefix + option] = source(keyNode)
                }
            case "strategy":
                note(at: entry.keyNode, "'experiment.strategy' is not supported anymore (as in Oríon) and is ignored")
            case "producer":
                note(at: entry.keyNode, "'experiment.producer' is not supported anymore (as in Oríon) and is ignored")
            case "pool_size":
                note(
                    at: entry.keyNode,
                    "'experiment.pool_size' is ignored (as by Oríon 0.2.7): write 'worker: {pool_size: N}'"
                )
            case "worker_trials":
                note(at: entry.keyNode, "'worker_trials' is deprecated: write 'worker: {max_trials: N}'")
                try assign("worker.max_trials", entry)
            default:
                try assign("experiment." + entry.key, entry)
            }
        }
    }

    /// Reads `worker:` keys.
    mutating func readWorker(_ entries: [Entry]) throws(ConfigurationError) {
        // The deprecated `max_idle_time` first, so that `idle_timeout` wins when both are given.
        for entry in entries.sorted(by: { ($0.key == "max_idle_time" ? 0 : 1) < ($1.key == "max_idle_time" ? 0 : 1) }) {
            switch entry.key {
            case "max_idle_time":
                note(at: entry.keyNode, "'max_idle_time' is deprecated: write 'idle_timeout'")
                try assign("worker.idle_timeout", entry)
            case "executor":
                // Any name, so that this file's executor wins over the environment's and a global file's; Oríon's
                // names are noted when the hunt starts (`HuntExecutorKind`), wherever they come from.
                try assign("worker.executor", entry)
            case "executor_configuration":
                guard !isNull(entry.value) else { continue }
                guard case .mapping = entry.value else {
                    throw failure(
                        at: entry.value,
                        "'worker.executor_configuration' must be a mapping, not \(describe(entry.value))"
                    )
                }
                // Under one of Oríon's executors (Dask passes any key to its client), every key is accepted with
                // a note; otherwise an unknown key is a mistake in a Slurm option.
                let executor = entries.first { $0.key == "executor" }
                    .flatMap { entry -> String? in
                        guard case .scalar(let scalar) = entry.value else { return nil }
                        return scalar.string.lowercased()
                    }
                try readExecutorConfiguration(
                    entry,
                    anyKey: executor.map(HuntExecutorKind.orionNames.contains) ?? false
                )
            default:
                try assign("worker." + entry.key, entry)
            }
        }
    }

    /// Reads `worker.executor_configuration`: the Slurm keys of the settings table; Oríon's pool keys (`n_workers`,
    /// `backend`, ...) are accepted with a note, since they configure executors swift-orion does not have.
    ///
    /// - Parameters:
    ///   - section: the `executor_configuration` entry.
    ///   - anyKey: whether every key is accepted (the section's executor is one of Oríon's).
    /// - Throws: `ConfigurationError` for an unknown key (unless `anyKey`) or a value of the wrong type.
    mutating func readExecutorConfiguration(_ section: Entry, anyKey: Bool = false) throws(ConfigurationError) {
        let prefix = "executor_configuration."
        let slurmKeys = Setting.settings(in: "worker").map(\.name).filter { $0.hasPrefix(prefix) }
            .map { String($0.dropFirst(prefix.count)) }
        var alsoAccepted = ["n_workers", "backend", "client", "threads_per_worker", "processes", "address"]
        if anyKey, case .mapping(let mapping) = section.value {
            for case .scalar(let key) in mapping.keys {
                alsoAccepted.append(key.string.replacingOccurrences(of: "-", with: "_"))
            }
        }
        let entries = try entries(
            of: section.value,
            section: "worker.executor_configuration",
            allowed: slurmKeys,
            alsoAccepted: alsoAccepted
        )
        for entry in entries {
            if slurmKeys.contains(entry.key) {
                try assign("worker." + prefix + entry.key, entry)
            } else {
                note(
                    at: entry.keyNode,
                    "'worker.executor_configuration.\(entry.key)' is ignored: it configures an Oríon executor that"
                        + " swift-orion does not have"
                )
            }
        }
    }

    /// Reads the `evc:` section: the settings of the table; Oríon's deprecated `auto_resolution` (always on) and
    /// `orion_version_change` (swift-orion's version is not a conflict) are accepted and ignored.
    mutating func readEVC(_ node: Node) throws(ConfigurationError) {
        guard !isNull(node) else { return }
        try readEVC(entries: try entries(of: node, section: "evc", allowed: Self.evcKeys))
    }

    /// Reads version-control keys, from the `evc:` section or (deprecated) the top level.
    mutating func readEVC(entries: [Entry]) throws(ConfigurationError) {
        for entry in entries {
            switch entry.key {
            case "auto_resolution":
                note(at: entry.keyNode, "'evc.auto_resolution' is deprecated (as in Oríon) and is ignored")
            case "orion_version_change":
                continue
            default:
                guard !isNull(entry.value) else { continue }
                try assign("evc." + entry.key, entry)
            }
        }
    }
}
