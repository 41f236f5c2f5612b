import Foundation
import OrionCore
import OrionSQLite
import XCTest

/// Results with NaN and infinities, as a script's results file gives them, survive a real SQLite file and the
/// in-memory storage unchanged: objectives, constraints, gradients and statistics nested in lists and objects.
final class NonFiniteResultsTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("orion-nonfinite-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static let results: [TrialResult] = [
        .objective(.nan, name: "loss"),
        TrialResult(name: "c", type: .constraint, value: .double(.infinity)),
        TrialResult(name: "g", type: .gradient, value: [.double(-.infinity), .double(.nan), 2.5]),
        TrialResult(name: "curve", type: .statistic, value: ["last": .double(.nan), "all": [1, .double(.infinity)]]),
        TrialResult(name: "note", type: .statistic, value: "diverged"),
    ]

    /// Compares results, taking NaN as equal to NaN.
    private func assertSame(_ actual: [TrialResult], _ expected: [TrialResult], _ storage: String) {
        let render = { (results: [TrialResult]) in results.map { "\($0.name) \($0.type) \($0.value.pythonRepr)" } }
        XCTAssertEqual(render(actual), render(expected), storage)
        XCTAssertEqual(actual.map { $0.value.pythonRepr }.filter { $0.contains("'NaN'") }, [], storage)
    }

    private func roundTrip(_ storage: any Storage, _ label: String) async throws {
        let experiment = Experiment(
            name: "non-finite",
            space: try Space(priors: ["/x": "uniform(0, 1)"]),
            algorithm: AlgorithmConfig(name: "random")
        )
        try await storage.createExperiment(experiment)
        let registered = try await storage.registerTrials([
            Trial(experimentID: experiment.id, params: [.init(name: "/x", type: .real, value: 0.5)])
        ])
        var trial = try XCTUnwrap(registered.first)
        trial.status = .completed
        trial.results = Self.results
        let written = try await storage.updateTrial(trial, expecting: .new)
        XCTAssertTrue(written, label)
        let stored = try await storage.trial(id: trial.id, of: experiment.id)
        assertSame(stored?.results ?? [], Self.results, label)
        XCTAssertTrue(stored?.objective?.isNaN ?? false, label)
        let stats = ExperimentStats(
            experiment: experiment,
            trials: try await storage.trials(of: experiment.id, status: nil)
        )
        XCTAssertEqual(stats.completed, 1, label)
        XCTAssertNil(stats.bestTrial, "\(label): a NaN objective is never the best")
    }

    func testNonFiniteResultsRoundTripThroughASQLiteFile() async throws {
        let path = directory + "/orion.db"
        try await roundTrip(try SQLiteStorage(path: path), "SQLite")
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
    }

    func testNonFiniteResultsRoundTripInMemory() async throws {
        try await roundTrip(InMemoryStorage(), "in memory")
    }

    /// The same values through `Codable` with a plain `JSONEncoder` (which throws on NaN for a bare `Double`).
    func testNonFiniteResultsRoundTripThroughAPlainJSONEncoder() throws {
        let data = try JSONEncoder().encode(Self.results)
        assertSame(try JSONDecoder().decode([TrialResult].self, from: data), Self.results, "JSONEncoder")
    }
}
