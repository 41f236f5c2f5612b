import Foundation
import OrionCore

/// The version tree of experiments (experiment version control): what a child inherits from its parents, and the
/// tree `orion list` draws.
public enum ExperimentTree {
    /// The completed trials a child version inherits: its parent's own completed trials and, recursively, what the
    /// parent inherited, each carried over by the child's adapters and kept only when it lies in the child's space.
    ///
    /// The trials are given the child's experiment id (and the trial id that goes with it) so that the child's
    /// algorithm can observe them; they are not stored in the child. A parent trial with the same parameters as a
    /// closer one is dropped.
    ///
    /// - Parameters:
    ///   - experiment: the child; an experiment without a parent inherits nothing.
    ///   - storage: where the parents and their trials are.
    /// - Returns: the inherited trials, the parent's own first.
    /// - Throws: `StorageError`.
    public static func inheritedTrials(of experiment: Experiment, storage: any Storage) async throws -> [Trial] {
        try await inheritance(of: experiment, storage: storage).map(\.trial)
    }

    /// ``inheritedTrials(of:storage:)`` with the stored trial each one comes from, for the worker: promotions and
    /// forks of an inherited trial name that trial as their parent (``InheritedTrials/withStoredParent(_:)``).
    ///
    /// - Throws: `StorageError`.
    public static func inherited(of experiment: Experiment, storage: any Storage) async throws -> InheritedTrials {
        let pairs = try await inheritance(of: experiment, storage: storage)
        return InheritedTrials(
            pairs.map(\.trial),
            origins: Dictionary(pairs.map { ($0.trial.id, $0.origin) }) { first, _ in first }
        )
    }

    /// The number of inherited trials that count toward the experiment's `maxTrials`: those at a point where the
    /// experiment has no trial of its own (a trial is counted once, the closest one, as in Oríon's tree).
    ///
    /// - Throws: `StorageError`.
    public static func inheritedCompletedCount(of experiment: Experiment, storage: any Storage) async throws -> Int {
        try await counted(inheritedTrials(of: experiment, storage: storage), of: experiment, storage: storage)
    }

    /// How many of `inherited`, the experiment's inherited trials, are at a point where it has no trial of its own.
    ///
    /// - Throws: `StorageError`.
    static func counted(_ inherited: [Trial], of experiment: Experiment, storage: any Storage) async throws -> Int {
        guard !inherited.isEmpty else { return 0 }
        let own = Set(try await storage.trials(of: experiment.id, status: nil).map(\.id))
        return inherited.count { !own.contains($0.id) }
    }

    /// The experiment's ancestors, its parent first (a cycle in corrupted data ends the chain).
    ///
    /// - Throws: `StorageError`.
    public static func ancestors(of experiment: Experiment, storage: any Storage) async throws -> [Experiment] {
        var ancestors: [Experiment] = []
        var visited: Set<String> = [experiment.id]
        var below = experiment
        while let parentID = below.refers?.parentID, visited.insert(parentID).inserted,
            let ancestor = try await storage.experiment(id: parentID)
        {
            ancestors.append(ancestor)
            below = ancestor
        }
        return ancestors
    }

    /// The inherited trials, each with the stored trial it comes from.
    ///
    /// Each ancestor's completed trials go down the chain once, through the adapters and into the space of every
    /// version below it, the farthest ancestor's first; a level whose adapters keep every trial as it is and whose
    /// space is its parent's only adds its parent's own trials. Trials are named (and repeated parameters dropped,
    /// the closest version's trial kept) once, in the child's space: a repeat keeps repeating below, so this drops
    /// what dropping at every level would.
    ///
    /// - Complexity: O(trials of the ancestors) plus, at each level that changes the space or the parameters,
    ///   O(trials above it).
    private static func inheritance(
        of experiment: Experiment,
        storage: any Storage
    ) async throws -> [(trial: Trial, origin: Trial)] {
        // The ancestors, the parent first, each with the version right below it.
        let ancestors = try await ancestors(of: experiment, storage: storage)
        let levels = zip(ancestors, [experiment] + ancestors).map { (ancestor: $0, below: $1) }
        // The trials carried into the space of the version below the current level, one segment per ancestor
        // whose trials came down unchanged since, the closest ancestor's last.
        var carried: [[(params: Parameters, origin: Trial)]] = []
        for (ancestor, below) in levels.reversed() {
            let own = try await storage.trials(of: ancestor.id, status: [.completed]).map {
                (params: $0.params, origin: $0)
            }
            let adapters = below.refers?.adapters ?? []
            let keepsCarried = below.space == ancestor.space && adapters.allSatisfy(\.keepsParameters)
            let moving = keepsCarried ? own : own + carried.reversed().joined()
            let moved = Adapter.forward(adapters, moving.map(\.params)).compactMap { index, params in
                below.space.contains(params) ? (params, moving[index].origin) : nil
            }
            if !keepsCarried { carried = [] }
            carried.append(moved)
        }
        var inherited: [(trial: Trial, origin: Trial)] = []
        var ids: Set<String> = []
        for (params, origin) in carried.reversed().joined() {
            var trial = origin
            trial.experimentID = experiment.id
            trial.params = params
            trial.id = Trial.makeID(experimentID: experiment.id, params: params)
            if ids.insert(trial.id).inserted { inherited.append((trial, origin)) }
        }
        return inherited
    }

    /// The trials an experiment sees through its version tree (`orion status --collapse`).
    ///
    /// As Oríon's `fetch_trials(with_evc_tree=True)`: its own trials (every status), its descendants' carried back
    /// by their adapters, and its ancestors' own trials carried over by the adapters down to it. A trial whose
    /// parameters are seen already, closer to the experiment, is left out. The trials keep their experiment and id;
    /// their parameters are as the experiment sees them.
    ///
    /// - Parameters:
    ///   - experiment: the experiment.
    ///   - experiments: every experiment (its ancestors and descendants among them).
    ///   - storage: where their trials are.
    /// - Returns: its ancestors' trials (the farthest ancestor's first), then its own, then its descendants'.
    /// - Throws: `StorageError`.
    /// - Complexity: reads every trial of the experiment, its ancestors and its descendants.
    public static func trialsSeen(
        from experiment: Experiment,
        in experiments: [Experiment],
        storage: any Storage
    ) async throws -> [Trial] {
        let trials = try await trialsSeenBelow(experiment, in: experiments, storage: storage, depth: 0)
        var seen = Set(trials.map(\.paramsHash))
        let byID = Dictionary(experiments.map { ($0.id, $0) }) { first, _ in first }
        var levels: [(ancestor: Experiment, below: Experiment)] = []
        var below = experiment
        var visited: Set<String> = [experiment.id]
        while let parentID = below.refers?.parentID, visited.insert(parentID).inserted, let ancestor = byID[parentID] {
            levels.append((ancestor, below))
            below = ancestor
        }
        // Down the chain once, the farthest ancestor first: each level's adapters apply to its parent's own trials
        // and to those carried from above (one segment per ancestor whose trials came down unchanged since, the
        // closest ancestor's last); a level whose adapters keep every trial as it is leaves those as they are.
        var carried: [[Trial]] = []
        for (ancestor, below) in levels.reversed() {
            let adapters = below.refers?.adapters ?? []
            let keepsCarried = adapters.allSatisfy(\.keepsParameters)
            let own = try await storage.trials(of: ancestor.id, status: nil)
            let moving = keepsCarried ? own : own + carried.reversed().joined()
            let moved = Adapter.forward(adapters, moving.map(\.params)).map { index, params in
                var trial = moving[index]
                trial.params = params
                return trial
            }
            if !keepsCarried { carried = [] }
            carried.append(moved)
        }
        // A trial seen twice (the same parameters) is kept from the closest version; the ancestors' trials come
        // first, the farthest ancestor's first, as Oríon's `fetch_trials(with_evc_tree=True)` lists them (its parents',
        // its own, its children's: the order the trials were made in).
        var ancestral: [Trial] = []
        for trial in carried.reversed().joined() where seen.insert(trial.paramsHash).inserted {
            ancestral.append(trial)
        }
        return Self.farthestFirst(ancestral, levels: levels.map(\.ancestor)) + trials
    }

    /// Ancestors' trials ordered by their version, the farthest ancestor's first, each version's in the order given.
    ///
    /// - Parameters:
    ///   - trials: trials of the ancestors.
    ///   - levels: the ancestors, the parent first.
    /// - Returns: the trials, reordered.
    static func farthestFirst(_ trials: [Trial], levels: [Experiment]) -> [Trial] {
        let depth = Dictionary(levels.enumerated().map { ($1.id, $0) }) { first, _ in first }
        return trials.enumerated().sorted { left, right in
            let (a, b) = (depth[left.element.experimentID] ?? 0, depth[right.element.experimentID] ?? 0)
            return a != b ? a > b : left.offset < right.offset
        }.map(\.element)
    }

    /// An experiment's own trials, then its descendants' carried back to it (``trialsSeen(from:in:storage:)``).
    private static func trialsSeenBelow(
        _ experiment: Experiment,
        in experiments: [Experiment],
        storage: any Storage,
        depth: Int
    ) async throws -> [Trial] {
        var trials = try await storage.trials(of: experiment.id, status: nil)
        guard depth < experiments.count else { return trials }
        var seen = Set(trials.map(\.paramsHash))
        for child in inCreationOrder(
            experiments.filter { $0.refers?.parentID == experiment.id && $0.id != experiment.id }
        ) {
            let below = try await trialsSeenBelow(child, in: experiments, storage: storage, depth: depth + 1)
            for (index, params) in Adapter.backward(child.refers?.adapters ?? [], below.map(\.params)) {
                var trial = below[index]
                trial.params = params
                if seen.insert(trial.paramsHash).inserted { trials.append(trial) }
            }
        }
        return trials
    }

    /// One experiment and its children, as `orion list` draws them.
    public struct Node: Sendable, Equatable {
        /// The experiment.
        public var experiment: Experiment
        /// Its child versions, in the order they were created.
        public var children: [Node]
    }

    /// The experiments as trees: roots (experiments without a parent, or whose parent is gone) with their
    /// children, each level in the order the experiments were created (as Oríon 0.2.7 lists them: in the order
    /// its database returns them, which is the order they were inserted), ties by name then version.
    ///
    /// - Parameter experiments: every experiment.
    /// - Returns: the roots.
    public static func forest(_ experiments: [Experiment]) -> [Node] {
        let ids = Set(experiments.map(\.id))
        var children: [String: [Experiment]] = [:]
        var roots: [Experiment] = []
        for experiment in experiments {
            if let parentID = experiment.refers?.parentID, ids.contains(parentID), parentID != experiment.id {
                children[parentID, default: []].append(experiment)
            } else {
                roots.append(experiment)
            }
        }
        func node(_ experiment: Experiment, depth: Int) -> Node {
            let kids = depth < experiments.count ? (children[experiment.id] ?? []) : []
            return Node(experiment: experiment, children: inCreationOrder(kids).map { node($0, depth: depth + 1) })
        }
        return inCreationOrder(roots).map { node($0, depth: 0) }
    }

    /// An experiment and every version below it (children, their children, ...), the experiment first: what
    /// Oríon's `orion status --collapse` adds up into the root.
    ///
    /// - Parameters:
    ///   - root: the experiment whose subtree is wanted.
    ///   - experiments: every experiment.
    /// - Returns: `root` and its descendants, depth first, children in the order they were created.
    public static func versions(under root: Experiment, in experiments: [Experiment]) -> [Experiment] {
        guard let node = node(of: root, in: experiments) else { return [root] }
        func flatten(_ node: Node) -> [Experiment] { [node.experiment] + node.children.flatMap(flatten) }
        return flatten(node)
    }

    /// The tree rooted at `experiment`: it and every version below it.
    ///
    /// - Parameters:
    ///   - experiment: the tree's root.
    ///   - experiments: every experiment.
    /// - Returns: its node, or nil when `experiments` lacks it.
    public static func node(of experiment: Experiment, in experiments: [Experiment]) -> Node? {
        find(experiment.id, in: forest(experiments))
    }

    private static func find(_ id: String, in nodes: [Node]) -> Node? {
        for node in nodes {
            if node.experiment.id == id { return node }
            if let found = find(id, in: node.children) { return found }
        }
        return nil
    }

    /// The experiment's trials with one of `statuses` (all when `nil`); with `withVersionTree`, every trial it sees
    /// through its version tree, as Oríon's `fetch_trials(with_evc_tree=True)` (``trialsSeen(from:in:storage:)``):
    /// its parents' and children's trials of every status, under their stored ids.
    ///
    /// - Throws: the storage's errors.
    public static func trials(
        of experiment: Experiment,
        status statuses: [TrialStatus]?,
        withVersionTree: Bool,
        storage: any Storage
    ) async throws -> [Trial] {
        guard withVersionTree else { return try await storage.trials(of: experiment.id, status: statuses) }
        let seen = try await trialsSeen(from: experiment, in: storage.experiments(), storage: storage)
        return seen.filter { statuses?.contains($0.status) ?? true }
    }

    /// `experiments` in the order they were created (then by name and version), as Oríon lists its database's
    /// documents: the order of `orion list`, `orion status` and the REST API's lists.
    ///
    /// Times are compared to the millisecond: a version loaded from a dump (`--resolve bump`) keeps the time of the one
    /// it copies, which the dump's text moved by a fraction of a microsecond, so that the two swapped from run to run
    /// (hBI's re-check); equal, the version decides.
    public static func inCreationOrder(_ experiments: [Experiment]) -> [Experiment] {
        func millisecond(_ experiment: Experiment) -> Double {
            (experiment.metadata.datetime.timeIntervalSince1970 * 1000).rounded(.down)
        }
        return experiments.sorted {
            (millisecond($0), $0.name, $0.version) < (millisecond($1), $1.name, $1.version)
        }
    }
}
