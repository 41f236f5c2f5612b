import Foundation
import OrionCore
import OrionWorker
import XCTest

final class DatabaseMaintenanceTests: XCTestCase {
    private func experiment(
        with statuses: [TrialStatus],
        in storage: InMemoryStorage,
        name: String = "maintained"
    ) async throws -> Experiment {
        let experiment = Experiment(
            name: name,
            space: try Space(priors: ["/x": "uniform(0, 10)"]),
            algorithm: AlgorithmConfig(name: "random")
        )
        try await storage.createExperiment(experiment)
        try await storage.registerTrials(
            statuses.enumerated().map { index, status in
                var trial = Trial(
                    experimentID: experiment.id,
                    params: experiment.space.params(from: ["/x": .double(Double(index))])
                )
                trial.status = status
                return trial
            }
        )
        return experiment
    }

    /// `db rm` of a version tree deletes the versions stored when it deletes, and a version branched meanwhile from
    /// one it deleted (a hunt branching during the deletion): none is left under a deleted parent. The root's own
    /// parent stays.
    func testRemovingATreeLeavesNoVersionUnderADeletedParent() async throws {
        let storage = FlakyStorage(InMemoryStorage())
        let space = try Space(priors: ["/x": "uniform(0, 10)"])
        func version(_ name: String, _ number: Int, of parent: Experiment?) -> Experiment {
            var experiment = Experiment(
                name: name,
                version: number,
                space: space,
                algorithm: AlgorithmConfig(name: "random")
            )
            if let parent {
                experiment.refers = ExperimentRefers(rootID: parent.refers?.rootID ?? parent.id, parentID: parent.id)
            }
            return experiment
        }
        let v1 = version("tree", 1, of: nil)
        let v2 = version("tree", 2, of: v1)
        let v3 = version("tree", 3, of: v2)
        for experiment in [v1, v2, v3] { try await storage.createExperiment(experiment) }
        // While v3 (the first deleted: children first) goes, a hunt branches a leaf from v2.
        let leaf = version("leaf", 1, of: v2)
        storage.creationBeforeDeletion.withLock { $0 = leaf }
        let (_, removed) = try await DatabaseMaintenance.removeTree(rootedAt: v2, storage: storage)
        XCTAssertEqual(removed.map(\.displayName), ["tree-v3", "tree-v2", "leaf-v1"])
        let left = try await storage.experiments().map(\.displayName)
        XCTAssertEqual(left, ["tree-v1"])
    }

    func testQueriesParseAsOrionsAndRejectTheRest() throws {
        XCTAssertEqual(try DatabaseMaintenance.TrialQuery(parsing: "*"), .all)
        XCTAssertEqual(try DatabaseMaintenance.TrialQuery(parsing: "status=broken"), .status(.broken))
        XCTAssertEqual(try DatabaseMaintenance.TrialQuery(parsing: "id=abc"), .id("abc"))
        for bad in ["status=bogus", "name=x", "status", "=x"] {
            XCTAssertThrowsError(try DatabaseMaintenance.TrialQuery(parsing: bad)) { error in
                XCTAssertEqual((error as? MaintenanceError)?.kind, .usage, bad)
            }
        }
    }

    func testSetChangesOnlyMatchingTrialsAndValidatesTheStatus() async throws {
        let storage = InMemoryStorage()
        let experiment = try await experiment(with: [.broken, .broken, .completed, .new], in: storage)
        let modified = try await DatabaseMaintenance.setTrials(
            matching: .status(.broken),
            update: "status=interrupted",
            of: experiment,
            storage: storage
        )
        XCTAssertEqual(modified, 2)
        let awaited1 = try await storage.countTrials(of: experiment.id)
        XCTAssertEqual(awaited1, [.interrupted: 2, .completed: 1, .new: 1])
        let one = try await storage.trials(of: experiment.id, status: [.new])[0]
        let byID = try await DatabaseMaintenance.setTrials(
            matching: .id(one.paramsHash),
            update: "status=suspended",
            of: experiment,
            storage: storage
        )
        XCTAssertEqual(byID, 1, "Oríon's id of a trial finds it too")
        for bad in ["status=bogus", "status=reserved", "objective=1"] {
            do {
                _ = try await DatabaseMaintenance.setTrials(
                    matching: .all,
                    update: bad,
                    of: experiment,
                    storage: storage
                )
                XCTFail("\(bad) must be refused")
            } catch let error as MaintenanceError {
                XCTAssertEqual(error.kind, .usage)
            }
        }
    }

    /// `status=completed` is refused for trials without an objective: `db set NAME status=reserved status=completed`
    /// made running trials completed without one, counted in the budget (hunts ended at 40 of 40 with 34 results).
    func testSettingCompletedNeedsAnObjective() async throws {
        let storage = InMemoryStorage()
        let experiment = try await experiment(with: [.broken, .interrupted, .completed], in: storage)
        do {
            _ = try await DatabaseMaintenance.setTrials(
                matching: .all,
                update: "status=completed",
                of: experiment,
                storage: storage
            )
            XCTFail("trials without an objective must not become completed")
        } catch let error as MaintenanceError {
            XCTAssertEqual(error.kind, .usage)
            XCTAssertTrue(
                error.message.hasPrefix("2 of the 2 trials to set completed have no objective"),
                error.message
            )
        }
        let counts = try await storage.countTrials(of: experiment.id)
        XCTAssertEqual(counts, [.broken: 1, .interrupted: 1, .completed: 1], "nothing changed")
        // A broken trial that has its objective (a script that failed after writing it) may be set completed.
        var kept = try await storage.trials(of: experiment.id, status: [.broken])[0]
        kept.results = [.objective(0.5)]
        _ = try await storage.updateTrials([kept], expecting: [.broken])
        let changed = try await DatabaseMaintenance.setTrials(
            matching: .status(.broken),
            update: "status=completed",
            of: experiment,
            storage: storage
        )
        XCTAssertEqual(changed, 1)
        // Checked on every version before any is changed (a refusal on the second left the first changed).
        let other = try await self.experiment(with: [.interrupted], in: storage, name: "other")
        do {
            try await DatabaseMaintenance.checkSet(
                matching: .all,
                update: "status=completed",
                of: [experiment, other],
                storage: storage
            )
            XCTFail("the second version's trial has no objective")
        } catch let error as MaintenanceError {
            XCTAssertTrue(error.message.contains("nothing was changed"), error.message)
        }
    }

    /// `db set` changes the trials a batch per transaction: when the storage fails part way (a full disk), the error
    /// says how many were changed (it stopped silently, 4 of 600 changed); here batches of one.
    func testASetStoppedPartWaySaysHowFarItGot() async throws {
        let base = InMemoryStorage()
        let experiment = try await experiment(with: [.broken, .broken, .broken, .broken], in: base)
        let storage = FlakyStorage(base)
        storage.statusChangesBeforeFailing.withLock { $0 = 2 }
        do {
            _ = try await DatabaseMaintenance.setTrials(
                matching: .status(.broken),
                update: "status=new",
                of: experiment,
                storage: storage,
                batchSize: 1
            )
            XCTFail("the third change must fail")
        } catch let error as StorageError {
            XCTAssertTrue(error.message.contains("2 of the 4 trials were changed before it"), error.message)
        }
        let counts = try await base.countTrials(of: experiment.id)
        XCTAssertEqual(counts, [.new: 2, .broken: 2])
    }

    func testRemoveTrialsByStatusAndReleaseReservedOnes() async throws {
        let storage = InMemoryStorage()
        let experiment = try await experiment(with: [.broken, .broken, .reserved, .completed], in: storage)
        let deleted = try await DatabaseMaintenance.removeTrials(status: [.broken], of: experiment, storage: storage)
        XCTAssertEqual(deleted, 2)
        let awaited2 = try await storage.countTrials(of: experiment.id)
        XCTAssertEqual(awaited2, [.reserved: 1, .completed: 1])
        let released = try await DatabaseMaintenance.release(experiment, storage: storage)
        XCTAssertEqual(released, 1)
        let awaited3 = try await storage.countTrials(of: experiment.id)
        XCTAssertEqual(awaited3, [.interrupted: 1, .completed: 1])
        let awaited4 = try await DatabaseMaintenance.removeExperiment(experiment, storage: storage)
        XCTAssertEqual(awaited4, 2)
        let awaited5 = try await storage.experiment(id: experiment.id)
        XCTAssertNil(awaited5)
    }
}
