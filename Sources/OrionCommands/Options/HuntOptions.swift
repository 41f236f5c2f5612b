import ArgumentParser

/// The flags of `orion hunt`, with Oríon's names.
struct HuntOptions: ParsableArguments {
    @Option(name: [.customLong("exp-max-trials"), .customLong("max-trials")], help: "Trials to complete in total.")
    var expMaxTrials: Int?

    @Option(name: .customLong("exp-max-broken"), help: "Broken trials after which the experiment stops (default 3).")
    var expMaxBroken: Int?

    @Option(name: .customLong("working-dir"), help: "Directory under which each trial gets its own directory.")
    var workingDir: String?

    @Option(
        name: [.customLong("worker-max-trials"), .customLong("worker-trials")],
        help: "Trials this process completes before it exits."
    )
    var workerMaxTrials: Int?

    @Option(name: .customLong("worker-max-broken"), help: "Broken trials after which this process stops (default 3).")
    var workerMaxBroken: Int?

    @Option(name: .customLong("n-workers"), help: "Trials run at once by this process (default 1).")
    var nWorkers: Int?

    @Option(name: .customLong("pool-size"), help: "Trials produced per algorithm call (default: --n-workers).")
    var poolSize: Int?

    @Option(
        name: .customLong("heartbeat"),
        help: "Seconds without heartbeat after which a trial is lost (default 120)."
    )
    var heartbeat: Double?

    @Option(
        name: [.customLong("idle-timeout"), .customLong("max-idle-time")],
        help: "Seconds with nothing to run before this process exits (default 60)."
    )
    var idleTimeout: Double?

    @Option(name: .customLong("interrupt-signal-code"), help: "Exit code meaning 'interrupted' (default 130).")
    var interruptSignalCode: Int32?

    @Option(name: .customLong("user-script-config"), help: "The script option that names its config file.")
    var userScriptConfig: String?

    @Option(name: .customLong("executor"), help: "Accepted for Oríon compatibility; trials run as child processes.")
    var executor: String?

    @Flag(name: .customLong("init-only"), help: "Create or update the experiment, run nothing.")
    var initOnly = false
}
