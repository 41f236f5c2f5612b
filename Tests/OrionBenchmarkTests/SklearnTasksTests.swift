import Foundation
import OrionAlgorithms
import OrionBenchmark
import OrionCore
import XCTest

final class SklearnTasksTests: XCTestCase {
    private var script: String {
        var root = URL(fileURLWithPath: "\(#filePath)")
        for _ in 0..<3 { root.deleteLastPathComponent() }
        return root.appendingPathComponent(SklearnTasks.defaultScript).path
    }

    /// A Python with scikit-learn, or a skip saying how to provide one.
    private func python() throws -> String {
        guard let python = ProcessInfo.processInfo.environment["ORION_TEST_ORION027_PYTHON"] else {
            throw XCTSkip(
                "set ORION_TEST_ORION027_PYTHON to a Python with scikit-learn to run Benchmarks/sklearn/tasks.py"
            )
        }
        return python
    }

    /// `--problems sklearn` is the five tasks, each found by name with the interpreter and script it was given;
    /// every space parses and mixes kinds.
    func testTasksAreRegisteredAndLookedUp() throws {
        let environment = SklearnTasks.Environment(python: "/opt/py/bin/python", script: "/x/tasks.py")
        let tasks = try BenchmarkTasks.tasks("sklearn", sklearn: environment)
        XCTAssertEqual(tasks.map(\.name), SklearnTasks.definitions.map(\.name))
        XCTAssertEqual(tasks.count, 5)
        XCTAssertEqual(try BenchmarkTasks.task("sk_svc_digits").name, "sk_svc_digits")
        XCTAssertEqual(try BenchmarkTasks.tasks("sk_mlp_digits").map(\.name), ["sk_mlp_digits"])
        XCTAssertThrowsError(try BenchmarkTasks.task("sk_nope")) { error in
            XCTAssertEqual((error as? BenchmarkError)?.code, .unknownTask)
            XCTAssertTrue("\(error)".contains(", sklearn and their tasks (orion benchmark list"), "\(error)")
        }
        var kinds = Set<String>()
        for task in tasks {
            let space = try task.space()
            XCTAssertEqual(Set(task.dimensionOrder), Set(task.priors.keys), task.name)
            XCTAssertEqual(task.defaultBudget, 100)
            for name in task.dimensionOrder {
                let dimension = try XCTUnwrap(space[name])
                kinds.insert("\(dimension.kind)\(dimension.isLogScale ? "-log" : "")")
            }
        }
        XCTAssertEqual(kinds, ["real", "real-log", "integer", "integer-log", "categorical"])
    }

    /// A missing interpreter makes the tasks unavailable with a message naming the fix, and a task that cannot
    /// start its process fails its evaluation with `.evaluationFailed` rather than hanging.
    func testMissingPythonIsReportedClearly() throws {
        let environment = SklearnTasks.Environment(python: "/nonexistent/python3", script: script)
        let reason = try XCTUnwrap(SklearnTasks.unavailability(environment))
        XCTAssertTrue(reason.contains("--python"), reason)
        let task = try XCTUnwrap(SklearnTasks.named("sk_sgd_diabetes", environment))
        XCTAssertThrowsError(try task.evaluate(["alpha": 1e-3, "l1_ratio": 0.5])) { error in
            XCTAssertEqual((error as? BenchmarkError)?.code, .evaluationFailed, "\(error)")
        }
    }

    /// The regret of a scikit-learn task is its best value minus the task's reference, clipped at 0.
    func testRegretIsMeasuredAgainstTheReference() throws {
        let task = try XCTUnwrap(SklearnTasks.named("sk_hgb_cancer"))
        let reference = try XCTUnwrap(task.optimum)
        XCTAssertEqual(reference, SklearnTasks.definitions[1].reference)
        let file = BenchmarkResultFile(
            framework: "optuna",
            algorithm: "tpe",
            problem: task.name,
            optimum: nil,
            budget: 3,
            notes: "",
            runs: [
                BenchmarkRun(seed: 0, wallSeconds: 1, values: [reference + 0.5, reference + 0.25], bestParams: [:]),
                BenchmarkRun(seed: 1, wallSeconds: 1, values: [reference + 1, reference - 0.01], bestParams: [:]),
            ]
        )
        let section = try XCTUnwrap(BenchmarkTable(files: [file]).sections.first)
        XCTAssertEqual(section.optimum, reference)
        XCTAssertEqual(section.dimensions, task.dimensionsSummary)
        XCTAssertEqual(try XCTUnwrap(section.rows.first?.median[100]), 0.125, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(section.rows.first?.mean[25]), 0.125, accuracy: 1e-12)
    }

    /// tasks.py lists the same tasks (spaces, order, references) as the Swift side, and evaluates each once at a
    /// point of its space: a finite value not below the reference, the same on a second request (the task is
    /// deterministic); a bad request gets an error reply and the process keeps serving.
    func testScriptMatchesTheDefinitionsAndEvaluatesEachTask() throws {
        let process = try PythonLineEvaluator(python: try python(), script: script, arguments: [])
        defer { process.close() }
        let listed = try XCTUnwrap(process.evaluate(.object(["list": .bool(true)])).objectValue?["tasks"]?.arrayValue)
        XCTAssertEqual(listed.count, SklearnTasks.definitions.count)
        for (entry, definition) in zip(listed, SklearnTasks.definitions) {
            let object = try XCTUnwrap(entry.objectValue)
            XCTAssertEqual(object["name"], .string(definition.name))
            XCTAssertEqual(object["summary"], .string(definition.summary))
            XCTAssertEqual(object["order"], .array(definition.order.map { .string($0) }))
            XCTAssertEqual(object["priors"], .object(definition.priors.mapValues { .string($0) }))
            XCTAssertEqual(object["reference"]?.doubleValue, definition.reference)
        }
        var generator = SeededGenerator(seed: 3)
        for task in SklearnTasks.all() {
            let point = try task.space().sample(using: &generator)
            let values = Dictionary(point.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
            let request = JSONValue.object(["task": .string(task.name), "params": .object(values)])
            let value = try XCTUnwrap(process.evaluate(request).objectValue?["value"]?.doubleValue, task.name)
            XCTAssertTrue(value.isFinite && value >= (task.optimum ?? 0), "\(task.name): \(value)")
            XCTAssertEqual(try process.evaluate(request).objectValue?["value"]?.doubleValue, value, task.name)
        }
        XCTAssertThrowsError(try process.evaluate(.object(["task": .string("sk_nope"), "params": .object([:])])))
        XCTAssertNotNil(try process.evaluate(.object(["list": .bool(true)])).objectValue?["tasks"])
    }

    /// A run evaluates all its trials through one process and records what the script returned.
    func testRunnerEvaluatesATaskThroughOneProcessPerRun() async throws {
        let environment = SklearnTasks.Environment(python: try python(), script: script)
        let task = try XCTUnwrap(SklearnTasks.named("sk_sgd_diabetes", environment))
        let configuration = BenchmarkConfiguration(algorithm: AlgorithmConfig(name: "random"), task: task, budget: 4)
        let run = try await BenchmarkRunner().run(configuration, seed: 2)
        XCTAssertEqual(run.values.count, 4)
        XCTAssertTrue(run.values.allSatisfy { ($0 ?? -1).isFinite && ($0 ?? -1) >= 0 }, "\(run.values)")
        XCTAssertEqual(run.bestSoFar.last, run.values.compactMap { $0 }.min())
    }
}

/// The repository's benchmark scripts are found from any directory, above the running executable.
final class RepositoryPathTests: XCTestCase {
    func testTheRepositorysScriptsAreFoundFromAnotherDirectory() throws {
        let manager = FileManager.default
        let here = manager.currentDirectoryPath
        let elsewhere = manager.temporaryDirectory.appendingPathComponent("orion-path-\(UUID().uuidString)").path
        try manager.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        defer {
            manager.changeCurrentDirectoryPath(here)
            try? manager.removeItem(atPath: elsewhere)
        }
        XCTAssertTrue(manager.changeCurrentDirectoryPath(elsewhere))
        let found = RepositoryPath.resolve(SklearnTasks.defaultScript)
        XCTAssertTrue(found.hasPrefix("/") && found.hasSuffix("/Benchmarks/sklearn/tasks.py"), found)
        XCTAssertTrue(manager.fileExists(atPath: found))
        XCTAssertEqual(RepositoryPath.resolve("Benchmarks/no-such-file.py"), "Benchmarks/no-such-file.py")
    }
}
