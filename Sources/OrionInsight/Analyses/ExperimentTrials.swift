import OrionCore
import OrionWorker

/// The trials an analysis reads: an experiment's own trials and, with the version tree, the trials it sees through
/// its versions (Oríon's `fetch_trials(with_evc_tree=True)`, its plots' default).
public enum ExperimentTrials {
    /// Reads the trials of `experiment`.
    ///
    /// With the tree, as ``ExperimentTree/trialsSeen(from:in:storage:)``: its own trials first, then its child
    /// versions' and its ancestors', of every status, carried by the adapters into its parameters, under their
    /// stored ids (the ids `orion status -a` and the REST API show), a trial whose parameters are seen already,
    /// closer to the experiment, left out.
    ///
    /// - Parameters:
    ///   - experiment: the experiment.
    ///   - storage: where it is stored.
    ///   - withEVCTree: whether to add the trials of the other versions.
    /// - Returns: the experiment's trials (every status); with the version tree, its ancestors' first (the farthest
    ///   version's first), then its own, then its descendants', as Oríon lists them.
    /// - Throws: the storage's errors.
    public static func load(of experiment: Experiment, storage: any Storage, withEVCTree: Bool = true) async throws
        -> [Trial]
    {
        guard withEVCTree else { return try await storage.trials(of: experiment.id, status: nil) }
        let experiments = try await storage.experiments()
        guard experiments.contains(where: { $0.refers?.parentID != nil }) else {
            return try await storage.trials(of: experiment.id, status: nil)
        }
        return try await ExperimentTree.trialsSeen(from: experiment, in: experiments, storage: storage)
    }
}
