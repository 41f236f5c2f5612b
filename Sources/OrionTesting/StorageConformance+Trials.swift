import Foundation
import OrionCore

// Registering, reading and counting trials.
extension StorageConformance {
    /// `registerTrials` stores new trials and returns exactly those: ids the experiment has already (also twice in
    /// one call) are skipped and keep their stored record; the same id in another experiment is a different trial.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkRegisterTrials() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("register")
        let first = fixture.makeTrials(of: experiment, 0..<5)
        try await fixture.register(first)

        var changedCopy = first[1]
        changedCopy.status = .completed
        changedCopy.results = [.objective(1)]
        let fresh = fixture.makeTrials(of: experiment, 5..<7)
        let inserted = try await storage.registerTrials([first[0], changedCopy, fresh[0], fresh[1], fresh[0]])
        try ConformanceFailure.expect(
            inserted.map(\.id) == fresh.map(\.id),
            "registering 2 known ids, 2 new ones and a repeated one returned \(inserted.count) trials, "
                + "expected the 2 new ones"
        )
        try Self.expectSame(
            try await storage.trial(id: first[1].id, of: experiment.id),
            first[1],
            "a duplicate registration"
        )
        let all = try await storage.trials(of: experiment.id, status: nil)
        try ConformanceFailure.expect(all.count == 7, "\(all.count) trials stored, expected 7")

        let other = try await fixture.createExperiment("register-other")
        var sameID = first[0]
        sameID.experimentID = other.id
        let elsewhere = try await storage.registerTrials([sameID])
        try ConformanceFailure.expect(
            elsewhere.count == 1,
            "a trial id known in one experiment was refused in another"
        )
        let empty = try await storage.registerTrials([])
        try ConformanceFailure.expect(empty.isEmpty, "registering nothing returned \(empty.count) trials")
    }

    /// `trial(id:of:)` reads a trial back unchanged; `trials(of:status:)` lists them in submission order (by
    /// submit time, whatever order they were registered in), filtered by status.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkReadTrials() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("read-trials")
        let trials = fixture.makeTrials(of: experiment, 0..<6)
        // Registered out of order: submission order is the submit time.
        try await fixture.register([trials[3], trials[0], trials[4]])
        try await fixture.register([trials[1], trials[5], trials[2]])
        for trial in trials {
            try Self.expectSame(try await storage.trial(id: trial.id, of: experiment.id), trial, "trial(id:of:)")
        }
        let unknown = try await storage.trial(id: "0123456789abcdef0123456789abcdef", of: experiment.id)
        try ConformanceFailure.expect(unknown == nil, "an unknown trial id reads back a trial")
        let other = try await fixture.createExperiment("read-trials-other")
        let wrong = try await storage.trial(id: trials[0].id, of: other.id)
        try ConformanceFailure.expect(wrong == nil, "a trial reads back through another experiment")

        let listed = try await storage.trials(of: experiment.id, status: nil)
        try ConformanceFailure.expect(
            listed.map(\.id) == trials.map(\.id),
            "trials(of:) is not in submission order: values \(listed.map { $0.params[0].value })"
        )

        for (index, status) in [(1, TrialStatus.completed), (2, .broken), (4, .completed)] {
            var done = trials[index]
            done.status = status
            let written = try await storage.updateTrial(done, expecting: .new)
            try ConformanceFailure.expect(written, "updating a new trial expecting .new was refused")
        }
        let completed = try await storage.trials(of: experiment.id, status: [.completed])
        try ConformanceFailure.expect(
            completed.map(\.id) == [trials[1].id, trials[4].id],
            "status [completed] lists \(completed.count) trials, expected 2 in submission order"
        )
        let mixed = try await storage.trials(of: experiment.id, status: [.new, .broken])
        try ConformanceFailure.expect(
            mixed.map(\.id) == [0, 2, 3, 5].map { trials[$0].id },
            "status [new, broken] lists \(mixed.map { $0.params[0].value }), expected values [0, 2, 3, 5]"
        )
        let none = try await storage.trials(of: experiment.id, status: [])
        try ConformanceFailure.expect(none.isEmpty, "an empty status filter lists \(none.count) trials")
        for statuses in [nil, [.completed], [.new, .broken], []] as [[TrialStatus]?] {
            let ids = try await storage.trialIDs(of: experiment.id, status: statuses)
            let expected = try await storage.trials(of: experiment.id, status: statuses).map(\.id)
            try ConformanceFailure.expect(
                ids == expected,
                "trialIDs(of:status: \(String(describing: statuses))) lists \(ids), trials(of:) \(expected)"
            )
        }
        let missing = try await storage.trials(of: Experiment.makeID(), status: nil)
        try ConformanceFailure.expect(missing.isEmpty, "an unknown experiment lists \(missing.count) trials")
    }

    /// `trialPage` selects what ``TrialPage/select(from:query:)`` selects from every trial, for every order,
    /// direction, status filter and page position: trials without a start, an end or an objective (NaN counts as
    /// none) last in either direction, ties (equal objectives) in submission order, reversed when descending.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkTrialPages() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("pages")
        var trials: [Trial] = []
        for value in 0..<23 {
            var trial = Self.makeTrial(of: experiment, value: value)
            switch value % 5 {
            case 0: break
            case 1, 2:
                trial.status = .completed
                trial.startTime = trial.submitTime.addingTimeInterval(Double(30 - value))
                trial.endTime = trial.startTime?.addingTimeInterval(Double(value % 4))
                // Repeated objectives (ties), and a NaN.
                trial.results = [.objective(value == 6 ? .nan : Double(value % 3))]
            case 3:
                trial.status = .broken
                trial.startTime = trial.submitTime.addingTimeInterval(1)
                trial.endTime = trial.submitTime.addingTimeInterval(2)
            default:
                trial.status = .interrupted
                trial.startTime = trial.submitTime.addingTimeInterval(3)
            }
            trials.append(trial)
        }
        try await fixture.register(trials)
        let all = try await storage.trials(of: experiment.id, status: nil)
        let filters: [[TrialStatus]?] = [nil, [.completed], [.new, .broken], [.suspended], []]
        for sort in TrialPageQuery.SortKey.allCases {
            for descending in [false, true] {
                for statuses in filters {
                    for (offset, limit) in [(0, 7), (5, 10), (20, 10), (30, 5)] {
                        let query = TrialPageQuery(
                            statuses: statuses,
                            sort: sort,
                            descending: descending,
                            offset: offset,
                            limit: limit
                        )
                        let page = try await storage.trialPage(of: experiment.id, query: query)
                        let expected = TrialPage.select(from: all, query: query)
                        let label = "\(sort) desc=\(descending) \(String(describing: statuses)) \(offset)+\(limit)"
                        try ConformanceFailure.expect(
                            page.total == expected.total,
                            "trialPage \(label): total \(page.total), expected \(expected.total)"
                        )
                        try ConformanceFailure.expect(
                            page.trials.map { $0.params[0].value } == expected.trials.map { $0.params[0].value },
                            "trialPage \(label): values \(page.trials.map { $0.params[0].value }), expected"
                                + " \(expected.trials.map { $0.params[0].value })"
                        )
                    }
                }
            }
        }
    }

    /// `countTrials` gives the number of trials of each status, and nothing for an unknown experiment.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkCountTrials() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("count")
        let empty = try await storage.countTrials(of: experiment.id)
        try ConformanceFailure.expect(
            empty.values.allSatisfy { $0 == 0 },
            "an experiment without trials counts \(Self.describe(empty))"
        )
        try await fixture.register(fixture.makeTrials(of: experiment, 0..<4))
        try await fixture.register(fixture.makeTrials(of: experiment, 4..<6, status: .completed))
        try await fixture.register(fixture.makeTrials(of: experiment, 6..<7, status: .broken))
        _ = try await storage.reserveTrial(of: experiment.id, worker: "w", at: Self.epoch)
        let counts = try await storage.countTrials(of: experiment.id).filter { $0.value != 0 }
        let expected: [TrialStatus: Int] = [.new: 3, .reserved: 1, .completed: 2, .broken: 1]
        try ConformanceFailure.expect(
            counts == expected,
            "counts \(Self.describe(counts)), expected \(Self.describe(expected))"
        )
        let unknown = try await storage.countTrials(of: Experiment.makeID())
        try ConformanceFailure.expect(
            unknown.values.allSatisfy { $0 == 0 },
            "an unknown experiment counts \(Self.describe(unknown))"
        )
    }

    /// `deleteTrials` deletes exactly the trials of the given statuses of one experiment, returns how many, and
    /// the counts and the summary follow; another experiment's trials are untouched.
    ///
    /// - Throws: ``ConformanceFailure`` or the storage's error.
    public func checkDeleteTrials() async throws {
        let fixture = try await fixture()
        let storage = fixture.storage
        let experiment = try await fixture.createExperiment("delete-trials")
        let other = try await fixture.createExperiment("delete-trials-other")
        try await fixture.register(
            fixture.makeTrials(of: experiment, 0..<3, status: .broken)
                + fixture.makeTrials(of: experiment, 3..<5, status: .new)
                + fixture.makeTrials(of: experiment, 5..<6, status: .interrupted)
                + fixture.makeTrials(of: other, 0..<2, status: .broken)
        )
        let deleted = try await storage.deleteTrials(of: experiment.id, status: [.broken, .interrupted])
        try ConformanceFailure.expect(deleted == 4, "deleteTrials returned \(deleted), expected 4")
        let left = try await storage.trials(of: experiment.id, status: nil)
        try ConformanceFailure.expect(
            left.count == 2 && left.allSatisfy { $0.status == .new },
            "after deleting broken and interrupted trials, \(left.map(\.status.rawValue)) are left, expected 2 new"
        )
        let counts = try await storage.countTrials(of: experiment.id)
        try ConformanceFailure.expect(counts == [.new: 2], "counts after deleting are \(counts), expected [new: 2]")
        let summary = try await storage.summary(of: experiment.id)
        try ConformanceFailure.expect(
            summary.counts.filter { $0.value > 0 } == [.new: 2],
            "the summary's counts after deleting are \(summary.counts), expected [new: 2]"
        )
        let untouched = try await storage.trials(of: other.id, status: nil)
        try ConformanceFailure.expect(untouched.count == 2, "another experiment lost trials: \(untouched.count) left")
        let none = try await storage.deleteTrials(of: experiment.id, status: [.completed])
        try ConformanceFailure.expect(none == 0, "deleting a status without trials returned \(none), expected 0")
    }
}
