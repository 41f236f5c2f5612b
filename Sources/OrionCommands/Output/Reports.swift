import Foundation
import OrionCore
import OrionWorker

/// The text of `orion list`, `orion status` and `orion info`, computed from a storage.
public enum Reports {
    /// `orion list`: the version trees as Oríon draws them, one line per experiment (` e1-v1┐`, then its children
    /// indented under the end of its name with `├`/`└`), or `No experiment found`.
    ///
    /// With `name`, only the trees rooted at the first version of that name.
    public static func list(storage: any Storage, name: String? = nil) async throws -> String {
        var roots = ExperimentTree.forest(try await storage.experiments())
        if let name {
            func firsts(_ node: ExperimentTree.Node, parentName: String?) -> [ExperimentTree.Node] {
                if node.experiment.name == name, parentName != name { return [node] }
                return node.children.flatMap { firsts($0, parentName: node.experiment.name) }
            }
            roots = roots.flatMap { firsts($0, parentName: nil) }
        }
        guard !roots.isEmpty else { return "No experiment found\n" }
        var lines: [String] = []
        func draw(_ node: ExperimentTree.Node, lead: String, connector: String) {
            let title = node.experiment.displayName
            lines.append(lead + connector + title + (node.children.isEmpty ? "" : "┐"))
            let continuation = connector == "├" ? "│" : (connector.isEmpty ? "" : " ")
            let childLead = lead + continuation + String(repeating: " ", count: title.count)
            for (index, child) in node.children.enumerated() {
                draw(child, lead: childLead, connector: index == node.children.count - 1 ? "└" : "├")
            }
        }
        for root in roots { draw(root, lead: " ", connector: "") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `orion status`: per experiment, trial counts by status with the best objective, or every trial with `all`
    /// (with a `parent` column when some trial was suggested from another one).
    public static func status(
        storage: any Storage,
        name: String? = nil,
        version: Int? = nil,
        all: Bool = false
    ) async throws -> String {
        if !all {
            let summaries = try await ExperimentSummary.all(storage: storage, name: name, version: version)
            guard !summaries.isEmpty else { return "No experiment found\n" }
            return summaries.map(statusBlock).joined(separator: "\n")
        }
        var experiments = try await storage.experiments().filter { name == nil || $0.name == name }
        if let version { experiments = experiments.filter { $0.version == version } }
        guard !experiments.isEmpty else { return "No experiment found\n" }
        var blocks: [String] = []
        for experiment in experiments {
            let trials = try await storage.trials(of: experiment.id, status: nil)
            blocks.append(statusBlock(experiment: experiment, trials: trials, all: true))
        }
        return blocks.joined(separator: "\n")
    }

    /// The counts by status with the best objective, from the experiment's summary (independent of the number of
    /// trials).
    static func statusBlock(_ summary: ExperimentSummary) -> String {
        var text = summary.experiment.displayName.underlined + "\n"
        let counts = summary.countsByStatus.filter { $0.value > 0 }
        guard !counts.isEmpty else { return text + "empty\n\n" }
        let best = summary.bestTrial
        let objective = summary.objectiveName ?? "objective"
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
        let summary = try await ExperimentSummary.load(named: name, version: version, storage: storage)
        var lineage: (root: String, parent: String)?
        if let refers = summary.experiment.refers, let parentID = refers.parentID {
            let parent = try await storage.experiment(id: parentID)
            let root = refers.rootID == parentID ? parent : try await storage.experiment(id: refers.rootID)
            lineage = (root?.displayName ?? refers.rootID, parent?.displayName ?? parentID)
        }
        return info(summary, lineage: lineage)
    }

    /// Oríon's `Parent experiment` section: the root and the parent (empty for a root) and the adapters.
    static func parentSection(_ experiment: Experiment, lineage: (root: String, parent: String)?) -> String {
        var text = "Parent experiment".underlined + "\nroot: \(lineage?.root ?? "")\nparent: \(lineage?.parent ?? "")"
        let adapters = experiment.refers?.adapters ?? []
        text += "\nadapter:" + adapters.map { "\n  \($0.description)" }.joined()
        return text + "\n"
    }

    /// The text of `orion info` for a summary.
    static func info(_ summary: ExperimentSummary, lineage: (root: String, parent: String)? = nil) -> String {
        let experiment = summary.experiment
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
        sections.append(parentSection(experiment, lineage: lineage))
        var counts = "trials by status:"
        for status in summary.countsByStatus.keys.sorted() {
            counts += "\n  \(status.rawValue): \(summary.countsByStatus[status] ?? 0)"
        }
        sections.append(Formatting.stats(summary.stats, experiment: experiment) + counts + "\n")
        return sections.joined(separator: "\n")
    }
}
