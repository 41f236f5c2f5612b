import Foundation
import OrionAlgorithms
import OrionCore
import OrionSQLite
import OrionWorker
import Synchronization
import XCTest

/// Suggests 0, 1, 2, ... and keeps the ids of every trial it observed, so that a test can see what a rebuilt
/// algorithm was told.
private struct Recorder: Algorithm {
    struct Options: AlgorithmOptions {
        var tag = 0
        enum CodingKeys: String, CodingKey { case tag }
    }

    static let name = "recorder"
    var next = 0
    var observed: [String] = []

    init(options: Options, context: AlgorithmContext) {}

    mutating func suggest(count: Int, context: AlgorithmContext) -> [Suggestion] {
        (0..<count).map { _ in
            defer { next += 1 }
            return Suggestion([Trial.Param(name: "/x", type: .integer, value: .int(next))])
        }
    }

    mutating func observe(_ trials: [Trial], context: AlgorithmContext) { observed += trials.map(\.id) }

    func isDone(context: AlgorithmContext) -> Bool { false }
}

final class TrialProducerTests: XCTestCase {
    private let factory = AlgorithmRegistry(algorithms: [Recorder.self])

    private func makeStorage() throws -> SQLiteStorage {
        let path = FileManager.default.temporaryDirectory.path + "/orion-producer-\(UUID().uuidString).db"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return try SQLiteStorage(path: path)
    }

    private func experiment(_ storage: any Storage) async throws -> Experiment {
        let request = ExperimentRequest(
            name: "producer",
            space: try Space(priors: ["/x": "uniform(0, 1000, discrete=True)"]),
            algorithm: AlgorithmConfig(name: Recorder.name, options: [:]),
            maxTrials: 100
        )
        return try await ExperimentBuilder.build(request, storage: storage, factory: factory).experiment
    }

    /// Overwrites the stored algorithm state with `state`, as a hand edit or another version would.
    private func store(_ state: Data, for experiment: Experiment, in storage: any Storage) async throws {
        try await storage.withAlgorithmLock(of: experiment.id, timeout: .seconds(5)) { _ in
            AlgorithmUpdate(state: state, newTrials: [], output: ())
        }
    }

    /// The algorithm as the storage holds it now.
    private func storedRecorder(_ experiment: Experiment, _ storage: any Storage) async throws -> Recorder {
        let state = try await storage.withAlgorithmLock(of: experiment.id, timeout: .seconds(5)) { snapshot in
            AlgorithmUpdate(state: nil, newTrials: [], output: snapshot.state)
        }
        let json = try JSONSerialization.jsonObject(with: XCTUnwrap(state)) as? [String: Any]
        let algorithm = try JSONSerialization.data(withJSONObject: XCTUnwrap(json?["algorithm"]))
        return try JSONDecoder().decode(Recorder.self, from: algorithm)
    }

    /// Scenario: the algorithm state row is corrupted, written by an unknown algorithm version, or saved for another
    /// algorithm (edited by hand). Until this fix, the first two stopped every hunt on the experiment with an error,
    /// and the third gave a fresh algorithm that never saw the trials already stored. Now the state is reset and
    /// the algorithm rebuilt from every stored trial; nothing stored is lost or produced again.
    func testAnUnusableStateIsRebuiltFromEveryTrial() async throws {
        let unusable = [
            "not json{",
            #"{"algorithm":{"next":"three"},"configuration":{"tag":0},"name":"recorder"}"#,
            #"{"algorithm":{"next":3,"observed":[]},"configuration":{"tag":0},"name":"frobnicate"}"#,
        ]
        for text in unusable {
            let storage = try makeStorage()
            let experiment = try await experiment(storage)
            let reasons = Mutex<[String]>([])
            let producer = TrialProducer(experiment: experiment, storage: storage, factory: factory) { reason in
                reasons.withLock { $0.append(reason) }
            }
            let first = try await producer.produce(count: 3).trials
            XCTAssertEqual(first.count, 3)
            try await store(Data(text.utf8), for: experiment, in: storage)

            let second = try await producer.produce(count: 2).trials
            XCTAssertEqual(second.count, 2, text)
            XCTAssertEqual(reasons.withLock { $0.count }, 1, text)
            let recorder = try await storedRecorder(experiment, storage)
            XCTAssertEqual(
                Set(recorder.observed),
                Set(first.map(\.id)),
                "the rebuilt algorithm saw every trial: \(text)"
            )
            let all = try await storage.trials(of: experiment.id, status: nil)
            XCTAssertEqual(all.count, 5, text)
            XCTAssertEqual(Set(all.map(\.id)).count, 5, "no trial produced twice: \(text)")

            _ = try await producer.produce(count: 1)
            XCTAssertEqual(reasons.withLock { $0.count }, 1, "the rebuilt state is used from then on: \(text)")
        }
    }

    /// Scenario: a second `orion hunt` joins the experiment with another algorithm configuration while the first
    /// runs (the experiment's algorithm is changed in place and its state reset, "note: algorithm changed"). The
    /// first hunt follows the stored configuration instead of taking turns with the second at resetting the state
    /// (a warning and a rebuild at every round).
    func testAProducerFollowsAnAlgorithmChangedByAnotherHunt() async throws {
        let storage = try makeStorage()
        let experiment = try await experiment(storage)
        let reasons = Mutex<[String]>([])
        let first = TrialProducer(experiment: experiment, storage: storage, factory: factory) { reason in
            reasons.withLock { $0.append(reason) }
        }
        _ = try await first.produce(count: 2)

        var changed = experiment
        changed.algorithm = AlgorithmConfig(name: Recorder.name, options: ["tag": 1])
        try await storage.updateExperiment(changed)
        try await storage.resetAlgorithm(of: experiment.id)
        let second = TrialProducer(experiment: changed, storage: storage, factory: factory) { reason in
            reasons.withLock { $0.append(reason) }
        }
        for _ in 0..<3 {
            _ = try await second.produce(count: 1)
            _ = try await first.produce(count: 1)
        }
        XCTAssertEqual(reasons.withLock { $0 }, [], "no state was reset after the change")
        let all = try await storage.trials(of: experiment.id, status: nil)
        XCTAssertEqual(all.count, 8)
        XCTAssertEqual(Set(all.map(\.id)).count, 8)
    }

    /// A child version counts its parent's completed trials toward its max trials, as Oríon's tree does: once per
    /// point (a trial of its own at an inherited point is counted once), and read again when the parent, still
    /// running, completes more. Production stops at the max trials so counted.
    func testInheritedTrialsCountTowardMaxTrialsOncePerPointAndFollowARunningParent() async throws {
        let storage = try makeStorage()
        let space = try Space(priors: ["/x": "uniform(0, 1000, discrete=True)"])
        func completed(_ value: Int, in experiment: Experiment) -> Trial {
            var trial = Trial(
                experimentID: experiment.id,
                params: Parameters([Trial.Param(name: "/x", type: .integer, value: .int(value))])
            )
            trial.status = .completed
            trial.results = [TrialResult(name: "o", type: .objective, value: .double(Double(value)))]
            return trial
        }
        let parent = Experiment(name: "tree", space: space, algorithm: AlgorithmConfig(name: Recorder.name))
        try await storage.createExperiment(parent)
        try await storage.registerTrials([completed(1, in: parent), completed(2, in: parent)])
        let child = Experiment(
            name: "tree",
            version: 2,
            space: space,
            algorithm: AlgorithmConfig(name: Recorder.name),
            maxTrials: 6,
            refers: ExperimentRefers(rootID: parent.id, parentID: parent.id, adapters: [.algorithmChange])
        )
        try await storage.createExperiment(child)
        try await storage.registerTrials([completed(2, in: child), completed(7, in: child)])
        let producer = TrialProducer(
            experiment: child,
            storage: storage,
            factory: factory,
            ancestorsCheckInterval: .zero
        )
        let first = try await producer.inheritedCompletedCount()
        XCTAssertEqual(first, 1, "x=1 counts; x=2 is the child's own")
        let read = try await ExperimentTree.inheritedCompletedCount(of: child, storage: storage)
        XCTAssertEqual(read, 1)
        try await storage.registerTrials([completed(3, in: parent)])
        let followed = try await producer.inheritedCompletedCount()
        XCTAssertEqual(followed, 2, "the parent's new trial is read")
        // 2 of its own and 2 inherited: 2 more make the 6.
        let production = try await producer.produce(count: 10)
        XCTAssertEqual(production.trials.count, 2)
    }
}
