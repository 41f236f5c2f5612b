import ArgumentParser
import Foundation
import OrionCore
import OrionWorker

/// `orion db release NAME`: free a stuck experiment (its reserved trials become interrupted).
struct DbRelease: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Free a stuck experiment: its reserved trials become interrupted, to be run again.",
        discussion: """
            Use it only when no worker runs the experiment any more: a worker still running one of these trials \
            can no longer store its result. The algorithm lock needs no release: it is held by a transaction, \
            which ends with the process.
            """
    )

    @OptionGroup var options: ExperimentOptions

    @Argument(help: "The experiment's name (or -n NAME).")
    var experimentName: String?

    @Flag(name: [.customShort("f"), .long], help: "Do not ask to type the name again.")
    var force = false

    func run() async throws {
        try await CommandRunner.run(verbose: options.verbose) {
            let context = try CommandContext(options: options)
            try await context.closingStorage {
                let experiment = try await DbSupport.experiment(
                    named: experimentName ?? options.name,
                    version: options.version,
                    storage: context.storage,
                    verb: "release"
                )
                let stored = try await context.storage.experiments()
                let reservations = try await context.storage.reservations(of: experiment.id)
                let recent = Date().addingTimeInterval(-WorkerConfiguration().heartbeat.seconds)
                let fresh = reservations.filter { ($0.trial.heartbeat ?? .distantPast) > recent }.count
                try DbSupport.confirm(
                    root: experiment,
                    stored: stored,
                    effect: "The \(reservations.count) reserved trials of \(experiment.displayName) will become "
                        + "interrupted, to be run again."
                        + (fresh == 0
                            ? ""
                            : " \(fresh) of them reported within the last 2 minutes: their workers seem to run, and"
                                + " what those runs have done would be thrown away."),
                    hints: ["To release another version, use -v VERSION."],
                    action: "release",
                    force: force
                )
                let released = try await DatabaseMaintenance.release(experiment, storage: context.storage)
                print("Algorithm lock successfully released.")
                print("\(released) reserved trials released (now interrupted)")
            }
        }
    }
}
