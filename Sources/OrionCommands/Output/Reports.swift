import Foundation
import OrionCore
import OrionWorker

/// The text of `orion list`, `orion status` and `orion info`, computed from a storage.
public enum Reports {
    /// `orion list`: one line per experiment, ` <name>-v<version>`, or `No experiment found`.
    public static func list(storage: any Storage, name: String? = nil) async throws -> String {
        let experiments = try await storage.experiments().filter { name == nil || $0.name == name }
        guard !experiments.isEmpty else { return "No experiment found\n" }
        return experiments.map { " " + $0.displayName }.joined(separator: "\n") + "\n"
    }

    /// `orion status`: per experiment, trial counts by status with the best objective, or every trial with `all`
    /// (with a `parent` column when some trial was suggested from another one).
    public static func status(
        storage: any Storage,
        name: String? = nil,
        version: Int? = nil,
        all: Bool = false
    ) async throws -> String {
        var experiments = try await storage.experiments().filter { name == nil || $0.name == name }
        if let version { experiments = experiments.filter { $0.version == version } }
        guard !experiments.isEmpty else { return "No experiment found\n" }
        var blocks: [String] = []
        for experiment in experiments {
            if all {
                let trials = try await storage.trials(of: experiment.id, status: nil)
                blocks.append(statusBlock(experiment: experiment, trials: trials, all: true))
            } else {
                let summary = try await storage.summary(of: experiment.id)
                blocks.append(statusBlock(experiment: experiment, summary: summary))
            }
        }
        return blocks.joined(separator: "\n")
    }

    /// The counts by status with the best objective, from the storage's summary (independent of the number of
    /// trials).
    static func statusBlock(experiment: Experiment, summary: TrialSummary) -> String {
        var text = experiment.displayName.underlined + "\n"
        let counts = summary.counts.filter { $0.value > 0 }
        guard !counts.isEmpty else { return text + "empty\n\n" }
        let best = summary.bestTrial
        let objective = best?.results.first { $0.type == .objective }?.name ?? "objective"
        let rows = counts.keys.sorted().map { status -> [String] in
            let minimum = status == .completed ? best?.objective.map { Formatting.number($0) } : nil
            return [status.rawValue, String(counts[status] ?? 0), minimum ?? ""]
        }
        text += Table(headers: ["status", "quantity", "min \(objective)"], rows: rows).render()
        return text + "\n\n"
    }

    static func statusBlock(experiment: Experiment, trials: [Trial], all: Bool) -> String {
        var text = experiment.displayName.underlined + "\n"
        guard !trials.isEmpty else { return text + "empty\n\n" }
        let objective = Formatting.objectiveName(trials) ?? "objective"
        if all {
            // Trials suggested from another one (a promotion, a PBT child) show it; other experiments look as in Oríon.
            let lineage = trials.contains { $0.parent != nil }
            let rows = trials.map { trial in
                [trial.id, trial.status.rawValue, trial.objective.map { Formatting.number($0) } ?? ""]
                    + (lineage ? [trial.parent ?? ""] : [])
            }
            let headers = ["id", "status", "min \(objective)"] + (lineage ? ["parent"] : [])
            text += Table(headers: headers, rows: rows).render()
        } else {
            var byStatus: [TrialStatus: [Trial]] = [:]
            for trial in trials { byStatus[trial.status, default: []].append(trial) }
            let rows = byStatus.keys.sorted().map { status -> [String] in
                let group = byStatus[status] ?? []
                let best = group.compactMap(\.objective).filter { !$0.isNaN }.min()
                return [status.rawValue, String(group.count), best.map { Formatting.number($0) } ?? ""]
            }
            text += Table(headers: ["status", "quantity", "min \(objective)"], rows: rows).render()
        }
        return text + "\n\n"
    }

    /// `orion info`: identification, command line, configuration, algorithm, space, metadata and stats.
    ///
    /// - Throws: `ExperimentError` `.notFound` when no such experiment exists.
    public static func info(storage: any Storage, name: String, version: Int?) async throws -> String {
        guard let experiment = try await storage.experiment(named: name, version: version) else {
            let which = version.map { " and version \($0)" } ?? ""
            throw ExperimentError(.notFound, "no experiment named '\(name)'\(which); run `orion list` to see them")
        }
        let summary = try await storage.summary(of: experiment.id)
        var sections: [String] = []
        sections.append(
            "Identification".underlined + "\nname: \(experiment.name)\nversion: \(experiment.version)"
                + "\nuser: \(experiment.metadata.user)\nid: \(experiment.id)\n"
        )
        sections.append("Commandline".underlined + "\n" + experiment.metadata.userArgs.joined(separator: " ") + "\n")
        sections.append(
            "Config".underlined + "\nmax trials: \(experiment.maxTrials.map(String.init) ?? "inf")"
                + "\nmax broken: \(experiment.maxBroken)"
                + "\nworking dir: \(experiment.workingDir ?? "")\n"
        )
        var algorithm = "Algorithm".underlined + "\n\(experiment.algorithm.name):"
        for key in experiment.algorithm.options.keys.sorted() {
            algorithm += "\n  \(key): \(experiment.algorithm.options[key].map { $0.pythonString } ?? "None")"
        }
        sections.append(algorithm + "\n")
        let space = experiment.space.dimensions.map { "\($0.name): \($0.priorString)" }
        sections.append("Space".underlined + "\n" + space.joined(separator: "\n") + "\n")
        sections.append(
            "Meta-data".underlined + "\nuser: \(experiment.metadata.user)"
                + "\ndatetime: \(Formatting.date(experiment.metadata.datetime))"
                + "\norion version: \(experiment.metadata.orionVersion)"
                + "\nuser script: \(experiment.metadata.userScript ?? "")\n"
        )
        let stats = ExperimentStats(experiment: experiment, summary: summary)
        var counts = "trials by status:"
        for status in stats.countsByStatus.keys.sorted() {
            counts += "\n  \(status.rawValue): \(stats.countsByStatus[status] ?? 0)"
        }
        sections.append(Formatting.stats(stats, experiment: experiment) + counts + "\n")
        return sections.joined(separator: "\n")
    }
}
