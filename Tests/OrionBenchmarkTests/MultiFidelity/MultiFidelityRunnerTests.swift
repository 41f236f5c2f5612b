import Foundation
import OrionBenchmark
import OrionCore
import XCTest

final class MultiFidelityRunnerTests: XCTestCase {
    private let runner = MultiFidelityRunner()

    /// The incumbent is the full-fidelity trial with the best observed value (not the best noise-free one), and the
    /// accounting adds every trial's fidelity.
    func testRunAccounting() {
        let run = MultiFidelityRun(
            seed: 0,
            wallSeconds: 1,
            fidelities: [1, 1, 3, 27, 9, 27, 27],
            values: [0.5, 0.4, 0.3, 0.25, 0.1, 0.2, 0.22],
            regrets: [nil, nil, nil, 0.15, nil, 0.12, 0.05]
        )
        XCTAssertEqual(run.spent, 95)
        XCTAssertEqual(run.curve.map(\.spent), [1, 2, 5, 32, 41, 68, 95])
        XCTAssertEqual(run.curve.map(\.regret), [nil, nil, nil, 0.15, 0.15, 0.12, 0.12])
        XCTAssertEqual(run.fidelity(toReach: 0.15), 32)
        XCTAssertEqual(run.fidelity(toReach: 0.13), 68)
        XCTAssertNil(run.fidelity(toReach: 0.05))
        XCTAssertNil(run.regret(atBudget: 31))
        XCTAssertEqual(run.regret(atBudget: 67), 0.15)
        XCTAssertEqual(run.regret(atBudget: 1000), 0.12)
        XCTAssertEqual(run.finalRegret, 0.12)
    }

    /// ASHA never passes the budget, runs its rungs' fidelities, reports the task's values, and the same seed
    /// gives the same run.
    func testASHAKeepsToTheBudgetAndIsDeterministic() async throws {
        let task = MultiFidelityTasks.learningCurve(randomTrials: 4)
        let run = try await runner.run(AlgorithmConfig(name: "asha"), on: task, budget: task.budget, seed: 2)
        XCTAssertLessThanOrEqual(run.spent, 108)
        XCTAssertGreaterThan(run.spent, 108 - 27)
        XCTAssertTrue(Set(run.fidelities).isSubset(of: [1, 3, 9, 27]))
        XCTAssertGreaterThan(run.fidelities.filter { $0 == 1 }.count, run.fidelities.filter { $0 == 27 }.count)
        for (fidelity, regret) in zip(run.fidelities, run.regrets) {
            XCTAssertEqual(regret != nil, fidelity == 27)
            if let regret { XCTAssertGreaterThanOrEqual(regret, 0) }
        }
        let again = try await runner.run(AlgorithmConfig(name: "asha"), on: task, budget: task.budget, seed: 2)
        XCTAssertEqual(again.fidelities, run.fidelities)
        XCTAssertEqual(again.values, run.values)
        let other = try await runner.run(AlgorithmConfig(name: "asha"), on: task, budget: task.budget, seed: 3)
        XCTAssertNotEqual(other.values, run.values)
    }

    /// Random search runs every trial at full fidelity: exactly `randomTrials` of them fill the budget.
    func testRandomSearchRunsAtFullFidelity() async throws {
        let task = MultiFidelityTasks.learningCurve(randomTrials: 6)
        let file = try await runner.runAll(AlgorithmConfig(name: "random"), on: task, seeds: [0, 1])
        XCTAssertEqual(file.budget, 162)
        XCTAssertEqual(file.seeds, [0, 1])
        for run in file.runs {
            XCTAssertEqual(run.fidelities, Array(repeating: 27, count: 6))
            XCTAssertEqual(run.regrets.compactMap { $0 }.count, 6)
        }
        XCTAssertEqual(file.fileName, "mf_swift-orion_random_learning_curve.json")
    }

    /// A budget below one full-fidelity trial is refused with a clear message.
    func testBudgetBelowOneFullTrialIsRefused() async {
        do {
            _ = try await runner.run(
                AlgorithmConfig(name: "asha"),
                on: MultiFidelityTasks.learningCurve(),
                budget: 10,
                seed: 0
            )
            XCTFail("expected an error")
        } catch let error as BenchmarkError {
            XCTAssertEqual(error.code, .invalidConfiguration)
            XCTAssertTrue(error.message.contains("full fidelity"), error.message)
        } catch {
            XCTFail("unexpected \(error)")
        }
    }

    /// The table's target is random search's median final regret; rows give the median fidelity to reach it and
    /// the regrets at a third of the budget and at the budget; the files round-trip through `write`/`load`.
    func testTableFromWrittenFiles() throws {
        func run(_ seed: Int, _ fidelities: [Double], _ values: [Double], _ regrets: [Double?]) -> MultiFidelityRun {
            MultiFidelityRun(seed: seed, wallSeconds: 2, fidelities: fidelities, values: values, regrets: regrets)
        }
        let random = MultiFidelityResultFile(
            algorithm: "random",
            task: "t",
            optimum: 0,
            maxFidelity: 27,
            budget: 81,
            notes: "",
            runs: [
                run(0, [27, 27, 27], [0.3, 0.2, 0.25], [0.3, 0.2, 0.25]),
                run(1, [27, 27, 27], [0.4, 0.35, 0.1], [0.4, 0.35, 0.1]),
                run(2, [27, 27, 27], [0.3, 0.3, 0.3], [0.3, 0.3, 0.3]),
            ]
        )
        let asha = MultiFidelityResultFile(
            framework: "orion",
            algorithm: "asha",
            task: "t",
            optimum: 0,
            maxFidelity: 27,
            budget: 81,
            notes: "",
            runs: [
                run(0, [1, 1, 3, 27], [0.5, 0.4, 0.3, 0.1], [nil, nil, nil, 0.1]),
                run(1, [1, 1, 27, 27], [0.5, 0.4, 0.3, 0.2], [nil, nil, 0.3, 0.2]),
                run(2, [1, 27], [0.5, 0.4], [nil, 0.4]),
            ]
        )
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mf-table-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try random.write(to: directory)
        try asha.write(to: directory)
        let loaded = try MultiFidelityResultFile.load(directories: [directory])
        XCTAssertEqual(loaded.map(\.fileName), ["mf_orion_asha_t.json", "mf_swift-orion_random_t.json"])
        XCTAssertEqual(loaded.last?.runs, random.runs)

        let table = MultiFidelityTable(files: loaded)
        XCTAssertEqual(table.target(of: "t"), 0.2)
        let rows = table.rows(of: "t", target: 0.2)
        XCTAssertEqual(rows.map(\.label), ["orion/asha", "swift-orion/random"])
        XCTAssertEqual(rows[0].fidelityToTarget, 56)
        XCTAssertEqual(rows[0].reached, 2)
        XCTAssertEqual(rows[0].regretAtThird, .infinity)
        XCTAssertEqual(rows[0].regretAtBudget, 0.2)
        XCTAssertEqual(rows[1].fidelityToTarget, 81)
        XCTAssertEqual(rows[1].reached, 2)
        XCTAssertTrue(table.markdown.contains("| orion/asha | 3 | 56 | 2/3 | 0.69 |"), table.markdown)
    }

    /// The real task runs `sgd_digits.py` through the Oríon protocol: a validation error in [0, 1] on the grid of
    /// 1/600, the same for the same seed. Needs a Python with scikit-learn (`ORION_TEST_ORION027_PYTHON`).
    func testRealTaskRunsTheScriptDeterministically() async throws {
        guard let python = ProcessInfo.processInfo.environment["ORION_TEST_ORION027_PYTHON"] else {
            throw XCTSkip("set ORION_TEST_ORION027_PYTHON to a Python with scikit-learn to run sgd_digits.py")
        }
        var root = URL(fileURLWithPath: "\(#filePath)")
        for _ in 0..<4 { root.deleteLastPathComponent() }
        let script = root.appendingPathComponent("Benchmarks/multifidelity/sgd_digits.py").path
        let task = MultiFidelityTasks.sgdDigits(python: python, script: script, randomTrials: 1)
        let first = try await runner.run(AlgorithmConfig(name: "random"), on: task, budget: task.budget, seed: 1)
        let second = try await runner.run(AlgorithmConfig(name: "random"), on: task, budget: task.budget, seed: 1)
        XCTAssertEqual(first.fidelities, [27])
        XCTAssertEqual(first.values, second.values)
        let error = try XCTUnwrap(first.values.first)
        XCTAssertTrue((0...1).contains(error), "\(error)")
        XCTAssertEqual(error * 600, (error * 600).rounded(), accuracy: 1e-6)
        XCTAssertEqual(first.regrets, [error])
    }
}
