import Foundation
import OrionCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The hunt loop of one process: produce → reserve → execute → report, with `concurrency` trials at once,
/// until the experiment or the worker reaches a limit, or it is interrupted.
///
/// Any number of workers, in any number of processes on any number of machines, can run on one experiment: they
/// share nothing but the storage. Producing happens under the algorithm lock, reserving is atomic and gives an
/// owner token, and heartbeats and results are written with a compare-and-set on that token: a worker that was
/// presumed dead (paused, cut off) can never overwrite the run of the worker that took its trial over.
///
/// While a trial runs, its heartbeat is refreshed every quarter of `heartbeat`, through transient storage errors;
/// when the storage says the trial is no longer ours, the run is cancelled and its result discarded. A result
/// that exists is retried until stored (or until the trial is provably another worker's, or a second interrupt:
/// then ``WorkerReport/unsavedResults`` says where it is kept). The trials of dead workers on this host (a
/// `host@machine:pid` name whose pid no longer exists) are released at once, and the idle timeout does not stop a worker
/// while a reserved trial may still come back as lost.
public final class Worker: Sendable {
    let experiment: Experiment
    let storage: any Storage
    let executor: any TrialExecutor
    let configuration: WorkerConfiguration
    let producer: TrialProducer
    let workingDirectory: String
    let onEvent: @Sendable (WorkerEvent) -> Void
    let state: WorkerState
    let clock: any WallClock

    /// Creates a worker.
    ///
    /// - Parameters:
    ///   - experiment: the experiment to work on (already stored).
    ///   - storage: the storage holding it.
    ///   - factory: makes and decodes the experiment's algorithm.
    ///   - executor: runs each trial's objective.
    ///   - configuration: concurrency, limits and timings.
    ///   - workingDirectory: the experiment's working directory; each trial runs in `<dir>/<trial id>`.
    ///   - clock: where times are read and waits happen (the system clock; a manual one in tests).
    ///   - onEvent: called for each produced, started and finished trial (from any thread).
    public init(
        experiment: Experiment,
        storage: any Storage,
        factory: any AlgorithmFactory,
        executor: any TrialExecutor,
        configuration: WorkerConfiguration = WorkerConfiguration(),
        workingDirectory: String,
        clock: any WallClock = SystemClock(),
        onEvent: @escaping @Sendable (WorkerEvent) -> Void = { _ in }
    ) {
        self.experiment = experiment
        self.storage = storage
        self.executor = executor
        self.configuration = configuration
        self.workingDirectory = workingDirectory
        self.onEvent = onEvent
        self.clock = clock
        self.producer = TrialProducer(
            experiment: experiment,
            storage: storage,
            factory: factory,
            lockTimeout: configuration.lockTimeout,
            onRebuild: { onEvent(.algorithmRebuilt(reason: $0)) }
        )
        self.state = WorkerState(configuration: configuration)
    }

    /// Runs trials until a stop condition; returns what this worker did.
    ///
    /// - Throws: `StorageError` when the storage fails for longer than `storagePatience`, `AlgorithmError` when
    ///   the algorithm cannot produce; ``UnsavedResultsError`` (wrapping that error) when results could not be
    ///   stored before stopping.
    public func run() async throws -> WorkerReport {
        if executor.needsWorkingDirectory {
            // Hunts started together make it together: one that finds it made meanwhile goes on.
            do {
                try FileManager.default.createDirectory(atPath: workingDirectory, withIntermediateDirectories: true)
            } catch {
                var isDirectory: ObjCBool = false
                if !FileManager.default.fileExists(atPath: workingDirectory, isDirectory: &isDirectory)
                    || !isDirectory.boolValue
                {
                    try FileManager.default.createDirectory(atPath: workingDirectory, withIntermediateDirectories: true)
                }
            }
        }
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<configuration.concurrency {
                    group.addTask { try await self.runSlot() }
                }
                try await group.waitForAll()
            }
        } catch {
            let unsaved = await state.report.unsavedResults
            if unsaved.isEmpty { throw error }
            throw UnsavedResultsError(underlying: error, unsaved: unsaved)
        }
        return await state.report
    }

    /// Stops taking new trials and interrupts running ones.
    ///
    /// With `force`, kills them and stops retrying to store results (their paths are reported). Without it,
    /// outcomes are retried until ``WorkerConfiguration/stopPatience`` after the first interrupt, then as after a
    /// forced one.
    public func interrupt(force: Bool = false) {
        state.interruptedAt.withLock { $0 = $0 ?? .now }
        if force { state.forceFlag.withLock { $0 = true } }
        executor.interruptAll(force: force)
    }

    var isInterrupted: Bool { state.interruptedAt.withLock { $0 != nil } }

    /// Whether to stop waiting for the storage: interrupted twice, or once more than
    /// ``WorkerConfiguration/stopPatience`` ago (a SIGTERM from Slurm, followed by SIGKILL, must not wait for a
    /// server that is down).
    var isForced: Bool {
        if state.forceFlag.withLock({ $0 }) { return true }
        guard let since = state.interruptedAt.withLock({ $0 }) else { return false }
        return ContinuousClock.now - since > configuration.stopPatience
    }

    /// Why the worker stopped waiting for the storage, once ``isForced``.
    var forcedReason: String {
        state.forceFlag.withLock { $0 }
            ? "interrupted twice while it was being stored"
            : "not stored within \(configuration.stopPatience.seconds.formatted()) s of the interrupt"
    }

    private func runSlot() async throws {
        while let reservation = try await nextReservation() {
            onEvent(.started(reservation.trial))
            do {
                try await run(reservation)
            } catch {
                await state.letGo(reservation.token)
                throw error
            }
            await state.letGo(reservation.token)
        }
    }

    /// Tells (``WorkerEvent/stoppingWhileRunning(reason:count:)``) that the worker stopped for broken trials while
    /// its other slots still run trials, which it lets end rather than interrupt (Oríon interrupts them; their work
    /// would be lost); nothing when `announcement` is `nil` (``WorkerState`` gives it once).
    private func announceWait(for announcement: WorkerState.WaitAnnouncement?) {
        guard let announcement else { return }
        onEvent(.stoppingWhileRunning(reason: announcement.reason, count: announcement.running))
    }

    /// How long one look for a trial (its storage calls and its production) may take before the rest counts as the
    /// storage not answering, not as idle time.
    static let storageStall: Duration = .seconds(5)

    /// The next reservation to run, or `nil` when this slot should stop.
    private func nextReservation() async throws -> Reservation? {
        var backoff: Duration = .milliseconds(5)
        var idleSince = clock.now
        var waitingSaid = false
        while true {
            let began = clock.now
            if isInterrupted {
                await state.stop(.interrupted)
                return nil
            }
            if await state.stopReason != nil { return nil }
            let limits = await state.reachedOwnLimits()
            if limits.reached {
                announceWait(for: limits.waitingFor)
                return nil
            }

            let counts = try await patiently { try await self.storage.countTrials(of: self.experiment.id) }
            // Inherited trials count toward maxTrials, as in Oríon (read again when a parent version completed more).
            let inherited =
                experiment.maxTrials == nil || experiment.refers?.parentID == nil
                ? 0 : try await patiently { try await self.producer.inheritedCompletedCount() }
            if inherited > 0 { onEvent(.inherited(count: inherited)) }
            if let maxTrials = experiment.maxTrials, counts[.completed, default: 0] + inherited >= maxTrials {
                await state.stop(.experimentDone)
                return nil
            }
            if counts[.broken, default: 0] >= experiment.maxBroken {
                announceWait(for: await state.stop(.experimentBroken))
                return nil
            }
            if counts[.reserved, default: 0] > 0 {
                if await state.shouldReleaseLostTrials(at: clock.now) {
                    try await releaseLostAndDeadWorkersTrials()
                } else if await state.shouldLookForDeadWorkers(at: clock.now) {
                    let reservations = try await patiently {
                        try await self.storage.reservations(of: self.experiment.id)
                    }
                    let release = try await patiently {
                        try await Self.releaseTrialsOfDeadHolders(
                            reservations,
                            workerName: self.configuration.workerName,
                            storage: self.storage
                        )
                    }
                    await count(release)
                }
            }
            if let reservation = try await reserve() { return reservation }

            let production = try await patiently {
                try await self.producer.produce(count: self.configuration.effectivePoolSize)
            }
            if !production.trials.isEmpty {
                onEvent(.produced(production.trials))
                idleSince = clock.now
                waitingSaid = false
                backoff = .milliseconds(5)
                continue
            }
            // Counted after the production: the counts above may predate trials another slot or worker has just
            // produced, which are pending although the algorithm is now done.
            let after = try await patiently { try await self.storage.countTrials(of: self.experiment.id) }
            let pending = TrialStatus.pending.reduce(0) { $0 + after[$1, default: 0] }
            if production.algorithmIsDone && pending == 0 {
                await state.stop(.experimentDone)
                return nil
            }
            // Idle only while this worker's own slots run nothing, as in Oríon: their trials' results may give the
            // algorithm something to suggest (promotions, a population's next generation). A slot that stopped
            // for them stopped the whole hunt with its own trials left to finish and the rest of the budget unrun.
            // A slot's own loop may be slow (a production waiting for the algorithm lock): the end of the last
            // trial of another slot counts too, whenever this slot looks.
            if let busy = await state.lastBusy(now: clock.now), busy > idleSince {
                idleSince = busy
                waitingSaid = false
            }
            // A storage that did not answer (a table locked by another session, a server restarting) held this look
            // for that long: not time with nothing to run. A worker stopped during a minute's lock on the trials,
            // saying that live workers held the remaining trials, with most of the budget not even produced.
            let spent = clock.now.timeIntervalSince(began)
            if spent > Self.storageStall.seconds {
                idleSince = min(clock.now, idleSince.addingTimeInterval(spent - Self.storageStall.seconds))
            }
            if clock.now.timeIntervalSince(idleSince) > configuration.idleTimeout.seconds {
                let silent = try await silentReservations(since: idleSince)
                if silent.isEmpty {
                    await state.stop(pending == 0 ? .stalled : .idle)
                    return nil
                }
                if !waitingSaid {
                    waitingSaid = true
                    onEvent(.waitingForOthers(silent))
                }
            }
            try await clock.sleep(for: backoff)
            backoff = min(backoff * 2, .milliseconds(500))
        }
    }

    /// Releases the reserved trials whose heartbeat is older than `heartbeat`, and at once those held by a worker
    /// of this host whose process no longer exists.
    ///
    /// A trial held by a live process of this host is never released as lost, however old its heartbeat: its holder
    /// may refresh less often than this worker's `--heartbeat` asks (workers started with different values), and
    /// taking it would run it twice at once. Nor is a trial this worker's own slots hold (their heartbeats may lag
    /// behind a storage that was slow for them). The cutoff is moved before the oldest such heartbeat, so the
    /// storage's one atomic release leaves it alone (trials of other hosts between the two cutoffs wait for a later
    /// look).
    private func releaseLostAndDeadWorkersTrials() async throws {
        let reservations = try await patiently { try await self.storage.reservations(of: self.experiment.id) }
        let held = await state.heldTokens
        let release = try await patiently {
            try await Self.releaseTrialsOfGoneHolders(
                reservations,
                of: self.experiment.id,
                heldHere: held,
                workerName: self.configuration.workerName,
                heartbeat: self.configuration.heartbeat,
                now: self.clock.now,
                storage: self.storage
            )
        }
        await count(release)
    }

    /// Counts the trials `release` took back from dead workers, and says once per trial which wait for a dead
    /// worker's guardian to stop their scripts: the wait (up to the grace period) was silent, and looked like a hang
    /// (hBJ's re-check).
    private func count(_ release: DeadHolderRelease) async {
        for _ in 0..<release.released { await state.countReclaimed() }
        guard !release.stopping.isEmpty, await state.markStoppingSaid(release.stopping.map(\.id)) else { return }
        onEvent(.waitingForStoppedWorker(release.stopping))
    }

    /// What ``releaseTrialsOfDeadHolders(_:workerName:storage:)`` did.
    struct DeadHolderRelease: Sendable {
        /// How many trials of dead workers of this host it released.
        var released = 0
        /// The trials of dead workers of this host whose guardian is still stopping their scripts: released later.
        var stopping: [Trial] = []
    }

    /// Releases the trials of `reservations` whose holders are gone, for a worker or an ``ExperimentClient`` that
    /// would otherwise wait for them: at once those of a dead process of this host
    /// (``releaseTrialsOfDeadHolders(_:workerName:storage:)``), and those whose
    /// heartbeat is older than `heartbeat` (``lostCutoff(of:heldHere:workerName:heartbeat:now:)``; never one held by
    /// the caller, `heldHere`, or by another client of this process, ``heldByClientsHere``).
    ///
    /// Made again after a failure, it neither releases twice nor takes a trial from a new holder.
    ///
    /// - Returns: what became of the trials of dead processes of this host.
    static func releaseTrialsOfGoneHolders(
        _ reservations: [Reservation],
        of experimentID: String,
        heldHere: Set<String>,
        workerName: String,
        heartbeat: Duration,
        now: Date,
        storage: any Storage
    ) async throws -> DeadHolderRelease {
        let cutoff = lostCutoff(
            of: reservations,
            heldHere: heldHere.union(heldByClientsHere.withLock { $0 }),
            workerName: workerName,
            heartbeat: heartbeat,
            now: now
        )
        _ = try await storage.releaseLostTrials(of: experimentID, heartbeatBefore: cutoff)
        return try await releaseTrialsOfDeadHolders(reservations, workerName: workerName, storage: storage)
    }

    /// Releases at once the trials of `reservations` held by a dead process of this host whose scripts are stopped
    /// (``deadWorkersReservations(_:workerName:)``), each with its owner token: one released or taken meanwhile is
    /// left as it is.
    ///
    /// - Returns: how many were released, and the trials that wait for a guardian.
    static func releaseTrialsOfDeadHolders(
        _ reservations: [Reservation],
        workerName: String,
        storage: any Storage
    ) async throws -> DeadHolderRelease {
        let dead = deadWorkersReservations(reservations, workerName: workerName)
        var release = DeadHolderRelease(stopping: dead.stopping.map(\.trial))
        for reservation in dead.gone {
            var trial = reservation.trial
            trial.status = .interrupted
            if try await storage.updateTrial(trial, holding: reservation.token) { release.released += 1 }
        }
        return release
    }

    /// The heartbeat before which a reserved trial of `reservations` is lost: `heartbeat` before `now`, moved before
    /// the heartbeat of every trial held here (`heldHere`, owner tokens) or by a live worker process of this host.
    ///
    /// - Parameters:
    ///   - reservations: the experiment's reserved trials.
    ///   - heldHere: the owner tokens of the trials the caller holds itself.
    ///   - workerName: the caller's `host@machine:pid` name.
    ///   - heartbeat: how old a heartbeat is lost.
    ///   - now: the time.
    /// - Returns: the cutoff for ``Storage/releaseLostTrials(of:heartbeatBefore:)``.
    static func lostCutoff(
        of reservations: [Reservation],
        heldHere: Set<String>,
        workerName: String,
        heartbeat: Duration,
        now: Date
    ) -> Date {
        var cutoff = now.addingTimeInterval(-heartbeat.seconds)
        for reservation in reservations {
            let live =
                heldHere.contains(reservation.token)
                || localHolder(of: reservation, workerName: workerName).map {
                    isLiveWorker($0, reservedAt: reservation.trial.startTime)
                } == true
            guard live else { continue }
            // A millisecond before it: the storage compares its own copy of the time, which rounding may move.
            cutoff = min(cutoff, (reservation.trial.heartbeat ?? .distantPast).addingTimeInterval(-0.001))
        }
        return cutoff
    }

    /// The reservations held by a worker of this host (by `workerName`'s host) whose process no longer exists, or
    /// has exited and waits for its parent (a zombie): `gone`, whose scripts are stopped, and `stopping`, whose
    /// guardian is still stopping them.
    ///
    /// The dead worker's guardian stops its scripts' process groups (SIGTERM, then SIGKILL after the grace period)
    /// and exits; a script that handles SIGTERM (a checkpoint on the way out) runs on until then, in the trial's
    /// directory. Its trials are not released while that guardian lives (``guardedWorkers()``): taken at
    /// once, a trial ran twice side by side, and the old copy's results file replaced the new run's (hBE's probe).
    /// The guardian names its worker in its command line, which any user can read, whatever the scripts'
    /// environment (hBJ's re-check: an environment cleared by `env -i` or another user's hunt hid them).
    ///
    /// A pid that a process started after the reservation has taken is not released here: the clock the start time
    /// is compared with may have been stepped forward since, and the holder alive (``isLiveWorker(_:reservedAt:)``
    /// only stops protecting it; its heartbeat still does).
    static func deadWorkersReservations(
        _ reservations: [Reservation],
        workerName: String
    ) -> (gone: [Reservation], stopping: [Reservation]) {
        let dead = reservations.compactMap { reservation -> (reservation: Reservation, pid: Int32)? in
            guard let pid = localHolder(of: reservation, workerName: workerName),
                !processExists(pid) || ProcessTable.statFields(of: pid)?.first?.first.map({ "ZX".contains($0) }) == true
            else { return nil }
            return (reservation, pid)
        }
        // One look at the host's processes, and none while no holder is dead (nearly always).
        let guarded = dead.isEmpty ? [] : guardedWorkers()
        return (
            dead.filter { !guarded.contains($0.pid) }.map(\.reservation),
            dead.filter { guarded.contains($0.pid) }.map(\.reservation)
        )
    }

    /// The pids of the dead workers of this host whose guardian still runs (its command line is
    /// `trial-guardian <worker pid>`): their scripts are being stopped.
    static func guardedWorkers() -> Set<Int32> {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        let prefix = Array("trial-guardian ".utf8)
        var workers: Set<Int32> = []
        for entry in entries {
            // /proc's files say they are empty: read to the end, not by their size.
            guard let pid = Int32(entry), pid != getpid(),
                let handle = FileHandle(forReadingAtPath: "/proc/\(entry)/cmdline")
            else { continue }
            let commandLine = (try? handle.readToEnd()) ?? nil
            try? handle.close()
            guard let name = commandLine?.split(separator: 0).first, name.starts(with: prefix),
                let worker = Int32(String(decoding: name.dropFirst(prefix.count), as: UTF8.self)),
                ProcessTable.statFields(of: pid)?.first?.first.map({ "ZX".contains($0) }) != true
            else { continue }
            workers.insert(worker)
        }
        return workers
    }

    /// The owner tokens of the trials that the ``ExperimentClient``s of this process hold: no worker or client of
    /// this process takes them as lost, whatever the heartbeat each was given (they share the process's pid, so the
    /// pid does not tell them apart).
    static let heldByClientsHere = Mutex<Set<String>>([])

    /// The pid of the worker holding `reservation` when that worker runs on the host of `workerName` (not this
    /// process), else `nil`.
    private static func localHolder(of reservation: Reservation, workerName: String) -> Int32? {
        let host = WorkerConfiguration.hostAndPID(of: workerName)?.host
        guard let pid = holderPID(of: reservation.trial, on: host), pid != getpid() else { return nil }
        return pid
    }

    /// The pid in the `host@machine:pid` name of the worker holding `trial`, when that host is `host`.
    private static func holderPID(of trial: Trial, on host: String?) -> Int32? {
        guard let holder = trial.worker.flatMap(WorkerConfiguration.hostAndPID(of:)), holder.host == host else {
            return nil
        }
        return holder.pid
    }

    /// Whether `trial` is reserved by a worker of this host whose process still runs (not stopped, not a zombie):
    /// what `orion db release` says before it takes such a trial away.
    ///
    /// - Parameter trial: a reserved trial.
    /// - Returns: true when its worker's name is `host@machine:pid` of this host and that process is a live worker.
    public static func isHeldByALiveWorkerHere(_ trial: Trial) -> Bool {
        let host = WorkerConfiguration.hostAndPID(of: WorkerConfiguration.defaultWorkerName())?.host
        return holderPID(of: trial, on: host).map { isLiveWorker($0, reservedAt: trial.startTime) } == true
    }

    /// Whether `pid` is a live worker of this host, the holder of a trial reserved at `reservedAt`: the process
    /// exists and, where `/proc` tells, is neither stopped (SIGSTOP: its heartbeat has lapsed, its trial may go to
    /// another worker) nor a zombie, and is the process that reserved the trial, not a later one that reuses its pid.
    ///
    /// The process must have started before the reservation (within ``startSlack``), whatever its program: an
    /// `orion hunt`, or a program using ``ExperimentClient`` (compared by program name before, a client's trial was
    /// taken by a hunt of the same host whose `--heartbeat` was shorter than the client's). Without a reservation
    /// time or `/proc`'s start time, it must run the same program as this one.
    static func isLiveWorker(_ pid: Int32, reservedAt: Date?) -> Bool {
        guard processExists(pid) else { return false }
        // `pid (comm) S …`: the state is the first field after the command's closing parenthesis.
        if let fields = ProcessTable.statFields(of: pid), let state = fields.first?.first, "TtZX".contains(state) {
            return false
        }
        if let later = startedAfter(pid, reservedAt: reservedAt) { return !later }
        func read(_ process: String, _ file: String) -> String? {
            try? String(contentsOfFile: "/proc/\(process)/\(file)", encoding: .utf8)
        }
        guard let theirs = read(String(pid), "comm"), let ours = read("self", "comm") else { return true }
        return theirs == ours
    }

    /// How much later than a trial's reservation its holder may seem to have started: the boot time `/proc` gives
    /// is whole seconds and moves with clock adjustments, and PostgreSQL's reservation times are the server's,
    /// corrected to whole seconds.
    static let startSlack: TimeInterval = 30

    /// Whether process `pid` started more than ``startSlack`` after `reservedAt` (so it cannot have reserved the
    /// trial: its pid was reused); `nil` when either time is unknown (no `/proc`).
    static func startedAfter(_ pid: Int32, reservedAt: Date?) -> Bool? {
        guard let reservedAt, let started = startTime(of: pid) else { return nil }
        return started.timeIntervalSince(reservedAt) > startSlack
    }

    /// When process `pid` started, from `/proc/<pid>/stat` (clock ticks after boot) and `/proc/stat`'s `btime`.
    static func startTime(of pid: Int32) -> Date? {
        // Field 22 of stat is the 20th after the command (the state is the first).
        guard let fields = ProcessTable.statFields(of: pid), fields.count > 19, let ticks = Double(fields[19]),
            let system = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = system.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
            let boot = Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        else { return nil }
        let perSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard perSecond > 0 else { return nil }
        return Date(timeIntervalSince1970: boot + ticks / perSecond)
    }

    /// Whether a process with this pid exists on this host (`kill(pid, 0)` does not fail with `ESRCH`).
    static func processExists(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno != ESRCH
    }

    /// The reserved trials not refreshed since `since` whose holder may be dead: not this process's own (another
    /// slot runs it), nor a live worker's of this host (it is never taken from it).
    ///
    /// When there is none, every holder is alive, and waiting longer for a trial to come back as lost is pointless.
    /// A trial not refreshed since may belong to a dead worker of another host: the idle timeout waits until its
    /// heartbeat deadline passes and it is released.
    private func silentReservations(since: Date) async throws -> [Trial] {
        let reservations = try await patiently { try await self.storage.reservations(of: self.experiment.id) }
        return reservations.filter { reservation in
            guard (reservation.trial.heartbeat ?? .distantPast) <= since,
                reservation.trial.worker != configuration.workerName
            else { return false }
            if let holder = Self.localHolder(of: reservation, workerName: configuration.workerName),
                Self.isLiveWorker(holder, reservedAt: reservation.trial.startTime)
            {
                return false
            }
            return true
        }.map(\.trial)
    }

    private func reserve() async throws -> Reservation? {
        guard await state.beginReservation() else { return nil }
        do {
            let reservation = try await patiently {
                try await self.storage.reserveTrial(
                    of: self.experiment.id,
                    worker: self.configuration.workerName,
                    at: self.clock.now
                )
            }
            await state.endReservation(reservation)
            return reservation
        } catch {
            await state.endReservation(nil)
            throw error
        }
    }

    /// Runs `body`, retrying with backoff while it fails with a transient storage error, for up to
    /// `storagePatience`; stops retrying when the worker is interrupted.
    func patiently<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        let deadline = clock.now.addingTimeInterval(configuration.storagePatience.seconds)
        var pause: Duration = .milliseconds(50)
        // The spell starts with the first attempt: one that fails only after a long wait (a lock held by a stopped
        // process, `lock_timeout` of 60 s) has already been failing that long.
        var spell = StorageFailureSpell(since: clock.now)
        while true {
            do {
                return try await body()
            } catch let error as StorageError where error.isTransient {
                await state.noteStorageFailure(at: clock.now)
                if isInterrupted || clock.now >= deadline { throw error }
                if spell.fails(at: clock.now, reportAfter: configuration.storageWarningAfter) {
                    onEvent(.storageFailing(trial: nil, reason: error.message))
                }
                try await clock.sleep(for: pause)
                pause = min(pause * 2, .seconds(2))
            }
        }
    }
}

/// A spell of transient storage failures met by one operation: when it began, and whether the worker said so.
struct StorageFailureSpell {
    private var since: Date?
    private var reported = false

    /// A spell that began at `since` (`nil`: at the first failure).
    init(since: Date? = nil) { self.since = since }

    /// Notes a failure at `now`.
    ///
    /// - Returns: `true` once, when the spell has lasted `limit`: the worker then tells its observer.
    mutating func fails(at now: Date, reportAfter limit: Duration) -> Bool {
        let start = since ?? now
        since = start
        guard !reported, now.timeIntervalSince(start) >= limit.seconds else { return false }
        reported = true
        return true
    }
}

/// A worker stopped on an error while results it had were not stored yet.
public struct UnsavedResultsError: OrionError {
    /// The error that stopped the worker.
    public var underlying: any Error & Sendable
    /// The results not stored, with where they are kept.
    public var unsaved: [UnsavedResult]

    /// Creates the error.
    ///
    /// - Parameters:
    ///   - underlying: the error that stopped the worker.
    ///   - unsaved: the results not stored.
    public init(underlying: any Error & Sendable, unsaved: [UnsavedResult]) {
        self.underlying = underlying
        self.unsaved = unsaved
    }

    /// The error that stopped the worker.
    public var cause: (any Error)? { underlying }

    /// Always ``ErrorKind/failure``.
    public var kind: ErrorKind { .failure }

    /// The underlying error, then one sentence per unsaved result; a reason that repeats the underlying error (a
    /// long one, such as a removed database file's recovery steps) is said once.
    public var message: String {
        let said = "\(underlying)"
        let own = (underlying as? any OrionError)?.message
        return said + "; "
            + unsaved.map { result in
                result.reason == said || result.reason == own
                    ? result.description(saying: "the same error") : result.description
            }.joined(separator: "; ")
    }
}
