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

    /// Two workers create the same new experiment at once with different configurations: the one that loses the
    /// creation branches from the winner's version, as when it came second (it used to resume the winner's version
    /// as without version control: refused for another space, its algorithm replaced in place for another one).
    func testTheLoserOfTheFirstCreationBranchesFromTheWinner() async throws {
        for (rivalPriors, rivalAlgorithm) in [
            (["/x": "uniform(0, 1)"], AlgorithmConfig(name: "gridsearch")),  // another space
            (["/x": "uniform(0, 2)"], AlgorithmConfig(name: "random", options: ["seed": 1])),  // another algorithm
        ] {
            let storage = FlakyStorage(InMemoryStorage())
            let rival = Experiment(
                name: "b",
                space: try Space(priors: rivalPriors),
                algorithm: try factory.resolve(rivalAlgorithm)
            )
            storage.rivalCreation.withLock { $0 = rival }
            let ours = try await ExperimentBuilder.build(
                ExperimentRequest(
                    name: "b",
                    space: try Space(priors: ["/x": "uniform(0, 2)"]),
                    algorithm: AlgorithmConfig(name: "gridsearch"),
                    branching: BranchingRequest()
                ),
                storage: storage,
                factory: factory
            )
            XCTAssertTrue(ours.created, "\(rivalPriors)")
            XCTAssertEqual(ours.experiment.version, 2, "\(rivalPriors)")
            XCTAssertEqual(ours.parent?.id, rival.id)
            XCTAssertEqual(ours.experiment.space, try Space(priors: ["/x": "uniform(0, 2)"]))
            XCTAssertEqual(ours.experiment.algorithm.name, "gridsearch")
            let winner = try await storage.experiment(named: "b", version: 1)
            XCTAssertEqual(winner?.algorithm, rival.algorithm, "the winner's version is not changed in place")
            XCTAssertEqual(winner?.space, rival.space)
        }
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
        // Once d exists, a changed d with the same --branch-from becomes d-v2, a child of d.
        let next = try await build(
            storage,
            ["/x": "uniform(0, 2)"],
            name: "d",
            branching: BranchingRequest(branchFrom: "b", branchFromVersion: 1)
        )
        XCTAssertEqual(next.experiment.displayName, "d-v2")
        XCTAssertEqual(next.parent?.id, child.experiment.id)
        XCTAssertEqual(BranchingRequest.parseSource("a:b:2").name, "a:b")
        XCTAssertEqual(BranchingRequest.parseSource("a:b:2").version, 2)
        XCTAssertNil(BranchingRequest.parseSource("a").version)
    }
}
