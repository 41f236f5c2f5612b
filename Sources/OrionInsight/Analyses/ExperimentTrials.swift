import OrionCore
import OrionWorker

/// The trials an analysis reads: an experiment's own trials and, with the version tree, the completed trials its
/// child version inherits from its ancestors (Oríon's `with_evc_tree=True`, its plots' default).
public enum ExperimentTrials {
    /// Reads the trials of `experiment`.
    ///
    /// Inherited trials come from `ExperimentTree.inheritedTrials(of:storage:)`: carried over by the version's
    /// adapters, kept when they lie in its space, given its experiment id. A local trial with the same parameters
    /// wins over an inherited one.
    ///
    /// - Parameters:
    ///   - experiment: the experiment.
    ///   - storage: where it is stored.
    ///   - withEVCTree: whether to add the trials inherited from parent versions.
    /// - Returns: the experiment's trials (every status), then the inherited ones.
    /// - Throws: the storage's errors.
    public static func load(of experiment: Experiment, storage: any Storage, withEVCTree: Bool = true) async throws
        -> [Trial]
    {
        var trials = try await storage.trials(of: experiment.id, status: nil)
        guard withEVCTree, experiment.refers?.parentID != nil else { return trials }
        let own = Set(trials.map(\.id))
        for trial in try await ExperimentTree.inheritedTrials(of: experiment, storage: storage)
        where !own.contains(trial.id) {
            trials.append(trial)
        }
        return trials
    }
}
