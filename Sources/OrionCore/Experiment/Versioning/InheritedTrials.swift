/// The trials a child version inherits from its ancestors (already adapted into its space, with its experiment id),
/// and their ids, which the algorithm driver treats as existing trials so that their points are not run again.
public struct InheritedTrials: Sendable {
    /// The trials, in the child's space.
    public let trials: [Trial]
    /// Their ids.
    public let ids: Set<String>

    /// Wraps inherited trials.
    ///
    /// - Parameter trials: the trials, in the child's space, with the child's experiment id.
    public init(_ trials: [Trial]) {
        self.trials = trials
        self.ids = Set(trials.map(\.id))
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
