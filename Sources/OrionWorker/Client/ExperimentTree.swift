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
        guard let refers = experiment.refers, let parentID = refers.parentID,
            let parent = try await storage.experiment(id: parentID)
        else { return [] }
        var candidates = try await storage.trials(of: parent.id, status: [.completed])
        var seen = Set(candidates.map(\.paramsHash))
        for trial in try await inheritedTrials(of: parent, storage: storage)
        where seen.insert(trial.paramsHash).inserted {
            candidates.append(trial)
        }
        var inherited: [Trial] = []
        var ids: Set<String> = []
        for (index, params) in Adapter.forward(refers.adapters, candidates.map(\.params))
        where experiment.space.contains(params) {
            var trial = candidates[index]
            trial.experimentID = experiment.id
            trial.params = params
            trial.id = Trial.makeID(experimentID: experiment.id, params: params)
            if ids.insert(trial.id).inserted { inherited.append(trial) }
        }
        return inherited
    }

    /// One experiment and its children, as `orion list` draws them.
    public struct Node: Sendable, Equatable {
        /// The experiment.
        public var experiment: Experiment
        /// Its child versions, sorted by name then version.
        public var children: [Node]
    }

    /// The experiments as trees: roots (experiments without a parent, or whose parent is gone) with their
    /// children, sorted by name then version.
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
            return Node(experiment: experiment, children: sorted(kids).map { node($0, depth: depth + 1) })
        }
        return sorted(roots).map { node($0, depth: 0) }
    }

    /// An experiment and every version below it (children, their children, ...), the experiment first: what
    /// Oríon's `orion status --collapse` adds up into the root.
    ///
    /// - Parameters:
    ///   - root: the experiment whose subtree is wanted.
    ///   - experiments: every experiment.
    /// - Returns: `root` and its descendants, depth first, children sorted by name then version.
    public static func versions(under root: Experiment, in experiments: [Experiment]) -> [Experiment] {
        guard let node = find(root.id, in: forest(experiments)) else { return [root] }
        func flatten(_ node: Node) -> [Experiment] { [node.experiment] + node.children.flatMap(flatten) }
        return flatten(node)
    }

    private static func find(_ id: String, in nodes: [Node]) -> Node? {
        for node in nodes {
            if node.experiment.id == id { return node }
            if let found = find(id, in: node.children) { return found }
        }
        return nil
    }

    private static func sorted(_ experiments: [Experiment]) -> [Experiment] {
        experiments.sorted { ($0.name, $0.version) < ($1.name, $1.version) }
    }
}
