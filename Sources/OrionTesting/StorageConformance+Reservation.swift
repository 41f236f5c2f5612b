import Foundation
import OrionCore

// Reservation, compare-and-set updates, heartbeats and lost trials.
extension StorageConformance {
    /// `reserveTrial` takes the oldest reservable trial (`new`, `interrupted` or `suspended`) and marks it reserved
    /// with start time, heartbeat and worker; it returns `nil` when none is left or the experiment is unknown.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkReserveOrder() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("reserve")
        let none = try await storage.reserveTrial(of: experiment.id, worker: "w", at: Self.epoch)
        try ConformanceFailure.expect(none == nil, "an experiment without trials gave a trial")

        let statuses: [TrialStatus] = [.completed, .reserved, .broken, .suspended, .new, .interrupted, .new]
        let trials = statuses.enumerated().map { Self.makeTrial(of: experiment, value: $0.offset, status: $0.element) }
        // Registered newest first: reservation follows the submit time.
        try await fixture.register(trials.reversed())
        var tokens: Set<String> = []
        for (round, index) in [3, 4, 5, 6].enumerated() {
            let now = Self.epoch.addingTimeInterval(1000 + Double(round))
            let worker = "host:\(round)"
            guard let reservation = try await storage.reserveTrial(of: experiment.id, worker: worker, at: now) else {
                throw ConformanceFailure("reservation \(round) gave nothing; trial /x=\(index) was reservable")
            }
            let reserved = reservation.trial
            try ConformanceFailure.expect(
                !reservation.token.isEmpty && tokens.insert(reservation.token).inserted,
                "reservation \(round) got an empty token, or the token of an earlier reservation"
            )
            var expected = trials[index]
            expected.status = .reserved
            expected.startTime = now
            expected.heartbeat = now
            expected.worker = worker
            try Self.expectSame(reserved, expected, "reservation \(round) (the oldest reservable is /x=\(index))")
            try Self.expectSame(
                try await storage.trial(id: reserved.id, of: experiment.id),
                expected,
                "the stored trial after reservation \(round)"
            )
        }
        let after = try await storage.reserveTrial(of: experiment.id, worker: "w", at: Self.epoch)
        try ConformanceFailure.expect(
            after == nil,
            "a fifth reservation gave /x=\(after?.trial.params.first?.value.pythonString ?? ""), which was not "
                + "reservable"
        )
        let unknown = try await storage.reserveTrial(of: Experiment.makeID(), worker: "w", at: Self.epoch)
        try ConformanceFailure.expect(unknown == nil, "an unknown experiment gave a trial")
    }

    /// Tasks racing to reserve trials (8 tasks, 200 trials) get every trial exactly once and lose none; with
    /// ``reopen``, the tasks use 3 handles.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkReserveUnderConcurrency() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("race")
        let trials = try await fixture.register(fixture.makeTrials(of: experiment, 0..<200))
        let handles = try await handles(on: storage, count: 3)
        let epoch = Self.epoch
        let taken = try await withThrowingTaskGroup(of: [String].self) { group in
            for task in 0..<8 {
                let handle = handles[task % handles.count]
                group.addTask {
                    var ids: [String] = []
                    while let taken = try await handle.reserveTrial(of: experiment.id, worker: "t\(task)", at: epoch) {
                        ids.append(taken.trial.id)
                    }
                    return ids
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let unique = Set(taken)
        try ConformanceFailure.expect(
            unique.count == taken.count,
            "racing tasks got \(taken.count) reservations of \(unique.count) distinct trials: some were given twice"
        )
        try ConformanceFailure.expect(
            unique == Set(trials.map(\.id)),
            "racing tasks reserved \(unique.count) of \(trials.count) trials"
        )
        let counts = try await storage.countTrials(of: experiment.id).filter { $0.value != 0 }
        try ConformanceFailure.expect(counts == [.reserved: 200], "after the race: \(Self.describe(counts))")
    }

    /// `updateTrials(_:expecting:)`: each trial is written only when its stored status is the expected one, the
    /// count says how many, the others (a reserved one, one never registered) are left as they were, and the
    /// counts by status follow.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkUpdateTrialsInOneBatch() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("batch")
        let registered = try await fixture.register(fixture.makeTrials(of: experiment, 0..<4))
        guard let reserved = try await storage.reserveTrial(of: experiment.id, worker: "w", at: Self.epoch)?.trial
        else {
            throw ConformanceFailure("no trial to reserve")
        }
        let stranger = Self.makeTrial(of: experiment, value: 99)
        let suspended = (registered + [stranger]).map { trial in
            var changed = trial
            changed.status = .suspended
            return changed
        }
        let written = try await storage.updateTrials(suspended, expecting: Array(repeating: .new, count: 5))
        try ConformanceFailure.expect(
            written == 3,
            "a batch of 3 new trials, 1 reserved and 1 unknown wrote \(written)"
        )
        for trial in registered {
            let stored = try await storage.trial(id: trial.id, of: experiment.id)
            let expected: TrialStatus = trial.id == reserved.id ? .reserved : .suspended
            try ConformanceFailure.expect(
                stored?.status == expected,
                "after the batch, trial \(trial.id) is \(stored?.status.rawValue ?? "missing"), not \(expected.rawValue)"
            )
        }
        let unknown = try await storage.trial(id: stranger.id, of: experiment.id)
        try ConformanceFailure.expect(unknown == nil, "a batch update stored a trial that was never registered")
        let counts = try await storage.countTrials(of: experiment.id).filter { $0.value != 0 }
        try ConformanceFailure.expect(
            counts == [.suspended: 3, .reserved: 1],
            "counts after a batch update: \(counts)"
        )
        let none = try await storage.updateTrials([], expecting: [])
        try ConformanceFailure.expect(none == 0, "an empty batch wrote \(none)")

        // Non-finite objectives and times come back as written.
        let others = registered.filter { $0.id != reserved.id }
        let completed = others.enumerated().map { index, trial in
            var changed = trial
            changed.status = .completed
            changed.results = [.objective([Double.infinity, -.infinity, .nan][index])]
            changed.endTime = Self.epoch.addingTimeInterval(Double(index))
            return changed
        }
        let done = try await storage.updateTrials(completed, expecting: Array(repeating: .suspended, count: 3))
        try ConformanceFailure.expect(done == 3, "completing 3 suspended trials in a batch wrote \(done)")
        for trial in completed {
            try Self.expectSame(try await storage.trial(id: trial.id, of: experiment.id), trial, "a batch completion")
        }
    }

    /// `updateTrial` writes only while the stored status is the expected one: a second completion, or one
    /// expecting the wrong status, changes nothing; of 8 tasks completing one trial, exactly one wins.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkUpdateTrialCompareAndSet() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("cas")
        try await fixture.register(fixture.makeTrials(of: experiment, 0..<2))
        guard let reserved = try await storage.reserveTrial(of: experiment.id, worker: "w", at: Self.epoch)?.trial
        else {
            throw ConformanceFailure("no trial to reserve")
        }
        var completed = reserved
        completed.status = .completed
        completed.results = [.objective(0.25)]
        completed.endTime = Self.epoch.addingTimeInterval(5)
        let wrong = try await storage.updateTrial(completed, expecting: .new)
        try ConformanceFailure.expect(!wrong, "an update expecting .new was written over a reserved trial")
        try Self.expectSame(try await storage.trial(id: reserved.id, of: experiment.id), reserved, "a refused update")
        let written = try await storage.updateTrial(completed, expecting: .reserved)
        try ConformanceFailure.expect(written, "completing a reserved trial expecting .reserved was refused")
        var late = reserved
        late.status = .broken
        late.failure = "too late"
        let again = try await storage.updateTrial(late, expecting: .reserved)
        try ConformanceFailure.expect(!again, "a second update expecting .reserved was written over a completed trial")
        try Self.expectSame(try await storage.trial(id: reserved.id, of: experiment.id), completed, "a late update")
        var stranger = Self.makeTrial(of: experiment, value: 99)
        stranger.status = .completed
        let unknown = try await storage.updateTrial(stranger, expecting: .new)
        try ConformanceFailure.expect(!unknown, "updating a trial that was never registered returned true")
        let missing = try await storage.trial(id: stranger.id, of: experiment.id)
        try ConformanceFailure.expect(missing == nil, "updating an unregistered trial stored it")

        guard let contested = try await storage.reserveTrial(of: experiment.id, worker: "w", at: Self.epoch) else {
            throw ConformanceFailure("no second trial to reserve")
        }
        let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
            for task in 0..<8 {
                var trial = contested.trial
                trial.status = .completed
                trial.results = [.objective(Double(task))]
                group.addTask {
                    task.isMultiple(of: 2)
                        ? try await storage.updateTrial(trial, expecting: .reserved)
                        : try await storage.updateTrial(trial, holding: contested.token)
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        try ConformanceFailure.expect(winners == 1, "\(winners) of 8 racing completions were written, expected 1")
    }

    /// Every field written by `updateTrial` reads back: results, times, worker, working dir, failure, exit code.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkTrialRoundTrip() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("round-trip")
        try await fixture.register(fixture.makeTrials(of: experiment, 0..<2))
        let start = Self.epoch.addingTimeInterval(100.125)
        for (index, broken) in [false, true].enumerated() {
            guard
                let reservation = try await storage.reserveTrial(of: experiment.id, worker: "host:\(index)", at: start)
            else { throw ConformanceFailure("no trial to reserve") }
            var trial = reservation.trial
            trial.status = broken ? .broken : .completed
            trial.endTime = start.addingTimeInterval(2.5)
            trial.heartbeat = start.addingTimeInterval(2)
            trial.workingDir = "/tmp/orion/round-trip/\(trial.id)"
            trial.exitCode = broken ? 3 : 0
            trial.failure = broken ? "exit code 3\nTraceback (most recent call last): 'é' \"quoted\"" : nil
            trial.results =
                broken
                ? []
                : [
                    .objective(0.1 + 0.2, name: "loss"),
                    TrialResult(name: "c", type: .constraint, value: .double(-1.5)),
                    TrialResult(name: "g", type: .gradient, value: .array([.double(1.5), .double(-2e-300)])),
                    TrialResult(name: "epochs", type: .statistic, value: .int(12)),
                ]
            let written = try await storage.updateTrial(trial, holding: reservation.token)
            try ConformanceFailure.expect(written, "updating a reserved trial with its token was refused")
            try Self.expectSame(
                try await storage.trial(id: trial.id, of: experiment.id),
                trial,
                broken ? "a broken trial" : "a completed trial"
            )
            let listed = try await storage.trials(of: experiment.id, status: [trial.status]).first
            try Self.expectSame(listed, trial, "trials(of:status:) of a \(trial.status.rawValue) trial")
        }
    }

    /// NaN and infinite objectives and statistics are stored and read back as such.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkNonFiniteObjectives() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("non-finite")
        let trials = try await fixture.register(fixture.makeTrials(of: experiment, 0..<3))
        let values: [Double] = [.nan, .infinity, -.infinity]
        for (trial, value) in zip(trials, values) {
            var done = trial
            done.status = .completed
            done.results = [.objective(value), TrialResult(name: "s", type: .statistic, value: .double(-value))]
            let written = try await storage.updateTrial(done, expecting: .new)
            try ConformanceFailure.expect(written, "updating a new trial expecting .new was refused")
            let stored = try await storage.trial(id: trial.id, of: experiment.id)
            try Self.expectSame(stored, done, "an objective of \(value)")
            let objective = stored?.objective
            try ConformanceFailure.expect(
                objective.map { $0 == value || ($0.isNaN && value.isNaN) } ?? false,
                "objective \(value) reads back as \(String(describing: objective))"
            )
        }
    }

    /// A whole number keeps its kind through the storage, as the script wrote it: an objective or constraint `2`
    /// reads back as the integer `2` and `2.0` as the double, a statistic `3.0` as the double and `3` as the
    /// integer, in `trial(id:of:)`, `trials(of:status:)` and the summary's best trial.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkResultNumberKinds() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("number-kinds")
        let trials = try await fixture.register(fixture.makeTrials(of: experiment, 0..<2))
        let kinds: [(JSONValue, JSONValue)] = [(.int(2), .double(3)), (.double(2), .int(3))]
        for (trial, (objective, statistic)) in zip(trials, kinds) {
            var done = trial
            done.status = .completed
            done.results = [
                TrialResult(name: "loss", type: .objective, value: objective),
                TrialResult(name: "c", type: .constraint, value: objective),
                TrialResult(name: "s", type: .statistic, value: statistic),
            ]
            let written = try await storage.updateTrial(done, expecting: .new)
            try ConformanceFailure.expect(written, "updating a new trial expecting .new was refused")
            let read = try await storage.trial(id: trial.id, of: experiment.id)
            let listed = try await storage.trials(of: experiment.id, status: [.completed]).first { $0.id == trial.id }
            for (source, stored) in [("trial(id:of:)", read), ("trials(of:status:)", listed)] {
                let values = stored?.results.map(\.value) ?? []
                try ConformanceFailure.expect(
                    values == [objective, objective, statistic],
                    "results \(objective.pythonRepr), \(objective.pythonRepr), \(statistic.pythonRepr) read back by "
                        + "\(source) as \(values.map(\.pythonRepr))"
                )
            }
        }
        let best = try await storage.summary(of: experiment.id).bestTrial?.objectiveValue
        try ConformanceFailure.expect(
            best == .int(2),
            "the best trial's objective 2 reads back as \(best?.pythonRepr ?? "nothing") in the summary"
        )
    }

    /// Parameters read back with the number kinds they were written with: a whole float of a category (`2.0`),
    /// inside a list (`[1, 2.0]`), and a large one (`1e16`), is not read back as an integer (JSON writes it without
    /// a decimal point), an integer stays an integer, a real is a float.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkParameterNumberKinds() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("parameter-kinds")
        let params = Parameters([
            Trial.Param(name: "/c", type: .categorical, value: .double(2)),
            Trial.Param(name: "/d", type: .categorical, value: .array([.int(1), .double(2)])),
            Trial.Param(name: "/f", type: .categorical, value: .double(1e16)),
            Trial.Param(name: "/n", type: .integer, value: .int(3)),
            Trial.Param(name: "/x", type: .real, value: .double(1)),
        ])
        let trial = Trial(experimentID: experiment.id, params: params, submitTime: Self.epoch)
        try await fixture.register([trial])
        let read = try await storage.trial(id: trial.id, of: experiment.id)
        let listed = try await storage.trials(of: experiment.id, status: nil).first
        let reserved = try await storage.reserveTrial(of: experiment.id, worker: "kinds:1", at: Self.epoch)
        for (source, stored) in [
            ("trial(id:of:)", read), ("trials(of:status:)", listed), ("reserveTrial", reserved?.trial),
        ] {
            try ConformanceFailure.expect(
                stored?.params == params && stored?.params.representation == params.representation,
                "parameters \(params.representation) read back by \(source) as "
                    + (stored?.params.representation ?? "nothing")
            )
        }
    }

    /// `heartbeat` refreshes only reserved trials, and only with their owner token; it returns `false` otherwise.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkHeartbeat() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("heartbeat")
        let trials = try await fixture.register(fixture.makeTrials(of: experiment, 0..<2))
        let early = try await storage.heartbeat(trialID: trials[1].id, of: experiment.id, holding: "", at: Self.epoch)
        try ConformanceFailure.expect(!early, "the heartbeat of a new trial was accepted")
        guard let reservation = try await storage.reserveTrial(of: experiment.id, worker: "w", at: Self.epoch) else {
            throw ConformanceFailure("no trial to reserve")
        }
        var trial = reservation.trial
        let later = Self.epoch.addingTimeInterval(30)
        let stranger = try await storage.heartbeat(
            trialID: trial.id,
            of: experiment.id,
            holding: Reservation.makeToken(),
            at: later
        )
        try ConformanceFailure.expect(!stranger, "the heartbeat of a reserved trial with another token was accepted")
        try Self.expectSame(try await storage.trial(id: trial.id, of: experiment.id), trial, "a stranger's heartbeat")
        let beat = try await storage.heartbeat(
            trialID: trial.id,
            of: experiment.id,
            holding: reservation.token,
            at: later
        )
        try ConformanceFailure.expect(beat, "the heartbeat of a reserved trial with its token was refused")
        trial.heartbeat = later
        try Self.expectSame(try await storage.trial(id: trial.id, of: experiment.id), trial, "after a heartbeat")
        let untouched = try await storage.trial(id: trials[1].id, of: experiment.id)
        try ConformanceFailure.expect(untouched?.heartbeat == nil, "a heartbeat refreshed another trial")

        trial.status = .completed
        let written = try await storage.updateTrial(trial, holding: reservation.token)
        try ConformanceFailure.expect(written, "completing a reserved trial with its token was refused")
        let lost = try await storage.heartbeat(
            trialID: trial.id,
            of: experiment.id,
            holding: reservation.token,
            at: later.addingTimeInterval(30)
        )
        try ConformanceFailure.expect(!lost, "the heartbeat of a completed trial was accepted")
        try Self.expectSame(try await storage.trial(id: trial.id, of: experiment.id), trial, "a refused heartbeat")
        let unknown = try await storage.heartbeat(
            trialID: "0123456789abcdef",
            of: experiment.id,
            holding: reservation.token,
            at: later
        )
        try ConformanceFailure.expect(!unknown, "the heartbeat of an unknown trial was accepted")
    }

    /// `releaseLostTrials` turns reserved trials with a heartbeat older than the cutoff into interrupted ones,
    /// leaves fresh ones reserved, returns how many it released, and released trials can be reserved again.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkReleaseLostTrials() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("lost")
        try await fixture.register(fixture.makeTrials(of: experiment, 0..<4))
        var reservations: [Reservation] = []
        for index in 0..<3 {
            guard let taken = try await storage.reserveTrial(of: experiment.id, worker: "w\(index)", at: Self.epoch)
            else { throw ConformanceFailure("reservation \(index) gave nothing") }
            reservations.append(taken)
        }
        let reserved = reservations.map(\.trial)
        let hourLater = Self.epoch.addingTimeInterval(3600)
        _ = try await storage.heartbeat(
            trialID: reserved[1].id,
            of: experiment.id,
            holding: reservations[1].token,
            at: hourLater
        )
        let none = try await storage.releaseLostTrials(of: experiment.id, heartbeatBefore: Self.epoch)
        try ConformanceFailure.expect(none == 0, "a cutoff equal to the oldest heartbeat released \(none) trials")

        let released = try await storage.releaseLostTrials(
            of: experiment.id,
            heartbeatBefore: hourLater.addingTimeInterval(-60)
        )
        try ConformanceFailure.expect(released == 2, "released \(released) trials, expected the 2 stale ones")
        for (index, trial) in reserved.enumerated() {
            let stored = try await storage.trial(id: trial.id, of: experiment.id)
            let expected: TrialStatus = index == 1 ? .reserved : .interrupted
            try ConformanceFailure.expect(
                stored?.status == expected,
                "trial \(index) is \(stored?.status.rawValue ?? "missing") after the release, expected \(expected)"
            )
        }
        let twice = try await storage.releaseLostTrials(of: experiment.id, heartbeatBefore: hourLater)
        try ConformanceFailure.expect(twice == 0, "a second release released \(twice) trials")
        let again = try await storage.reserveTrial(of: experiment.id, worker: "w", at: hourLater)
        try ConformanceFailure.expect(
            again?.trial.id == reserved[0].id,
            "the oldest released trial was not reserved first"
        )
        let counts = try await storage.countTrials(of: experiment.id).filter { $0.value != 0 }
        let expected: [TrialStatus: Int] = [.reserved: 2, .interrupted: 1, .new: 1]
        try ConformanceFailure.expect(
            counts == expected,
            "counts \(Self.describe(counts)), expected \(Self.describe(expected))"
        )
    }
}
