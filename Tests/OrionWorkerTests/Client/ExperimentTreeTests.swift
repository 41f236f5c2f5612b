import Foundation
import OrionAlgorithms
import OrionCore
import OrionWorker
import XCTest

/// Issue 13, part 2: what a child version inherits, and the trees `orion list` draws.
final class ExperimentTreeTests: XCTestCase {
    private let factory = AlgorithmRegistry.standard

    private func build(_ storage: InMemoryStorage, _ priors: [String: String]) async throws -> ExperimentBuilder.Outcome
    {
        try await ExperimentBuilder.build(
            ExperimentRequest(name: "b", space: try Space(priors: priors), branching: BranchingRequest()),
            storage: storage,
            factory: factory
        )
    }

    /// A child inherits its parent's completed trials and, through the parent, its grandparent's, adapted.
    func testTheChildInheritsThroughEveryAncestor() async throws {
        let storage = InMemoryStorage()
        let root = try await build(storage, ["/x": "uniform(0, 10)"])
        var trials: [Trial] = []
        for value in [1.0, 4.0, 8.0] {
            var trial = Trial(
                experimentID: root.experiment.id,
                params: Parameters([Trial.Param(name: "/x", type: .real, value: .double(value))])
            )
            trial.status = .completed
            trial.results = [TrialResult(name: "o", type: .objective, value: .double(value))]
            trials.append(trial)
        }
        try await storage.registerTrials(trials)
        let child = try await build(storage, ["/x": "uniform(0, 5)"])
        let grandchild = try await build(storage, ["/x": "uniform(0, 5)", "/y": "uniform(0, 1, default_value=0.5)"])
        let inherited = try await ExperimentTree.inheritedTrials(of: grandchild.experiment, storage: storage)
        XCTAssertEqual(inherited.map { $0.params["/x"] }, [.double(1), .double(4)])
        XCTAssertEqual(inherited.map { $0.params["/y"] }, [.double(0.5), .double(0.5)])
        XCTAssertTrue(inherited.allSatisfy { $0.experimentID == grandchild.experiment.id })
        let value2 = try await storage.trials(of: grandchild.experiment.id, status: nil).count
        XCTAssertEqual(value2, 0)
        let value3 = try await ExperimentTree.inheritedTrials(of: child.experiment, storage: storage).count
        XCTAssertEqual(value3, 2)
        let forest = ExperimentTree.forest(try await storage.experiments())
        XCTAssertEqual(forest.map(\.experiment.displayName), ["b-v1"])
        XCTAssertEqual(forest.first?.children.first?.children.first?.experiment.displayName, "b-v3")
        let all = try await storage.experiments()
        XCTAssertEqual(
            ExperimentTree.versions(under: child.experiment, in: all).map(\.displayName),
            ["b-v2", "b-v3"]
        )
        XCTAssertEqual(ExperimentTree.versions(under: root.experiment, in: all).count, 3)
    }
}
