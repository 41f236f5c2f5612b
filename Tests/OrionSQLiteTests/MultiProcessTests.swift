import Foundation
import OrionCore
import OrionSQLite
import OrionTesting
import XCTest

/// Several real OS processes (the `orion-storage-stress` executable) sharing one SQLite file.
final class MultiProcessTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("orion-multiprocess-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The built stress tool, or a skip explaining how to build it.
    private func stressTool() throws -> String {
        if let path = ProcessRunner.executable("orion-storage-stress") { return path }
        let sibling = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var url = sibling
        while url.path != "/" {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("orion-storage-stress").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw XCTSkip("orion-storage-stress is not built; run `swift build --product orion-storage-stress` first")
    }

    private func makeExperiment(_ storage: SQLiteStorage) async throws -> Experiment {
        let experiment = Experiment(
            name: "multiprocess",
            space: try Space(priors: ["/x": "randint(0, 100000)"]),
            algorithm: AlgorithmConfig(name: "random")
        )
        try await storage.createExperiment(experiment)
        return experiment
    }

    /// Starts `count` workers with `arguments` and waits for all of them; returns their outputs.
    private func runWorkers(_ count: Int, _ arguments: (Int) -> [String]) throws -> [ProcessRunner.Output] {
        let processes = try (0..<count).map { index -> (Process, String) in
            let prefix = directory + "/worker-\(index)"
            return (try ProcessRunner.start(arguments(index), outputPrefix: prefix), prefix)
        }
        return processes.map { ProcessRunner.wait($0.0, outputPrefix: $0.1, timeout: 60) }
    }

    func testProcessesRacingToReserveCompleteEveryTrialExactlyOnce() async throws {
        let tool = try stressTool()
        let path = directory + "/orion.db"
        let storage = try SQLiteStorage(path: path)
        let experiment = try await makeExperiment(storage)
        let trials = (0..<400).map { index in
            Trial(
                experimentID: experiment.id,
                params: [Trial.Param(name: "/x", type: .integer, value: .int(index))],
                submitTime: Date(timeIntervalSince1970: 1_700_000_000 + Double(index))
            )
        }
        try await storage.registerTrials(trials)

        let outputs = try runWorkers(5) { index in
            [tool, "reserve", "--db", path, "--experiment", experiment.id, "--worker", "process-\(index)"]
        }
        var completed: [String] = []
        for (index, output) in outputs.enumerated() {
            XCTAssertEqual(output.status, 0, "worker \(index) failed: \(output.stderr)")
            completed += output.stdout.split(separator: "\n").compactMap { line in
                line.hasPrefix("completed ") ? String(line.dropFirst("completed ".count)) : nil
            }
        }
        XCTAssertEqual(completed.count, 400, "completions reported by the workers")
        XCTAssertEqual(Set(completed), Set(trials.map(\.id)), "every trial completed exactly once")
        let counts = try await storage.countTrials(of: experiment.id)
        XCTAssertEqual(counts, [.completed: 400])
    }

    func testProcessesProducingUnderTheAlgorithmLockLoseNoUpdate() async throws {
        let tool = try stressTool()
        let path = directory + "/orion.db"
        let storage = try SQLiteStorage(path: path)
        let experiment = try await makeExperiment(storage)
        let workers = 4
        let cycles = 150

        let outputs = try runWorkers(workers) { index in
            [
                tool, "produce", "--db", path, "--experiment", experiment.id, "--worker", "process-\(index)",
                "--cycles", "\(cycles)",
            ]
        }
        var produced: [Int] = []
        for (index, output) in outputs.enumerated() {
            XCTAssertEqual(output.status, 0, "worker \(index) failed: \(output.stderr)")
            produced += output.stdout.split(separator: "\n").compactMap { line in
                line.hasPrefix("produced ") ? Int(line.dropFirst("produced ".count)) : nil
            }
        }
        let total = workers * cycles
        XCTAssertEqual(produced.sorted(), Array(1...total), "each round saw the previous round's counter")
        let snapshot = try await storage.withAlgorithmLock(of: experiment.id, timeout: .seconds(10)) { snapshot in
            AlgorithmUpdate(state: nil, newTrials: [], output: snapshot)
        }
        let state = try XCTUnwrap(snapshot.state)
        XCTAssertEqual(String(decoding: state, as: UTF8.self), "{\"counter\":\(total)}")
        XCTAssertEqual(snapshot.stateVersion, total)
        XCTAssertEqual(snapshot.changedTrials, [], "each process's trials were observed by its own state")
        let count = try await storage.trials(of: experiment.id, status: nil).count
        XCTAssertEqual(count, total)
    }
}
