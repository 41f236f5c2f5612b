import Foundation
import OrionAlgorithms
import OrionCore
import OrionSQLite
import OrionWorker
import XCTest

final class ExperimentSummaryTests: XCTestCase {
    private var path = ""

    override func setUp() {
        path =
            FileManager.default.temporaryDirectory.appendingPathComponent("orion-summary-\(UUID().uuidString).db")
            .path
    }

    override func tearDown() {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    private func experiment(named name: String = "summary", in storage: any Storage) async throws -> Experiment {
        let request = ExperimentRequest(
            name: name,
            space: try Space(priors: ["/x": "uniform(0, 10)"]),
            maxTrials: 10,
            metadata: ExperimentMetadata(user: "tester")
        )
        return try await ExperimentBuilder.build(request, storage: storage, factory: AlgorithmRegistry.standard)
            .experiment
    }

    /// A trial of `experiment` at `x` with `status`; completed ones end `end` seconds after the epoch, having run
    /// for 2 seconds.
    private func trial(
        _ x: Double,
        _ status: TrialStatus,
        objective: Double? = nil,
        end: TimeInterval? = nil,
        of experiment: Experiment
    ) -> Trial {
        var trial = Trial(
            experimentID: experiment.id,
            params: experiment.space.params(from: ["/x": .double(x)]),
            submitTime: Date(timeIntervalSince1970: x)
        )
        trial.status = status
        if let objective { trial.results = [.objective(objective, name: "loss")] }
        if let end {
            trial.startTime = Date(timeIntervalSince1970: end - 2)
            trial.endTime = Date(timeIntervalSince1970: end)
        }
        return trial
    }

    /// Completed trials registered out of completion order (x is the submit order, `end` the completion order).
    private func fill(_ experiment: Experiment, storage: any Storage) async throws -> [Trial] {
        let trials = [
            trial(1, .completed, objective: 5, end: 100, of: experiment),
            trial(2, .completed, objective: 7, end: 130, of: experiment),
            trial(3, .completed, objective: 3, end: 120, of: experiment),
            trial(4, .completed, objective: .nan, end: 110, of: experiment),
            trial(5, .broken, of: experiment),
            trial(6, .new, of: experiment),
        ]
        try await storage.registerTrials(trials)
        return trials
    }

    func testSummaryOnSQLiteReadsCountsBestTrialAndTiming() async throws {
        let storage = try SQLiteStorage(path: path)
        let experiment = try await experiment(in: storage)
        let trials = try await fill(experiment, storage: storage)

        let summary = try await ExperimentSummary.load(named: "summary", storage: storage)
        XCTAssertEqual(summary.experiment, experiment)
        XCTAssertEqual(summary.countsByStatus, [.completed: 4, .broken: 1, .new: 1])
        XCTAssertEqual(summary.completed, 4)
        XCTAssertEqual(summary.broken, 1)
        XCTAssertEqual(summary.total, 6)
        XCTAssertEqual(summary.bestTrial?.id, trials[2].id)
        XCTAssertEqual(summary.objectiveName, "loss")
        XCTAssertEqual(summary.startTime, experiment.metadata.datetime)
        XCTAssertEqual(summary.finishTime, Date(timeIntervalSince1970: 130))
        XCTAssertEqual(summary.sumOfTrialsTime, 8, accuracy: 1e-6)
        XCTAssertFalse(summary.reachedMaxTrials)
        XCTAssertNil(summary.regretCurve, "the regret curve is read only when asked for")
        XCTAssertEqual(summary.stats, ExperimentStats(experiment: experiment, trials: trials))
        try await storage.close()
    }

    func testRegretCurveFollowsCompletionOrderOnSQLite() async throws {
        let storage = try SQLiteStorage(path: path)
        let experiment = try await experiment(in: storage)
        let trials = try await fill(experiment, storage: storage)

        let summary = try await ExperimentSummary.load(named: "summary", storage: storage, regretCurve: true)
        let curve = try XCTUnwrap(summary.regretCurve)
        XCTAssertEqual(curve.map(\.trialID), [trials[0].id, trials[3].id, trials[2].id, trials[1].id])
        XCTAssertEqual(curve.map(\.best), [5, 5, 3, 3], "NaN never ranks; a worse trial keeps the best")
        XCTAssertEqual(curve[2].objective, 3)
        XCTAssertEqual(curve[3].endTime, Date(timeIntervalSince1970: 130))
        try await storage.close()
    }

    func testRegretCurvePutsTrialsWithoutEndTimeLastAndSkipsOtherStatuses() throws {
        let experiment = Experiment(
            name: "curve",
            version: 1,
            space: try Space(priors: ["/x": "uniform(0, 10)"]),
            algorithm: AlgorithmConfig(name: "random")
        )
        let first = trial(1, .completed, objective: .nan, end: 50, of: experiment)
        let unended = trial(2, .completed, objective: 4, of: experiment)
        let second = trial(3, .completed, objective: 6, end: 60, of: experiment)
        let broken = trial(4, .broken, end: 40, of: experiment)
        let curve = ExperimentSummary.regretCurve(of: [unended, broken, second, first])
        XCTAssertEqual(curve.map(\.trialID), [first.id, second.id, unended.id])
        XCTAssertEqual(curve.map(\.best), [nil, 6, 4])
        XCTAssertTrue(ExperimentSummary.regretCurve(of: []).isEmpty)
    }

    /// Without a saved algorithm state (trials loaded with `orion db load`), a finite space whose every configuration
    /// has a trial is done, as a hunt finds at its first production round: a list of categories, and a `precision`
    /// grid, which only the algorithm can judge (probe hD4's F2). A grid value left out is not done.
    func testAFilledSpaceWithoutAStateIsDone() async throws {
        let storage = try SQLiteStorage(path: path)
        for (name, prior, values) in [
            ("cats", "choices(['a', 'b', 'c'])", [JSONValue.string("a"), .string("b"), .string("c")]),
            ("grid", "loguniform(1, 10, precision=1)", (1...10).map { JSONValue.double(Double($0)) }),
            ("short", "loguniform(1, 10, precision=1)", (1...9).map { JSONValue.double(Double($0)) } + [.double(1.5)]),
        ] {
            let request = ExperimentRequest(
                name: name,
                space: try Space(priors: ["/x": prior]),
                algorithm: AlgorithmConfig(name: "random"),
                maxTrials: 100
            )
            let experiment = try await ExperimentBuilder.build(
                request,
                storage: storage,
                factory: AlgorithmRegistry.standard
            ).experiment
            try await storage.registerTrials(
                values.map { value in
                    var trial = Trial(experimentID: experiment.id, params: experiment.space.params(from: ["/x": value]))
                    trial.status = .completed
                    trial.results = [.objective(1)]
                    return trial
                }
            )
            let stored = try await storage.storedAlgorithmState(of: experiment.id)
            XCTAssertNil(stored?.state, name)
            let done = try await ExperimentSummary.algorithmIsDone(experiment, storage: storage)
            XCTAssertEqual(done, name != "short", name)
        }
        try await storage.close()
    }

    func testSummaryOfAnEmptyExperimentAndOfAnUnknownOne() async throws {
        let storage = InMemoryStorage()
        let experiment = try await experiment(in: storage)
        let summary = try await ExperimentSummary(experiment: experiment, storage: storage, regretCurve: true)
        XCTAssertEqual(summary.countsByStatus, [:])
        XCTAssertNil(summary.bestTrial)
        XCTAssertNil(summary.finishTime)
        XCTAssertEqual(summary.regretCurve, [])
        do {
            _ = try await ExperimentSummary.load(named: "summary", version: 2, storage: storage)
            XCTFail("version 2 does not exist")
        } catch let error as ExperimentError {
            XCTAssertEqual(error.code, .notFound)
            XCTAssertEqual(error.message, "no experiment named 'summary' and version 2; run `orion list` to see them")
        }
    }

    func testAllFiltersByNameAndVersion() async throws {
        let storage = InMemoryStorage()
        let first = try await experiment(named: "first", in: storage)
        _ = try await experiment(named: "second", in: storage)
        try await storage.registerTrials([trial(1, .completed, objective: 2, end: 10, of: first)])

        let all = try await ExperimentSummary.all(storage: storage)
        XCTAssertEqual(Set(all.map(\.experiment.name)), ["first", "second"])
        let named = try await ExperimentSummary.all(storage: storage, name: "first")
        XCTAssertEqual(named.map(\.completed), [1])
        let noVersion = try await ExperimentSummary.all(storage: storage, name: "first", version: 2)
        XCTAssertTrue(noVersion.isEmpty)
    }

    /// A server returns summaries as JSON: counts are an object keyed by status, and the value decodes back.
    func testJSONRoundTrip() async throws {
        let storage = InMemoryStorage()
        let experiment = try await experiment(in: storage)
        _ = try await fill(experiment, storage: storage)
        var summary = try await ExperimentSummary(experiment: experiment, storage: storage, regretCurve: true)
        summary.regretCurve = summary.regretCurve?.filter { $0.objective.map { !$0.isNaN } ?? true }
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf",
            negativeInfinity: "-inf",
            nan: "nan"
        )
        let data = try encoder.encode(summary)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(object["countsByStatus"] as? [String: Int], ["completed": 4, "broken": 1, "new": 1])
        // The stats' figures sit at the top level, beside the experiment (the server's JSON since it existed).
        XCTAssertEqual(
            Set(object.keys),
            [
                "experiment", "countsByStatus", "bestTrial", "startTime", "finishTime", "sumOfTrialsTime",
                "elapsedTime", "completedSpan", "regretCurve",
            ]
        )
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf",
            negativeInfinity: "-inf",
            nan: "nan"
        )
        XCTAssertEqual(try decoder.decode(ExperimentSummary.self, from: data), summary)
    }

    func testClientSummary() async throws {
        let storage = InMemoryStorage()
        let client = try await ExperimentClient.build(
            name: "client",
            space: ["/x": "uniform(0, 1)"],
            maxTrials: 3,
            storage: storage,
            factory: AlgorithmRegistry.standard
        )
        var objectives: [Double] = [4, 2, 3]
        while let trial = try await client.suggest() {
            try await client.observe(trial, objective: objectives.removeFirst())
        }
        let summary = try await client.summary(regretCurve: true)
        XCTAssertEqual(summary.completed, 3)
        XCTAssertTrue(summary.reachedMaxTrials)
        XCTAssertEqual(summary.bestTrial?.objective, 2)
        XCTAssertEqual(summary.regretCurve?.compactMap(\.best), [4, 2, 2])
    }
}
