import Foundation
import OrionCore
import Synchronization

// One reserved trial: run it while keeping its heartbeat, then store its outcome with the reservation's token.
extension Worker {
    /// Whether the reservation is still ours, as far as this worker knows; shared by the heartbeat and the slot.
    final class Lease: Sendable {
        private let lost = Mutex(false)

        var isLost: Bool { lost.withLock { $0 } }

        func markLost() { lost.withLock { $0 = true } }
    }

    /// Runs a reserved trial and stores its outcome; discards it when the trial was lost meanwhile.
    func run(_ reservation: Reservation) async throws {
        let lease = Lease()
        let execution = Task { await self.execute(reservation, lease: lease) }
        let heartbeat = Task { await self.keepAlive(reservation, lease: lease) { execution.cancel() } }
        defer { heartbeat.cancel() }
        let outcome = await withTaskCancellationHandler {
            await execution.value
        } onCancel: {
            execution.cancel()
        }
        if lease.isLost {
            discard(reservation.trial, outcome)
            await state.finish(nil, failure: nil)
            await state.noteTrialEnded(at: clock.now)
            return
        }
        try await record(try await limitingRequeues(outcome, of: reservation.trial), of: reservation, lease: lease)
        await state.noteTrialEnded(at: clock.now)
    }

    /// How many times a trial's run may be ended by someone else in this worker before the trial is broken: a
    /// script that cancels its own Slurm job, or an administrator's rule that always does, was resubmitted for
    /// ever.
    public static let requeueLimit = 5

    /// `outcome`, but broken the ``requeueLimit``-th time the trial's run was ended by someone else (each time
    /// before that is said once the outcome is stored, ``record(_:of:lease:)``).
    private func limitingRequeues(_ outcome: TrialOutcome, of trial: Trial) async throws -> TrialOutcome {
        guard case .requeued(let reason) = outcome else { return outcome }
        let times = await state.countRequeue(of: trial.id)
        guard times >= Self.requeueLimit else { return outcome }
        return .broken(
            reason: "its run was ended by someone else \(times) times (the last: \(reason)); it is not run again",
            exitCode: nil,
            detail: nil
        )
    }

    /// Refreshes the heartbeat every quarter of `heartbeat` until cancelled; keeps going through storage errors
    /// (a locked database must not end the heartbeat for good); when the storage says the trial is no longer ours,
    /// marks the lease lost and calls `onLost` (which cancels the run).
    private func keepAlive(_ reservation: Reservation, lease: Lease, onLost: @Sendable () -> Void) async {
        let trial = reservation.trial
        while !Task.isCancelled {
            do {
                try await clock.sleep(for: configuration.heartbeatInterval)
            } catch {
                return
            }
            do {
                let ours = try await storage.heartbeat(
                    trialID: trial.id,
                    of: trial.experimentID,
                    holding: reservation.token,
                    at: clock.now
                )
                if !ours {
                    lease.markLost()
                    onLost()
                    return
                }
            } catch {
                // Transient: try again at the next beat; the deadline has three more beats of margin.
                await state.noteStorageFailure(at: clock.now)
                continue
            }
        }
    }

    /// Whether the reservation is still this worker's, asked of the storage once a heartbeat interval has gone by
    /// since it was stored.
    ///
    /// A worker paused there (SIGSTOP, a suspended machine) may have lost the trial to a worker that found its
    /// heartbeat late, and would otherwise write into that trial's directory and start its script before its own
    /// next beat said so. A storage error is not a loss (the beat decides).
    private func stillHeld(_ reservation: Reservation, lease: Lease) async -> Bool {
        let since = reservation.trial.heartbeat ?? reservation.trial.startTime ?? clock.now
        guard clock.now.timeIntervalSince(since) > configuration.heartbeatInterval.seconds else { return !lease.isLost }
        let trial = reservation.trial
        let held = try? await storage.heartbeat(
            trialID: trial.id,
            of: trial.experimentID,
            holding: reservation.token,
            at: clock.now
        )
        if held == false { lease.markLost() }
        return !lease.isLost
    }

    /// Runs the trial's objective in its directory: a copy of its parent's for a trial with a parent, as in Oríon
    /// (``TrialDirectory/prepare(_:parentDirectory:)``); nothing when the reservation was lost before it starts.
    private func execute(_ reservation: Reservation, lease: Lease) async -> TrialOutcome {
        let trial = reservation.trial
        // Discarded by ``run(_:)`` (the lease is lost): neither the directory nor the script is touched.
        guard await stillHeld(reservation, lease: lease) else { return .interrupted(exitCode: nil) }
        let directory = workingDirectory + "/" + trial.id
        let context = TrialContext(
            experiment: experiment,
            trial: trial,
            workingDirectory: directory,
            experimentWorkingDirectory: workingDirectory,
            parentWorkingDirectory: await storedParentWorkingDirectory(of: trial)
        )
        if executor.needsWorkingDirectory {
            do {
                let start = try TrialDirectory.prepare(directory, parentDirectory: context.parentWorkingDirectory)
                if start == .parentMissing, let parent = context.parentWorkingDirectory {
                    // Removed by hand or by `orion clean` after the experiment was done: the run starts empty.
                    onEvent(.parentDirectoryMissing(trial, parent: parent))
                }
            } catch {
                return Self.outcome(ofDirectoryFailure: error, directory: directory, workingDirectory: workingDirectory)
            }
            // A run of this trial completed, but the storage did not take its results (``giveUp``): store them now
            // rather than run the script again. Not when the stored trial has results: it was stored after all (a
            // reply lost on the way back) and is run again on purpose (`orion db set`), so the file is stale.
            let kept = directory + "/" + TrialDirectory.unsavedResultsFileName
            if FileManager.default.fileExists(atPath: kept) {
                if trial.results.isEmpty, let results = try? ResultsFile.read(path: kept) { return .completed(results) }
                unlink(kept)
            }
        }
        // Again after the directory's copy (a parent's checkpoints can take long), just before the script starts.
        guard await stillHeld(reservation, lease: lease) else { return .interrupted(exitCode: nil) }
        return await executor.execute(context)
    }

    /// What a trial whose directory could not be made comes to: put back with the hunt stopped (`.notStarted`) when
    /// every trial would meet the same failure, else broken.
    ///
    /// A full, read-only or failing file system is not the trial's fault, nor is a working directory this user can
    /// no longer write to (its permissions changed under the hunt), nor a parent's directory that cannot be copied
    /// (a file in it this user cannot read): the trial is put back and the hunt stops saying why, instead of
    /// breaking trials up to the experiment's limit (which then stopped every later hunt, the cause fixed or not).
    /// Anything else (a file in the way of this trial's directory) is this trial's: it breaks, and the hunt goes on.
    ///
    /// - Parameters:
    ///   - error: why ``TrialDirectory/prepare(_:parentDirectory:)`` failed.
    ///   - directory: the trial's directory.
    ///   - workingDirectory: the experiment's working directory, its parent.
    /// - Returns: `.notStarted` or `.broken`, with the reason.
    static func outcome(ofDirectoryFailure error: any Error, directory: String, workingDirectory: String)
        -> TrialOutcome
    {
        if let copy = error as? ParentCopyError {
            // Every child of that parent would break on it (PBT: up to the experiment's max broken, which then
            // stopped every later hunt; hBJ's re-check): the trial is put back and the hunt stops, naming the file.
            let file = copy.file.map { " (\($0))" } ?? ""
            return .notStarted(
                reason: "cannot copy the parent trial's directory \(copy.parent) into \(directory)\(file):"
                    + " \(TrialDirectory.reason(copy.underlying)); make it readable by this user, then resume"
            )
        }
        let reason = "cannot create the trial's directory \(directory): \(TrialDirectory.reason(error))"
        if TrialDirectory.isFileSystemWide(error) { return .notStarted(reason: reason) }
        if let problem = HuntRunner.unwritable(workingDirectory) {
            return .notStarted(
                reason: "cannot create the trial's directory \(directory): \(problem); make the working directory"
                    + " writable again, then resume"
            )
        }
        return .broken(reason: reason, exitCode: nil, detail: nil)
    }

    /// The directory stored with a trial's parent (which a changed `--working-dir` does not move), or, for the
    /// promotion of a trial inherited from an ancestor version, with the stored trial it comes from; `nil` when
    /// neither is known (``TrialContext`` then takes `<working dir>/<parent id>`) or the trial has no parent.
    private func storedParentWorkingDirectory(of trial: Trial) async -> String? {
        guard let parent = trial.parent else { return nil }
        if let stored = try? await storage.trial(id: parent, of: experiment.id) { return stored.workingDir }
        return try? await producer.inheritedTrials().origin(withID: parent)?.workingDir
    }

    /// The trial as it is to be stored after `outcome`.
    private func finished(_ reserved: Trial, _ outcome: TrialOutcome) -> Trial {
        var trial = reserved
        trial.endTime = clock.now
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
        case .requeued, .notStarted:
            trial.status = .interrupted
            trial.endTime = nil
        }
        return trial
    }

    /// Tells the observer that the outcome of a lost trial was thrown away.
    private func discard(_ reserved: Trial, _ outcome: TrialOutcome) {
        onEvent(.lost(finished(reserved, outcome)))
    }

    /// Stores the outcome with the reservation's token, retrying transient storage errors with backoff (the
    /// heartbeat goes on meanwhile) until it is stored, the trial is provably another worker's, the worker is
    /// interrupted twice (or once, ``WorkerConfiguration/stopPatience`` ago), or the slot is cancelled; then the result
    /// is reported as unsaved with where it is kept.
    ///
    /// Failures that last ``WorkerConfiguration/storageWarningAfter`` are told to the observer once.
    private func record(_ outcome: TrialOutcome, of reservation: Reservation, lease: Lease) async throws {
        let trial = finished(reservation.trial, outcome)
        var pause: Duration = .milliseconds(50)
        var spell = StorageFailureSpell(since: clock.now)
        // Before the first attempt, which a storage may hold for long (PostgreSQL retries inside a call while its
        // server is down): a worker killed during it leaves the result for the trial's next run.
        keepAside(outcome, of: trial)
        while true {
            do {
                let token = reservation.token
                guard
                    let written = try await unlessForced({ [storage] in
                        try await storage.updateTrial(trial, holding: token)
                    })
                else {
                    // Interrupted twice, or once long enough ago, while the storage held the call (an unreachable
                    // server, a locked file).
                    await giveUp(trial, outcome, reason: forcedReason)
                    return
                }
                guard written else {
                    dropKept(trial)
                    onEvent(.lost(trial))
                    await state.finish(nil, failure: nil)
                    return
                }
                dropKept(trial)
                break
            } catch let error as StorageError where error.isTransient {
                await state.noteStorageFailure(at: clock.now)
                if lease.isLost {
                    dropKept(trial)
                    onEvent(.lost(trial))
                    await state.finish(nil, failure: nil)
                    return
                }
                if isForced || Task.isCancelled {
                    await giveUp(trial, outcome, reason: isForced ? "\(forcedReason): \(error.message)" : error.message)
                    return
                }
                if spell.fails(at: clock.now, reportAfter: configuration.storageWarningAfter) {
                    onEvent(.storageFailing(trial: trial, reason: error.message))
                }
                try? await clock.sleep(for: pause)
                pause = min(pause * 2, .seconds(2))
            } catch {
                await giveUp(trial, outcome, reason: "\(error)")
                throw error
            }
        }
        // Said once stored: a trial taken from this worker meanwhile (`orion db release`, then another hunt) was not
        // ended by someone else, and does not run again here; its loss is said instead (probe hD6's L3).
        if case .requeued(let reason) = outcome { onEvent(.requeued(reservation.trial, reason: reason)) }
        onEvent(.finished(trial))
        switch outcome {
        case .broken(let reason, _, _):
            let log = trial.workingDir.map { $0 + "/" + TrialDirectory.stderrLogName }
            await state.finish(.broken, failure: reason, failureLog: log)
        case .requeued: await state.finish(.interrupted, failure: nil, stopsWorker: false)
        case .notStarted(let reason): await state.finish(nil, failure: nil, cannotStart: reason)
        default: await state.finish(trial.status, failure: nil)
        }
    }

    /// `operation`'s result, or `nil` when the worker is interrupted twice (or once, long enough ago: ``isForced``)
    /// and the operation goes on for more than ``forcedPatience`` after that (a storage call an unreachable server or
    /// a locked file holds for a minute): the operation goes on in the background and its result is not used, so that
    /// a second Ctrl-C stops at once.
    func unlessForced<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T? {
        try await Self.unlessForced(after: Self.forcedPatience, isForced: { [self] in isForced }, operation)
    }

    /// `operation`'s result, or `nil` once `isForced()` has held for `patience` while the operation still runs (it
    /// goes on in the background, its result unused): how a second Ctrl-C stops waiting for a call that a locked file
    /// or an unreachable server holds.
    ///
    /// - Parameters:
    ///   - patience: how long the operation may go on once `isForced()` holds (`{ true }`: from now).
    ///   - isForced: whether to stop waiting, polled every 100 ms.
    ///   - operation: the call.
    /// - Returns: its value, or `nil` when it was abandoned.
    /// - Throws: its error.
    public static func unlessForced<T: Sendable>(
        after patience: Duration,
        isForced: @escaping @Sendable () -> Bool,
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T? {
        let outcome = FirstOutcome<T?>()
        let work = Task {
            do {
                outcome.resume(with: .success(try await operation()))
            } catch {
                outcome.resume(with: .failure(error))
            }
        }
        let watcher = Task {
            var forcedAt: ContinuousClock.Instant?
            while !Task.isCancelled, !outcome.isRecorded {
                if forcedAt == nil, isForced() { forcedAt = .now }
                if let forcedAt, ContinuousClock.now - forcedAt > patience {
                    outcome.resume(with: .success(nil))
                    return
                }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        defer { watcher.cancel() }
        return try await outcome.value(cancelling: work)
    }

    /// How long a storage call may go on after a second interrupt before the worker stops waiting for it.
    static let forcedPatience = Duration.seconds(2)

    /// Links a completed trial's results file to ``TrialDirectory/unsavedResultsFileName`` before they are stored, so
    /// that the trial's next run stores them instead of running the script again even if this worker is killed
    /// (`kill -9`, a node lost) while the storage holds or fails the call; removed once they are stored (a link and
    /// an unlink per trial).
    ///
    /// A hard link needs no space on a full disk; a copy is the fallback (another file system is not possible here:
    /// both names are in the trial's directory, but a file system may refuse links).
    private func keepAside(_ outcome: TrialOutcome, of trial: Trial) {
        guard case .completed = outcome, executor.needsWorkingDirectory else { return }
        let directory = workingDirectory + "/" + trial.id + "/"
        let kept = directory + TrialDirectory.unsavedResultsFileName
        let results = directory + TrialDirectory.resultsFileName
        guard link(results, kept) != 0, errno != EEXIST else { return }
        try? FileManager.default.copyItem(atPath: results, toPath: kept)
    }

    /// Removes what ``keepAside(_:of:)`` kept: the result is stored, or discarded with a trial that is another
    /// worker's now.
    private func dropKept(_ trial: Trial) {
        guard executor.needsWorkingDirectory, trial.status == .completed else { return }
        unlink(workingDirectory + "/" + trial.id + "/" + TrialDirectory.unsavedResultsFileName)
    }

    /// Records that the outcome of `trial` could not be stored.
    ///
    /// A completed trial's results are reported with where they are kept: its results file, renamed to
    /// ``TrialDirectory/unsavedResultsFileName`` (a rename seldom needs space on a full disk), which the trial's next run
    /// stores instead of running the script again. The trial stays reserved and comes back as lost later.
    private func giveUp(_ trial: Trial, _ outcome: TrialOutcome, reason: String) async {
        guard case .completed = outcome else {
            await state.finish(nil, failure: nil)
            return
        }
        var path: String?
        if executor.needsWorkingDirectory {
            let directory = workingDirectory + "/" + trial.id + "/"
            let kept = directory + TrialDirectory.unsavedResultsFileName
            let results = directory + TrialDirectory.resultsFileName
            if rename(results, kept) == 0 || FileManager.default.fileExists(atPath: kept) {
                path = kept
            } else if FileManager.default.fileExists(atPath: results) {
                // Not moved aside (a read-only remount): still where the script wrote it, which the trial's next
                // run empties; say where it is.
                path = results
            }
        }
        let unsaved = UnsavedResult(trialID: trial.id, resultsPath: path, reason: reason)
        await state.finish(nil, failure: nil, unsaved: unsaved)
    }
}
