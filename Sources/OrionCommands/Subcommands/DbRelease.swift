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

    /// What the release does: the reserved trials it makes interrupted, and how many of them seem to run (reported
    /// within a default heartbeat, 2 minutes).
    static func effect(of experiment: Experiment, reserved: Int, recent: Int) -> String {
        let name = experiment.displayName
        switch reserved {
        case 0: return "No trial of \(name) is reserved: no trial will change."
        case 1:
            return "The reserved trial of \(name) will become interrupted, to be run again."
                + (recent == 0
                    ? ""
                    : " It reported within the last 2 minutes: its worker seems to run, and what that run has done"
                        + " would be thrown away.")
        default:
            return "The \(reserved) reserved trials of \(name) will become interrupted, to be run again."
                + (recent == 0
                    ? ""
                    : " \(recent) of them reported within the last 2 minutes: their workers seem to run, and what"
                        + " those runs have done would be thrown away.")
        }
    }

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
                    effect: Self.effect(of: experiment, reserved: reservations.count, recent: fresh),
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
