import Foundation

extension ExperimentStats {
    /// The stats of `experiment` from its storage's ``TrialSummary``, without reading every trial.
    ///
    /// - Parameters:
    ///   - experiment: the experiment.
    ///   - summary: its trials' summary (`Storage.summary(of:)`).
    public init(experiment: Experiment, summary: TrialSummary) {
        self.init(experiment: experiment, trials: [])
        countsByStatus = summary.counts.filter { $0.value > 0 }
        bestTrial = summary.bestTrial
        finishTime = summary.lastEndTime
        sumOfTrialsTime = summary.completedTrialsTime
    }
}
