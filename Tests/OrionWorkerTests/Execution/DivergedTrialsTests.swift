import Foundation
import OrionAlgorithms
import OrionCore
import OrionSQLite
import OrionWorker
import XCTest

/// Issue 9, item 11: a script whose training diverges writes `NaN` the way Python's `json.dump` does. Its trials
/// complete (they used to break, and three of them stopped the experiment) and are stored in a real SQLite file;
/// the best trial is a finite one.
final class DivergedTrialsTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("orion-diverged-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func testDivergedTrialsCompleteWithNaNAndNeverRankBest() async throws {
        let script = directory + "/train.sh"
        // `-x 0.123`: NaN above 0.3, as `json.dumps(float("nan"))` writes it; the value itself below.
        try """
        #!/bin/sh
        value=$(awk -v x="$2" 'BEGIN { if (x > 0.3) print "NaN"; else print x }')
        printf '[{"name": "loss", "type": "objective", "value": %s}, ' "$value" > "$ORION_RESULTS_PATH"
        printf '{"name": "g", "type": "gradient", "value": [Infinity, -Infinity]}]' >> "$ORION_RESULTS_PATH"
        """.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let storage = try SQLiteStorage(path: directory + "/orion.db")
        let request = ExperimentRequest(
            name: "diverged",
            space: try Space(priors: ["/x": "uniform(0, 1)"]),
            algorithm: AlgorithmConfig(name: "random", options: ["seed": 5]),
            maxTrials: 12,
            maxBroken: 3
        )
        let experiment = try await ExperimentBuilder.build(
            request,
            storage: storage,
            factory: AlgorithmRegistry.standard
        )
        .experiment
        let command = try UserCommand(
            arguments: [script, "-x~uniform(0, 1)"],
            currentDirectory: directory,
            environmentPath: nil
        )
        let report = try await Worker(
            experiment: experiment,
            storage: storage,
            factory: AlgorithmRegistry.standard,
            executor: ProcessExecutor(command: command, interruptCode: 130, echoOutput: false),
            configuration: WorkerConfiguration(idleTimeout: .seconds(5)),
            workingDirectory: directory + "/trials"
        ).run()
        XCTAssertEqual(report.stopReason, .experimentDone)
        XCTAssertEqual(report.broken, 0, report.lastFailure ?? "")
        let trials = try await storage.trials(of: experiment.id, status: nil)
        XCTAssertEqual(trials.count, 12)
        XCTAssertTrue(trials.allSatisfy { $0.status == .completed })
        let diverged = trials.filter { $0.objective?.isNaN ?? false }
        XCTAssertGreaterThanOrEqual(diverged.count, 3, "the seed must give at least 3 diverged trials")
        XCTAssertTrue(diverged.allSatisfy { ($0.params["/x"]?.doubleValue ?? 0) > 0.3 })
        XCTAssertEqual(trials.first?.results.last?.value, [.double(.infinity), .double(-.infinity)])
        let best = ExperimentStats(experiment: experiment, trials: trials).bestTrial
        XCTAssertEqual(best?.objective, trials.compactMap(\.objective).filter { !$0.isNaN }.min())
        XCTAssertNotNil(best)
    }
}
