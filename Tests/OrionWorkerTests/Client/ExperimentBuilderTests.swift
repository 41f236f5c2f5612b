import Foundation
import OrionAlgorithms
import OrionCore
import XCTest

@testable import OrionWorker

final class ExperimentBuilderTests: XCTestCase {
    private let factory = AlgorithmRegistry.standard

    func testCreatesThenResumes() async throws {
        let storage = InMemoryStorage()
        let request = ExperimentRequest(name: "b", space: try Space(priors: ["/x": "uniform(0, 1)"]), maxTrials: 10)
        let created = try await ExperimentBuilder.build(request, storage: storage, factory: factory)
        XCTAssertTrue(created.created)
        XCTAssertEqual(created.experiment.version, 1)
        XCTAssertEqual(created.experiment.algorithm.name, "auto")
        XCTAssertEqual(created.experiment.maxBroken, 3)
        let resumed = try await ExperimentBuilder.build(request, storage: storage, factory: factory)
        XCTAssertFalse(resumed.created)
        XCTAssertEqual(resumed.experiment.id, created.experiment.id)
        XCTAssertEqual(resumed.changes, [])
    }

    /// Without version control, a changed configuration file of the script is noted (as a changed command line
    /// is), and stored; a digest stored before the `2:` ones is compared with the digest of its kind, so a program
    /// upgrade alone notes nothing.
    func testAChangedScriptConfigurationIsNoted() async throws {
        let storage = InMemoryStorage()
        func request(_ digest: String, legacy: String) -> ExperimentRequest {
            ExperimentRequest(
                name: "c",
                space: try? Space(priors: ["/x": "uniform(0, 1)"]),
                metadata: ExperimentMetadata(
                    userArgs: ["./t.py", "--config", "c.yaml"],
                    scriptConfig: digest,
                    legacyScriptConfig: legacy
                )
            )
        }
        let created = try await ExperimentBuilder.build(
            request("2:aa", legacy: "aa"),
            storage: storage,
            factory: factory
        )
        let same = try await ExperimentBuilder.build(request("2:aa", legacy: "aa"), storage: storage, factory: factory)
        XCTAssertEqual(same.changes, [])
        let changed = try await ExperimentBuilder.build(
            request("2:bb", legacy: "bb"),
            storage: storage,
            factory: factory
        )
        XCTAssertEqual(changed.changes, ["the script's configuration file changed (values other than priors)"])
        XCTAssertEqual(changed.experiment.id, created.experiment.id)
        // Stored by an earlier version: its digest has no prefix.
        var old = changed.experiment
        old.metadata.scriptConfig = "bb"
        try await storage.updateExperiment(old)
        let upgraded = try await ExperimentBuilder.build(
            request("2:bb", legacy: "bb"),
            storage: storage,
            factory: factory
        )
        XCTAssertEqual(upgraded.changes, [], "the same file, digested anew")
        let stored = try await storage.experiment(id: created.experiment.id)
        XCTAssertEqual(stored?.metadata.scriptConfig, "2:bb", "the new kind is stored from now on")
    }

    /// The default is for a new experiment only: one stored with `random` (the default before `auto`, and Oríon's)
    /// keeps it when resumed without an algorithm.
    func testStoredAlgorithmIsKeptWhenResumedWithoutOne() async throws {
        let storage = InMemoryStorage()
        let space = try Space(priors: ["/x": "uniform(0, 1)"])
        let old = ExperimentRequest(name: "old", space: space, algorithm: AlgorithmConfig(name: "random"))
        let stored = try await ExperimentBuilder.build(old, storage: storage, factory: factory)
        XCTAssertEqual(stored.experiment.algorithm.name, "random")
        let resumed = try await ExperimentBuilder.build(
            ExperimentRequest(name: "old", space: space),
            storage: storage,
            factory: factory
        )
        XCTAssertEqual(resumed.experiment.algorithm.name, "random")
        XCTAssertEqual(resumed.changes, [])
        let fresh = try await ExperimentBuilder.build(
            ExperimentRequest(name: "new", space: space),
            storage: storage,
            factory: factory
        )
        XCTAssertEqual(fresh.experiment.algorithm.name, "auto")
    }

    /// An experiment stored before its algorithm gained an option (here `gp`'s `refit_growth`, taken out of the
    /// stored options) and resumed with the same algorithm is not changed: no reset of the algorithm without version
    /// control, no new version with it. A real change of an option still is one.
    func testAnOptionAddedSinceTheExperimentWasStoredIsNotAChange() async throws {
        let storage = InMemoryStorage()
        let space = try Space(priors: ["/x": "uniform(0, 1)"])
        let gp = AlgorithmConfig(name: "gp", options: ["seed": 1])
        var stored = try await ExperimentBuilder.build(
            ExperimentRequest(name: "old", space: space, algorithm: gp),
            storage: storage,
            factory: factory
        ).experiment
        XCTAssertNotNil(stored.algorithm.options["refit_growth"])
        stored.algorithm.options["refit_growth"] = nil
        try await storage.updateExperiment(stored)
        for branching in [nil, BranchingRequest()] {
            let resumed = try await ExperimentBuilder.build(
                ExperimentRequest(name: "old", space: space, algorithm: gp, branching: branching),
                storage: storage,
                factory: factory
            )
            XCTAssertFalse(resumed.created)
            XCTAssertEqual(resumed.experiment.id, stored.id)
            XCTAssertEqual(resumed.changes, [])
            XCTAssertEqual(resumed.experiment.algorithm, stored.algorithm)
        }
        let changed = try await ExperimentBuilder.build(
            ExperimentRequest(name: "old", space: space, algorithm: AlgorithmConfig(name: "gp", options: ["seed": 2])),
            storage: storage,
            factory: factory
        )
        XCTAssertEqual(changed.experiment.algorithm.options["seed"], .int(2))
        XCTAssertEqual(changed.changes.count, 1, "\(changed.changes)")
    }

    /// An option whose null means "computed from the space" written out at the value the space gives (ASHA's
    /// `num_rungs: 3` for `fidelity(1, 9, base=3)`, as Oríon stores it, so as an imported experiment has it) runs the
    /// same algorithm as leaving it out: no reset, no new version, either way round. Another value is a change.
    func testAComputedOptionWrittenOutAtItsValueIsNotAChange() async throws {
        let storage = InMemoryStorage()
        let space = try Space(priors: ["/x": "uniform(0, 1)", "/epochs": "fidelity(1, 9, base=3)"])
        let implicit = AlgorithmConfig(name: "asha", options: ["seed": 1])
        let explicit = AlgorithmConfig(name: "asha", options: ["seed": 1, "num_rungs": 3])
        for (first, second) in [(implicit, explicit), (explicit, implicit)] {
            let name = "asha\(first.options.count)"
            let stored = try await ExperimentBuilder.build(
                ExperimentRequest(name: name, space: space, algorithm: first),
                storage: storage,
                factory: factory
            ).experiment
            for branching in [nil, BranchingRequest()] {
                let resumed = try await ExperimentBuilder.build(
                    ExperimentRequest(name: name, space: space, algorithm: second, branching: branching),
                    storage: storage,
                    factory: factory
                )
                XCTAssertFalse(resumed.created, "\(second.options) after \(first.options)")
                XCTAssertEqual(resumed.experiment.id, stored.id)
                XCTAssertEqual(resumed.changes, [])
                XCTAssertEqual(resumed.experiment.algorithm, stored.algorithm)
            }
        }
        let changed = try await ExperimentBuilder.build(
            ExperimentRequest(
                name: "asha1",
                space: space,
                algorithm: AlgorithmConfig(name: "asha", options: ["seed": 1, "num_rungs": 2])
            ),
            storage: storage,
            factory: factory
        )
        XCTAssertEqual(changed.experiment.algorithm.options["num_rungs"], .int(2))
        XCTAssertEqual(changed.changes.count, 1, "\(changed.changes)")
    }

    /// Issue 9, item 14: the library applies the same name rule as the CLI, before anything is stored.
    func testInvalidNamesAreRefusedBeforeAnythingIsStored() async throws {
        let storage = InMemoryStorage()
        let space = try Space(priors: ["/x": "uniform(0, 1)"])
        for name in ["../../../../tmp/x", "a/b", "a\nb", "", String(repeating: "n", count: 300)] {
            do {
                _ = try await ExperimentBuilder.build(
                    ExperimentRequest(name: name, space: space),
                    storage: storage,
                    factory: factory
                )
                XCTFail("\(name) must be refused")
            } catch let error as ExperimentNameError {
                XCTAssertEqual(error.name, name)
            }
        }
        let stored = try await storage.experiments()
        XCTAssertEqual(stored.count, 0)
    }

    func testChangedSpaceIsAnErrorAndNothingIsOverwritten() async throws {
        let storage = InMemoryStorage()
        _ = try await ExperimentBuilder.build(
            ExperimentRequest(name: "b", space: try Space(priors: ["/x": "uniform(0, 1)"])),
            storage: storage,
            factory: factory
        )
        do {
            _ = try await ExperimentBuilder.build(
                ExperimentRequest(name: "b", space: try Space(priors: ["/x": "uniform(0, 2)"])),
                storage: storage,
                factory: factory
            )
            XCTFail("a different space must be refused")
        } catch let error as ExperimentError {
            XCTAssertEqual(error.code, .spaceChanged)
            XCTAssertTrue(error.message.contains("/x~uniform(0, 1)"), error.message)
            XCTAssertTrue(error.message.contains("/x~uniform(0, 2)"), error.message)
        }
        let stored = try await storage.experiment(named: "b", version: nil)
        XCTAssertEqual(stored?.space.priorStrings, ["/x": "uniform(0, 1)"])
        // With version control on, the same refusal can only come from a race (the experiment removed and made
        // again by another worker while this one branched): no advice to turn version control on.
        let raced = try XCTUnwrap(stored)
        do {
            _ = try await ExperimentBuilder.update(
                raced,
                with: ExperimentRequest(
                    name: "b",
                    space: try Space(priors: ["/x": "uniform(0, 2)"]),
                    branching: BranchingRequest()
                ),
                storage: storage,
                factory: factory
            )
            XCTFail("a different space must be refused")
        } catch let error as ExperimentError {
            XCTAssertEqual(error.code, .spaceChanged)
            XCTAssertFalse(error.message.contains("--enable-evc"), error.message)
            XCTAssertTrue(error.message.hasSuffix("run the command again"), error.message)
        }
    }

    func testLimitsAndAlgorithmChangesAreAppliedInPlace() async throws {
        let storage = InMemoryStorage()
        let space = try Space(priors: ["/x": "uniform(0, 1)"])
        _ = try await ExperimentBuilder.build(
            ExperimentRequest(name: "b", space: space, maxTrials: 10),
            storage: storage,
            factory: factory
        )
        let outcome = try await ExperimentBuilder.build(
            ExperimentRequest(
                name: "b",
                space: space,
                algorithm: AlgorithmConfig(name: "gridsearch"),
                maxTrials: 20,
                maxBroken: 5
            ),
            storage: storage,
            factory: factory
        )
        XCTAssertEqual(outcome.experiment.maxTrials, 20)
        XCTAssertEqual(outcome.experiment.maxBroken, 5)
        XCTAssertEqual(outcome.experiment.algorithm.name, "gridsearch")
        XCTAssertEqual(outcome.changes.count, 3)
        let stored = try await storage.experiment(named: "b", version: nil)
        XCTAssertEqual(stored, outcome.experiment)
    }

    func testUnknownAlgorithmListsTheValidOnes() async throws {
        let request = ExperimentRequest(
            name: "b",
            space: try Space(priors: ["/x": "uniform(0, 1)"]),
            algorithm: AlgorithmConfig(name: "nope")
        )
        do {
            _ = try await ExperimentBuilder.build(request, storage: InMemoryStorage(), factory: factory)
            XCTFail("unknown algorithm must fail")
        } catch let error as AlgorithmError {
            XCTAssertEqual(error.code, .unknownAlgorithm)
            XCTAssertTrue(error.message.contains("random"), error.message)
        }
    }

    /// A stored experiment this build cannot run (an algorithm loaded from another tool's dump) is refused before
    /// the request's changes are written: its budget stays as stored.
    func testAStoredUnknownAlgorithmIsRefusedBeforeAnyChangeIsWritten() async throws {
        let storage = InMemoryStorage()
        let space = try Space(priors: ["/x": "uniform(0, 1)"])
        var stored = try await ExperimentBuilder.build(
            ExperimentRequest(name: "alien", space: space, maxTrials: 4),
            storage: storage,
            factory: factory
        ).experiment
        stored.algorithm = AlgorithmConfig(name: "hebo", options: ["seed": 1])
        try await storage.updateExperiment(stored)
        do {
            _ = try await ExperimentBuilder.build(
                ExperimentRequest(name: "alien", space: space, maxTrials: 6),
                storage: storage,
                factory: factory
            )
            XCTFail("an unknown stored algorithm must fail")
        } catch let error as AlgorithmError {
            XCTAssertEqual(error.code, .unknownAlgorithm)
        }
        let after = try await storage.experiment(named: "alien", version: nil)
        XCTAssertEqual(after?.maxTrials, 4)
    }

    /// `-v 1` with a space creates the experiment's first version, as Oríon does (a job script that pins it runs on a
    /// fresh database); a later version of nothing, or `-v 1` without a space, is not found.
    func testVersionOneOfANewExperimentIsCreated() async throws {
        let storage = InMemoryStorage()
        let space = try Space(priors: ["/x": "uniform(0, 1)"])
        var request = ExperimentRequest(name: "pinned", space: space)
        request.version = 1
        let created = try await ExperimentBuilder.build(request, storage: storage, factory: factory)
        XCTAssertTrue(created.created)
        XCTAssertEqual(created.experiment.version, 1)
        let resumed = try await ExperimentBuilder.build(request, storage: storage, factory: factory)
        XCTAssertFalse(resumed.created)
        XCTAssertEqual(resumed.experiment.id, created.experiment.id)
        for (version, space) in [(2, space), (1, nil)] as [(Int, Space?)] {
            var missing = ExperimentRequest(name: "other", space: space)
            missing.version = version
            do {
                _ = try await ExperimentBuilder.build(missing, storage: storage, factory: factory)
                XCTFail("version \(version) of nothing must not be found")
            } catch let error as ExperimentError {
                XCTAssertEqual(error.code, .notFound)
            }
        }
        let stored = try await storage.experiments()
        XCTAssertEqual(stored.map(\.name), ["pinned"])
        // A name stored only at a later version (a loaded dump of v2): `-v 1` creates no unrelated v1 beside it.
        try await storage.createExperiment(
            Experiment(
                name: "later",
                version: 2,
                space: space,
                algorithm: try factory.resolve(AlgorithmConfig(name: "random"))
            )
        )
        var first = ExperimentRequest(name: "later", space: space)
        first.version = 1
        do {
            _ = try await ExperimentBuilder.build(first, storage: storage, factory: factory)
            XCTFail("version 1 of a name stored at version 2 must not be created")
        } catch let error as ExperimentError {
            XCTAssertEqual(error.code, .notFound)
        }
        let versions = try await storage.experiments().filter { $0.name == "later" }.map(\.version)
        XCTAssertEqual(versions, [2])
    }

    func testMissingExperimentWithoutSpace() async throws {
        do {
            _ = try await ExperimentBuilder.build(
                ExperimentRequest(name: "ghost"),
                storage: InMemoryStorage(),
                factory: factory
            )
            XCTFail("must fail")
        } catch let error as ExperimentError {
            XCTAssertEqual(error.code, .notFound)
        }
    }
}
