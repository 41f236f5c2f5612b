import Foundation
import OrionCore
import OrionTesting
import Synchronization
import XCTest

/// A flag shared between a lock body and the test.
private final class Flag: Sendable {
    private let value = Atomic<Bool>(false)

    func raise() { value.store(true, ordering: .sequentiallyConsistent) }

    var isRaised: Bool { value.load(ordering: .sequentiallyConsistent) }

    func wait() async throws {
        while !value.load(ordering: .sequentiallyConsistent) { try await Task.sleep(for: .milliseconds(5)) }
    }
}

final class InMemoryStorageTests: XCTestCase {
    func testConformance() async throws { try await StorageConformance { InMemoryStorage() }.runEveryCheck() }

    // MARK: In-memory specifics

    private func makeExperiment(_ storage: InMemoryStorage) async throws -> Experiment {
        let experiment = Experiment(
            name: "memory",
            space: try Space(priors: ["/x": "uniform(0, 1)"]),
            algorithm: AlgorithmConfig(name: "random")
        )
        try await storage.createExperiment(experiment)
        return experiment
    }

    private func trial(_ experiment: Experiment, _ value: Double, at seconds: Double) -> Trial {
        Trial(
            experimentID: experiment.id,
            params: [Trial.Param(name: "/x", type: .real, value: .double(value))],
            submitTime: Date(timeIntervalSince1970: seconds)
        )
    }

    func testAWaiterTimesOutWhileAnotherTaskHoldsTheLock() async throws {
        let storage = InMemoryStorage()
        let experiment = try await makeExperiment(storage)
        let inside = Flag()
        let holder = Task {
            try await storage.withAlgorithmLock(of: experiment.id, timeout: .seconds(10)) { _ in
                inside.raise()
                Thread.sleep(forTimeInterval: 0.5)
                return AlgorithmUpdate(state: Data("1".utf8), newTrials: [], output: ())
            }
        }
        try await inside.wait()
        do {
            try await storage.withAlgorithmLock(of: experiment.id, timeout: .milliseconds(50)) { _ in
                AlgorithmUpdate(state: nil, newTrials: [], output: ())
            }
            XCTFail("the lock was taken while another task held it")
        } catch let error as StorageError {
            XCTAssertEqual(error.code, .lockTimeout)
        }
        try await holder.value
        let version = try await storage.withAlgorithmLock(of: experiment.id, timeout: .seconds(10)) { snapshot in
            AlgorithmUpdate(state: nil, newTrials: [], output: snapshot.stateVersion)
        }
        XCTAssertEqual(version, 1, "the lock is free again once its holder is done")
    }

    func testACancelledWaiterGivesUpAndLeavesTheLockUsable() async throws {
        let storage = InMemoryStorage()
        let experiment = try await makeExperiment(storage)
        let inside = Flag()
        let holder = Task {
            try await storage.withAlgorithmLock(of: experiment.id, timeout: .seconds(10)) { _ in
                inside.raise()
                Thread.sleep(forTimeInterval: 0.3)
                return AlgorithmUpdate(state: nil, newTrials: [], output: ())
            }
        }
        try await inside.wait()
        let waiter = Task {
            try await storage.withAlgorithmLock(of: experiment.id, timeout: .seconds(10)) { _ in
                AlgorithmUpdate(state: nil, newTrials: [], output: ())
            }
        }
        waiter.cancel()
        do {
            try await waiter.value
            XCTFail("a cancelled waiter got the lock")
        } catch {
            XCTAssertTrue(error is CancellationError, "\(error)")
        }
        try await holder.value
        try await storage.withAlgorithmLock(of: experiment.id, timeout: .seconds(1)) { _ in
            AlgorithmUpdate(state: nil, newTrials: [], output: ())
        }
    }

    /// Trials the lock's holder registers are stamped with its snapshot's revision, older than the changes other
    /// workers made while it ran: kept in revision order in the change log, every later change still reaches the next
    /// holder. They were appended after the newer changes, and the log's binary search then skipped a completion, so
    /// that `tpe` with two workers in memory never saw results and ran as random search (probe p42i).
    func testChangesMadeWhileTheLockIsHeldAllReachTheNextHolder() async throws {
        let storage = InMemoryStorage()
        let experiment = try await makeExperiment(storage)
        let id = experiment.id
        @Sendable func trial(_ x: Double) -> Trial {
            Trial(experimentID: id, params: [Trial.Param(name: "/x", type: .real, value: .double(x))])
        }
        func complete(_ reservation: Reservation) async throws {
            var done = reservation.trial
            done.status = .completed
            done.results = [.objective(done.params[0].value.doubleValue ?? 0)]
            let written = try await storage.updateTrial(done, holding: reservation.token)
            XCTAssertTrue(written)
        }
        _ = try await storage.registerTrials([trial(0.1), trial(0.2), trial(0.3)])
        var reservations: [Reservation] = []
        for _ in 0..<3 {
            let reservation = try await storage.reserveTrial(of: experiment.id, worker: "w", at: Date())
            reservations.append(try XCTUnwrap(reservation))
        }
        // A first state: the next holder is told only of later changes.
        try await storage.withAlgorithmLock(of: experiment.id, timeout: .seconds(10)) { _ in
            AlgorithmUpdate(state: Data("0".utf8), newTrials: [], output: ())
        }
        let inside = Flag()
        let proceed = Flag()
        let holder = Task {
            try await storage.withAlgorithmLock(of: experiment.id, timeout: .seconds(10)) { _ in
                inside.raise()
                while !proceed.isRaised { Thread.sleep(forTimeInterval: 0.005) }
                return AlgorithmUpdate(state: Data("1".utf8), newTrials: [trial(0.4)], output: ())
            }
        }
        try await inside.wait()
        try await complete(reservations[0])  // while the holder runs: a revision above its snapshot's
        proceed.raise()
        try await holder.value
        try await complete(reservations[1])
        try await complete(reservations[2])
        let changed = try await storage.withAlgorithmLock(of: experiment.id, timeout: .seconds(10)) { snapshot in
            AlgorithmUpdate(state: nil, newTrials: [], output: snapshot.changedTrials)
        }
        XCTAssertEqual(
            Set(changed.filter { $0.status == .completed }.map(\.id)),
            Set(reservations.map(\.trial.id)),
            "every completion since the holder's snapshot"
        )
        XCTAssertFalse(changed.contains { $0.params[0].value == .double(0.4) }, "its own trial is not told again")
    }

    func testLockOfAnUnknownExperimentIsNotFound() async throws {
        let storage = InMemoryStorage()
        do {
            try await storage.withAlgorithmLock(of: "missing", timeout: .seconds(1)) { _ in
                AlgorithmUpdate(state: nil, newTrials: [], output: ())
            }
            XCTFail("no error")
        } catch let error as StorageError {
            XCTAssertEqual(error.code, .notFound)
        }
    }

    func testAnUpdateThatChangesTheSubmitTimeMovesTheTrialInTheOrder() async throws {
        let storage = InMemoryStorage()
        let experiment = try await makeExperiment(storage)
        let trials = [trial(experiment, 0.1, at: 10), trial(experiment, 0.2, at: 20), trial(experiment, 0.3, at: 30)]
        try await storage.registerTrials(trials)
        var moved = trials[2]
        moved.submitTime = Date(timeIntervalSince1970: 15)
        let written = try await storage.updateTrial(moved, expecting: .new)
        XCTAssertTrue(written)
        let order = try await storage.trials(of: experiment.id, status: nil).map(\.id)
        XCTAssertEqual(order, [trials[0].id, trials[2].id, trials[1].id])
        let first = try await storage.reserveTrial(of: experiment.id, worker: "w", at: Date())
        XCTAssertEqual(first?.trial.id, trials[0].id)
    }

    func testTrialsSubmittedAtTheSameTimeKeepTheirInsertionOrder() async throws {
        let storage = InMemoryStorage()
        let experiment = try await makeExperiment(storage)
        let late = trial(experiment, 0.9, at: 50)
        let same = (0..<5).map { trial(experiment, Double($0) / 10, at: 40) }
        try await storage.registerTrials([late] + same)
        let order = try await storage.trials(of: experiment.id, status: nil).map(\.id)
        XCTAssertEqual(order, same.map(\.id) + [late.id])
    }
}
