import Foundation

extension InMemoryStorage {
    /// Runs `body` while holding the experiment's algorithm lock, then stores its state and trials atomically.
    ///
    /// Waiters are served first come, first served, without blocking a thread. `body` runs outside the storage's
    /// mutex, so other tasks may reserve or update trials meanwhile: those changes get revisions after the
    /// snapshot's and are reported to the next holder, while the trials `body` registers are stamped with the
    /// snapshot's revision, so that the state that produced them is not told about them again.
    ///
    /// - Parameters:
    ///   - experimentID: the experiment.
    ///   - timeout: how long to wait for another task holding the lock.
    ///   - body: a pure function of the snapshot.
    /// - Returns: `body`'s output.
    /// - Throws: `StorageError` `.lockTimeout` after `timeout`, `.notFound` when the experiment does not exist,
    ///   `CancellationError` when the task is cancelled while waiting, and whatever `body` throws (then nothing
    ///   is written).
    public func withAlgorithmLock<Output: Sendable>(
        of experimentID: String,
        timeout: Duration,
        _ body: @Sendable (AlgorithmSnapshot) throws -> AlgorithmUpdate<Output>
    ) async throws -> Output {
        guard contents.withLock({ $0.experiments[experimentID] != nil }) else {
            throw StorageError(.notFound, "no experiment with id \(experimentID)")
        }
        try await acquireAlgorithmLock(of: experimentID, timeout: timeout)
        defer { releaseAlgorithmLock(of: experimentID) }

        let (snapshot, revision) = try contents.withLock { contents in
            guard let record = contents.experiments[experimentID] else {
                throw StorageError(.notFound, "experiment \(experimentID) was deleted")
            }
            // Without a state, every trial is changed: those registered at revision 0 by a first state too.
            let observed = record.state == nil ? -1 : record.observedRevision
            let changed = record.trialsChanged(after: observed).map(\.trial)
            let snapshot = AlgorithmSnapshot(
                state: record.state,
                stateVersion: record.stateVersion,
                changedTrials: changed,
                counts: record.counts(),
                existingTrials: existingTrials(of: experimentID)
            )
            return (snapshot, record.revision)
        }
        let update = try body(snapshot)
        try contents.withLock { contents in
            guard contents.experiments[experimentID] != nil else {
                throw StorageError(.notFound, "experiment \(experimentID) was deleted while its trials were produced")
            }
            let stamp = update.state == nil ? nil : (experimentID, revision)
            _ = try Self.insert(update.newTrials, into: &contents, stampingWith: stamp)
            guard let state = update.state else { return }
            contents.experiments[experimentID]?.state = state
            contents.experiments[experimentID]?.stateVersion += 1
            contents.experiments[experimentID]?.observedRevision = revision
        }
        return update.output
    }

    /// The experiment's trial ids, read under the storage's mutex at each question.
    private func existingTrials(of experimentID: String) -> TrialIndex {
        TrialIndex { [self] ids in
            self.contents.withLock { contents in
                guard let record = contents.experiments[experimentID] else { return [] }
                return Set(ids.filter { record.trials[$0] != nil })
            }
        }
    }

    /// Forgets the stored algorithm state, so the next holder of the lock observes every trial.
    ///
    /// The state version is kept (and keeps increasing), so that a worker's cached state never matches a state
    /// saved after the reset.
    public func resetAlgorithm(of experimentID: String) async throws {
        contents.withLock { contents in
            contents.experiments[experimentID]?.state = nil
            contents.experiments[experimentID]?.observedRevision = 0
        }
    }

    /// The stored state and the trials changed since it was saved, read under the storage's mutex.
    public func storedAlgorithmState(of experimentID: String) async throws -> StoredAlgorithmState? {
        contents.withLock { contents in
            guard let record = contents.experiments[experimentID] else { return nil }
            return StoredAlgorithmState(
                state: record.state,
                changedTrials: record.state == nil
                    ? [] : record.trialsChanged(after: record.observedRevision).map(\.trial),
                counts: record.counts()
            )
        }
    }

    // MARK: The lock

    /// Waits until this task holds the experiment's algorithm lock.
    private func acquireAlgorithmLock(of experimentID: String, timeout: Duration) async throws {
        let ticket: Int? = contents.withLock { contents in
            if contents.lockHolders.insert(experimentID).inserted { return nil }
            contents.nextTicket += 1
            return contents.nextTicket
        }
        guard let ticket else { return }
        let timer = Task { [weak self] in
            try await Task.sleep(for: timeout)
            self?.abandon(
                ticket,
                of: experimentID,
                with: StorageError(
                    .lockTimeout,
                    "the algorithm lock of experiment \(experimentID) was held by another worker for more than "
                        + "\(timeout)"
                )
            )
        }
        defer { timer.cancel() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = contents.withLock { contents in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if contents.lockHolders.insert(experimentID).inserted { return .success(()) }
                    contents.lockWaiters[experimentID, default: []].append(
                        LockWaiter(ticket: ticket, continuation: continuation)
                    )
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            abandon(ticket, of: experimentID, with: CancellationError())
        }
    }

    /// Hands the lock to the first waiter, or frees it.
    private func releaseAlgorithmLock(of experimentID: String) {
        let next: LockWaiter? = contents.withLock { contents in
            guard var waiters = contents.lockWaiters[experimentID], !waiters.isEmpty else {
                contents.lockHolders.remove(experimentID)
                return nil
            }
            let first = waiters.removeFirst()
            contents.lockWaiters[experimentID] = waiters.isEmpty ? nil : waiters
            return first
        }
        next?.continuation.resume()
    }

    /// Stops the wait of `ticket` with `error`, unless it got the lock already.
    private func abandon(_ ticket: Int, of experimentID: String, with error: any Error) {
        let waiter: LockWaiter? = contents.withLock { contents in
            guard var waiters = contents.lockWaiters[experimentID],
                let index = waiters.firstIndex(where: { $0.ticket == ticket })
            else { return nil }
            let waiter = waiters.remove(at: index)
            contents.lockWaiters[experimentID] = waiters.isEmpty ? nil : waiters
            return waiter
        }
        waiter?.continuation.resume(throwing: error)
    }
}
