import ArgumentParser
import OrionCore
import OrionWorker

/// `orion db rm NAME`: delete an experiment, or only its trials of some status.
struct DbRm: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm",
        abstract:
            "Delete the latest version of an experiment (or -v VERSION) with its child versions, or only their "
            + "trials with -s STATUS.",
        discussion: "orion db rm NAME -s broken -f unblocks an experiment stopped by too many broken trials."
    )

    @OptionGroup var options: ExperimentOptions

    @Argument(help: "The experiment's name (or -n NAME).")
    var experimentName: String?

    @Option(name: [.customShort("s"), .long], help: "Delete only the trials with this status (* for all).")
    var status: String?

    @Flag(name: [.customShort("f"), .long], help: "Do not ask to type the name again.")
    var force = false

    func run() async throws {
        try await CommandRunner.run(verbose: options.verbose) {
            let name = try DbSupport.name(argument: experimentName, flag: options.name, verb: "rm")
            let context = try CommandContext(options: options)
            try await context.closingStorage {
                let latest = try await DbSupport.experiment(
                    named: name,
                    version: options.version,
                    storage: context.storage,
                    verb: "rm"
                )
                // As in Oríon: the named version (the latest without -v) with its child versions, whatever their
                // names (`-b other`); its parents stay.
                let stored = try await context.storage.experiments()
                let experiments = ExperimentTree.versions(under: latest, in: stored)
                let statuses = try status.map { text in
                    text == "*" ? TrialStatus.allCases : [try DatabaseMaintenance.status(named: text)]
                }
                try DbSupport.confirm(
                    root: latest,
                    stored: stored,
                    effect: statuses == nil
                        ? "These experiments will be deleted, with all their trials and their algorithms' states."
                        : "The trials with status \(status ?? "") of these experiments will be deleted.",
                    hints: [
                        "To act on one version and the versions below it, use -v VERSION; its parents stay.",
                        statuses == nil
                            ? "To delete only some trials, use -s STATUS (* for all)."
                            : "Without -s, the experiments themselves are deleted.",
                    ],
                    action: "rm",
                    force: force
                )
                if let statuses {
                    var trials = 0
                    for experiment in experiments.reversed() {
                        trials += try await DatabaseMaintenance.removeTrials(
                            status: statuses,
                            of: experiment,
                            storage: context.storage
                        )
                    }
                    print("\(trials) trials deleted")
                    return
                }
                // Read again: a hunt may have branched a version from one of these since the list above.
                let (deleted, removed) = try await DatabaseMaintenance.removeTree(
                    rootedAt: latest,
                    storage: context.storage
                )
                let shown = Set(experiments.map(\.id))
                for experiment in removed where !shown.contains(experiment.id) {
                    StandardStream.emit(
                        "note: \(experiment.displayName) was branched from one of these meanwhile: deleted too\n",
                        to: 2
                    )
                }
                print("\(deleted) trials deleted")
                print("\(removed.count) experiments deleted")
            }
        }
    }
}
