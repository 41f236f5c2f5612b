import ArgumentParser
import Foundation
import OrionAlgorithms
import OrionCore
import OrionWorker

/// `orion clean`: remove trial directories that are no longer needed from an experiment's working directory.
struct Clean: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove old trial directories from an experiment's working directory.",
        discussion: """
            Keeps the directories of the --keep most recently completed trials, of the best trial, of trials that \
            may still run (new, reserved, interrupted, suspended) and of their parents, and of broken trials unless \
            --broken is given. In a space with a fidelity, until the experiment is done, it also keeps those of \
            completed trials below the top fidelity: a promotion or a population member may start from them. \
            `orion hunt` does the same when it stops (worker.keep_trial_dirs).
            """
    )

    @OptionGroup var options: ExperimentOptions

    @Option(help: "How many of the most recently completed trials keep their directory (the best one is kept too).")
    var keep = 0

    @Flag(help: "Also remove the directories of broken and interrupted trials.")
    var broken = false

    @Flag(name: .customLong("dry-run"), help: "Only say what would be removed.")
    var dryRun = false

    func validate() throws {
        guard keep >= 0 else { throw ValidationError("--keep must be 0 or more, not \(keep)") }
    }

    func run() async throws {
        try await CommandRunner.run(verbose: options.verbose) {
            let context = try CommandContext(options: options)
            try await context.closingStorage {
                guard let name = options.name ?? context.configuration.experiment.name else {
                    throw UsageError("an experiment name is required: orion clean -n NAME")
                }
                // Trial directories are under a folder named after the experiment: only a name that stays inside.
                try ExperimentName.validate(name)
                guard let experiment = try await context.storage.experiment(named: name, version: options.version)
                else {
                    let which = options.version.map { " and version \($0)" } ?? ""
                    throw ExperimentError(
                        .notFound,
                        "no experiment named '\(name)'\(which); run `orion list` to see them"
                    )
                }
                let runner = HuntRunner(storage: context.storage, factory: AlgorithmRegistry.standard)
                let directory = runner.workingDirectory(for: experiment)
                let trials = try await context.storage.trials(of: experiment.id, status: nil)
                let policy = TrialDirectoryRetention(keepCompleted: keep, keepFailed: !broken)
                var promotions: TrialDirectoryRetention.Promotions?
                if experiment.space.fidelity != nil {
                    let done = try await ExperimentSummary(
                        experiment: experiment,
                        storage: context.storage,
                        algorithmState: true
                    )
                    .isDone
                    promotions = .of(experiment.space, done: done, algorithm: experiment.algorithm)
                }
                let cleanup = policy.apply(to: trials, in: directory, promotions: promotions, dryRun: dryRun)
                let verb = dryRun ? "Would remove" : "Removed"
                let size = ByteCountFormatter.string(fromByteCount: cleanup.bytes, countStyle: .file)
                print(
                    "\(verb) \(cleanup.removed) trial directories (\(size)) of \(experiment.displayName) in \(directory)"
                )
                if let promotions {
                    let kept = trials.filter {
                        $0.status == .completed && promotions.mayStartFrom($0)
                            && FileManager.default.fileExists(atPath: directory + "/" + $0.id)
                    }
                    .count
                    if kept > 0 {
                        StandardStream.emit(
                            "note: kept the directories of \(kept) completed trials below the top fidelity: the"
                                + " experiment is not done, and a promotion or a population member may start from"
                                + " them\n",
                            to: 2
                        )
                    }
                }
                for failure in cleanup.failures { StandardStream.emit("Warning: cannot remove \(failure)\n", to: 2) }
                if !cleanup.failures.isEmpty { throw ExitCode(1) }
            }
        }
    }
}
