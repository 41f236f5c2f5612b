import Foundation
import OrionCore
import Synchronization

// What the lock's holder registers and counts, and resetting the algorithm.
extension StorageConformance {
    /// Trials returned by the body are registered with the state; repeated and known ids are skipped and the
    /// stored trial is kept.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkAlgorithmLockNewTrials() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("new-trials")
        let known = try await fixture.register(fixture.makeTrials(of: experiment, 0..<1, status: .completed))
        let fresh = fixture.makeTrials(of: experiment, 1..<3)
        var changedCopy = known[0]
        changedCopy.status = .new
        let knownAgain = changedCopy
        let output = try await storage.withAlgorithmLock(of: experiment.id, timeout: .seconds(10)) { _ in
            AlgorithmUpdate(
                state: try Counter.encode(1),
                newTrials: [fresh[0], fresh[1], fresh[0], knownAgain],
                output: "produced"
            )
        }
        try ConformanceFailure.expect(output == "produced", "withAlgorithmLock returned '\(output)', not the body's")
        let stored = try await storage.trials(of: experiment.id, status: nil)
        try ConformanceFailure.expect(
            stored.map(\.id) == [known[0].id, fresh[0].id, fresh[1].id],
            "after the body registered 2 new trials, a repeat and a known one, \(stored.count) trials are stored"
        )
        try Self.expectSame(stored.first, known[0], "a known trial returned by the body")
        try Self.expectSame(stored.last, fresh[1], "a trial registered by the body")
    }

    /// `snapshot.counts` is the number of trials of each status when the lock is taken.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkAlgorithmLockCounts() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("counts")
        let empty = try await Self.snapshot(storage, experiment)
        try ConformanceFailure.expect(
            empty.counts.values.allSatisfy { $0 == 0 },
            "an experiment without trials has counts \(Self.describe(empty.counts))"
        )
        try await fixture.register(fixture.makeTrials(of: experiment, 0..<3))
        try await fixture.register(fixture.makeTrials(of: experiment, 3..<5, status: .completed))
        try await fixture.register(fixture.makeTrials(of: experiment, 5..<6, status: .broken))
        _ = try await storage.reserveTrial(of: experiment.id, worker: "w", at: Self.epoch)
        let produced = fixture.makeTrials(of: experiment, 6..<8)
        let first = try await Self.snapshot(storage, experiment, saving: try Counter.encode(1), registering: produced)
        let expected: [TrialStatus: Int] = [.new: 2, .reserved: 1, .completed: 2, .broken: 1]
        try ConformanceFailure.expect(
            first.counts.filter { $0.value != 0 } == expected,
            "snapshot counts \(Self.describe(first.counts)), expected \(Self.describe(expected))"
        )
        let second = try await Self.snapshot(storage, experiment)
        let stored = try await storage.countTrials(of: experiment.id)
        try ConformanceFailure.expect(
            second.counts.filter { $0.value != 0 } == stored.filter { $0.value != 0 } && second.counts[.new] == 4,
            "after the body registered 2 trials, snapshot counts \(Self.describe(second.counts)), "
                + "countTrials \(Self.describe(stored))"
        )
    }

    /// A reader sees the last saved state and the trials changed since, as the next holder of the lock would (none
    /// before a state is saved), without taking the lock (it reads while another task holds it) and without changing
    /// anything; `nil` for an unknown experiment.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkStoredAlgorithmState() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("stored-state")
        let first = try await fixture.register(fixture.makeTrials(of: experiment, 0..<2))
        let fresh = try await storage.storedAlgorithmState(of: experiment.id)
        try ConformanceFailure.expect(fresh != nil, "no reading for an existing experiment")
        try ConformanceFailure.expect(fresh?.state == nil, "a state before any was saved")
        try ConformanceFailure.expect(
            fresh?.changedTrials.isEmpty == true && fresh?.counts[.new] == first.count,
            "without a state, the reading lists \(fresh?.changedTrials.count ?? 0) changed trials (none to observe them "
                + "with) and counts \(Self.describe(fresh?.counts ?? [:])), expected none and 2 new"
        )
        _ = try await Self.snapshot(storage, experiment, saving: try Counter.encode(7))
        let reserved = try await storage.reserveTrial(of: experiment.id, worker: "w", at: Self.epoch)
        let later = try await fixture.register(fixture.makeTrials(of: experiment, 2..<3))
        // Read while another task holds the lock: the holder keeps it until the reading is done (at most 10 s), so a
        // reader that waited for the lock would finish only after the holder gave up.
        // (The holder blocks its thread: this needs a second thread for the reader, as every concurrency check does.)
        let readingDone = Mutex(false)
        let holding = Mutex(false)
        let holder = Task {
            try await storage.withAlgorithmLock(of: experiment.id, timeout: .seconds(10)) { _ in
                holding.withLock { $0 = true }
                let deadline = Date().addingTimeInterval(10)
                while !readingDone.withLock({ $0 }) && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
                return AlgorithmUpdate(state: nil, newTrials: [], output: readingDone.withLock { $0 })
            }
        }
        while !holding.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
        let stored = try await storage.storedAlgorithmState(of: experiment.id)
        readingDone.withLock { $0 = true }
        try ConformanceFailure.expect(
            try await holder.value,
            "the reading waited for the algorithm lock (it ended after its holder released it)"
        )
        try ConformanceFailure.expect(
            (try Counter.decode(stored?.state)) == 7,
            "the reading's state is not the one saved last"
        )
        let expected = Set(later.map(\.id) + [reserved?.trial.id].compactMap { $0 })
        let changed = Set(stored?.changedTrials.map(\.id) ?? [])
        try ConformanceFailure.expect(
            changed == expected,
            "the reading lists \(changed.count) changed trials, expected the reserved one and the new one (2)"
        )
        try ConformanceFailure.expect(
            stored?.counts[.new] == 2 && stored?.counts[.reserved] == 1,
            "the reading counts \(Self.describe(stored?.counts ?? [:])), expected 2 new and 1 reserved"
        )
        let next = try await Self.snapshot(storage, experiment)
        try ConformanceFailure.expect(
            (try Self.changedIDs(next)) == expected && (try Counter.decode(next.state)) == 7,
            "reading the state changed what the next holder of the lock sees"
        )
        let unknown = try await storage.storedAlgorithmState(of: Experiment.makeID())
        try ConformanceFailure.expect(unknown == nil, "a reading for an unknown experiment")
    }

    /// `resetAlgorithm` forgets the state, so that the next holder sees no state and every trial as changed; the
    /// state version never goes back, so a copy cached under an old version is never mistaken for a new state.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkResetAlgorithm() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("reset")
        let trials = try await fixture.register(fixture.makeTrials(of: experiment, 0..<3))
        _ = try await Self.snapshot(storage, experiment, saving: try Counter.encode(1))
        _ = try await Self.snapshot(storage, experiment, saving: try Counter.encode(2))
        _ = try await storage.reserveTrial(of: experiment.id, worker: "w", at: Self.epoch)
        _ = try await Self.snapshot(storage, experiment, saving: try Counter.encode(3))

        try await storage.resetAlgorithm(of: experiment.id)
        let reset = try await Self.snapshot(storage, experiment, saving: try Counter.encode(10))
        try ConformanceFailure.expect(reset.state == nil, "the state survived resetAlgorithm")
        try ConformanceFailure.expect(
            try Self.changedIDs(reset) == Set(trials.map(\.id)),
            "after resetAlgorithm, \(reset.changedTrials.count) changed trials, expected all 3"
        )
        let reserved = reset.changedTrials.filter { $0.status == .reserved }.count
        try ConformanceFailure.expect(reserved == 1, "after resetAlgorithm, \(reserved) changed trials are reserved")
        let next = try await Self.snapshot(storage, experiment)
        try ConformanceFailure.expect(
            (try Counter.decode(next.state)) == 10 && next.stateVersion > 3,
            "the state saved after a reset has version \(next.stateVersion); versions 1 to 3 were used before"
        )
        try ConformanceFailure.expect(next.changedTrials.isEmpty, "the state saved after a reset observed nothing")

        // Trials registered by the very first production, with the first state and before any other change, are
        // every trial too: a state rebuilt after a reset must be told about them.
        let first = try await fixture.createExperiment("reset-first")
        let produced = fixture.makeTrials(of: first, 0..<2)
        _ = try await Self.snapshot(storage, first, saving: try Counter.encode(1), registering: produced)
        try await storage.resetAlgorithm(of: first.id)
        let rebuilt = try await Self.snapshot(storage, first, saving: try Counter.encode(2))
        try ConformanceFailure.expect(
            try Self.changedIDs(rebuilt) == Set(produced.map(\.id)),
            "after resetAlgorithm, \(rebuilt.changedTrials.count) changed trials, expected the 2 the first state "
                + "registered"
        )
    }
}
