import Foundation
import OrionAlgorithms
import OrionCore
import OrionWorker

/// The text of `orion list`, `orion status` and `orion info`, computed from a storage.
public enum Reports {
    /// `orion list`: the version trees as Oríon draws them, one line per experiment (` e1-v1┐`, then its children
    /// indented under the end of its name with `├`/`└`), or `No experiment found`.
    ///
    /// With `name`, only the trees rooted at the first version of that name; with `version` too, the tree rooted at
    /// that version, as Oríon queries `(name, version or 1)` (none when it does not exist).
    public static func list(storage: any Storage, name: String? = nil, version: Int? = nil) async throws -> String {
        var roots = ExperimentTree.forest(try await storage.experiments())
        if let name {
            func firsts(_ node: ExperimentTree.Node, parentName: String?) -> [ExperimentTree.Node] {
                if let version {
                    if node.experiment.name == name, node.experiment.version == version { return [node] }
                } else if node.experiment.name == name, parentName != name {
                    return [node]
                }
                return node.children.flatMap { firsts($0, parentName: node.experiment.name) }
            }
            roots = roots.flatMap { firsts($0, parentName: nil) }
        }
        guard !roots.isEmpty else { return "No experiment found\n" }
        var lines: [String] = []
        for root in roots { drawTree(root, indent: "", position: .root, into: &lines) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Where a node sits among its parent's children in Oríon's tree drawing.
    enum TreePosition {
        case root, first, middle, last
    }

    /// Draws `node` as Oríon's `orion list` does (its `pptree` layout): the children split into a branch above the
    /// node and one below it, of balanced sizes (the largest subtrees below), joined by `┌`, `├`, `└` and `┤`/`┐`.
    static func drawTree(
        _ node: ExperimentTree.Node,
        indent: String,
        position: TreePosition,
        into lines: inout [String]
    ) {
        func size(_ node: ExperimentTree.Node) -> Int { 1 + node.children.map(size).reduce(0, +) }
        var above = node.children.enumerated().sorted { (size($0.element), $0.offset) < (size($1.element), $1.offset) }
            .map(\.element)
        var below: [ExperimentTree.Node] = []
        while !above.isEmpty, below.map(size).reduce(0, +) < above.map(size).reduce(0, +) {
            below.append(above.removeLast())
        }
        let title = node.experiment.displayName
        let pad = String(repeating: " ", count: title.count)
        let aboveIndent = indent + (position == .root || position == .first ? " " : "│") + pad
        for (index, child) in above.enumerated() {
            drawTree(child, indent: aboveIndent, position: index == 0 ? .first : .middle, into: &lines)
        }
        let start: String
        switch position {
        case .root: start = " "
        case .first: start = "┌"
        case .middle: start = "├"
        case .last: start = "└"
        }
        lines.append(indent + start + title + (above.isEmpty ? (below.isEmpty ? "" : "┐") : "┤"))
        let belowIndent = indent + (position == .root || position == .last ? " " : "│") + pad
        for (index, child) in below.enumerated() {
            drawTree(child, indent: belowIndent, position: index == below.count - 1 ? .last : .middle, into: &lines)
        }
    }

    /// `orion status`: per experiment, trial counts by status with the best objective, or every trial with `all`
    /// (with a column for the fidelity dimension when the space has one, and a `parent` column when some trial was
    /// suggested from another one).
    ///
    /// With `collapse`, one block per version tree, titled by the latest version of its root's name, counting the
    /// trials that version sees through the adapters, as Oríon (``ExperimentTree/trialsSeen(from:in:storage:)``). With `expandVersions` (and not `collapse`), the trees as Oríon prints
    /// them: each version with its own trials, children indented by two spaces per depth. With neither and no
    /// `version`, as Oríon: a tree whose versions all have the root's name is collapsed, a tree with a child of
    /// another name (`-b`) is expanded, an experiment without versions is its own block. With `version` and no `name`,
    /// the same from each tree's root name at that version (its latest when it has fewer), as Oríon loads them.
    public static func status(
        storage: any Storage,
        name: String? = nil,
        version: Int? = nil,
        all: Bool = false,
        collapse: Bool = false,
        expandVersions: Bool = false
    ) async throws -> String {
        if version == nil, collapse || expandVersions {
            return try await versionTrees(storage: storage, name: name, all: all, collapse: collapse)
        }
        if let name, let version, collapse || expandVersions {
            // As Oríon with a name: the tree from that version down.
            let experiments = try await storage.experiments()
            let roots = ExperimentTree.forest(experiments).flatMap { versionNodes($0, name: name, version: version) }
            return try await blocks(
                of: roots,
                experiments: experiments,
                storage: storage,
                all: all,
                collapse: collapse,
                fromLatest: false
            )
        }
        if let version, name == nil {
            // As Oríon without a name: each tree from its root's name at that version (its latest when it has fewer),
            // expanded when it has a version of another name, else one block with the trials that version sees.
            let experiments = try await storage.experiments()
            let roots = ExperimentTree.forest(experiments).compactMap { versionNode($0, atMost: version) }
            guard !roots.isEmpty else { return "No experiment found\n" }
            return try await defaultTrees(
                roots,
                experiments: experiments,
                storage: storage,
                all: all,
                fromLatest: false
            )
        }
        if version == nil || name != nil {
            // Oríon's layout: from the named version (or each tree's root), a tree is expanded when it has a version
            // of another name, else one block with the trials its latest version sees (ancestors included).
            let experiments = try await storage.experiments()
            var roots = roots(experiments, name: name)
            if let version {
                roots = ExperimentTree.forest(experiments).flatMap { versionNodes($0, name: name, version: version) }
            }
            if roots.contains(where: { !$0.children.isEmpty || $0.experiment.refers?.parentID != nil }) {
                return try await defaultTrees(
                    roots,
                    experiments: experiments,
                    storage: storage,
                    all: all,
                    fromLatest: version == nil
                )
            }
        }
        if !all {
            let summaries = try await ExperimentSummary.all(storage: storage, name: name, version: version)
            guard !summaries.isEmpty else { return "No experiment found\n" }
            return try await summaries.concurrentMap(limit: ExperimentSummary.concurrentReads) {
                try await summaryBlock($0, storage: storage)
            }.joined()
        }
        var experiments = ExperimentTree.inCreationOrder(try await storage.experiments())
            .filter { name == nil || $0.name == name }
        if let version { experiments = experiments.filter { $0.version == version } }
        guard !experiments.isEmpty else { return "No experiment found\n" }
        return try await experiments.concurrentMap(limit: ExperimentSummary.concurrentReads) { experiment in
            statusBlock(
                experiment: experiment,
                trials: try await storage.trials(of: experiment.id, status: nil),
                all: true
            )
        }.joined()
    }

    /// The nodes under `node` (itself included) of the experiment `name` at `version`.
    static func versionNodes(_ node: ExperimentTree.Node, name: String?, version: Int) -> [ExperimentTree.Node] {
        node.experiment.name == name && node.experiment.version == version
            ? [node] : node.children.flatMap { versionNodes($0, name: name, version: version) }
    }

    /// The version of the tree under `root` named as `root`, numbered `version`, or the latest of that name when
    /// there are fewer (Oríon loads the root's name at the version asked, capped at its latest).
    static func versionNode(_ root: ExperimentTree.Node, atMost version: Int) -> ExperimentTree.Node? {
        func named(_ node: ExperimentTree.Node) -> [ExperimentTree.Node] {
            (node.experiment.name == root.experiment.name ? [node] : []) + node.children.flatMap(named)
        }
        let candidates = named(root).filter { $0.experiment.version <= version }
        return candidates.max { $0.experiment.version < $1.experiment.version }
    }

    /// The roots of the version trees, as `orion list` finds them: with `name`, the first version of that name in
    /// each tree.
    static func roots(_ experiments: [Experiment], name: String?) -> [ExperimentTree.Node] {
        let forest = ExperimentTree.forest(experiments)
        guard let name else { return forest }
        func firsts(_ node: ExperimentTree.Node, parentName: String?) -> [ExperimentTree.Node] {
            if node.experiment.name == name, parentName != name { return [node] }
            return node.children.flatMap { firsts($0, parentName: node.experiment.name) }
        }
        return forest.flatMap { firsts($0, parentName: nil) }
    }

    /// `orion status --collapse` or `--expand-versions`: the blocks of every version tree.
    static func versionTrees(storage: any Storage, name: String?, all: Bool, collapse: Bool) async throws -> String {
        let experiments = try await storage.experiments()
        return try await blocks(
            of: roots(experiments, name: name),
            experiments: experiments,
            storage: storage,
            all: all,
            collapse: collapse
        )
    }

    /// The blocks of the version trees under `roots`, collapsed or expanded; `No experiment found` without one.
    ///
    /// Collapsed, a tree is titled by the latest version of its root's name, or by the root itself when not
    /// `fromLatest` (`-n NAME -v N -C`: that version, with the trials it sees).
    static func blocks(
        of roots: [ExperimentTree.Node],
        experiments: [Experiment],
        storage: any Storage,
        all: Bool,
        collapse: Bool,
        fromLatest: Bool = true
    ) async throws -> String {
        guard !roots.isEmpty else { return "No experiment found\n" }
        var blocks: [String] = []
        for root in roots {
            blocks += try await treeBlocks(
                root,
                experiments: experiments,
                storage: storage,
                all: all,
                collapse: collapse,
                fromLatest: fromLatest
            )
        }
        return blocks.joined()
    }

    /// `orion status` without `-C`, `-e` or `--version` when some experiment has versions: Oríon's layout.
    static func defaultTrees(
        _ roots: [ExperimentTree.Node],
        experiments: [Experiment],
        storage: any Storage,
        all: Bool,
        fromLatest: Bool = true
    ) async throws -> String {
        var blocks: [String] = []
        for root in roots {
            let tree = ExperimentTree.versions(under: root.experiment, in: experiments)
            if tree.count == 1, !all, root.experiment.refers?.parentID == nil {
                // One version: its summary, from indexed counts (nothing proportional to its trials).
                let summary = try await ExperimentSummary(experiment: root.experiment, storage: storage)
                blocks.append(try await summaryBlock(summary, storage: storage))
                continue
            }
            let named = tree.contains { $0.name != root.experiment.name }
            blocks += try await treeBlocks(
                root,
                experiments: experiments,
                storage: storage,
                all: all,
                collapse: !named,
                fromLatest: fromLatest
            )
        }
        return blocks.joined()
    }

    /// The blocks of one version tree: collapsed into one, or each version indented under its parent.
    static func treeBlocks(
        _ root: ExperimentTree.Node,
        experiments: [Experiment],
        storage: any Storage,
        all: Bool,
        collapse: Bool,
        fromLatest: Bool = true
    ) async throws -> [String] {
        let versions = ExperimentTree.versions(under: root.experiment, in: experiments)
        if versions.count == 1, !all, root.experiment.refers?.parentID == nil {
            // One version, collapsed or expanded alike: its summary, from indexed counts (nothing proportional to its
            // trials), as ``defaultTrees(_:experiments:storage:all:fromLatest:)`` prints it.
            let summary = try await ExperimentSummary(experiment: root.experiment, storage: storage)
            return [try await summaryBlock(summary, storage: storage)]
        }
        if collapse {
            // As Oríon: the latest version of the root's name, with the trials it sees through the adapters (its
            // own, its ancestors' carried over, its descendants' carried back).
            // With `--version`, that version itself, as Oríon.
            let latest =
                fromLatest
                ? versions.filter { $0.name == root.experiment.name }.max { $0.version < $1.version } ?? root.experiment
                : root.experiment
            let trials = try await ExperimentTree.trialsSeen(from: latest, in: experiments, storage: storage)
            return [statusBlock(experiment: latest, trials: trials, all: all)]
        }
        var blocks: [String] = []
        func expand(_ node: ExperimentTree.Node, depth: Int) async throws {
            let trials = try await storage.trials(of: node.experiment.id, status: nil)
            let block = statusBlock(experiment: node.experiment, trials: trials, all: all)
            blocks.append(indented(block, by: depth * 2))
            for child in node.children { try await expand(child, depth: depth + 1) }
        }
        try await expand(root, depth: 0)
        return blocks
    }

    /// A block with `offset` spaces before each line that is not empty, as Oríon indents a child version.
    static func indented(_ block: String, by offset: Int) -> String {
        guard offset > 0 else { return block }
        let pad = String(repeating: " ", count: offset)
        return block.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : pad + $0 }
            .joined(separator: "\n")
    }

    /// ``statusBlock(_:otherTrials:)`` of `summary`, with the trials of the other statuses that may hold an
    /// objective (set back with `orion db set`, suspended) read from the storage: only those (rarely any).
    static func summaryBlock(_ summary: ExperimentSummary, storage: any Storage) async throws -> String {
        let others = summary.countsByStatus.filter { $0.value > 0 && mayHoldObjective($0.key) }.keys.sorted()
        var trials = others.isEmpty ? [] : try await storage.trials(of: summary.experiment.id, status: others)
        if summary.bestTrial == nil, (summary.countsByStatus[.completed] ?? 0) > 0 {
            // Completed trials but no best: every objective is NaN. One of them gives the objective's name, and the
            // minimum is shown as `nan`, as Oríon shows it.
            let query = TrialPageQuery(statuses: [.completed], limit: 1)
            trials += try await storage.trialPage(of: summary.experiment.id, query: query).trials
        }
        return statusBlock(summary, otherTrials: trials)
    }

    /// Statuses other than `completed` whose trials may hold an objective: ended ones a user set back, or suspended.
    static func mayHoldObjective(_ status: TrialStatus) -> Bool {
        [.broken, .interrupted, .suspended].contains(status)
    }

    /// The counts by status with the best objective, from the experiment's summary (independent of the number of
    /// trials), as Oríon's table: a `min <objective>` column only when a status has an objective; `otherTrials`
    /// are the trials of the statuses of ``mayHoldObjective(_:)``, whose minimum is shown too.
    static func statusBlock(_ summary: ExperimentSummary, otherTrials: [Trial] = []) -> String {
        var text = summary.experiment.displayName.underlined + "\n"
        let counts = summary.countsByStatus.filter { $0.value > 0 }
        guard !counts.isEmpty else { return text + "empty\n\n\n" }
        var minimums: [TrialStatus: Double] = [:]
        if let best = summary.bestTrial?.objective { minimums[.completed] = best }
        for trial in otherTrials {
            guard let value = trial.objective else { continue }
            if value.isNaN {
                // A completed trial here has a NaN objective and there is no best one: every objective is NaN.
                if trial.status == .completed, minimums[.completed] == nil { minimums[.completed] = .nan }
                continue
            }
            minimums[trial.status] = min(minimums[trial.status] ?? value, value)
        }
        let rows = counts.keys.sorted().map { status -> [Table.Cell] in
            [.text(status.rawValue), .integer(counts[status] ?? 0)] + (minimums[status].map { [.number($0)] } ?? [])
        }
        let name = summary.objectiveName ?? Formatting.objectiveName(otherTrials) ?? "objective"
        let headers = ["status", "quantity"] + (minimums.isEmpty ? [] : ["min \(name)"])
        text += Table(headers: headers, rows: rows).render()
        return text + "\n\n\n"
    }

    /// A trial's fidelity in `status --all`: a number as the other numbers (`0.215443`, not `0.21544346900318842`).
    private static func fidelityCell(_ value: JSONValue) -> Table.Cell {
        switch value {
        case .int(let number): .integer(number)
        case .double(let number): .number(number)
        default: .text(value.pythonString)
        }
    }

    static func statusBlock(experiment: Experiment, trials: [Trial], all: Bool) -> String {
        var text = experiment.displayName.underlined + "\n"
        if all, trials.isEmpty {
            // Oríon's `--all` shows an empty experiment as a table with one `empty` row.
            let table = Table(
                headers: ["id", "status", "best objective"],
                rows: [[.text("empty"), .missing, .missing]]
            )
            return text + table.render() + "\n\n\n"
        }
        guard !trials.isEmpty else { return text + "empty\n\n\n" }
        let objective = Formatting.objectiveName(trials) ?? "objective"
        if all {
            // As Oríon: sorted by status (stable), `min <objective>` once a trial has an objective. Trials suggested
            // from another one (a promotion, a PBT child) show it; other experiments look as in Oríon.
            let sorted = trials.enumerated().sorted { ($0.element.status, $0.offset) < ($1.element.status, $1.offset) }
                .map(\.element)
            let lineage = trials.contains { $0.parent != nil }
            // A multi-fidelity experiment also shows each trial's fidelity, headed by the dimension's name.
            let fidelity = experiment.space.fidelity?.name
            // Without any objective yet, Oríon's table has no third column (tabulate drops its unused header).
            let named = trials.contains { $0.objective != nil }
            let rows = sorted.map { trial -> [Table.Cell] in
                [.text(trial.id), .text(trial.status.rawValue)]
                    + (named ? [trial.objective.map(Table.Cell.number) ?? .missing] : [])
                    + (fidelity.map { [trial.params[$0].map(fidelityCell) ?? .missing] } ?? [])
                    + (lineage ? [trial.parent.map(Table.Cell.text) ?? .missing] : [])
            }
            let headers =
                ["id", "status"] + (named ? ["min \(objective)"] : [])
                + (fidelity.map { [String($0.drop { $0 == "/" })] } ?? []) + (lineage ? ["parent"] : [])
            text += Table(headers: headers, rows: rows).render()
        } else {
            var byStatus: [TrialStatus: [Trial]] = [:]
            for trial in trials { byStatus[trial.status, default: []].append(trial) }
            let rows = byStatus.keys.sorted().map { status -> [Table.Cell] in
                let group = byStatus[status] ?? []
                let best = group.compactMap(\.objective).filter { !$0.isNaN }.min()
                return [.text(status.rawValue), .integer(group.count)] + (best.map { [.number($0)] } ?? [])
            }
            let headers = ["status", "quantity"] + (rows.contains { $0.count > 2 } ? ["min \(objective)"] : [])
            text += Table(headers: headers, rows: rows).render()
        }
        return text + "\n\n\n"
    }

    /// `orion info`: identification, command line, configuration, algorithm, space, metadata and stats.
    ///
    /// - Throws: `ExperimentError` `.notFound` when no such experiment exists.
    public static func info(storage: any Storage, name: String, version: Int?) async throws -> String {
        let summary = try await ExperimentSummary.load(
            named: name,
            version: version,
            storage: storage,
            algorithmState: true
        )
        var lineage: (root: String, parent: String)?
        if let refers = summary.experiment.refers, let parentID = refers.parentID {
            let parent = try await storage.experiment(id: parentID)
            let root = refers.rootID == parentID ? parent : try await storage.experiment(id: refers.rootID)
            // Names, as Oríon prints them (its versions share the name); an id said to be missing (a version loaded
            // by `orion db load` without its parent showed a bare hex id).
            let missing = " (not in this database)"
            lineage = (root?.name ?? refers.rootID + missing, parent?.name ?? parentID + missing)
        }
        return info(summary, lineage: lineage)
    }

    /// The `VCS:` lines of `orion info`: the script's git state under Oríon's keys, nested by four spaces (nothing
    /// when it was not recorded).
    static func vcs(_ version: CodeVersion?) -> String {
        guard let version else { return "" }
        var members: [String: JSONValue] = [
            "type": .string(version.type), "is_dirty": .bool(version.isDirty), "HEAD_sha": .string(version.headSHA),
        ]
        members["active_branch"] = version.activeBranch.map(JSONValue.string) ?? .null
        members["diff_sha"] = version.diffSHA.map(JSONValue.string) ?? .null
        return Formatting.dictionary(.object(members), depth: 1)
    }

    /// Oríon's `Parent experiment` section: the root and the parent (empty for a root) and the adapters.
    static func parentSection(_ experiment: Experiment, lineage: (root: String, parent: String)?) -> String {
        // `root:` with nothing after it for a root, as Oríon prints it.
        var text =
            "Parent experiment".underlined + "\n" + Formatting.field("root", lineage?.root)
            + Formatting.field("parent", lineage?.parent)
        // Oríon prints its composite adapter's configuration: one list of every adapter's keys, two spaces a level.
        let adapters = experiment.refers?.adapters ?? []
        // A root has none; a child without adapters (`--branch-from` with nothing changed) an empty list, as in Oríon.
        guard !adapters.isEmpty else { return text + (lineage == nil ? "adapter:\n" : "adapter:\n  [\n\n  ]\n") }
        return text + "adapter:\n"
            + Formatting.dictionary(.array(adapters.map(\.orionConfiguration)), depth: 1, width: 2)
    }

    /// The text of `orion info` for a summary, laid out as Oríon's: sections `Identification`, `Commandline`,
    /// `Config`, `Algorithm`, `Space`, `Meta-data`, `Parent experiment` and `Stats`, each followed by two blank
    /// lines.
    ///
    /// - Parameters:
    ///   - summary: the experiment's summary.
    ///   - lineage: the root and the parent of a child version (experiment version control), `nil` for a root.
    /// - Returns: the text, ending with two blank lines.
    static func info(_ summary: ExperimentSummary, lineage: (root: String, parent: String)? = nil) -> String {
        let experiment = summary.experiment
        var sections: [String] = []
        sections.append(
            "Identification".underlined + "\nname: \(experiment.name)\nversion: \(experiment.version)"
                + "\nuser: \(experiment.metadata.user)\n"
        )
        // Oríon prints nothing, not even the title, for an experiment made without a command line.
        let commandLine = experiment.metadata.userArgs.joined(separator: " ")
        sections.append(commandLine.isEmpty ? "" : "Commandline".underlined + "\n" + commandLine + "\n")
        sections.append(
            "Config".underlined + "\nmax trials: \(experiment.maxTrials.map(String.init) ?? "inf")"
                + "\nmax broken: \(experiment.maxBroken)"
                + "\nworking dir: \(experiment.workingDir ?? "")\n"
        )
        // The options as the algorithm reads them: stored JSON writes a whole double as `1`, its type says `1.0`
        // (Oríon prints `prior_weight: 1.0`), and a null count that means no limit is Oríon's `inf`. An algorithm
        // this build does not know prints as stored.
        let options = try? AlgorithmRegistry.standard.displayedOptions(experiment.algorithm, space: experiment.space)
        let algorithm = JSONValue.object([
            experiment.algorithm.name: .object(options ?? experiment.algorithm.options)
        ])
        sections.append("Algorithm".underlined + "\n" + Formatting.dictionary(algorithm))
        let space = experiment.space.dimensions.map { "\($0.name): \($0.priorString)\n" }.joined()
        sections.append("Space".underlined + "\n" + space)
        sections.append(
            "Meta-data".underlined + "\nuser: \(experiment.metadata.user)"
                + "\ndatetime: \(Formatting.date(experiment.metadata.datetime))"
                + "\norion version: \(experiment.metadata.orionVersion)"
                + "\nVCS:\n" + vcs(experiment.metadata.vcs) + "\n"
        )
        sections.append(parentSection(experiment, lineage: lineage))
        sections.append(Formatting.stats(summary.stats, done: summary.isDone))
        return sections.map { $0 + "\n\n" }.joined()
    }
}
