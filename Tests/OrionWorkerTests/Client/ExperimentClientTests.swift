import Foundation
import OrionAlgorithms
import OrionCore
import OrionSQLite
import OrionWorker
import XCTest

final class ExperimentClientTests: XCTestCase {
    func testSuggestObserveUntilDone() async throws {
        let storage = InMemoryStorage()
        let client = try await ExperimentClient.build(
            name: "lib",
            space: ["/x": "uniform(-5, 10)"],
            algorithm: AlgorithmConfig(name: "random", options: ["seed": 1]),
            maxTrials: 5,
            storage: storage,
            factory: AlgorithmRegistry.standard
        )
        var seen: Set<String> = []
        while let trial = try await client.suggest() {
            XCTAssertEqual(trial.status, .reserved)
            XCTAssertTrue(seen.insert(trial.id).inserted)
            let x = try XCTUnwrap(trial.values["/x"]?.doubleValue)
            try await client.observe(trial, objective: (x - 1) * (x - 1))
        }
        XCTAssertEqual(seen.count, 5)
        let stats = try await client.stats()
        XCTAssertEqual(stats.completed, 5)
        XCTAssertNotNil(stats.bestTrial)
    }

    /// Issue 13, part 2: with `branching`, a changed space makes a child version that skips the parent's points.
    func testBranchingMakesAChildThatKnowsTheParentsTrials() async throws {
        let storage = InMemoryStorage()
        let grid = AlgorithmConfig(name: "gridsearch", options: ["n_values": 3])
        let parent = try await ExperimentClient.build(
            name: "lib",
            space: ["/x": "uniform(0, 1)"],
            algorithm: grid,
            maxTrials: 3,
            storage: storage,
            factory: AlgorithmRegistry.standard
        )
        while let trial = try await parent.suggest() { try await parent.observe(trial, objective: 1) }
        let child = try await ExperimentClient.build(
            name: "lib",
            space: ["/x": "uniform(0, 1)", "/y": "choices(['a', 'b'], default_value='a')"],
            algorithm: grid,
            maxTrials: 6,
            storage: storage,
            factory: AlgorithmRegistry.standard,
            branching: BranchingRequest()
        )
        XCTAssertEqual(child.experiment.version, 2)
        var points: [String] = []
        while let trial = try await child.suggest() {
            points.append(trial.params.representation)
            try await child.observe(trial, objective: 1)
        }
        XCTAssertEqual(points, ["/x:0.0,/y:b", "/x:0.5,/y:b", "/x:1.0,/y:b"], "the points with y = 'a' are inherited")
    }

    func testObserveOfATrialNoLongerReservedFails() async throws {
        let storage = InMemoryStorage()
        let client = try await ExperimentClient.build(
            name: "lib",
            space: ["/x": "uniform(0, 1)"],
            maxTrials: 2,
            storage: storage,
            factory: AlgorithmRegistry.standard
        )
        let suggested = try await client.suggest()
        let trial = try XCTUnwrap(suggested)
        try await client.observe(trial, objective: 1)
        do {
            try await client.observe(trial, objective: 2)
            XCTFail("observing twice must fail")
        } catch let error as StorageError {
            XCTAssertEqual(error.code, .notFound)
        }
        let stored = try await storage.trial(id: trial.id, of: client.experiment.id)
        XCTAssertEqual(stored?.objective, 1)
    }

    func testWorkonOnSQLite() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("orion-client-\(UUID().uuidString).db")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let client = try await ExperimentClient.build(
            name: "workon",
            space: ["/x": "uniform(-5, 10)", "/y": "uniform(0, 15)"],
            algorithm: AlgorithmConfig(name: "random", options: ["seed": 2]),
            maxTrials: 40,
            storage: try SQLiteStorage(path: path),
            factory: AlgorithmRegistry.standard
        )
        let report = try await client.workon { params in
            let x = params["/x"]?.doubleValue ?? 0
            let y = params["/y"]?.doubleValue ?? 0
            return (x - 1) * (x - 1) + (y - 2) * (y - 2)
        }
        XCTAssertEqual(report.completed, 40)
        // Reopen: the same experiment, resumed, is already done.
        let reopened = try await ExperimentClient.build(
            name: "workon",
            storage: try SQLiteStorage(path: path),
            factory: AlgorithmRegistry.standard
        )
        let next = try await reopened.suggest()
        XCTAssertNil(next)
        let stats = try await reopened.stats()
        XCTAssertEqual(stats.completed, 40)
    }
}
