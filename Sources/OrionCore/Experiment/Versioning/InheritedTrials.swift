/// The trials a child version inherits from its ancestors (already adapted into its space, with its experiment id),
/// and their ids, which the algorithm driver treats as existing trials so that their points are not run again.
public struct InheritedTrials: Sendable {
    /// The trials, in the child's space.
    public let trials: [Trial]
    /// Their ids.
    public let ids: Set<String>
    /// The stored trial each one comes from (in an ancestor version), by the inherited trial's id.
    public let origins: [String: Trial]

    /// Wraps inherited trials.
    ///
    /// - Parameters:
    ///   - trials: the trials, in the child's space, with the child's experiment id.
    ///   - origins: the stored trial each one comes from, by the inherited trial's id.
    public init(_ trials: [Trial], origins: [String: Trial] = [:]) {
        self.trials = trials
        self.ids = Set(trials.map(\.id))
        self.origins = origins
    }

    /// `trial` with its parent named as stored: an algorithm that promotes or forks an inherited trial names it by
    /// its id in the child version, which no stored trial has; the stored trial it comes from is the real parent
    /// (its id for `ORION_PARENT_ID` and `orion status`, its directory for the checkpoint).
    public func withStoredParent(_ trial: Trial) -> Trial {
        guard let parent = trial.parent, let origin = origins[parent] else { return trial }
        var trial = trial
        trial.parent = origin.id
        return trial
    }

    /// The stored trial `id` names when it is the id of an inherited trial's origin.
    public func origin(withID id: String) -> Trial? {
        origins.values.first { $0.id == id }
    }

    /// No inherited trials (an experiment without a parent).
    public static let none = InheritedTrials([])

    /// `index`, answering also that the inherited trials exist.
    ///
    /// - Parameter index: the storage's index of the experiment's trial ids.
    /// - Returns: `index` itself when nothing is inherited.
    public func including(_ index: TrialIndex) -> TrialIndex {
        guard !ids.isEmpty else { return index }
        let ids = ids
        return TrialIndex { wanted in ids.intersection(wanted).union(try index.existing(wanted)) }
    }
}
