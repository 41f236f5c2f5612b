import Foundation
import OrionCore

// The summary behind `orion status` and `orion info`: counts and running time by status, the best trial, the last end.
extension StorageConformance {
    /// `summary(of:)` counts trials by status as they change, adds up the running time of ended trials, finds
    /// the completed trial with the lowest objective (never a NaN one, nor a better objective of a trial that is not
    /// completed) and the latest end, and forgets a deleted experiment's trials.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkSummary() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("summary")
        let empty = try await storage.summary(of: experiment.id)
        try ConformanceFailure.expect(
            empty.counts.values.allSatisfy { $0 == 0 } && empty.bestTrial == nil && empty.lastEndTime == nil
                && empty.endedTrialsTime == 0,
            "an experiment without trials summarizes as \(empty)"
        )
        func completed(_ value: Int, objective: Double, seconds: Double) -> Trial {
            var trial = Self.makeTrial(of: experiment, value: value, status: .completed)
            trial.startTime = Self.epoch.addingTimeInterval(Double(100 * value))
            trial.endTime = trial.startTime?.addingTimeInterval(seconds)
            trial.results = [.objective(objective, name: "loss")]
            return trial
        }
        var broken = Self.makeTrial(of: experiment, value: 5, status: .broken)
        broken.results = [.objective(-100)]  // not completed: never the best
        broken.startTime = Self.epoch.addingTimeInterval(600)
        broken.endTime = Self.epoch.addingTimeInterval(632)  // its running time counts, its end is not the last
        try await fixture.register([
            completed(1, objective: 3, seconds: 2),
            completed(2, objective: .nan, seconds: 4),
            completed(3, objective: 1.5, seconds: 8),
            completed(4, objective: 1.5, seconds: 16),
            broken,
        ])
        try await fixture.register(fixture.makeTrials(of: experiment, 10..<13))
        guard let reservation = try await storage.reserveTrial(of: experiment.id, worker: "w", at: Self.epoch) else {
            throw ConformanceFailure("no trial to reserve")
        }
        // The reserved trial started at the epoch and has run 5 s by its last heartbeat.
        let beat = try await storage.heartbeat(
            trialID: reservation.trial.id,
            of: experiment.id,
            holding: reservation.token,
            at: Self.epoch.addingTimeInterval(5)
        )
        guard beat else { throw ConformanceFailure("the holder's heartbeat was refused") }
        var summary = try await storage.summary(of: experiment.id)
        var expected: [TrialStatus: Int] = [.completed: 4, .broken: 1, .new: 2, .reserved: 1]
        try ConformanceFailure.expect(
            summary.counts.filter { $0.value != 0 } == expected,
            "counts \(Self.describe(summary.counts)), expected \(Self.describe(expected))"
        )
        try ConformanceFailure.expect(
            summary.bestTrial?.id == completed(3, objective: 1.5, seconds: 8).id,
            "the best trial is \(summary.bestTrial.map { "\($0.params) at \($0.objective ?? .nan)" } ?? "none"), "
                + "expected /x = 3 (objective 1.5, submitted before the other 1.5)"
        )
        try ConformanceFailure.expect(
            abs(summary.endedTrialsTime - 62) < 1e-3,
            "the ended trials ran \(summary.endedTrialsTime) s in all, expected 62 s (30 completed, 32 broken)"
        )
        try ConformanceFailure.expect(
            Self.sameInstant(summary.lastEndTime, Self.epoch.addingTimeInterval(416)),
            "the last end is \(summary.lastEndTime.map { "\($0)" } ?? "none"), expected epoch + 416 s"
        )
        try expectTimes(
            summary,
            unended: 5,
            firstStart: 0,
            lastActivity: 632,
            firstCompletedStart: 100,
            "with a trial running (started at the epoch, last heartbeat 5 s later)"
        )

        // Completing the reserved trial with a better objective moves it to the top and the counts with it.
        var done = reservation.trial
        done.status = .completed
        done.startTime = Self.epoch.addingTimeInterval(1000)
        done.endTime = Self.epoch.addingTimeInterval(1001)
        done.results = [.objective(0.5)]
        guard try await storage.updateTrial(done, holding: reservation.token) else {
            throw ConformanceFailure("the holder could not complete its trial")
        }
        summary = try await storage.summary(of: experiment.id)
        expected = [.completed: 5, .broken: 1, .new: 2]
        try ConformanceFailure.expect(
            summary.counts.filter { $0.value != 0 } == expected,
            "after a completion: counts \(Self.describe(summary.counts)), expected \(Self.describe(expected))"
        )
        try ConformanceFailure.expect(
            summary.bestTrial?.id == done.id && abs(summary.endedTrialsTime - 63) < 1e-3,
            "after a completion: best \(summary.bestTrial?.objective ?? .nan), time \(summary.endedTrialsTime)"
        )
        try expectTimes(
            summary,
            unended: 0,
            firstStart: 100,
            lastActivity: 1001,
            firstCompletedStart: 100,
            "after a completion (the running trial restarted at epoch + 1000 s)"
        )
        let counts = try await storage.countTrials(of: experiment.id).filter { $0.value != 0 }
        try ConformanceFailure.expect(
            counts == expected,
            "countTrials \(Self.describe(counts)) differs from the summary's \(Self.describe(expected))"
        )

        try await storage.deleteExperiment(id: experiment.id)
        let recreated = try await fixture.createExperiment("summary")
        let fresh = try await storage.summary(of: recreated.id)
        let gone = try await storage.summary(of: experiment.id)
        try ConformanceFailure.expect(
            fresh.counts.values.allSatisfy { $0 == 0 } && gone.counts.values.allSatisfy { $0 == 0 }
                && gone.bestTrial == nil,
            "a deleted experiment still summarizes as \(gone)"
        )
    }

    /// Checks the times of Oríon's execution intervals in `summary`, as seconds after ``epoch``.
    private func expectTimes(
        _ summary: TrialSummary,
        unended: Double,
        firstStart: Double,
        lastActivity: Double,
        firstCompletedStart: Double,
        _ when: String
    ) throws {
        let seconds = { (date: Date?) in date.map { String($0.timeIntervalSince(Self.epoch)) } ?? "none" }
        try ConformanceFailure.expect(
            abs(summary.unendedTrialsTime - unended) < 1e-3
                && Self.sameInstant(summary.firstStartTime, Self.epoch.addingTimeInterval(firstStart))
                && Self.sameInstant(summary.lastActivityTime, Self.epoch.addingTimeInterval(lastActivity))
                && Self.sameInstant(
                    summary.firstCompletedStartTime,
                    Self.epoch.addingTimeInterval(firstCompletedStart)
                ),
            "\(when): running time without an end \(summary.unendedTrialsTime) s (expected \(unended)), first start "
                + "\(seconds(summary.firstStartTime)) (\(firstStart)), last end or heartbeat "
                + "\(seconds(summary.lastActivityTime)) (\(lastActivity)), first completed start "
                + "\(seconds(summary.firstCompletedStartTime)) (\(firstCompletedStart)), in seconds after the epoch"
        )
    }
}
