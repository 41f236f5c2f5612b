import Foundation
import OrionAlgorithms
import OrionCore
import OrionWorker
import XCTest

/// Issue 13, part 2: with experiment version control, a changed experiment becomes a child version.
final class ExperimentBuilderBranchingTests: XCTestCase {
    private let factory = AlgorithmRegistry.standard

    private func build(
        _ storage: InMemoryStorage,
        _ priors: [String: String],
        name: String = "b",
        version: Int? = nil,
        branching: BranchingRequest? = BranchingRequest()
    ) async throws -> ExperimentBuilder.Outcome {
        try await ExperimentBuilder.build(
            ExperimentRequest(name: name, version: version, space: try Space(priors: priors), branching: branching),
            storage: storage,
            factory: factory
        )
    }

    func testAChangedSpaceMakesTheNextVersionAndAnUnchangedOneResumesIt() async throws {
        let storage = InMemoryStorage()
        let root = try await build(storage, ["/x": "uniform(0, 1)"])
        XCTAssertNil(root.parent)
        let child = try await build(storage, ["/x": "uniform(0, 2)"])
        XCTAssertTrue(child.created)
        XCTAssertEqual(child.experiment.version, 2)
        XCTAssertEqual(child.parent?.id, root.experiment.id)
        XCTAssertEqual(
            child.experiment.refers,
            ExperimentRefers(
                rootID: root.experiment.id,
                parentID: root.experiment.id,
                adapters: [.dimensionPriorChange(name: "/x", oldPrior: "uniform(0, 1)", newPrior: "uniform(0, 2)")]
            )
        )
        XCTAssertEqual(
            child.changes,
            ["new version b-v2 branched from b-v1 (dimension /x changed from uniform(0, 1) to uniform(0, 2))"]
        )
        let resumed = try await build(storage, ["/x": "uniform(0, 2)"])
        XCTAssertFalse(resumed.created)
        XCTAssertEqual(resumed.experiment.id, child.experiment.id)
        let grandchild = try await build(storage, ["/x": "uniform(0, 3)"])
        XCTAssertEqual(grandchild.experiment.version, 3)
        XCTAssertEqual(grandchild.experiment.refers?.rootID, root.experiment.id)
        XCTAssertEqual(grandchild.experiment.refers?.parentID, child.experiment.id)
    }

    func testWithoutVersionControlTheRefusalStays() async throws {
        let storage = InMemoryStorage()
        _ = try await build(storage, ["/x": "uniform(0, 1)"], branching: nil)
        do {
            _ = try await build(storage, ["/x": "uniform(0, 2)"], branching: nil)
            XCTFail("a changed space must be refused without EVC")
        } catch let error as ExperimentError {
            XCTAssertEqual(error.code, .spaceChanged)
        }
        let value1 = try await storage.experiments().count
        XCTAssertEqual(value1, 1)
    }

    func testAnOlderVersionWithAChildCannotBranchUnderTheSameName() async throws {
        let storage = InMemoryStorage()
        _ = try await build(storage, ["/x": "uniform(0, 1)"])
        _ = try await build(storage, ["/x": "uniform(0, 2)"])
        do {
            _ = try await build(storage, ["/x": "uniform(0, 3)"], version: 1)
            XCTFail("v1 already has v2")
        } catch let error as BranchingError {
            XCTAssertEqual(error.code, .hasChild)
        }
        let renamed = try await build(
            storage,
            ["/x": "uniform(0, 3)"],
            version: 1,
            branching: BranchingRequest(branchTo: "c")
        )
        XCTAssertEqual(renamed.experiment.displayName, "c-v1")
        XCTAssertEqual(renamed.parent?.version, 1)
    }

    func testBranchFromMakesTheNamedExperimentAChild() async throws {
        let storage = InMemoryStorage()
        let root = try await build(storage, ["/x": "uniform(0, 1)"])
        let child = try await build(
            storage,
            ["/x": "uniform(0, 1)"],
            name: "d",
            branching: BranchingRequest(branchFrom: "b", branchFromVersion: 1)
        )
        XCTAssertEqual(child.experiment.displayName, "d-v1")
        XCTAssertEqual(child.experiment.refers?.parentID, root.experiment.id)
        XCTAssertEqual(child.experiment.refers?.adapters, [])
        do {
            _ = try await build(
                storage,
                ["/x": "uniform(0, 1)"],
                name: "e",
                branching: BranchingRequest(branchFrom: "z")
            )
            XCTFail("z does not exist")
        } catch let error as ExperimentError {
            XCTAssertEqual(error.code, .notFound)
        }
        XCTAssertEqual(BranchingRequest.parseSource("a:b:2").name, "a:b")
        XCTAssertEqual(BranchingRequest.parseSource("a:b:2").version, 2)
        XCTAssertNil(BranchingRequest.parseSource("a").version)
    }

    /// The child's algorithm observes the parent's adapted completed trials (warm start), once.
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
    }
}
