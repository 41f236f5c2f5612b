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

    /// What the release does: the reserved trials it makes interrupted, when their workers last reported, and how
    /// many of them are held by an `orion` process still running on this machine.
    ///
    /// - Parameters:
    ///   - experiment: the experiment released.
    ///   - ages: for each reserved trial, how long ago its worker last reported (seconds; nil: never).
    ///   - runningHere: how many are held by a live worker of this machine.
    /// - Returns: one paragraph.
    static func effect(of experiment: Experiment, ages: [Double?], runningHere: Int) -> String {
        let name = experiment.displayName
        guard !ages.isEmpty else { return "No trial of \(name) is reserved: no trial will change." }
        func span(_ seconds: Double) -> String {
            seconds < 120 ? "\(Int(seconds.rounded())) s" : "\(Int((seconds / 60).rounded())) min"
        }
        let known = ages.compactMap { $0 }.sorted()
        let one = ages.count == 1
        var text =
            one
            ? "The reserved trial of \(name) will become interrupted, to be run again."
            : "The \(ages.count) reserved trials of \(name) will become interrupted, to be run again."
        if let latest = known.first.map(span), let oldest = known.last.map(span) {
            text +=
                " \(one ? "Its worker" : "Their workers") last reported "
                + (latest == oldest ? latest : "\(latest) to \(oldest)") + " ago."
        }
        if runningHere > 0 {
            text +=
                one
                ? " It is held by a process still running on this machine (orion, or a program using its library)."
                : " \(runningHere) of them \(runningHere == 1 ? "is" : "are") held by processes still running on this"
                    + " machine (orion, or a program using its library)."
        }
        return text + " A run that still goes on is thrown away, and stopped when its trial runs again on its machine."
    }

    func run() async throws {
        try await CommandRunner.run(verbose: options.verbose) {
            let name = try DbSupport.name(argument: experimentName, flag: options.name, verb: "release")
            let context = try CommandContext(options: options)
            try await context.closingStorage {
                let experiment = try await DbSupport.experiment(
                    named: name,
                    version: options.version,
                    storage: context.storage,
                    verb: "release"
                )
                let stored = try await context.storage.experiments()
                let reservations = try await context.storage.reservations(of: experiment.id)
                let now = Date()
                let ages = reservations.map { $0.trial.heartbeat.map { max(0, now.timeIntervalSince($0)) } }
                let runningHere = reservations.filter { Worker.isHeldByALiveWorkerHere($0.trial) }.count
                try DbSupport.confirm(
                    root: experiment,
                    stored: stored,
                    effect: Self.effect(of: experiment, ages: ages, runningHere: runningHere),
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
