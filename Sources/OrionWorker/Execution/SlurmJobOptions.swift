import Foundation
import OrionCore
import Synchronization

/// The resources of the Slurm jobs that `orion` submits (one per trial with ``SlurmExecutor``, or one job array of
/// workers): `worker.executor_configuration` when `worker.executor` is `slurm`.
///
/// Each option maps to the `sbatch` option of the same meaning; `nil` leaves Slurm's (or the site's) default.
public struct SlurmJobOptions: Sendable, Equatable {
    /// `--partition`.
    public var partition: String?
    /// `--time`, in Slurm's format (`30`, `1:00:00`, `2-00:00:00`).
    public var time: String?
    /// `--gpus` (`1`, `a100:2`).
    public var gpus: String?
    /// `--cpus-per-task`.
    public var cpus: Int?
    /// `--mem` (`8G`, `16000M`).
    public var mem: String?
    /// `--account`.
    public var account: String?
    /// More `sbatch` arguments, given as they are (`["--qos=high", "--constraint=v100"]`).
    public var extraArguments: [String]
    /// How often a trial's job is checked with `scontrol show job` while it runs.
    public var pollInterval: Duration
    /// How long a query or a cancellation (`scontrol`, `scancel`) may take before it counts as unanswered.
    public var queryTimeout: Duration

    /// The default ``queryTimeout``: against an unreachable controller a query takes about a minute to fail
    /// (Slurm's `MessageTimeout`, retried), while the hunt must go on looking at the jobs' exit-status files and at
    /// interrupts.
    public static let defaultQueryTimeout: Duration = .seconds(10)

    /// Creates the options; every resource is left to Slurm's default unless given.
    ///
    /// - Parameters:
    ///   - partition: `--partition`.
    ///   - time: `--time`, in Slurm's format.
    ///   - gpus: `--gpus`.
    ///   - cpus: `--cpus-per-task`.
    ///   - mem: `--mem`.
    ///   - account: `--account`.
    ///   - extraArguments: more `sbatch` arguments.
    ///   - pollInterval: how often a running job is checked.
    ///   - queryTimeout: how long a query or a cancellation may take (``defaultQueryTimeout``).
    public init(
        partition: String? = nil,
        time: String? = nil,
        gpus: String? = nil,
        cpus: Int? = nil,
        mem: String? = nil,
        account: String? = nil,
        extraArguments: [String] = [],
        pollInterval: Duration = .seconds(1),
        queryTimeout: Duration = SlurmJobOptions.defaultQueryTimeout
    ) {
        self.partition = partition
        self.time = time
        self.gpus = gpus
        self.cpus = cpus
        self.mem = mem
        self.account = account
        self.extraArguments = extraArguments
        self.pollInterval = pollInterval
        self.queryTimeout = queryTimeout
    }

    /// The `sbatch` arguments for these resources, then ``extraArguments``.
    public var sbatchArguments: [String] {
        var arguments: [String] = []
        if let partition { arguments.append("--partition=\(partition)") }
        if let time { arguments.append("--time=\(time)") }
        if let gpus { arguments.append("--gpus=\(gpus)") }
        if let cpus { arguments.append("--cpus-per-task=\(cpus)") }
        if let mem { arguments.append("--mem=\(mem)") }
        if let account { arguments.append("--account=\(account)") }
        return arguments + extraArguments
    }

    /// A duration as Slurm's `--time` (`days-hours:minutes:seconds`), rounded up to the next whole minute, since
    /// Slurm counts time limits in minutes.
    ///
    /// - Parameter duration: the time limit.
    /// - Returns: e.g. `0-01:30:00`.
    public static func slurmTime(_ duration: Duration) -> String {
        let minutes = max(1, Int((duration.seconds / 60).rounded(.up)))
        let days = minutes / 1440
        let hours = minutes % 1440 / 60
        return String(format: "%d-%02d:%02d:00", days, hours, minutes % 60)
    }

    /// The job states after which a job will not run again (`squeue`'s and `scontrol`'s `JobState`).
    public static let finalStates: Set<String> = [
        "BOOT_FAIL", "CANCELLED", "COMPLETED", "DEADLINE", "FAILED", "NODE_FAIL", "OUT_OF_MEMORY", "PREEMPTED",
        "TIMEOUT",
    ]
}

/// Runs Slurm's commands (`sbatch`, `scontrol`, `scancel`) as child processes, off the Swift concurrency pool.
enum SlurmCommand {
    /// What a command printed and how it ended.
    struct Output: Sendable {
        /// The exit status (127 when the command could not be started).
        var status: Int32
        /// Its standard output.
        var stdout: String
        /// Its standard error.
        var stderr: String

        /// One line saying how it failed.
        var failure: String {
            let message = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            if status == 127, message.isEmpty {
                return "the command was not found: is Slurm installed and on the PATH?"
            }
            return message.isEmpty ? "exit status \(status)" : message
        }
    }

    /// Runs `arguments` (the command found on the environment's `PATH`) and waits for it on a thread of its own.
    ///
    /// - Parameters:
    ///   - arguments: the command and its arguments.
    ///   - environment: its environment.
    ///   - timeout: how long it may run; past it, it is terminated and its status is 124 (`timeout`'s), with a
    ///     standard error saying so. `nil`: no limit.
    ///   - stopsWhen: checked every 100 ms while it runs: once `true`, it is ended as at its timeout (a second
    ///     Ctrl-C stops waiting for a controller that does not answer).
    /// - Returns: its output and status.
    static func run(
        _ arguments: [String],
        environment: [String: String],
        timeout: Duration? = nil,
        stopsWhen: (@Sendable () -> Bool)? = nil
    ) async -> Output {
        await withCheckedContinuation { (continuation: CheckedContinuation<Output, Never>) in
            let thread = Thread {
                continuation.resume(
                    returning: runNow(arguments, environment: environment, timeout: timeout, stopsWhen: stopsWhen)
                )
            }
            thread.stackSize = 1 << 18
            thread.start()
        }
    }

    /// The blocking core of ``run(_:environment:timeout:stopsWhen:)``.
    private static func runNow(
        _ arguments: [String],
        environment: [String: String],
        timeout: Duration?,
        stopsWhen: (@Sendable () -> Bool)?
    ) -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = environment
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return Output(status: 127, stdout: "", stderr: "cannot run \(arguments.joined(separator: " ")): \(error)")
        }
        // Standard error on a thread of its own, so that neither pipe can fill up while the other is read.
        let errors = ErrorText()
        let reader = Thread { errors.set(stderr.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let expired = Mutex(false)
        if timeout != nil || stopsWhen != nil {
            let deadline = timeout.map { ContinuousClock.now + $0 }
            let pid = process.processIdentifier
            @Sendable func watch() {
                guard process.isRunning else { return }
                if deadline.map({ ContinuousClock.now >= $0 }) == true || stopsWhen?() == true {
                    expired.withLock { $0 = true }
                    // SIGKILL: a child started from a thread that blocks SIGTERM (the hunt's signal handling)
                    // inherits the blocked mask, and a query has nothing to save.
                    kill(pid, SIGKILL)
                    return
                }
                DispatchQueue.global().asyncAfter(deadline: .now() + 0.1) { watch() }
            }
            watch()
        }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errorData = errors.wait()
        if expired.withLock({ $0 }) {
            let within = timeout.map { " within \(String(format: "%g", $0.seconds)) s" } ?? ""
            return Output(status: 124, stdout: "", stderr: "\(arguments[0]) did not answer\(within)")
        }
        return Output(
            status: process.terminationStatus,
            stdout: String(decoding: output, as: UTF8.self),
            stderr: String(decoding: errorData, as: UTF8.self)
        )
    }

    /// Waits for `duration`, even in a cancelled task.
    ///
    /// - Parameter duration: how long.
    static func pause(_ duration: Duration) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().asyncAfter(deadline: .now() + duration.seconds) { continuation.resume() }
        }
    }

    /// `Key=Value` fields of `scontrol show job -o` (one line, fields separated by spaces).
    ///
    /// - Parameter text: `scontrol`'s output.
    /// - Returns: the fields by key (a value with spaces keeps only its first word).
    static func fields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            guard let equals = word.firstIndex(of: "=") else { continue }
            let key = String(word[..<equals])
            if fields[key] == nil { fields[key] = String(word[word.index(after: equals)...]) }
        }
        return fields
    }
}

/// Standard error read by another thread, handed over once read.
private final class ErrorText: @unchecked Sendable {
    private let condition = NSCondition()
    private var data: Data?

    func set(_ value: Data) {
        condition.lock()
        data = value
        condition.signal()
        condition.unlock()
    }

    func wait() -> Data {
        condition.lock()
        defer { condition.unlock() }
        while data == nil { condition.wait() }
        return data ?? Data()
    }
}
