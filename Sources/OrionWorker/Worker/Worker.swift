import Foundation
import OrionCore
import Synchronization

/// The hunt loop of one process: produce → reserve → execute → report, with `concurrency` trials at once,
/// until the experiment or the worker reaches a limit, or it is interrupted.
///
/// Any number of workers, in any number of processes on any number of machines, can run on one experiment: they
/// share nothing but the storage. Producing happens under the algorithm lock, reserving is atomic, and results are
/// written with a compare-and-set on the `reserved` status.
public final class Worker: Sendable {
    private let experiment: Experiment
    private let storage: any Storage
    private let executor: any TrialExecutor
    private let configuration: WorkerConfiguration
    private let producer: TrialProducer
    private let workingDirectory: String
    private let onEvent: @Sendable (WorkerEvent) -> Void
    private let state: WorkerState

    /// Creates a worker.
    ///
    /// - Parameters:
    ///   - experiment: the experiment to work on (already stored).
    ///   - storage: the storage holding it.
    ///   - factory: makes and decodes the experiment's algorithm.
    ///   - executor: runs each trial's objective.
    ///   - configuration: concurrency, limits and timings.
    ///   - workingDirectory: the experiment's working directory; each trial runs in `<dir>/<trial id>`.
    ///   - onEvent: called for each produced, started and finished trial (from any thread).
    public init(
        experiment: Experiment,
        storage: any Storage,
        factory: any AlgorithmFactory,
        executor: any TrialExecutor,
        configuration: WorkerConfiguration = WorkerConfiguration(),
        workingDirectory: String,
        onEvent: @escaping @Sendable (WorkerEvent) -> Void = { _ in }
    ) {
        self.experiment = experiment
        self.storage = storage
        self.executor = executor
        self.configuration = configuration
        self.workingDirectory = workingDirectory
        self.onEvent = onEvent
        self.producer = TrialProducer(
            experiment: experiment,
            storage: storage,
            factory: factory,
            lockTimeout: configuration.lockTimeout
        )
        self.state = WorkerState(configuration: configuration)
    }

    /// Runs trials until a stop condition; returns what this worker did.
    ///
    /// - Throws: `StorageError` when the storage fails, `AlgorithmError` when the algorithm cannot produce.
    public func run() async throws -> WorkerReport {
        if executor.needsWorkingDirectory {
            try FileManager.default.createDirectory(atPath: workingDirectory, withIntermediateDirectories: true)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<configuration.concurrency {
                group.addTask { try await self.runSlot() }
            }
            try await group.waitForAll()
        }
        return await state.report
    }

    /// Stops taking new trials and interrupts running ones; with `force`, kills them.
    public func interrupt(force: Bool = false) {
        state.interruptFlag.withLock { $0 = true }
        executor.interruptAll(force: force)
    }

    private var isInterrupted: Bool { state.interruptFlag.withLock { $0 } }

    private func runSlot() async throws {
        while let trial = try await nextTrial() {
            onEvent(.started(trial))
            let outcome = await execute(trial)
            try await record(outcome, of: trial)
        }
    }

    /// The next trial to run, or `nil` when this slot should stop.
    private func nextTrial() async throws -> Trial? {
        var backoff: Duration = .milliseconds(5)
        var idleSince = ContinuousClock.now
        while true {
            if isInterrupted {
                await state.stop(.interrupted)
                return nil
            }
            if await state.stopReason != nil { return nil }
            if await state.reachedOwnLimits() { return nil }

            let counts = try await storage.countTrials(of: experiment.id)
            if let maxTrials = experiment.maxTrials, counts[.completed, default: 0] >= maxTrials {
                await state.stop(.experimentDone)
                return nil
            }
            if counts[.broken, default: 0] >= experiment.maxBroken {
                await state.stop(.experimentBroken)
                return nil
            }
            if counts[.reserved, default: 0] > 0, await state.shouldReleaseLostTrials() {
                let cutoff = Date().addingTimeInterval(-configuration.heartbeat.seconds)
                try await storage.releaseLostTrials(of: experiment.id, heartbeatBefore: cutoff)
            }
            if let trial = try await reserve() { return trial }

            let production = try await producer.produce(count: configuration.effectivePoolSize)
            if !production.trials.isEmpty {
                onEvent(.produced(production.trials))
                idleSince = .now
                backoff = .milliseconds(5)
                continue
            }
            let pending = TrialStatus.pending.reduce(0) { $0 + counts[$1, default: 0] }
            if production.algorithmIsDone && pending == 0 {
                await state.stop(.experimentDone)
                return nil
            }
            if ContinuousClock.now - idleSince > configuration.idleTimeout {
                await state.stop(.idle)
                return nil
            }
            try await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .milliseconds(500))
        }
    }

    private func reserve() async throws -> Trial? {
        guard await state.beginReservation() else { return nil }
        let trial = try await storage.reserveTrial(
            of: experiment.id,
            worker: configuration.workerName,
            at: Date()
        )
        await state.endReservation(reserved: trial != nil)
        return trial
    }

    private func execute(_ trial: Trial) async -> TrialOutcome {
        let directory = workingDirectory + "/" + trial.id
        if executor.needsWorkingDirectory {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                return .broken(
                    reason: "cannot create the trial's directory \(directory): \(error)",
                    exitCode: nil,
                    detail: nil
                )
            }
        }
        let context = TrialContext(
            experiment: experiment,
            trial: trial,
            workingDirectory: directory,
            experimentWorkingDirectory: workingDirectory
        )
        let storage = storage
        let interval = configuration.heartbeatInterval
        let heartbeat = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                guard try await storage.heartbeat(trialID: trial.id, of: trial.experimentID, at: Date()) else { return }
            }
        }
        defer { heartbeat.cancel() }
        return await executor.execute(context)
    }

    private func record(_ outcome: TrialOutcome, of reserved: Trial) async throws {
        var trial = reserved
        trial.endTime = Date()
        if executor.needsWorkingDirectory { trial.workingDir = workingDirectory + "/" + trial.id }
        switch outcome {
        case .completed(let results):
            trial.status = .completed
            trial.results = results
            trial.exitCode = 0
        case .broken(let reason, let exitCode, let detail):
            trial.status = .broken
            trial.exitCode = exitCode
            trial.failure = detail.map { reason + "\n" + $0 } ?? reason
        case .interrupted(let exitCode):
            trial.status = .interrupted
            trial.exitCode = exitCode
            trial.endTime = nil
        }
        let written = try await storage.updateTrial(trial, expecting: .reserved)
        guard written else {
            onEvent(.lost(trial))
            await state.finish(nil, failure: nil)
            return
        }
        onEvent(.finished(trial))
        if case .broken(let reason, _, _) = outcome {
            await state.finish(.broken, failure: reason)
        } else {
            await state.finish(trial.status, failure: nil)
        }
    }
}

/// The mutable bookkeeping of one worker, shared by its slots.
final class WorkerState: Sendable {
    let interruptFlag = Mutex(false)
    private let inner: InnerState

    init(configuration: WorkerConfiguration) {
        inner = InnerState(configuration: configuration)
    }

    var report: WorkerReport { get async { await inner.report } }
    var stopReason: StopReason? { get async { await inner.stopReason } }
    func stop(_ reason: StopReason) async { await inner.stop(reason) }
    func reachedOwnLimits() async -> Bool { await inner.reachedOwnLimits() }
    func beginReservation() async -> Bool { await inner.beginReservation() }
    func endReservation(reserved: Bool) async { await inner.endReservation(reserved: reserved) }
    func finish(_ status: TrialStatus?, failure: String?) async { await inner.finish(status, failure: failure) }
    func shouldReleaseLostTrials() async -> Bool { await inner.shouldReleaseLostTrials() }

    actor InnerState {
        let configuration: WorkerConfiguration
        var report = WorkerReport()
        var stopReason: StopReason?
        var running = 0
        var lastLostCheck: ContinuousClock.Instant?

        init(configuration: WorkerConfiguration) {
            self.configuration = configuration
        }

        func stop(_ reason: StopReason) {
            if stopReason == nil { stopReason = reason }
            report.stopReason = stopReason ?? reason
        }

        func reachedOwnLimits() -> Bool {
            if report.broken >= configuration.maxBroken {
                stop(.workerMaxBroken)
                return true
            }
            if let maxTrials = configuration.maxTrials, report.completed + running >= maxTrials {
                if report.completed >= maxTrials { stop(.workerMaxTrials) }
                return true
            }
            return false
        }

        /// Counts a reservation in flight so that concurrent slots do not overshoot `maxTrials`.
        func beginReservation() -> Bool {
            if let maxTrials = configuration.maxTrials, report.completed + running >= maxTrials { return false }
            running += 1
            return true
        }

        func endReservation(reserved: Bool) {
            if !reserved { running -= 1 }
        }

        func finish(_ status: TrialStatus?, failure: String?) {
            running -= 1
            switch status {
            case .completed: report.completed += 1
            case .broken:
                report.broken += 1
                report.lastFailure = failure
            case .interrupted:
                report.interrupted += 1
                stop(.interrupted)
            default: break
            }
        }

        func shouldReleaseLostTrials() -> Bool {
            let now = ContinuousClock.now
            if let last = lastLostCheck, now - last < configuration.heartbeatInterval { return false }
            lastLostCheck = now
            return true
        }
    }
}
