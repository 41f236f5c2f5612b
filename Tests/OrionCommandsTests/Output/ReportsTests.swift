import Foundation
import OrionAlgorithms
import OrionCore
import OrionSQLite
import OrionTesting
import OrionWorker
import XCTest

@testable import OrionCommands

/// A tiny ASHA-like algorithm: samples `configurations` distinct points at the lowest fidelity, then promotes every completed
/// trial to the next fidelity (`low · base^k`) with the trial as parent, suggesting each promotion twice so that the
/// driver's deduplication is exercised. Done once every configuration reached the highest fidelity.
private struct Promoter: Algorithm {
    struct Options: AlgorithmOptions {
        var configurations = 3
        enum CodingKeys: String, CodingKey { case configurations }
    }

    static let name = "promoter"
    var generator = SeededGenerator(seed: 7)
    var sampled: Set<Parameters> = []
    var pending: [Suggestion] = []
    var finished: Set<Parameters> = []
    let target: Int

    init(options: Options, context: AlgorithmContext) throws {
        guard context.space.fidelity != nil else {
            throw AlgorithmError(.unsupportedSpace, "promoter needs a fidelity dimension")
        }
        target = options.configurations
    }

    mutating func suggest(count: Int, context: AlgorithmContext) -> [Suggestion] {
        guard let fidelity = context.space.fidelity, case .fidelity(let low, _, _) = fidelity.prior else { return [] }
        var suggestions: [Suggestion] = []
        while suggestions.count < count, let promotion = pending.first {
            pending.removeFirst()
            suggestions += [promotion, promotion]
        }
        for _ in 0..<100 where suggestions.count < count && sampled.count < target {
            let point = context.space.sample(using: &generator).replacing(fidelity.name, with: .int(Int(low)))
            if sampled.insert(point).inserted { suggestions.append(Suggestion(point)) }
        }
        return suggestions
    }

    mutating func observe(_ trials: [Trial], context: AlgorithmContext) {
        guard let fidelity = context.space.fidelity, case .fidelity(_, let high, let base) = fidelity.prior else {
            return
        }
        for trial in trials where trial.status == .completed {
            guard let level = trial.params[fidelity.name]?.doubleValue else { continue }
            if level >= high {
                finished.insert(context.space.configuration(of: trial.params))
            } else {
                let next = JSONValue.int(Int(min(level * base, high)))
                pending.append(Suggestion(trial.params.replacing(fidelity.name, with: next), parent: trial.id))
            }
        }
    }

    func isDone(context: AlgorithmContext) -> Bool { finished.count >= target }
}

final class ReportsTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("reports-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Issue 10, part 2: promotions (same configuration, higher fidelity, with a parent) are stored, deduplicated,
    /// and shown with their parent by `orion status --all`; a finite space is not done after its first rung.
    func testPromotionsAreStoredDeduplicatedAndShownWithTheirParent() async throws {
        let storage = try SQLiteStorage(path: directory + "/orion.db")
        let registry = AlgorithmRegistry(algorithms: [RandomSearch.self, Promoter.self])
        let client = try await ExperimentClient.build(
            name: "promote",
            space: ["/x": "randint(0, 3)", "/epochs": "fidelity(1, 4, base=2)"],
            algorithm: AlgorithmConfig(name: "promoter", options: ["configurations": 3]),
            storage: storage,
            factory: registry
        )
        var evaluated = 0
        while let trial = try await client.suggest() {
            evaluated += 1
            XCTAssertLessThan(evaluated, 20, "the search does not end")
            if evaluated >= 20 { break }
            try await client.observe(trial, objective: trial.params["/x"]?.doubleValue ?? 0)
        }

        let trials = try await storage.trials(of: client.experiment.id, status: nil)
        let space = client.experiment.space
        // randint(0, 3) has 3 configurations; each runs at fidelities 1, 2 and 4.
        XCTAssertEqual(space.cardinality, 3)
        XCTAssertEqual(trials.count, 9, "\(trials.map(\.params))")
        XCTAssertEqual(Set(trials.map(\.id)).count, 9)
        XCTAssertEqual(Set(trials.map { space.configuration(of: $0.params) }).count, 3)
        XCTAssertTrue(trials.allSatisfy { $0.status == .completed })
        let byID = Dictionary(uniqueKeysWithValues: trials.map { ($0.id, $0) })
        for trial in trials {
            let epochs = try XCTUnwrap(trial.params["/epochs"]?.intValue)
            guard epochs > 1 else {
                XCTAssertNil(trial.parent)
                continue
            }
            let parent = try XCTUnwrap(trial.parent.flatMap { byID[$0] }, "trial at \(epochs) epochs has no parent")
            XCTAssertEqual(parent.params["/epochs"]?.intValue, epochs / 2)
            XCTAssertEqual(parent.params["/x"], trial.params["/x"])
        }

        let report = try await Reports.status(storage: storage, name: "promote", all: true)
        let lines = report.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2 + 2 + 9, report)
        XCTAssertEqual(
            lines[2].split(separator: " ").map(String.init),
            ["id", "status", "min", "objective", "epochs", "parent"]
        )
        for trial in trials {
            let row = try XCTUnwrap(lines.first { $0.hasPrefix(trial.id) }, report)
            let epochs = try XCTUnwrap(trial.params["/epochs"]?.intValue)
            let cells = row.split(separator: " ").map(String.init)
            // The fidelity, then the parent when there is one.
            XCTAssertEqual(
                Array(cells.suffix(trial.parent == nil ? 1 : 2)),
                ["\(epochs)"] + (trial.parent.map { [$0] } ?? []),
                row
            )
        }
    }

    /// A fractional fidelity is shown as the other numbers (6 significant digits, aligned), not at full precision
    /// (probe p43e: a 19-character `0.21544346900318842`).
    func testAFractionalFidelityIsShownAsANumber() throws {
        let space = try Space(priors: ["/x": "uniform(0, 1)", "/epochs": "fidelity(0.01, 1, base=10)"])
        let experiment = Experiment(id: "e", name: "frac", space: space, algorithm: AlgorithmConfig(name: "asha"))
        let trials = [0.01, 0.1, 1.0 / 3.0].map { epochs in
            Trial(
                experimentID: "e",
                params: [
                    Trial.Param(name: "/epochs", type: .fidelity, value: .double(epochs)),
                    Trial.Param(name: "/x", type: .real, value: .double(0.5)),
                ]
            )
        }
        let lines = Reports.statusBlock(experiment: experiment, trials: trials, all: true).split(separator: "\n")
        let cells = lines.suffix(3).map { $0.split(separator: " ").last.map(String.init) ?? "" }
        XCTAssertEqual(cells, ["0.01", "0.1", "0.333333"], lines.joined(separator: "\n"))
    }

    /// The conformance suite's exhaustion check holds for a multi-fidelity algorithm: 6 configurations, 18 trials.
    func testMultiFidelityAlgorithmPassesTheExhaustionCheck() throws {
        let registry = AlgorithmRegistry(algorithms: [Promoter.self])
        let config = AlgorithmConfig(name: "promoter", options: ["configurations": 6])
        let space = try TestSpaces.finiteWithFidelity()
        try AlgorithmConformance.checkDoneOnExhaustedSpace(factory: registry, config: config, space: space)
        try AlgorithmConformance.checkOptionsRoundTrip(factory: registry, config: config)
        try AlgorithmConformance.checkNoDuplicates(factory: registry, config: config, space: space)
    }

    /// Runs random search over `/x` in `storage` to `maxTrials` completed trials, each with the result `result(x)`;
    /// returns the values of `/x` in order.
    @discardableResult
    private func completedExperiment(
        _ name: String,
        maxTrials: Int,
        in storage: SQLiteStorage,
        result: (Double) -> TrialResult
    ) async throws -> [Double] {
        let client = try await ExperimentClient.build(
            name: name,
            space: ["/x": "uniform(0, 1)"],
            algorithm: AlgorithmConfig(name: "random", options: ["seed": 1]),
            maxTrials: maxTrials,
            storage: storage,
            factory: AlgorithmRegistry.standard
        )
        var values: [Double] = []
        while let trial = try await client.suggest() {
            let value = trial.params["/x"]?.doubleValue ?? 0
            values.append(value)
            try await client.observe(trial, results: [result(value)])
        }
        return values
    }

    func testStatusAllHasNoParentColumnWithoutLineage() async throws {
        let storage = try SQLiteStorage(path: directory + "/orion.db")
        try await completedExperiment("plain", maxTrials: 2, in: storage) { .objective($0) }
        let report = try await Reports.status(storage: storage, name: "plain", all: true)
        let lines = report.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[2].split(separator: " ").map(String.init), ["id", "status", "min", "objective"])
        XCTAssertEqual(lines.count, 2 + 2 + 2, report)
    }

    /// Experiments without versions are listed in the order they were created, as `orion list` and Oríon list them
    /// (SQLite returned them by name), with and without `--all`.
    func testStatusListsExperimentsInCreationOrder() async throws {
        let storage = try SQLiteStorage(path: directory + "/orion.db")
        for name in ["normal", "missing", "two"] {
            try await completedExperiment(name, maxTrials: 1, in: storage) { .objective($0) }
        }
        for all in [false, true] {
            let report = try await Reports.status(storage: storage, name: nil, all: all)
            let titles = report.split(separator: "\n").filter { $0.hasSuffix("-v1") }
            XCTAssertEqual(titles, ["normal-v1", "missing-v1", "two-v1"], report)
        }
    }

    /// A trial set back to another status keeps its objective; Oríon's table shows each status's minimum, under the
    /// objective's name, with and without `--all`.
    func testStatusShowsTheMinimumOfEveryStatusThatHasObjectives() async throws {
        let storage = try SQLiteStorage(path: directory + "/orion.db")
        let values = try await completedExperiment("set", maxTrials: 3, in: storage) { .objective($0, name: "loss") }
        let stored = try await storage.experiment(named: "set", version: nil)
        let experiment = try XCTUnwrap(stored)
        let changed = try await DatabaseMaintenance.setTrials(
            matching: .status(.completed),
            update: "status=interrupted",
            of: experiment,
            storage: storage
        )
        XCTAssertEqual(changed, 3)
        let summary = try await Reports.status(storage: storage, name: "set", all: false)
        let rows = summary.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(rows[2], ["status", "quantity", "min", "loss"], summary)
        XCTAssertEqual(Array(rows[4].prefix(2)), ["interrupted", "3"], summary)
        XCTAssertEqual(Double(rows[4].last ?? "") ?? -1, values.min() ?? 0, accuracy: 1e-4, summary)
        let all = try await Reports.status(storage: storage, name: "set", all: true)
        XCTAssertEqual(
            all.split(separator: "\n")[2].split(separator: " ").map(String.init),
            ["id", "status", "min", "loss"]
        )
    }

    /// Every objective NaN: the table still has the objective's column, with `nan`, as Oríon's (found side by side:
    /// the column was left out).
    func testStatusOfNaNObjectivesShowsNan() async throws {
        let storage = try SQLiteStorage(path: directory + "/orion.db")
        try await completedExperiment("nan", maxTrials: 2, in: storage) { _ in .objective(.nan, name: "loss") }
        let summary = try await Reports.status(storage: storage, name: "nan", all: false)
        let rows = summary.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(rows[2], ["status", "quantity", "min", "loss"], summary)
        XCTAssertEqual(rows[4], ["completed", "2", "nan"], summary)
    }

    /// Issue 13, part 2: `orion list` draws the version trees as Oríon's pptree does (checked against its
    /// `print_tree`: the children split above and below a version).
    func testListDrawsTheVersionTrees() async throws {
        let storage = InMemoryStorage()
        let space = try Space(priors: ["/x": "uniform(0, 1)"])
        func add(_ name: String, _ version: Int, parent: Experiment? = nil) async throws -> Experiment {
            let experiment = Experiment(
                id: "\(name)\(version)",
                name: name,
                version: version,
                space: space,
                algorithm: AlgorithmConfig(name: "random"),
                refers: parent.map { ExperimentRefers(rootID: $0.refers?.rootID ?? $0.id, parentID: $0.id) }
            )
            try await storage.createExperiment(experiment)
            return experiment
        }
        let root = try await add("e1", 1)
        let second = try await add("e1", 2, parent: root)
        _ = try await add("e1", 3, parent: second)
        let other = try await add("e2", 1, parent: root)
        _ = try await add("e3", 1, parent: other)
        _ = try await add("solo", 1)
        let listed = try await Reports.list(storage: storage)
        XCTAssertEqual(
            listed,
            """
                  ┌e1-v2┐
                  │     └e1-v3
             e1-v1┤
                  └e2-v1┐
                        └e3-v1
             solo-v1

            """
        )
        let named = try await Reports.list(storage: storage, name: "e2")
        XCTAssertEqual(named, " e2-v1┐\n      └e3-v1\n")
        let missing = try await Reports.list(storage: storage, name: "none")
        XCTAssertEqual(missing, "No experiment found\n")
    }
}
