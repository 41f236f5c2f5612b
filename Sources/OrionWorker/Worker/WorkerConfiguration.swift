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
    /// This worker's name, stored on the trials it reserves (`host:pid`).
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
        workerName: String = WorkerConfiguration.defaultWorkerName()
    ) {
        self.concurrency = max(1, concurrency)
        self.poolSize = poolSize
        self.maxTrials = maxTrials
        self.maxBroken = maxBroken
        self.idleTimeout = idleTimeout
        self.heartbeat = heartbeat
        self.lockTimeout = lockTimeout
        self.workerName = workerName
    }

    /// `host:pid` of this process.
    public static func defaultWorkerName() -> String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// How often a running trial's heartbeat is refreshed: a quarter of the lost-trial threshold.
    var heartbeatInterval: Duration { heartbeat / 4 }

    /// Trials produced per algorithm call.
    var effectivePoolSize: Int { poolSize > 0 ? poolSize : concurrency }
}

/// Why a worker stopped.
public enum StopReason: Sendable, Equatable {
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
    /// Ctrl-C or SIGTERM.
    case interrupted
}

/// What a worker did.
public struct WorkerReport: Sendable, Equatable {
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
}

/// What a worker tells its observer (the CLI's progress line or log).
public enum WorkerEvent: Sendable {
    /// Trials were produced by the algorithm.
    case produced([Trial])
    /// A trial was reserved and starts.
    case started(Trial)
    /// A trial ended (completed, broken or interrupted); the trial carries its final status.
    case finished(Trial)
    /// A trial's result was discarded because the trial was lost to another worker meanwhile.
    case lost(Trial)
}
