import Foundation
import OrionCore

/// How one worker process runs trials: concurrency, its own limits, and the timing of heartbeats and retries.
public struct WorkerConfiguration: Sendable {
    /// Trials run at once in this process (`--n-workers`).
    public var concurrency: Int
    /// Trials produced per algorithm call; 0 means `concurrency` (`--pool-size`).
    public var poolSize: Int
    /// Trials this worker completes before it stops (`--worker-max-trials`); `nil` is unlimited.
    public var maxTrials: Int?
    /// Broken trials this worker tolerates before it stops (`--worker-max-broken`).
    public var maxBroken: Int
    /// How long the worker waits with nothing to run before it stops (`--idle-timeout`).
    public var idleTimeout: Duration
    /// A reserved trial whose heartbeat is older than this is lost and runs again (`--heartbeat`).
    public var heartbeat: Duration
    /// How long to wait for the algorithm lock held by another worker.
    public var lockTimeout: Duration
    /// How long the hunt loop keeps retrying a storage that fails transiently before it gives up with the error.
    ///
    /// Transient: locked by another process, unavailable for a moment. A result that a trial produced is retried
    /// without limit (until stored, or the trial is provably another worker's, or a second interrupt, or
    /// ``stopPatience`` after a first one).
    public var storagePatience: Duration
    /// How long the storage fails transiently before the worker says so (``WorkerEvent/storageFailing(trial:reason:)``),
    /// once per spell of failures: a lock held for a moment is normal, a full disk or a server that went away is not.
    public var storageWarningAfter: Duration
    /// How long, after a first interrupt (Ctrl-C, SIGTERM), outcomes are retried while the storage fails.
    ///
    /// The storage may fail or hold the call (a server that is down); then they are reported unsaved (a result is kept
    /// beside its trial) and the worker stops, as after a second interrupt. Counted from the interrupt: the scripts
    /// get 10 s to stop (then SIGKILL), their outcomes at least 10 s more, and the hunt ends before Slurm's SIGKILL,
    /// 30 s after its SIGTERM by default.
    public var stopPatience: Duration = .seconds(20)
    /// This worker's name, stored on the trials it reserves (`host@machine:pid`): a worker on the same host whose pid no
    /// longer exists is dead, and its trials are released at once.
    public var workerName: String

    /// Creates a configuration with Oríon's defaults.
    public init(
        concurrency: Int = 1,
        poolSize: Int = 0,
        maxTrials: Int? = nil,
        maxBroken: Int = 3,
        idleTimeout: Duration = .seconds(60),
        heartbeat: Duration = .seconds(120),
        lockTimeout: Duration = .seconds(60),
        storagePatience: Duration = .seconds(600),
        storageWarningAfter: Duration = .seconds(10),
        workerName: String = WorkerConfiguration.defaultWorkerName()
    ) {
        self.concurrency = max(1, concurrency)
        self.poolSize = poolSize
        self.maxTrials = maxTrials
        self.maxBroken = maxBroken
        self.idleTimeout = idleTimeout
        self.heartbeat = heartbeat
        self.lockTimeout = lockTimeout
        self.storagePatience = storagePatience
        self.storageWarningAfter = storageWarningAfter
        self.workerName = workerName
    }

    /// `host@machine:pid` of this process (``machine``).
    public static func defaultWorkerName() -> String {
        let host = ProcessInfo.processInfo.hostName + (machine.map { "@" + $0 } ?? "")
        return "\(host):\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// What tells this machine and PID namespace from any other with the same host name: 8 hexadecimal digits of a
    /// digest of the kernel's boot id (another machine, or this one after a reboot) and of the PID namespace
    /// (another container), or `nil` without `/proc`.
    ///
    /// A worker judges the holder of a trial by its pid only when the holder's name has its own host and machine:
    /// pids are those of one namespace. By the host name alone, a worker in another container with the same host
    /// name (Docker's `--uts=host`, a fixed `hostname:`) took a live process of its own namespace for the dead
    /// holder, and the trial stayed reserved for ever (hBM's probe); the reverse, a live holder whose pid does not
    /// exist here, would have had its trial taken at once. Names without it (written by earlier versions) are
    /// judged by their heartbeat alone.
    public static let machine: String? = {
        guard let boot = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8),
            let namespace = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid")
        else { return nil }
        return String(MD5.hex(boot.trimmingCharacters(in: .whitespacesAndNewlines) + " " + namespace).prefix(8))
    }()

    /// The host and pid of a worker name `host:pid` (the host with its machine, `host@machine`, as
    /// ``defaultWorkerName()`` writes it), or `nil` when the name is not of that form.
    ///
    /// - Parameter name: a worker name.
    /// - Returns: the host and the pid.
    public static func hostAndPID(of name: String) -> (host: String, pid: Int32)? {
        guard let colon = name.lastIndex(of: ":"), let pid = Int32(name[name.index(after: colon)...]), pid > 0
        else { return nil }
        return (String(name[..<colon]), pid)
    }

    /// How often a running trial's heartbeat is refreshed: a quarter of the lost-trial threshold.
    var heartbeatInterval: Duration { heartbeat / 4 }

    /// Trials produced per algorithm call.
    var effectivePoolSize: Int { poolSize > 0 ? poolSize : concurrency }
}

/// Why a worker stopped.
public enum StopReason: String, Codable, Sendable, Equatable, CustomStringConvertible {
    /// The experiment reached its number of trials, or the algorithm is done and nothing is pending.
    case experimentDone
    /// The experiment has `maxBroken` broken trials or more.
    case experimentBroken
    /// This worker completed `maxTrials` trials.
    case workerMaxTrials
    /// This worker saw `maxBroken` of its trials break.
    case workerMaxBroken
    /// Nothing to run for `idleTimeout` (other workers hold the remaining trials).
    case idle
    /// Nothing to run for `idleTimeout`, and no trial is running or waiting: the algorithm suggests nothing until
    /// results that will not come (trials removed or changed by a command while it waited for them).
    case stalled
    /// Ctrl-C or SIGTERM.
    case interrupted
    /// The executor could not start a trial, for a reason that holds for every trial (`sbatch` refused the job).
    case cannotStart

    /// One line saying why the worker stopped, for the hunt's summary.
    public var description: String {
        switch self {
        case .experimentDone:
            "the experiment is done: it has its max trials completed, or its algorithm has nothing left to suggest"
        case .experimentBroken: "the experiment has reached its max broken trials"
        case .workerMaxTrials: "this worker completed its max trials (worker.max_trials, --worker-max-trials)"
        case .workerMaxBroken: "this worker reached its max broken trials (worker.max_broken, --worker-max-broken)"
        case .idle:
            "nothing to run for its idle timeout (worker.idle_timeout, --idle-timeout): the other workers hold the "
                + "remaining trials, and they are alive"
        case .stalled:
            "nothing to run for its idle timeout (worker.idle_timeout, --idle-timeout): no trial is running or "
                + "waiting, and the algorithm suggests none "
                + "(its new draws all repeat trials it has, as in a small or concentrated space such as poisson(3); "
                + "or it waits for results of trials that were removed or changed, e.g. by orion db rm or db set); "
                + "see orion status --all"
        case .interrupted: "interrupted (Ctrl-C or SIGTERM); the interrupted trials run again on the next hunt"
        case .cannotStart:
            "a trial could not be started (see the error); it runs again on the next hunt, once that is fixed"
        }
    }
}

/// A result that a trial produced but the worker could not store (the storage kept failing until the worker was
/// stopped).
public struct UnsavedResult: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The trial.
    public var trialID: String
    /// The trial's results file, where the script's results are kept, if it has one.
    public var resultsPath: String?
    /// The last storage error.
    public var reason: String

    /// Creates an unsaved result.
    ///
    /// - Parameters:
    ///   - trialID: the trial.
    ///   - resultsPath: where the results are kept on disk, if anywhere.
    ///   - reason: the last storage error.
    public init(trialID: String, resultsPath: String?, reason: String) {
        self.trialID = trialID
        self.resultsPath = resultsPath
        self.reason = reason
    }

    /// `the result of trial ID could not be stored (REASON); it is kept in PATH, and the trial's next run in that
    /// working directory stores it instead of running again`.
    public var description: String { description(saying: reason) }

    /// ``description`` with `why` in place of the reason (`the same error`, after that error was said once).
    public func description(saying why: String) -> String {
        "the result of trial \(trialID) could not be stored (\(why)); "
            + (resultsPath.map {
                "it is kept in \($0), and the trial's next run in that working directory stores it instead of running "
                    + "again"
            }
                ?? "it is lost")
    }
}

/// What a worker did.
public struct WorkerReport: Codable, Sendable, Equatable {
    /// Trials this worker completed.
    public var completed = 0
    /// Trials of this worker that broke.
    public var broken = 0
    /// Trials of this worker that were interrupted.
    public var interrupted = 0
    /// Why it stopped.
    public var stopReason: StopReason = .experimentDone
    /// The reason of the last broken trial, if any.
    public var lastFailure: String?
    /// The standard error log of the last broken trial, when its script ran in a working directory of its own.
    public var lastFailureLog: String?
    /// Results this worker could not store before it stopped, with where they are kept.
    public var unsavedResults: [UnsavedResult] = []
    /// Trials of dead workers (on this host) that this worker released at once.
    public var reclaimed = 0
}

/// What a worker tells its observer (the CLI's progress line or log).
public enum WorkerEvent: Sendable {
    /// Trials were produced by the algorithm.
    case produced([Trial])
    /// A trial was reserved and starts.
    case started(Trial)
    /// A trial ended (completed, broken or interrupted); the trial carries its final status.
    case finished(Trial)
    /// A trial's result was discarded because the trial was lost to another worker meanwhile (its heartbeat or
    /// its final write was refused: another worker may hold it now).
    case lost(Trial)
    /// The storage has failed with transient errors for ``WorkerConfiguration/storageWarningAfter`` and the worker
    /// keeps retrying: the result of `trial` until it is stored (or a second interrupt), any other operation for
    /// ``WorkerConfiguration/storagePatience`` (`trial` is then `nil`). Sent once per spell of failures.
    case storageFailing(trial: Trial?, reason: String)
    /// The stored algorithm state could not be used (`reason`: corrupted, written by another version, saved for
    /// another algorithm); it was reset and the algorithm rebuilt from every trial of the experiment.
    case algorithmRebuilt(reason: String)
    /// The worker stopped taking trials because too many broke (`reason`), and waits for `count` trials its other
    /// slots still run to end. Sent once, by the first slot that stops.
    case stoppingWhileRunning(reason: StopReason, count: Int)
    /// The worker has had nothing to run for its idle timeout but goes on waiting: these trials, reserved by other
    /// workers, have not reported since it became idle, so their workers may be dead; it waits until they finish or
    /// their heartbeat is late. Sent once per spell of waiting.
    case waitingForOthers([Trial])
    /// These trials were held by a worker of this host that died; its guardian is still stopping their scripts (SIGKILL
    /// at most the grace period after the death), and they run here once it has. Sent once per trial.
    case waitingForStoppedWorker([Trial])
    /// A trial with a parent (a promotion, a population member) starts in an empty directory: its parent's directory
    /// `parent` is gone, so the script finds no checkpoint there. Sent before its `.started`.
    case parentDirectoryMissing(Trial, parent: String)
    /// The number of trials of parent versions that count toward the experiment's max trials (a child version's;
    /// sent at each check of the max trials, so that a progress line can count them).
    case inherited(count: Int)
    /// A trial's run was ended by someone else (its Slurm job cancelled, preempted or requeued), for `reason`: the
    /// trial is released to run again (``Worker/requeueLimit`` times at most in this worker). Sent before its
    /// `.finished` (interrupted).
    case requeued(Trial, reason: String)
}
