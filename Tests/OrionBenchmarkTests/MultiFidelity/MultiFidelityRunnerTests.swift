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

    /// A result file's notes give nested options as Python prints them, in a fixed order: PBT's were Swift's debug
    /// descriptions (`OrionCore.JSONValue.string("PipelineExploit")`) in a dictionary's random order, so two runs of
    /// the same configuration wrote different files.
    func testNotesGiveNestedOptionsAsPythonPrintsThem() async throws {
        let task = MultiFidelityTasks.learningCurve(randomTrials: 2)
        let pbt = AlgorithmConfig(name: "pbt", options: ["population_size": 2, "generations": 1])
        let file = try await runner.runAll(pbt, on: task, budget: task.budget, seeds: [0])
        XCTAssertFalse(file.notes.contains("JSONValue"), file.notes)
        XCTAssertTrue(file.notes.contains("'of_type': 'PipelineExploit'"), file.notes)
        let again = try await runner.runAll(pbt, on: task, budget: task.budget, seeds: [0])
        XCTAssertEqual(again.notes, file.notes)
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
        let random = fixtureFile(
            "random",
            runs: [
                fixtureRun(0, [27, 27, 27], [0.3, 0.2, 0.25]),
                fixtureRun(1, [27, 27, 27], [0.4, 0.35, 0.1]),
                fixtureRun(2, [27, 27, 27], [0.3, 0.3, 0.3]),
            ]
        )
        let asha = fixtureFile(
            "asha",
            framework: "orion",
            runs: [
                fixtureRun(0, [1, 1, 3, 27], [nil, nil, nil, 0.1], values: [0.5, 0.4, 0.3, 0.1]),
                fixtureRun(1, [1, 1, 27, 27], [nil, nil, 0.3, 0.2], values: [0.5, 0.4, 0.3, 0.2]),
                fixtureRun(2, [1, 27], [nil, 0.4], values: [0.5, 0.4]),
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

    /// The seeds of one configuration written by two commands into two directories load as one file, by seed (a
    /// seed in both: the later directory's run); files of the same name with different budgets are refused.
    func testFilesOfTheSameConfigurationAreJoinedBySeed() throws {
        func file(_ seeds: [Int], value: Double, budget: Double = 81) -> MultiFidelityResultFile {
            fixtureFile("asha", budget: budget, runs: seeds.map { fixtureRun($0, [27], [value]) })
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mf-join-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (first, second, other) = (root + "/a", root + "/b", root + "/c")
        try file([0, 1], value: 0.5).write(to: first)
        try file([1, 2], value: 0.25).write(to: second)
        let loaded = try MultiFidelityResultFile.load(directories: [first, second])
        XCTAssertEqual(loaded.count, 1)
        XCTAssertEqual(loaded[0].seeds, [0, 1, 2])
        XCTAssertEqual(loaded[0].runs.map(\.values), [[0.5], [0.25], [0.25]])
        XCTAssertEqual(MultiFidelityTable(files: loaded).rows(of: "t", target: 0.3)[0].seeds, 3)
        try file([3], value: 0.1, budget: 540).write(to: other)
        XCTAssertThrowsError(try MultiFidelityResultFile.load(directories: [first, other])) { error in
            XCTAssertEqual((error as? BenchmarkError)?.code, .badResultFile)
            XCTAssertTrue("\(error)".contains("budget 540.0"), "\(error)")
        }
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

    /// Both conventions on a fixture: from scratch every trial costs its fidelity; with resumption a promoted trial
    /// costs what it trained beyond its parent, so the same run reaches the same regrets for less.
    func testAccountingFromScratchAndWithResumption() {
        let run = MultiFidelityRun(
            seed: 0,
            wallSeconds: 1,
            fidelities: [1, 1, 3, 9, 27, 27],
            values: [0.5, 0.4, 0.3, 0.2, 0.15, 0.25],
            regrets: [nil, nil, nil, nil, 0.15, 0.25],
            paid: [1, 1, 2, 6, 18, 27]
        )
        XCTAssertEqual(run.costs(.scratch), [1, 1, 3, 9, 27, 27])
        XCTAssertEqual(run.curve(.resume).map(\.spent), [1, 2, 4, 10, 28, 55])
        XCTAssertEqual(run.fidelity(toReach: 0.15), 41)
        XCTAssertEqual(run.fidelity(toReach: 0.15, accounting: .resume), 28)
        XCTAssertNil(run.regret(atBudget: 40))
        XCTAssertEqual(run.regret(atBudget: 40, accounting: .resume), 0.15)
        let legacy = MultiFidelityRun(seed: 0, wallSeconds: 1, fidelities: [27], values: [0.1], regrets: [0.1])
        XCTAssertEqual(legacy.costs(.resume), [27])
        XCTAssertEqual(MultiFidelityRunner.increment(level: 27, parentLevel: 9), 18)
        XCTAssertEqual(MultiFidelityRunner.increment(level: 9, parentLevel: nil), 9)
        XCTAssertEqual(MultiFidelityRunner.increment(level: 3, parentLevel: 9), 3)

        let file = MultiFidelityResultFile(
            algorithm: "asha",
            task: "t",
            optimum: 0,
            maxFidelity: 27,
            budget: 81,
            accounting: .resume,
            notes: "",
            runs: [run]
        )
        XCTAssertEqual(file.fileName, "mf_swift-orion_asha_t_resume.json")
        let random = MultiFidelityResultFile(
            algorithm: "random",
            task: "t",
            optimum: 0,
            maxFidelity: 27,
            budget: 81,
            notes: "",
            runs: [
                MultiFidelityRun(
                    seed: 0,
                    wallSeconds: 1,
                    fidelities: [27, 27],
                    values: [0.3, 0.2],
                    regrets: [0.3, 0.2]
                )
            ]
        )
        let table = MultiFidelityTable(files: [file, random])
        XCTAssertEqual(table.target(of: "t"), 0.2)
        let row = table.rows(of: "t", target: 0.2)[0]
        XCTAssertEqual(row.label, "swift-orion/asha (resume)")
        XCTAssertEqual(row.fidelityToTarget, 41)
        XCTAssertEqual(row.resumedFidelityToTarget, 28)
        XCTAssertEqual(row.regretAtThird, .infinity)  // 27 epochs with resumption: no full-fidelity trial yet
        XCTAssertEqual(row.regretAtBudget, 0.15)
        XCTAssertTrue(table.markdown.contains("| swift-orion/asha (resume) | 1 | 41 | 1/1 | 0.51 | 28 | 0.35 |"))
    }

    /// A resume budget counts a promoted trial for its increment over its parent: ASHA's promotions pay the
    /// difference of the rungs, the total stays within the budget, and the run gets more trials than from scratch.
    func testResumeBudgetCountsIncrementsOverTheParent() async throws {
        let task = MultiFidelityTasks.learningCurve(randomTrials: 4)
        let scratch = try await runner.run(AlgorithmConfig(name: "asha"), on: task, budget: 108, seed: 1)
        let resumed = try await runner.run(
            AlgorithmConfig(name: "asha"),
            on: task,
            budget: 108,
            accounting: .resume,
            seed: 1
        )
        let paid = try XCTUnwrap(resumed.paid)
        XCTAssertLessThanOrEqual(paid.reduce(0, +), 108)
        XCTAssertGreaterThan(resumed.spent, 108)
        XCTAssertGreaterThan(resumed.fidelities.count, scratch.fidelities.count)
        XCTAssertTrue(
            Set(zip(resumed.fidelities, paid).map { [$0, $1] }).isSubset(of: [
                [1, 1], [3, 3], [9, 9], [27, 27], [3, 2], [9, 6], [27, 18],
            ])
        )
        XCTAssertTrue(zip(resumed.fidelities, paid).contains { $0 == 27 && $1 == 18 })
        XCTAssertEqual(scratch.paid?.count, scratch.fidelities.count)
    }

    /// The repository root and a Python with scikit-learn (`ORION_TEST_ORION027_PYTHON`), or a skip.
    private func pythonAndScripts() throws -> (python: String, scripts: String) {
        guard let python = ProcessInfo.processInfo.environment["ORION_TEST_ORION027_PYTHON"] else {
            throw XCTSkip("set ORION_TEST_ORION027_PYTHON to a Python with scikit-learn to run the real tasks")
        }
        var root = URL(fileURLWithPath: "\(#filePath)")
        for _ in 0..<4 { root.deleteLastPathComponent() }
        return (python, root.appendingPathComponent("Benchmarks/multifidelity").path)
    }

    /// mlp_digits.py through its `--serve` process: a trial given its parent's directory continues from the
    /// parent's checkpoint, trains only the remaining epochs, and ends with the same model (same loss) as a trial
    /// trained from scratch; a bad request is a reply with an error, and the process goes on.
    func testMLPScriptResumesFromTheParentCheckpoint() throws {
        let (python, scripts) = try pythonAndScripts()
        let evaluator = try PythonLineEvaluator(python: python, script: scripts + "/mlp_digits.py")
        defer { evaluator.close() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mlp-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for name in ["parent", "child", "alone"] {
            try FileManager.default.createDirectory(atPath: directory + "/" + name, withIntermediateDirectories: true)
        }
        func request(epochs: Int, in name: String, parent: String?) throws -> [String: JSONValue] {
            let params: [String: JSONValue] = [
                "lr": .double(0.1), "momentum": .double(0.9), "alpha": .double(1e-4), "batch_size": .int(64),
                "epochs": .int(epochs),
            ]
            let reply = try evaluator.evaluate(
                .object([
                    "params": .object(params), "seed": .int(3), "working_dir": .string(directory + "/" + name),
                    "parent_working_dir": parent.map { .string(directory + "/" + $0) } ?? .null,
                ])
            )
            guard case .object(let fields) = reply else { throw XCTSkip("unreachable: reply \(reply)") }
            return fields
        }
        let parent = try request(epochs: 2, in: "parent", parent: nil)
        XCTAssertEqual(parent["trained_epochs"]?.doubleValue, 2)
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/parent/model.pkl"))
        let child = try request(epochs: 5, in: "child", parent: "parent")
        XCTAssertEqual(child["trained_epochs"]?.doubleValue, 3)
        let alone = try request(epochs: 5, in: "alone", parent: nil)
        XCTAssertEqual(alone["trained_epochs"]?.doubleValue, 5)
        let loss = try XCTUnwrap(child["objective"]?.doubleValue)
        XCTAssertEqual(loss, try XCTUnwrap(alone["objective"]?.doubleValue), accuracy: 1e-12)
        XCTAssertLessThan(loss, try XCTUnwrap(parent["objective"]?.doubleValue))
        XCTAssertThrowsError(try evaluator.evaluate(.object(["params": .object([:])])))
        XCTAssertEqual(try request(epochs: 2, in: "parent", parent: nil)["objective"], parent["objective"])
    }

    /// The real-process path end to end: ASHA on a short mlp_digits (1 to 3 epochs) with every trial its own
    /// process through `ProcessExecutor` (parent's directory from `ORION_PARENT_WORKING_DIR`, results file) gives
    /// the same trials, values and paid epochs as the run through the `--serve` process.
    func testMLPProcessPerTrialMatchesTheServedRun() async throws {
        let (python, scripts) = try pythonAndScripts()
        var task = MultiFidelityTasks.mlpDigits(python: python, script: scripts + "/mlp_digits.py", randomTrials: 1)
        guard case .script(let arguments, _) = task.objective else { return XCTFail("mlp_digits is a script") }
        task.objective = .script(
            arguments: arguments.map { $0.hasPrefix("--epochs~") ? "--epochs~fidelity(1, 3, base=3)" : $0 },
            serves: true
        )
        task.maxFidelity = 3
        let config = AlgorithmConfig(name: "asha", options: ["num_rungs": .int(2)])
        let served = try await runner.run(config, on: task, budget: 8, accounting: .resume, seed: 0)
        let processes = try await MultiFidelityRunner(processPerTrial: true).run(
            config,
            on: task,
            budget: 8,
            accounting: .resume,
            seed: 0
        )
        XCTAssertEqual(processes.fidelities, served.fidelities)
        XCTAssertEqual(processes.paid, served.paid)
        XCTAssertEqual(processes.values, served.values)
        XCTAssertTrue(zip(served.fidelities, served.paid ?? []).contains { $0 == 3 && $1 == 2 }, "\(served)")
    }
}
