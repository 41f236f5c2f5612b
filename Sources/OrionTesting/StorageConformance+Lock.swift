import Foundation
import OrionCore

// The algorithm lock: snapshots, state versions, changed trials, atomicity and mutual exclusion.
extension StorageConformance {
    /// The error a check's lock body throws on purpose.
    struct BodyError: Error, Equatable {
        var token: String
    }

    /// Takes the lock once and returns what the body saw, saving `state` and registering `newTrials`.
    static func snapshot(
        _ storage: any Storage,
        _ experiment: Experiment,
        saving state: Data? = nil,
        registering newTrials: [Trial] = []
    ) async throws -> AlgorithmSnapshot {
        try await storage.withAlgorithmLock(of: experiment.id, timeout: .seconds(10)) { snapshot in
            AlgorithmUpdate(state: state, newTrials: newTrials, output: snapshot)
        }
    }

    /// The ids of a snapshot's changed trials, throwing if one appears twice.
    static func changedIDs(_ snapshot: AlgorithmSnapshot, file: StaticString = #filePath, line: UInt = #line) throws
        -> Set<String>
    {
        let ids = Set(snapshot.changedTrials.map(\.id))
        try ConformanceFailure.expect(
            ids.count == snapshot.changedTrials.count,
            "changedTrials lists a trial twice",
            file: file,
            line: line
        )
        return ids
    }

    /// The first holder of the lock sees no state, version 0 and every trial as changed; `withAlgorithmLock`
    /// returns the body's output; an unknown experiment fails with a `StorageError`.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkAlgorithmLockFirstSnapshot() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("first-lock")
        let trials = try await fixture.register(fixture.makeTrials(of: experiment, 0..<3))
        let done = try await fixture.register(fixture.makeTrials(of: experiment, 3..<4, status: .completed))
        let output = try await storage.withAlgorithmLock(of: experiment.id, timeout: .seconds(10)) { snapshot in
            AlgorithmUpdate(state: nil, newTrials: [], output: snapshot)
        }
        try ConformanceFailure.expect(output.state == nil, "the first snapshot has a state")
        try ConformanceFailure.expect(output.stateVersion == 0, "the first snapshot has version \(output.stateVersion)")
        let changed = try Self.changedIDs(output)
        try ConformanceFailure.expect(
            changed == Set((trials + done).map(\.id)),
            "the first snapshot lists \(changed.count) changed trials, expected all 4"
        )
        for trial in output.changedTrials {
            try Self.expectSame(trial, (trials + done).first { $0.id == trial.id } ?? trial, "a changed trial")
        }
        let unknown = Experiment.makeID()
        do {
            _ = try await storage.withAlgorithmLock(of: unknown, timeout: .seconds(1)) { _ in
                AlgorithmUpdate(state: Data("{}".utf8), newTrials: [], output: ())
            }
            throw ConformanceFailure("the lock of an unknown experiment was granted")
        } catch is StorageError {}
    }

    /// Each saved state increments the version and is what the next holder sees; a `nil` state keeps the stored
    /// state and its version.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkAlgorithmLockStateVersion() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("state-version")
        for expected in 0..<3 {
            let snapshot = try await Self.snapshot(storage, experiment, saving: try Counter.encode(expected + 1))
            let counter = try Counter.decode(snapshot.state)
            try ConformanceFailure.expect(
                snapshot.stateVersion == expected && counter == expected,
                "holder \(expected) sees version \(snapshot.stateVersion) with counter \(counter), expected "
                    + "\(expected) and \(expected)"
            )
        }
        _ = try await Self.snapshot(storage, experiment, saving: nil)
        let kept = try await Self.snapshot(storage, experiment)
        try ConformanceFailure.expect(
            kept.stateVersion == 3 && (try Counter.decode(kept.state)) == 3,
            "a nil state replaced the stored one: version \(kept.stateVersion), expected 3"
        )
    }

    /// The next holder's `changedTrials` are the trials registered or changed in status since the state was
    /// saved (with their current record), not the trials the previous holder registered, and not trials whose
    /// heartbeat alone changed.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkAlgorithmLockChangedTrials() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("changed")
        let trials = fixture.makeTrials(of: experiment, 0..<6)
        try await fixture.register(Array(trials[0..<3]))
        _ = try await Self.snapshot(storage, experiment, saving: try Counter.encode(1), registering: [trials[3]])

        let quiet = try await Self.snapshot(storage, experiment, saving: try Counter.encode(2))
        try ConformanceFailure.expect(
            quiet.changedTrials.isEmpty,
            "the previous holder's own trials, or no change, show as \(quiet.changedTrials.count) changed trials"
        )

        guard let reservation = try await storage.reserveTrial(of: experiment.id, worker: "w", at: Self.epoch) else {
            throw ConformanceFailure("no trial to reserve")
        }
        var reserved = reservation.trial
        try await fixture.register([trials[4]])
        let afterReserve = try await Self.snapshot(storage, experiment, saving: try Counter.encode(3))
        let expected = Set([reserved.id, trials[4].id])
        let changed = try Self.changedIDs(afterReserve)
        try ConformanceFailure.expect(
            changed == expected,
            "after a reservation and a registration, \(changed.count) changed trials, expected those 2"
        )
        let seen = afterReserve.changedTrials.first { $0.id == reserved.id }
        try ConformanceFailure.expect(seen?.status == .reserved, "a changed trial is not in its current status")

        _ = try await storage.heartbeat(
            trialID: reserved.id,
            of: experiment.id,
            holding: reservation.token,
            at: Self.epoch.addingTimeInterval(9)
        )
        let afterHeartbeat = try await Self.snapshot(storage, experiment, saving: try Counter.encode(4))
        try ConformanceFailure.expect(
            afterHeartbeat.changedTrials.isEmpty,
            "a heartbeat alone shows as \(afterHeartbeat.changedTrials.count) changed trials"
        )

        reserved.status = .completed
        reserved.results = [.objective(1)]
        _ = try await storage.updateTrial(reserved, holding: reservation.token)
        var suspended = trials[1]
        suspended.status = .suspended
        _ = try await storage.updateTrial(suspended, expecting: .new)
        _ = try await storage.updateTrial(suspended, expecting: .new)  // refused: no change
        let afterUpdates = try await Self.snapshot(storage, experiment, saving: nil)
        try ConformanceFailure.expect(
            try Self.changedIDs(afterUpdates) == [reserved.id, suspended.id],
            "after two status changes, \(afterUpdates.changedTrials.count) changed trials, expected those 2"
        )
        try Self.expectSame(
            afterUpdates.changedTrials.first { $0.id == reserved.id },
            reserved,
            "a completed trial in changedTrials"
        )
    }

    /// A body that throws writes nothing (no state, no trials, and the changes it saw stay unobserved), its error
    /// reaches the caller unchanged, and the lock is free again.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkAlgorithmLockBodyThrows() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("throws")
        let trials = fixture.makeTrials(of: experiment, 0..<3)
        try await fixture.register(Array(trials[0..<2]))
        _ = try await Self.snapshot(storage, experiment, saving: try Counter.encode(1))
        try await fixture.register([trials[2]])
        let failure = BodyError(token: fixture.prefix)
        do {
            let body: @Sendable (AlgorithmSnapshot) throws -> AlgorithmUpdate<Void> = { _ in throw failure }
            _ = try await storage.withAlgorithmLock(of: experiment.id, timeout: .seconds(5), body)
            throw ConformanceFailure("withAlgorithmLock returned although its body threw")
        } catch let error as BodyError {
            try ConformanceFailure.expect(error == failure, "the body's error changed on its way out")
        } catch let error as ConformanceFailure {
            throw error
        } catch {
            throw ConformanceFailure("the body's error reached the caller as \(error)")
        }
        let after = try await storage.withAlgorithmLock(of: experiment.id, timeout: .seconds(5)) { snapshot in
            AlgorithmUpdate(state: nil, newTrials: [], output: snapshot)
        }
        try ConformanceFailure.expect(
            after.stateVersion == 1 && (try Counter.decode(after.state)) == 1,
            "a throwing body saved a state (version \(after.stateVersion))"
        )
        try ConformanceFailure.expect(
            try Self.changedIDs(after) == [trials[2].id],
            "the changes a throwing body saw were marked observed"
        )
        let stored = try await storage.trials(of: experiment.id, status: nil)
        try ConformanceFailure.expect(stored.count == 3, "\(stored.count) trials after a throwing body, expected 3")
    }

    /// Concurrent holders never overlap: 16 tasks each read a counter from the state and save counter + 1 (and
    /// register a trial named by the counter), and the final counter, version and trials are 16; with ``reopen``,
    /// the tasks use 3 handles.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkAlgorithmLockMutualExclusion() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("mutex")
        let overlap = Overlap()
        let holders = 16
        let handles = try await handles(on: storage, count: 3)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for holder in 0..<holders {
                let handle = handles[holder % handles.count]
                group.addTask {
                    try await handle.withAlgorithmLock(of: experiment.id, timeout: .seconds(30)) { snapshot in
                        overlap.enter()
                        defer { overlap.leave() }
                        let counter = try Counter.decode(snapshot.state)
                        usleep(200)  // widen the window a broken lock would leave open
                        return AlgorithmUpdate(
                            state: try Counter.encode(counter + 1),
                            newTrials: [Self.makeTrial(of: experiment, value: counter)],
                            output: ()
                        )
                    }
                }
            }
            try await group.waitForAll()
        }
        try ConformanceFailure.expect(overlap.most == 1, "\(overlap.most) lock bodies ran at the same time")
        let final = try await Self.snapshot(storage, experiment)
        let counter = try Counter.decode(final.state)
        try ConformanceFailure.expect(counter == holders, "the counter is \(counter) after \(holders) holders")
        try ConformanceFailure.expect(
            final.stateVersion == holders,
            "the state version is \(final.stateVersion) after \(holders) saves"
        )
        let trials = try await storage.trials(of: experiment.id, status: nil)
        try ConformanceFailure.expect(
            Set(trials.map { $0.params[0].value }) == Set((0..<holders).map { JSONValue.int($0) }),
            "\(trials.count) trials registered by \(holders) holders, expected /x = 0 ..< \(holders)"
        )
    }
}
