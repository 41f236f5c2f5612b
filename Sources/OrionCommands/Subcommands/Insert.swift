import ArgumentParser
import Foundation
import OrionCore
import OrionWorker

/// `orion insert`: register a trial with chosen values, run later by `orion hunt`.
struct Insert: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Register a trial with given values: orion insert -n NAME ./script.py -x=1.5 --lr=0.01"
    )

    @OptionGroup var options: ExperimentOptions

    @Argument(
        parsing: .captureForPassthrough,
        help: "The script, then name=value for each dimension, or --config=vals.yaml (values written orion=VALUE)."
    )
    var userArguments: [String] = []

    func run() async throws {
        if let first = userArguments.first, ["-h", "--help", "-help"].contains(first) {
            throw CleanExit.helpRequest(self)
        }
        try await CommandRunner.run(verbose: options.verbose) {
            // The experiment must exist: a storage file named but missing is a typo, said with its path (not created).
            let context = try CommandContext(options: options)
            try await context.closingStorage {
                guard let name = options.name ?? context.configuration.experiment.name else {
                    throw UsageError("orion insert needs an experiment name: orion insert -n NAME ./script.py -x=1.5")
                }
                let version = try await context.resolvedVersion(
                    of: name,
                    context.configuration.experiment.version
                )
                guard let experiment = try await context.storage.experiment(named: name, version: version)
                else {
                    throw ExperimentError(
                        .notFound,
                        "no experiment named '\(name)'; create it with orion hunt --init-only"
                    )
                }
                let trial = try TrialInsertion.trial(
                    for: experiment,
                    arguments: userArguments.map(OrionCommand.unescapingTripleDash)
                )
                try await TrialInsertion.insert(trial, into: experiment, storage: context.storage)
                // A hunt runs no more trials once the max is reached: the new trial would wait in silence (hBO's
                // probe; Oríon says nothing either).
                let summary = try await ExperimentSummary(experiment: experiment, storage: context.storage)
                if summary.reachedMaxTrials, let maxTrials = experiment.maxTrials {
                    let name = HuntSession.shellWord(experiment.name)
                    // A hunt without -v works on the latest version (probe p44a: the note sent it to v2).
                    let latest = try await context.storage.experiment(named: experiment.name, version: nil)
                    let version = latest?.version == experiment.version ? "" : " -v \(experiment.version)"
                    StandardStream.emit(
                        "note: \(experiment.displayName) has its \(maxTrials) max trials completed: a hunt runs this"
                            + " trial only with a higher --exp-max-trials (e.g. `orion hunt -n \(name)\(version)"
                            + " --exp-max-trials \(maxTrials + 1)`)\n",
                        to: 2
                    )
                }
            }
        }
    }
}
