import Foundation
import OrionCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A hunt, the use case behind `orion hunt`: create or resume an experiment, then run a worker on it until a stop
/// condition, and say why it stopped with the experiment's summary.
///
/// ```swift
/// let runner = HuntRunner(storage: storage, factory: AlgorithmRegistry.standard)
/// let prepared = try await runner.prepare(request)
/// let outcome = try await runner.run(prepared.experiment, executor: executor, configuration: configuration)
/// ```
///
/// Signals are the caller's business: forward them to ``interrupt(force:)``. The working directories are checked
/// before anything is written, so a bad one leaves no experiment behind.
public final class HuntRunner: Sendable {
    private struct Control {
        var worker: Worker?
        var interrupt: Bool?  // a pending interrupt (its `force`) that came before the worker existed
        var forced = false  // a forced interrupt came: what follows the worker (the cleanup) stops too
        var interruptedAt: ContinuousClock.Instant?  // the first interrupt: as forced once the stop's patience passed

        /// Whether to stop waiting for the storage: interrupted twice, or once more than `patience` ago.
        func isForced(patience: Duration) -> Bool {
            forced || interruptedAt.map { ContinuousClock.now - $0 > patience } == true
        }
    }

    /// The storage holding the experiment.
    public let storage: any Storage
    private let factory: any AlgorithmFactory
    private let environment: [String: String]
    private let currentDirectory: String
    private let control = Mutex(Control())
    /// How often a hunt removes old trial directories while it runs (``TrialDirectoryRetention``).
    private let cleanupInterval: Duration

    /// Creates a runner.
    ///
    /// - Parameters:
    ///   - storage: where the experiment is.
    ///   - factory: the algorithms available (`AlgorithmRegistry.standard`).
    ///   - environment: where `TMPDIR` and `USER` (the default working directory) are read.
    ///   - currentDirectory: what a relative working directory is relative to.
    ///   - cleanupInterval: how often a hunt removes old trial directories while it runs (every minute).
    public init(
        storage: any Storage,
        factory: any AlgorithmFactory,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        cleanupInterval: Duration = .seconds(60)
    ) {
        self.cleanupInterval = cleanupInterval
        self.storage = storage
        self.factory = factory
        self.environment = environment
        self.currentDirectory = currentDirectory
    }

    /// Creates the experiment or resumes the stored one (``ExperimentBuilder/build(_:storage:factory:)``), after
    /// checking the requested working directory, and the stored one when it is the one used.
    ///
    /// - Parameter request: the experiment asked for.
    /// - Returns: the experiment as stored now, with the changes applied to a stored one.
    /// - Throws: ``HuntError`` `.workingDirectory` for a directory where trials cannot run; the errors of
    ///   ``ExperimentBuilder/build(_:storage:factory:)``.
    public func prepare(_ request: ExperimentRequest) async throws -> ExperimentBuilder.Outcome {
        try Self.checkWorkingDirectory(request.workingDir, environment: environment, currentDirectory: currentDirectory)
        let outcome = try await ExperimentBuilder.build(request, storage: storage, factory: factory)
        if request.workingDir == nil, outcome.experiment.workingDir != nil {
            try Self.checkWorkingDirectory(
                outcome.experiment.workingDir,
                environment: environment,
                currentDirectory: currentDirectory
            )
        }
        return outcome
    }

    /// Runs a worker on a stored experiment until it stops, then reads the experiment's summary.
    ///
    /// - Parameters:
    ///   - experiment: the experiment (from ``prepare(_:)``).
    ///   - executor: runs each trial (a `ProcessExecutor` for a script).
    ///   - configuration: concurrency, limits and timings.
    ///   - retention: which trial directories are kept once the worker stops (``TrialDirectoryRetention``).
    ///   - checkingCode: the script's code version that each trial must start with (``CodeCheck``); `nil`: not
    ///     checked.
    ///   - onEvent: called for each produced, started and finished trial (from any thread).
    /// - Returns: why the worker stopped, what it did, and the experiment's summary.
    /// - Throws: the worker's errors (`StorageError`, `AlgorithmError`, `UnsavedResultsError`).
    public func run(
        _ experiment: Experiment,
        executor: any TrialExecutor,
        configuration: WorkerConfiguration = WorkerConfiguration(),
        retention: TrialDirectoryRetention = .keepAll,
        checkingCode: CodeCheck? = nil,
        onEvent: @escaping @Sendable (WorkerEvent) -> Void = { _ in }
    ) async throws -> HuntOutcome {
        let executor: any TrialExecutor =
            checkingCode.map { CodeCheckingExecutor(wrapped: executor, check: $0) } ?? executor
        let worker = Worker(
            experiment: experiment,
            storage: storage,
            factory: factory,
            executor: executor,
            configuration: configuration,
            workingDirectory: workingDirectory(for: experiment),
            onEvent: onEvent
        )
        let pending = control.withLock { control in
            control.worker = worker
            control.forced = control.interrupt ?? false
            defer { control.interrupt = nil }
            return control.interrupt
        }
        if let force = pending { worker.interrupt(force: force) }
        defer { control.withLock { $0.worker = nil } }
        let cleans = executor.needsWorkingDirectory && retention != .keepAll
        let directory = workingDirectory(for: experiment)
        let patience = configuration.stopPatience
        let forced: @Sendable () -> Bool = { [self] in control.withLock { $0.isForced(patience: patience) } }
        // A long hunt removes old trial directories as it goes, not only when it stops (tens of thousands of them
        // after a night of short trials; removing them all at the stop took a minute). Not with a fidelity, whose
        // promotions and population members load a parent's checkpoint long after it completed.
        let sweeper: Task<Void, Never>? =
            cleans && experiment.space.fidelity == nil
            ? Task { [storage, cleanupInterval] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: cleanupInterval)
                    guard !Task.isCancelled else { return }
                    _ = try? await retention.apply(
                        experimentID: experiment.id,
                        storage: storage,
                        in: directory,
                        stopsWhen: { Task.isCancelled || forced() }
                    )
                }
            } : nil
        let report: WorkerReport
        let abandoned: Bool
        do {
            (report, abandoned) = try await runUnlessHeldWhenForced(worker, forced: forced)
            sweeper?.cancel()
        } catch {
            sweeper?.cancel()
            throw error
        }
        if !abandoned { _ = await sweeper?.value }
        if report.stopReason == .interrupted, forced() {
            // Interrupted twice: no more storage calls (an unreachable server holds each for a minute).
            throw InterruptedHunt(report: report, summaryError: nil, abandonedStorageCall: abandoned)
        }
        do {
            var cleanup: TrialDirectoryRetention.Cleanup?
            if cleans, !forced() {
                // A trial below the top fidelity may be promoted or continued by a later hunt, until the experiment
                // is done.
                cleanup = try await retention.apply(
                    experimentID: experiment.id,
                    storage: storage,
                    in: directory,
                    promotions: .of(
                        experiment.space,
                        done: report.stopReason == .experimentDone,
                        algorithm: experiment.algorithm
                    ),
                    stopsWhen: forced
                )
            }
            // After an interrupt, not for longer than its patience (a server that is down holds each call for a
            // minute).
            guard
                let summary = try await Worker.unlessForced(
                    after: Worker.forcedPatience,
                    isForced: forced,
                    { [storage] in
                        try await ExperimentSummary(
                            experiment: experiment,
                            storage: storage,
                            inheritedCompleted: try await worker.producer.inheritedCompletedCount()
                        )
                    }
                )
            else {
                throw InterruptedHunt(report: report, summaryError: nil, abandonedStorageCall: true)
            }
            var outcome = HuntOutcome(report: report, summary: summary)
            outcome.trialDirectories = cleanup
            return outcome
        } catch let failure where report.stopReason == .interrupted {
            // The storage the worker could not reach either: the hunt was interrupted, which is what it says.
            throw InterruptedHunt(report: report, summaryError: failure)
        }
    }

    /// The worker's report once it stops, or once a second interrupt has given it a few seconds to stop.
    ///
    /// Interrupted twice (or once, ``WorkerConfiguration/stopPatience`` ago), the worker has ``Worker/forcedPatience``
    /// and a second more: then a storage call it still waits for (a reservation or a production on a locked file or
    /// an unreachable server, held up to a minute) is abandoned, and what the worker did so far is its report,
    /// stopped as interrupted. The call goes on in the background until the process exits; a trial it reserved comes
    /// back to other workers as any dead worker's does.
    ///
    /// - Returns: the report, and whether a call was abandoned.
    private func runUnlessHeldWhenForced(
        _ worker: Worker,
        forced: @escaping @Sendable () -> Bool
    ) async throws -> (report: WorkerReport, abandoned: Bool) {
        if let report = try await Worker.unlessForced(
            after: Worker.forcedPatience + .seconds(1),
            isForced: forced,
            { try await worker.run() }
        ) {
            return (report, false)
        }
        var report = await worker.state.report
        report.stopReason = .interrupted
        return (report, true)
    }

    /// Runs the user's command on a stored experiment until it stops: ``run(_:executor:configuration:onEvent:)``
    /// with a `ProcessExecutor` that gives the script this runner's environment.
    ///
    /// - Parameters:
    ///   - experiment: the experiment (from ``prepare(_:)``).
    ///   - command: the user's script and arguments, with priors.
    ///   - interruptCode: the exit code by which a script says it was interrupted.
    ///   - trialTimeout: how long a trial may run; `nil` for no limit.
    ///   - echoOutput: whether the scripts' output also goes to this process's stdout and stderr.
    ///   - pythonClient: whether the trials get swift-orion's light `orion.client` (``PythonClient``, installed under
    ///     `$TMPDIR/orion-$USER`) at the end of their `PYTHONPATH`.
    ///   - echo: where it goes (this process's stdout and stderr by default).
    ///   - configuration: concurrency, limits and timings.
    ///   - retention: which trial directories are kept once the worker stops.
    ///   - startDirectory: the directory the scripts run in; `nil`: this process's current directory.
    ///   - checkingCode: the script's code version that each trial must start with; `nil`: not checked.
    ///   - onEvent: called for each produced, started and finished trial (from any thread).
    /// - Returns: why the worker stopped, what it did, and the experiment's summary.
    /// - Throws: ``HuntError`` `.pythonClient` when the Python client cannot be written; the worker's errors
    ///   (`StorageError`, `AlgorithmError`, `UnsavedResultsError`).
    public func run(
        _ experiment: Experiment,
        command: UserCommand,
        interruptCode: Int32 = 130,
        trialTimeout: Duration? = nil,
        echoOutput: Bool = true,
        pythonClient: Bool = true,
        echo: OutputEcho = .standard,
        configuration: WorkerConfiguration = WorkerConfiguration(),
        retention: TrialDirectoryRetention = .keepAll,
        startDirectory: String? = nil,
        checkingCode: CodeCheck? = nil,
        onEvent: @escaping @Sendable (WorkerEvent) -> Void = { _ in }
    ) async throws -> HuntOutcome {
        let trialEnvironment = try trialEnvironment(pythonClient: pythonClient)
        let executor = ProcessExecutor(
            command: command,
            environment: trialEnvironment,
            interruptCode: interruptCode,
            echoOutput: echoOutput,
            echo: echo,
            trialTimeout: trialTimeout,
            startDirectory: startDirectory
        )
        return try await run(
            experiment,
            executor: executor,
            configuration: configuration,
            retention: retention,
            checkingCode: checkingCode,
            onEvent: onEvent
        )
    }

    /// Stops taking new trials and interrupts the running ones (with `force`, kills them); an interrupt while no run
    /// is going makes the next ``run(_:executor:configuration:onEvent:)`` stop at once.
    ///
    /// - Parameter force: kill the trials and stop retrying to store results.
    public func interrupt(force: Bool = false) {
        let worker = control.withLock { control -> Worker? in
            if control.worker == nil { control.interrupt = force || (control.interrupt ?? false) }
            if force { control.forced = true }
            control.interruptedAt = control.interruptedAt ?? .now
            return control.worker
        }
        worker?.interrupt(force: force)
    }

    /// The experiment's working directory: the configured one (made absolute; trials go in `<dir>/<trial id>` as
    /// in Oríon), else `$TMPDIR/orion-$USER/<name>-v<version>` (per user, so that users sharing a machine do not
    /// share a directory).
    ///
    /// - Parameter experiment: the experiment.
    /// - Returns: an absolute path.
    public func workingDirectory(for experiment: Experiment) -> String {
        if let directory = experiment.workingDir, !directory.isEmpty {
            return directory.hasPrefix("/") ? directory : currentDirectory + "/" + directory
        }
        return userDirectory + "/" + experiment.displayName
    }

    /// The environment trials run with, for the process executor and the Slurm executor alike.
    ///
    /// It is the hunt's, with swift-orion's light `orion.client` (``PythonClient``) installed under
    /// ``userDirectory`` and put on `PYTHONPATH` when `pythonClient` is on (Slurm jobs get the environment `sbatch`
    /// runs with). When `$TMPDIR` cannot take it, the client goes where Python's `tempfile` would go next: `/tmp`,
    /// `/var/tmp`, `/usr/tmp` where they exist (each `/orion-$USER`), so that a `TMPDIR` a hunt with `--working-dir`
    /// never uses does not stop it.
    ///
    /// - Throws: `HuntError` `.pythonClient` when the client cannot be written anywhere, saying why not under
    ///   `$TMPDIR`.
    public func trialEnvironment(pythonClient: Bool) throws -> [String: String] {
        guard pythonClient else { return environment }
        var roots = [userDirectory]
        // Those that exist, as Python's `tempfile` takes them (`/usr/tmp` was made as root).
        for temporary in ["/tmp", "/var/tmp", "/usr/tmp"] {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: temporary, isDirectory: &isDirectory), isDirectory.boolValue
            else { continue }
            let root = Self.userDirectory(under: temporary, environment: environment)
            if !roots.contains(root) { roots.append(root) }
        }
        var firstFailure: String?
        for root in roots {
            do {
                let directory = try PythonClient.install(under: root)
                return PythonClient.environment(environment, adding: directory)
            } catch {
                let reason = Self.unwritable(root).map(\.description) ?? error.localizedDescription
                firstFailure = firstFailure ?? "\(root) (\(reason))"
            }
        }
        throw HuntError(
            .pythonClient,
            "cannot write the Python client under \(firstFailure ?? userDirectory), nor under /tmp, /var/tmp or"
                + " /usr/tmp; set TMPDIR to a writable directory, or run with --no-python-client"
        )
    }

    /// `$TMPDIR/orion-$USER`: the parent of the default working directories and of the Python client.
    var userDirectory: String {
        Self.userDirectory(
            under: environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp",
            environment: environment
        )
    }

    /// `temporary/orion-$USER` (the user id when `USER` is not set): per user, so that users sharing a machine do
    /// not share a directory.
    static func userDirectory(under temporary: String, environment: [String: String]) -> String {
        let user = environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? String(getuid())
        return temporary + "/orion-" + user
    }

    /// Why directories cannot be made under a path: the first thing in the way.
    enum Unwritable: CustomStringConvertible {
        /// The path, or the ancestor given, is a file.
        case file(String)
        /// The path, or the ancestor given, is a directory this user cannot write to.
        case notWritable(String)
        /// Making the first missing directory (given) failed, with the system's reason.
        case refused(probe: String, reason: String)

        var description: String {
            switch self {
            case .file(let path): "\(path) is a file, not a directory"
            case .notWritable(let path): "\(path) is not writable by this user"
            case .refused(let probe, let reason): "making \(probe) failed: \(reason)"
            }
        }
    }

    /// What stops this user from making directories under `path` (an absolute path), or `nil` when nothing does.
    ///
    /// Permission bits are not the whole answer (root on /sys or /proc, a root-squashed NFS mount, a read-only
    /// mount that says writable): a directory of a name of its own is made in the nearest existing ancestor and
    /// removed. Not the first missing directory itself: hunts started together (a job array) made and removed it
    /// under each other, and one of them failed with "File exists" or a vanished parent (hBJ's re-check).
    static func unwritable(_ path: String) -> Unwritable? {
        let standardized = URL(fileURLWithPath: path).standardizedFileURL.path
        var existing = standardized
        var isDirectory: ObjCBool = false
        while !FileManager.default.fileExists(atPath: existing, isDirectory: &isDirectory) {
            existing = (existing as NSString).deletingLastPathComponent
        }
        guard isDirectory.boolValue else { return .file(existing) }
        guard access(existing, W_OK | X_OK) == 0 else { return .notWritable(existing) }
        guard existing != standardized else { return nil }
        let first =
            existing == "/"
            ? "/" + (standardized.dropFirst().split(separator: "/").first ?? "")
            : existing + "/" + (standardized.dropFirst(existing.count + 1).split(separator: "/").first ?? "")
        let probe = (existing == "/" ? "" : existing) + "/.orion-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard mkdir(probe, 0o700) == 0 else {
            let error = errno
            // Another hunt made the directory meanwhile: it can be made.
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: first, isDirectory: &isDirectory), isDirectory.boolValue {
                return nil
            }
            return .refused(probe: first, reason: String(cString: strerror(error)))
        }
        rmdir(probe)
        return nil
    }

    /// Checks that trials can get directories under `configured` (or, when it is `nil`, the default working
    /// directories' parent `$TMPDIR/orion-$USER`): it, or its nearest existing ancestor, must be a directory this
    /// user can write to, and make directories in (``unwritable(_:)``).
    ///
    /// - Parameters:
    ///   - configured: the configured working directory, if any.
    ///   - environment: where `TMPDIR` is read.
    ///   - currentDirectory: what a relative directory is relative to.
    /// - Throws: ``HuntError`` `.workingDirectory` saying what is wrong with the directory and which setting to
    ///   change.
    public static func checkWorkingDirectory(
        _ configured: String?,
        environment: [String: String],
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) throws(HuntError) {
        let directory: String
        let setting: String
        if let configured, !configured.isEmpty {
            directory = configured.hasPrefix("/") ? configured : currentDirectory + "/" + configured
            setting = "the working directory"
        } else {
            // `$TMPDIR/orion-$USER`, where the default working directories go: with `TMPDIR=/proc` the check passed
            // (root may write to /proc, as its permissions say) and making the directory failed in the worker.
            directory = userDirectory(
                under: environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp",
                environment: environment
            )
            setting = "the default working directories' parent ($TMPDIR/orion-$USER)"
        }
        let fix = "give a writable directory with --working-dir, experiment.working_dir or ORION_WORKING_DIR"
        let standardized = URL(fileURLWithPath: directory).standardizedFileURL.path
        switch unwritable(standardized) {
        case nil:
            return
        case .file(let existing):
            let what =
                existing == standardized ? "is a file, not a directory" : "cannot be created: \(existing) is a file"
            throw HuntError(.workingDirectory, "\(setting) \(standardized) \(what); \(fix)")
        case .notWritable(let existing):
            let what = existing == standardized ? "is not writable" : "cannot be created: \(existing) is not writable"
            throw HuntError(.workingDirectory, "\(setting) \(standardized) \(what) by this user; \(fix)")
        case .refused(let probe, let reason):
            // Said here in one line: it was Foundation's error text, exit 1, when the first trial's directory was
            // made.
            throw HuntError(
                .workingDirectory,
                "\(setting) \(standardized) cannot be created: making \(probe) failed (\(reason)); \(fix)"
            )
        }
    }
}

/// A hunt that was interrupted and then did not read its summary.
///
/// Interrupted twice (the summary is not read then), or the summary failed (the storage the worker could not reach
/// either): the caller says the hunt was interrupted, with the reason as a note.
public struct InterruptedHunt: Error, Sendable {
    /// What the worker did (its unsaved results among them).
    public var report: WorkerReport
    /// Why the summary could not be read; `nil` when it was not read (interrupted twice).
    public var summaryError: (any Error)?
    /// Whether the worker still waited for a storage call when it was interrupted twice, and the call was left
    /// to finish in the background.
    public var abandonedStorageCall = false
}

/// How a hunt ended: why its worker stopped, what it did, and the experiment's summary after it.
public struct HuntOutcome: Codable, Sendable, Equatable {
    /// What the worker did and why it stopped.
    public var report: WorkerReport
    /// The experiment's counts, best trial and timing after the hunt.
    public var summary: ExperimentSummary
    /// The trial directories removed by the retention policy after the worker stopped; `nil` when every directory
    /// is kept.
    public var trialDirectories: TrialDirectoryRetention.Cleanup?

    /// Creates an outcome.
    ///
    /// - Parameters:
    ///   - report: what the worker did.
    ///   - summary: the experiment's summary after it.
    public init(report: WorkerReport, summary: ExperimentSummary) {
        var report = report
        // A slot that found nothing to run for --idle-timeout while the others finished the last trials: the
        // experiment is done, which is what the hunt says.
        if [.idle, .stalled].contains(report.stopReason), summary.stats.reachedMaxTrials {
            report.stopReason = .experimentDone
        }
        self.report = report
        self.summary = summary
    }

    /// Why the worker stopped.
    public var stopReason: StopReason { report.stopReason }

    /// Whether the hunt failed: too many broken trials (for this worker or the experiment).
    public var isFailure: Bool {
        stopReason == .workerMaxBroken || stopReason == .experimentBroken || stopReason == .cannotStart
    }
}

/// Why a hunt cannot start.
public struct HuntError: OrionError {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// Trials cannot get directories under the working directory.
        case workingDirectory
        /// The light Python client cannot be written.
        case pythonClient
    }

    /// What went wrong.
    public var code: Code
    /// One line saying what happened and how to fix it.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: what went wrong.
    ///   - message: one line saying what happened and how to fix it.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A setting the user gave (or left to its default) is unusable: a usage error.
    public var kind: ErrorKind { .usage }
}
