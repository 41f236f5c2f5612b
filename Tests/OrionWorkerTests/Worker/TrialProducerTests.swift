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
}
