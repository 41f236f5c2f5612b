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

    /// Experiments are listed by creation time to the millisecond, then name and version: a copy loaded with
    /// `--resolve bump` keeps its original's time, moved by the dump's text by a fraction of a microsecond, and the
    /// two swapped from run to run (hBI's re-check).
    func testCreationOrderIgnoresTimesBelowAMillisecond() throws {
        let space = try Space(priors: ["/x": "uniform(0, 1)"])
        let time = Date(timeIntervalSince1970: 1_796_000_000.123_456)
        func experiment(_ version: Int, _ datetime: Date) -> Experiment {
            Experiment(
                name: "o",
                version: version,
                space: space,
                algorithm: AlgorithmConfig(name: "random"),
                metadata: ExperimentMetadata(user: "t", datetime: datetime)
            )
        }
        let original = experiment(1, time)
        let copy = experiment(2, time.addingTimeInterval(-0.000_000_2))
        let earlier = experiment(3, time.addingTimeInterval(-0.01))
        XCTAssertEqual(ExperimentTree.inCreationOrder([copy, original, earlier]).map(\.version), [3, 1, 2])
        XCTAssertEqual(ExperimentTree.inCreationOrder([original, copy]).map(\.version), [1, 2])
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

    /// The one pass down a version chain gives what carrying the trials level by level gives (Oríon's way, and
    /// this code's before): the same trials, ids, parameters and stored origins, in the same order, over random
    /// chains of renamings, deletions, additions, changed priors (with and without an adapter), breaking and harmless
    /// changes, with parameters
    /// that repeat across versions.
    func testInheritanceInOnePassMatchesCarryingLevelByLevel() async throws {
        var random = SeededGenerator(seed: 7)
        for _ in 0..<40 {
            let (storage, chain) = try await Self.randomChain(using: &random)
            let child = chain.last!
            let expected = try await Self.levelByLevel(of: child, storage: storage)
            let inherited = try await ExperimentTree.inherited(of: child, storage: storage)
            XCTAssertEqual(inherited.trials, expected.map(\.trial))
            XCTAssertEqual(inherited.trials.map { inherited.origins[$0.id]?.id }, expected.map(\.origin.id))
        }
    }

    /// A chain of 2 to 9 versions, each changing its parent at random (a renaming, a deletion, an addition, a changed
    /// prior with or without an adapter, a code change of each type, an algorithm change or nothing), with up to six
    /// trials each (one in five broken) whose values repeat across versions.
    private static func randomChain(
        using random: inout SeededGenerator
    ) async throws -> (storage: InMemoryStorage, chain: [Experiment]) {
        let storage = InMemoryStorage()
        var priors: [String: String] = ["/a": "uniform(0, 3, discrete=True)", "/b": "uniform(0, 2, discrete=True)"]
        var fresh = 0
        var parent: Experiment?
        var chain: [Experiment] = []
        for version in 1...Int.random(in: 2...9, using: &random) {
            var adapters: [Adapter] = []
            if parent != nil {
                let name = priors.keys.sorted().randomElement(using: &random)!
                switch Int.random(in: 0..<8, using: &random) {
                case 0:
                    let newPrior = "uniform(0, \(Int.random(in: 1...4, using: &random)), discrete=True)"
                    adapters = [.dimensionPriorChange(name: name, oldPrior: priors[name]!, newPrior: newPrior)]
                    priors[name] = newPrior
                case 1:
                    fresh += 1
                    priors["/r\(fresh)"] = priors.removeValue(forKey: name)
                    adapters = [.dimensionRenaming(oldName: name, newName: "/r\(fresh)")]
                case 2 where priors.count > 1:
                    priors[name] = nil
                    let value: JSONValue? =
                        Bool.random(using: &random) ? .int(Int.random(in: 0...2, using: &random)) : nil
                    adapters = [.dimensionDeletion(name: name, type: .integer, value: value)]
                case 3:
                    fresh += 1
                    priors["/n\(fresh)"] = "uniform(0, 3, discrete=True, default_value=1)"
                    adapters = [.dimensionAddition(name: "/n\(fresh)", type: .integer, value: .int(1))]
                case 4:
                    adapters = [.codeChange([.breaking, .unsure, .noEffect].randomElement(using: &random)!)]
                case 5:
                    // A space narrowed with no adapter saying so (an imported or hand-made chain).
                    priors[name] = "uniform(0, \(Int.random(in: 1...2, using: &random)), discrete=True)"
                default:
                    adapters = Bool.random(using: &random) ? [.algorithmChange] : []
                }
            }
            let experiment = Experiment(
                name: "chain",
                version: version,
                space: try Space(priors: priors),
                algorithm: AlgorithmConfig(name: "random"),
                refers: parent.map { ExperimentRefers(rootID: chain[0].id, parentID: $0.id, adapters: adapters) }
            )
            try await storage.createExperiment(experiment)
            var trials: [String: Trial] = [:]
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                var trial = Trial(
                    experimentID: experiment.id,
                    params: Parameters(
                        priors.keys.sorted().map { name in
                            Trial.Param(
                                name: name,
                                type: .integer,
                                value: .int(Int.random(in: 0...2, using: &random))
                            )
                        }
                    )
                )
                trial.status = Int.random(in: 0..<5, using: &random) == 0 ? .broken : .completed
                trial.results = [TrialResult(name: "o", type: .objective, value: .double(1))]
                trials[trial.id] = trial
            }
            try await storage.registerTrials(Array(trials.values))
            chain.append(experiment)
            parent = experiment
        }
        return (storage, chain)
    }

    /// `orion status --collapse`'s reading in one pass down the chain gives what composing each ancestor's adapters
    /// down to the version gives (the code before): the same trials, in the same order, with the same parameters.
    func testTrialsSeenInOnePassMatchComposingTheAdapters() async throws {
        var random = SeededGenerator(seed: 11)
        for _ in 0..<40 {
            let (storage, chain) = try await Self.randomChain(using: &random)
            for experiment in [chain[chain.count - 1], chain[chain.count / 2]] {
                let seen = try await ExperimentTree.trialsSeen(from: experiment, in: chain, storage: storage)
                let expected = try await Self.composing(from: experiment, in: chain, storage: storage)
                XCTAssertEqual(seen, expected)
            }
        }
    }

    /// A version sees its ancestors' trials first, the farthest's first, then its own, then its descendants', as
    /// Oríon's `fetch_trials(with_evc_tree=True)` and its REST API's `?ancestors=true` list them (the parents' came
    /// last: version 2 of three listed 2, 3, 1).
    func testTrialsSeenComeInTheOrderOfTheVersions() async throws {
        var random = SeededGenerator(seed: 5)
        for _ in 0..<20 {
            let (storage, chain) = try await Self.randomChain(using: &random)
            let position = Dictionary(uniqueKeysWithValues: chain.enumerated().map { ($1.id, $0) })
            for experiment in [chain[chain.count - 1], chain[chain.count / 2], chain[0]] {
                let seen = try await ExperimentTree.trialsSeen(from: experiment, in: chain, storage: storage)
                let versions = seen.map { position[$0.experimentID] ?? -1 }
                XCTAssertEqual(versions, versions.sorted(), "seen from version \(experiment.version)")
            }
        }
    }

    /// ``ExperimentTree/trialsSeen(from:in:storage:)`` as it was before the one pass: each ancestor's trials through
    /// the composition of the adapters below it.
    private static func composing(
        from experiment: Experiment,
        in experiments: [Experiment],
        storage: InMemoryStorage
    ) async throws -> [Trial] {
        // Its own trials and its descendants' (code that did not change): what it sees without a parent.
        var orphan = experiment
        orphan.refers = nil
        var trials = try await ExperimentTree.trialsSeen(
            from: orphan,
            in: experiments.map { $0.id == experiment.id ? orphan : $0 },
            storage: storage
        )
        var seen = Set(trials.map(\.paramsHash))
        var adapters: [Adapter] = []
        var current = experiment
        var visited: Set<String> = [experiment.id]
        // Each ancestor's trials, the parent's first (a trial seen twice is kept from the closest version).
        var groups: [[Trial]] = []
        while let parentID = current.refers?.parentID, visited.insert(parentID).inserted,
            let parent = experiments.first(where: { $0.id == parentID })
        {
            adapters = (current.refers?.adapters ?? []) + adapters
            let own = try await storage.trials(of: parent.id, status: nil)
            var group: [Trial] = []
            for (index, params) in Adapter.forward(adapters, own.map(\.params)) {
                var trial = own[index]
                trial.params = params
                if seen.insert(trial.paramsHash).inserted { group.append(trial) }
            }
            groups.append(group)
            current = parent
        }
        // The farthest ancestor's first, then the version's own and its descendants'.
        return groups.reversed().joined() + trials
    }

    /// Inheritance as it was computed before the one pass: each level re-carries everything above it.
    private static func levelByLevel(
        of experiment: Experiment,
        storage: InMemoryStorage
    ) async throws -> [(trial: Trial, origin: Trial)] {
        guard let refers = experiment.refers, let parentID = refers.parentID,
            let parent = try await storage.experiment(id: parentID)
        else { return [] }
        var candidates = try await storage.trials(of: parent.id, status: [.completed]).map { ($0, $0) }
        var seen = Set(candidates.map(\.0.paramsHash))
        for pair in try await levelByLevel(of: parent, storage: storage)
        where seen.insert(pair.trial.paramsHash).inserted {
            candidates.append((pair.trial, pair.origin))
        }
        var inherited: [(trial: Trial, origin: Trial)] = []
        var ids: Set<String> = []
        for (trial, origin) in candidates {
            var params: Parameters? = trial.params
            for adapter in refers.adapters { params = params.flatMap(adapter.forward) }
            guard let params, experiment.space.contains(params) else { continue }
            var carried = trial
            carried.experimentID = experiment.id
            carried.params = params
            carried.id = Trial.makeID(experimentID: experiment.id, params: params)
            if ids.insert(carried.id).inserted { inherited.append((carried, origin)) }
        }
        return inherited
    }
}
