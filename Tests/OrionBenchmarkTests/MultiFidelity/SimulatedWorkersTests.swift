import Foundation
import OrionBenchmark
import OrionCore
import XCTest

final class SimulatedWorkersTests: XCTestCase {
    private let runner = MultiFidelityRunner()

    /// How many trials train at each moment, from each trial's finishing time and duration (its fidelity, from
    /// scratch): the counts just after every start and finish.
    private func busyWorkers(_ run: MultiFidelityRun) throws -> [Int] {
        let times = try XCTUnwrap(run.times)
        let intervals = zip(times, run.fidelities).map { (start: $0 - $1, finish: $0) }
        let moments = Set(intervals.flatMap { [$0.start, $0.finish] }).sorted()
        return moments.map { moment in intervals.filter { $0.start <= moment && moment < $0.finish }.count }
    }

    /// With four workers ASHA keeps at most four trials training, results arrive in finishing order, the budget
    /// holds, every worker is busy until the last trials (ASHA never waits for a rung), the run is the same for the
    /// same seed, and the time to the end is about a quarter of the fidelity spent.
    func testASHAWithFourWorkersKeepsThemBusy() async throws {
        let task = MultiFidelityTasks.learningCurve(randomTrials: 20)
        let run = try await runner.run(
            AlgorithmConfig(name: "asha"),
            on: task,
            budget: task.budget,
            seed: 1,
            workers: 4
        )
        let times = try XCTUnwrap(run.times)
        XCTAssertEqual(times.count, run.fidelities.count)
        XCTAssertEqual(times, times.sorted())
        XCTAssertLessThanOrEqual(run.spent, task.budget)
        XCTAssertGreaterThan(run.spent, task.budget - 27)
        let busy = try busyWorkers(run)
        XCTAssertEqual(busy.max(), 4)
        // Until the first worker has nothing left to start (the budget), all four train.
        let makespan = try XCTUnwrap(times.last)
        XCTAssertLessThanOrEqual(makespan, run.spent / 4 + 27)
        XCTAssertGreaterThanOrEqual(makespan, run.spent / 4)
        let again = try await runner.run(
            AlgorithmConfig(name: "asha"),
            on: task,
            budget: task.budget,
            seed: 1,
            workers: 4
        )
        XCTAssertEqual(again.values, run.values)
        XCTAssertEqual(again.times, run.times)
        // The simulation decides differently from one worker: promotions are made with fewer results.
        let sequential = try await runner.run(AlgorithmConfig(name: "asha"), on: task, budget: task.budget, seed: 1)
        XCTAssertNil(sequential.times)
        XCTAssertNotEqual(sequential.values, run.values)
    }

    /// A synchronous algorithm that has nothing to start until a rung completes makes the worker wait for the next
    /// result instead of ending the run: Hyperband with one repetition runs all its 69 trials with four workers, and
    /// its workers are idle while the last rungs complete.
    func testWorkersWaitWhenTheAlgorithmHasNothingToStart() async throws {
        let task = MultiFidelityTasks.learningCurve(randomTrials: 100)
        let config = AlgorithmConfig(name: "hyperband", options: ["repetitions": .int(1)])
        let run = try await runner.run(config, on: task, budget: task.budget, seed: 0, workers: 4)
        XCTAssertEqual(run.fidelities.count, 69)
        XCTAssertEqual(run.fidelities.filter { $0 == 27 }.count, 8)
        let busy = try busyWorkers(run)
        XCTAssertEqual(busy.max(), 4)
        XCTAssertTrue(busy.dropLast().contains { $0 < 4 }, "\(busy)")
        let makespan = try XCTUnwrap(run.times?.last)
        XCTAssertGreaterThan(makespan, run.spent / 4)
    }

    /// The workers' table: time to target on the simulated clock, speed-up over the one-worker file, makespan and
    /// idle fraction, by hand; a task without a several-worker file has no such table.
    func testTimeTableByHand() {
        let one = fixtureFile("asha", runs: [fixtureRun(0, [27, 27, 27], [0.3, 0.1, 0.2])])
        // Two workers: trials of 27 finishing at 27, 27 and 54: busy 81 of 2 × 54.
        let two = fixtureFile(
            "asha",
            workers: 2,
            runs: [fixtureRun(0, [27, 27, 27], [0.3, 0.1, 0.2], times: [27, 27, 54])]
        )
        let random = fixtureFile("random", runs: [fixtureRun(0, [27], [0.1])])
        XCTAssertEqual(two.fileName, "mf_swift-orion_asha_t_w2.json")
        XCTAssertEqual(two.label, "swift-orion/asha ×2")
        let table = MultiFidelityTable(files: [one, two, random])
        let rows = table.timeRows(of: "t", target: 0.1)
        XCTAssertEqual(rows.map(\.workers), [1, 2])
        XCTAssertEqual(rows[0].timeToTarget, 54)
        XCTAssertEqual(rows[1].timeToTarget, 27)
        XCTAssertEqual(rows[1].speedUp, 2)
        XCTAssertEqual(rows[1].makespan, 54)
        XCTAssertEqual(rows[1].idle, 1 - 81.0 / 108, accuracy: 1e-12)
        XCTAssertEqual(rows[0].idle, 0)
        XCTAssertTrue(table.markdown.contains("| swift-orion/asha ×2 | 2 | 1 | 27 | 1/1 | 2.00 | 54 | 0.250 |"))
        XCTAssertTrue(MultiFidelityTable(files: [one, random]).timeRows(of: "t", target: 0.1).isEmpty)
    }

    /// Workers are written and read back; a file without the key ran one worker.
    func testWorkersRoundTrip() throws {
        let file = fixtureFile("asha", workers: 3, runs: [fixtureRun(0, [27], [0.1], times: [27])])
        let decoded = try JSONDecoder().decode(MultiFidelityResultFile.self, from: JSONEncoder().encode(file))
        XCTAssertEqual(decoded, file)
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(file)) as? [String: Any])
        object["workers"] = nil
        let older = try JSONDecoder().decode(
            MultiFidelityResultFile.self,
            from: JSONSerialization.data(withJSONObject: object)
        )
        XCTAssertEqual(older.workers, 1)
    }

    /// Oríon 0.2.7's harness simulates workers the same way: with `--workers 2` its ASHA keeps at most two trials
    /// training, records finishing times in order, keeps to the budget, and `mf-table` pairs its file with ours of
    /// the same worker count. Needs Oríon 0.2.7's Python (`ORION_TEST_ORION027_PYTHON`, scripts/services/orion-venv.sh).
    func testOrionHarnessSimulatesWorkersTheSameWay() async throws {
        guard let python = ProcessInfo.processInfo.environment["ORION_TEST_ORION027_PYTHON"], !python.isEmpty else {
            throw XCTSkip("set ORION_TEST_ORION027_PYTHON to Oríon 0.2.7's Python to run its multi-fidelity harness")
        }
        var root = URL(fileURLWithPath: "\(#filePath)")
        for _ in 0..<4 { root.deleteLastPathComponent() }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("mf-workers-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let harness = Process()
        harness.executableURL = URL(fileURLWithPath: python)
        harness.arguments = [
            root.appendingPathComponent("Benchmarks/peers/multifidelity_orion.py").path, "--algorithms", "asha",
            "--tasks", "learning_curve", "--seeds", "3", "--random-trials", "2", "--workers", "2", "--out", out,
        ]
        harness.standardOutput = FileHandle.nullDevice
        harness.standardError = FileHandle.nullDevice
        try harness.run()
        harness.waitUntilExit()
        XCTAssertEqual(harness.terminationStatus, 0)
        let task = MultiFidelityTasks.learningCurve(randomTrials: 2)
        let ours = try await runner.runAll(AlgorithmConfig(name: "asha"), on: task, seeds: [3], workers: 2)
        try ours.write(to: out)
        let files = try MultiFidelityResultFile.load(directories: [out])
        let orion = try XCTUnwrap(files.first { $0.framework == "orion" })
        XCTAssertEqual(orion.fileName, "mf_orion_asha_learning_curve_w2.json")
        XCTAssertEqual(orion.workers, 2)
        let run = try XCTUnwrap(orion.runs.first)
        XCTAssertEqual(run.times?.count, run.fidelities.count)
        XCTAssertEqual(try busyWorkers(run).max(), 2)
        XCTAssertEqual(run.times, run.times?.sorted())
        XCTAssertLessThanOrEqual(run.spent, 54)
        XCTAssertEqual(MultiFidelityTable(files: files).pairs(of: "learning_curve").map(\.algorithm), ["asha ×2"])
    }

    /// A worker count below one is refused.
    func testNoWorkersIsRefused() async {
        let task = MultiFidelityTasks.learningCurve(randomTrials: 2)
        do {
            _ = try await runner.run(AlgorithmConfig(name: "asha"), on: task, budget: task.budget, seed: 0, workers: 0)
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual((error as? BenchmarkError)?.code, .invalidConfiguration)
        }
    }
}
