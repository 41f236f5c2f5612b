import Foundation
import OrionCore

// Owner tokens: only the holder of a reservation heartbeats, completes or releases it.
extension StorageConformance {
    /// A worker presumed dead (its trial released as lost and reserved again by another) can neither heartbeat nor
    /// complete the trial with its old token, while the new holder can; a wrong token changes nothing, and a
    /// finished reservation's token is spent.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkOwnerTokens() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("owner")
        try await fixture.register(fixture.makeTrials(of: experiment, 0..<1))
        guard let first = try await storage.reserveTrial(of: experiment.id, worker: "host:1", at: Self.epoch) else {
            throw ConformanceFailure("no trial to reserve")
        }
        var stranger = first.trial
        stranger.status = .completed
        stranger.results = [.objective(1)]
        let forged = try await storage.updateTrial(stranger, holding: Reservation.makeToken())
        try ConformanceFailure.expect(!forged, "a completion with another token was written over a reserved trial")
        try Self.expectSame(try await storage.trial(id: first.trial.id, of: experiment.id), first.trial, "forged")

        // The first holder pauses past the heartbeat: its trial is released and another worker takes it.
        let hourLater = Self.epoch.addingTimeInterval(3600)
        let released = try await storage.releaseLostTrials(of: experiment.id, heartbeatBefore: hourLater)
        try ConformanceFailure.expect(released == 1, "released \(released) trials, expected the stale one")
        let afterRelease = try await storage.heartbeat(
            trialID: first.trial.id,
            of: experiment.id,
            holding: first.token,
            at: hourLater
        )
        try ConformanceFailure.expect(!afterRelease, "the old holder's heartbeat was accepted after a release")
        guard let second = try await storage.reserveTrial(of: experiment.id, worker: "host:2", at: hourLater) else {
            throw ConformanceFailure("the released trial could not be reserved again")
        }
        try ConformanceFailure.expect(
            second.trial.id == first.trial.id && second.token != first.token,
            "the second reservation is of another trial, or has the first one's token"
        )

        // The first holder wakes up: its heartbeat and its result are refused; the new holder's run is intact.
        let lateBeat = try await storage.heartbeat(
            trialID: first.trial.id,
            of: experiment.id,
            holding: first.token,
            at: hourLater.addingTimeInterval(1)
        )
        try ConformanceFailure.expect(!lateBeat, "the old holder's heartbeat was accepted on the new reservation")
        var late = first.trial
        late.status = .completed
        late.results = [.objective(-1)]
        let lateWrite = try await storage.updateTrial(late, holding: first.token)
        try ConformanceFailure.expect(!lateWrite, "the old holder's result was written over the new reservation")
        try Self.expectSame(
            try await storage.trial(id: first.trial.id, of: experiment.id),
            second.trial,
            "the new reservation after the old holder's late writes"
        )
        let beat = try await storage.heartbeat(
            trialID: second.trial.id,
            of: experiment.id,
            holding: second.token,
            at: hourLater.addingTimeInterval(2)
        )
        try ConformanceFailure.expect(beat, "the new holder's heartbeat was refused")
        var done = second.trial
        done.status = .completed
        done.heartbeat = hourLater.addingTimeInterval(2)
        done.results = [.objective(2)]
        let written = try await storage.updateTrial(done, holding: second.token)
        try ConformanceFailure.expect(written, "the new holder's completion was refused")
        let twice = try await storage.updateTrial(late, holding: second.token)
        try ConformanceFailure.expect(!twice, "a spent token (the trial is completed) was accepted")
        try Self.expectSame(try await storage.trial(id: done.id, of: experiment.id), done, "the completed trial")
    }

    /// `reservations(of:)` lists exactly the reserved trials with their tokens (trials registered as reserved get
    /// one too); the holder releases its trial with its token (it becomes `interrupted`, reservable again with a new
    /// token), and a released trial leaves the list.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkReservations() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("reservations")
        let none = try await storage.reservations(of: experiment.id)
        try ConformanceFailure.expect(none.isEmpty, "an experiment without trials lists \(none.count) reservations")
        try await fixture.register(fixture.makeTrials(of: experiment, 0..<3))
        try await fixture.register(fixture.makeTrials(of: experiment, 3..<4, status: .completed))
        let imported = try await fixture.register(fixture.makeTrials(of: experiment, 4..<5, status: .reserved))[0]
        guard let mine = try await storage.reserveTrial(of: experiment.id, worker: "host:7", at: Self.epoch) else {
            throw ConformanceFailure("no trial to reserve")
        }
        let listed = try await storage.reservations(of: experiment.id)
        try ConformanceFailure.expect(
            listed.map(\.trial.id) == [mine.trial.id, imported.id],
            "reservations lists \(listed.count) trials; expected the reserved one and the one registered as reserved"
        )
        try ConformanceFailure.expect(
            listed.first?.token == mine.token,
            "reservations gives another token than reserveTrial"
        )
        try Self.expectSame(listed.first?.trial, mine.trial, "a listed reservation")

        // A worker that knows the holder of `imported` is dead releases it with the listed token.
        guard let importedToken = listed.last?.token, !importedToken.isEmpty else {
            throw ConformanceFailure("a trial registered as reserved has no token")
        }
        var reclaimed = imported
        reclaimed.status = .interrupted
        let reclaimedWritten = try await storage.updateTrial(reclaimed, holding: importedToken)
        try ConformanceFailure.expect(reclaimedWritten, "releasing a listed reservation with its token was refused")

        var giveBack = mine.trial
        giveBack.status = .interrupted
        let givenBack = try await storage.updateTrial(giveBack, holding: mine.token)
        try ConformanceFailure.expect(givenBack, "the holder's release with its token was refused")
        let after = try await storage.reservations(of: experiment.id)
        try ConformanceFailure.expect(after.isEmpty, "\(after.count) reservations are listed after both releases")
        guard let again = try await storage.reserveTrial(of: experiment.id, worker: "host:8", at: Self.epoch) else {
            throw ConformanceFailure("a released trial could not be reserved again")
        }
        try ConformanceFailure.expect(
            again.token != mine.token,
            "a new reservation of a released trial has the old token"
        )
        let stale = try await storage.heartbeat(
            trialID: again.trial.id,
            of: experiment.id,
            holding: mine.token,
            at: Self.epoch
        )
        try ConformanceFailure.expect(!stale, "the previous holder's token refreshed the new reservation")
    }

    /// A holder completing its trial while another worker releases it as lost (40 trials, each raced by both, on
    /// separate handles when ``reopen`` is given): exactly one of the two wins for every trial, never both, and a
    /// trial whose release won can be reserved again.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkCompletionRacesRelease() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("race-release")
        let count = 40
        try await fixture.register(fixture.makeTrials(of: experiment, 0..<count))
        var reservations: [Reservation] = []
        while let taken = try await storage.reserveTrial(of: experiment.id, worker: "slow:1", at: Self.epoch) {
            reservations.append(taken)
        }
        try ConformanceFailure.expect(reservations.count == count, "reserved \(reservations.count) of \(count)")
        let handles = try await handles(on: storage, count: 2)
        let releaser = handles[handles.count - 1]
        let cutoff = Self.epoch.addingTimeInterval(60)
        async let completions: Int = withThrowingTaskGroup(of: Bool.self) { group in
            for reservation in reservations {
                var done = reservation.trial
                done.status = .completed
                done.results = [.objective(3)]
                group.addTask { try await storage.updateTrial(done, holding: reservation.token) }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        async let releases: Int = {
            var total = 0
            for _ in 0..<5 { total += try await releaser.releaseLostTrials(of: experiment.id, heartbeatBefore: cutoff) }
            return total
        }()
        let (completed, released) = try await (completions, releases)
        try ConformanceFailure.expect(
            completed + released == count,
            "\(completed) completions and \(released) releases won, for \(count) trials: expected one winner each"
        )
        let counts = try await storage.countTrials(of: experiment.id).filter { $0.value != 0 }
        var expected: [TrialStatus: Int] = [:]
        if completed > 0 { expected[.completed] = completed }
        if released > 0 { expected[.interrupted] = released }
        try ConformanceFailure.expect(
            counts == expected,
            "counts \(Self.describe(counts)), expected \(Self.describe(expected))"
        )
    }

    /// `close()` keeps everything (a new handle, when the suite can ``reopen`` one, reads every trial back), and
    /// closing twice does nothing.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkClose() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("close")
        let trials = try await fixture.register(fixture.makeTrials(of: experiment, 0..<5))
        guard let reservation = try await storage.reserveTrial(of: experiment.id, worker: "w", at: Self.epoch) else {
            throw ConformanceFailure("no trial to reserve")
        }
        var done = reservation.trial
        done.status = .completed
        done.results = [.objective(0.5)]
        _ = try await storage.updateTrial(done, holding: reservation.token)
        guard let reopen else {
            try await storage.close()
            try await storage.close()
            return
        }
        let other = try await reopen(storage)
        try await storage.close()
        try await storage.close()
        let read = try await other.trials(of: experiment.id, status: nil)
        try ConformanceFailure.expect(
            read.count == trials.count && read.first { $0.id == done.id }?.status == .completed,
            "after close, another handle reads \(read.count) trials of \(trials.count), or not the completed one"
        )
        try await other.close()
    }
}
