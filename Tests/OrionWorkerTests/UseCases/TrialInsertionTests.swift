import Foundation
import OrionAlgorithms
import OrionCore
import OrionSQLite
import OrionWorker
import XCTest

final class TrialInsertionTests: XCTestCase {
    private var path = ""

    override func setUp() {
        path =
            FileManager.default.temporaryDirectory.appendingPathComponent("orion-insert-\(UUID().uuidString).db")
            .path
    }

    override func tearDown() {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    private func experiment(in storage: any Storage) async throws -> Experiment {
        let request = ExperimentRequest(
            name: "insert",
            space: try Space(priors: [
                "/x": "uniform(0, 10)",
                "/n": "randint(1, 5, default_value=2)",
                "/opt": "choices(['adam', 'sgd'])",
                "/epochs": "fidelity(1, 81, base=3)",
            ]),
            metadata: ExperimentMetadata(user: "tester")
        )
        return try await ExperimentBuilder.build(request, storage: storage, factory: AlgorithmRegistry.standard)
            .experiment
    }

    private func message(_ body: () throws -> Trial) -> String? {
        do {
            _ = try body()
            return nil
        } catch {
            return "\(error)"
        }
    }

    func testArgumentsAreCastAndMissingDimensionsTakeTheirDefault() async throws {
        let experiment = try await experiment(in: InMemoryStorage())
        let trial = try TrialInsertion.trial(
            for: experiment,
            arguments: ["./train.py", "-x=1.5", "--opt=sgd", "plain"]
        )
        XCTAssertEqual(trial.status, .new)
        XCTAssertEqual(trial.experimentID, experiment.id)
        XCTAssertEqual(trial.values["/x"]?.doubleValue, 1.5)
        XCTAssertEqual(trial.values["/opt"], .string("sgd"))
        XCTAssertEqual(trial.values["/n"], .int(2), "the default value")
        XCTAssertEqual(trial.values["/epochs"], .int(81), "a fidelity takes its maximum")

        let typed = try TrialInsertion.trial(
            for: experiment,
            values: ["/x": .double(1.5), "/opt": .string("sgd")]
        )
        XCTAssertEqual(typed.params, trial.params)
    }

    func testMistakesSayWhatIsWrong() async throws {
        let experiment = try await experiment(in: InMemoryStorage())
        XCTAssertEqual(
            message { try TrialInsertion.trial(for: experiment, arguments: ["-y=1", "-x=1", "--opt=adam"]) },
            "-y=1: insert-v1 has no dimension /y (its dimensions: /epochs, /n, /opt, /x)"
        )
        do {
            _ = try TrialInsertion.trial(for: experiment, values: ["/x": .double(1)])
            XCTFail("/opt has no default")
        } catch let error as TrialInsertionError {
            XCTAssertEqual(error.code, .missingValue)
            XCTAssertEqual(error.message, "dimension /opt is unspecified and has no default value: add opt=VALUE")
        }
        XCTAssertEqual(
            message { try TrialInsertion.trial(for: experiment, arguments: ["./train.py", "-x=1", "--x=2"]) },
            "--x=2: /x is set twice (also by -x=1); keep one of them"
        )
        XCTAssertThrowsError(try TrialInsertion.trial(for: experiment, arguments: ["-x=99", "--opt=adam"])) { error in
            XCTAssertTrue(error is SpaceError, "outside the prior: \(error)")
        }  // A dimension named without `=`: its value would be dropped for the default (hBH's probe; Oríon drops it).
        XCTAssertEqual(
            message {
                try TrialInsertion.trial(for: experiment, arguments: ["./train.py", "--opt=adam", "-x", "0.9"])
            },
            "'-x 0.9': orion insert reads NAME=VALUE; write -x=0.9"
        )
        XCTAssertEqual(
            message { try TrialInsertion.trial(for: experiment, arguments: ["--opt=adam", "--x"]) },
            "'--x': orion insert reads NAME=VALUE; write --x=VALUE"
        )
        for (typed, form) in [("-x~0.9", "-x=0.9"), ("-x0.9", "-x=0.9"), ("--x0.9", "--x=0.9")] {
            XCTAssertEqual(
                message { try TrialInsertion.trial(for: experiment, arguments: ["--opt=adam", typed]) },
                "'\(typed)': orion insert reads NAME=VALUE; write \(form)"
            )
        }
        // An option of the script that is no dimension is passed over, as before.
        XCTAssertNoThrow(try TrialInsertion.trial(for: experiment, arguments: ["--verbose", "-x=1", "--opt=adam"]))
    }

    func testLiterals() {
        XCTAssertEqual(TrialInsertion.literal("3"), .int(3))
        XCTAssertEqual(TrialInsertion.literal("0.5"), .double(0.5))
        XCTAssertEqual(TrialInsertion.literal("True"), .bool(true))
        XCTAssertEqual(TrialInsertion.literal("None"), .null)
        XCTAssertEqual(TrialInsertion.literal("[1, 2]"), .array([.int(1), .int(2)]))
        XCTAssertEqual(TrialInsertion.literal("'adam'"), .string("adam"))
        XCTAssertEqual(TrialInsertion.literal("adam"), .string("adam"))
        // Python does not read these as numbers: Oríon inserts the category 'NaN'.
        for text in ["NaN", "nan", "inf", "-Infinity"] { XCTAssertEqual(TrialInsertion.literal(text), .string(text)) }
    }

    func testInsertNewTrialOnSQLiteThenADuplicateFails() async throws {
        let storage = try SQLiteStorage(path: path)
        let experiment = try await experiment(in: storage)
        let trial = try TrialInsertion.trial(for: experiment, arguments: ["-x=2", "--opt=adam"])
        let stored = try await TrialInsertion.insert(trial, into: experiment, storage: storage)
        XCTAssertEqual(stored.id, trial.id)
        let read = try await storage.trials(of: experiment.id, status: nil)
        XCTAssertEqual(read.map(\.id), [trial.id])
        XCTAssertEqual(read.first?.status, .new)
        do {
            try await TrialInsertion.insert(trial, into: experiment, storage: storage)
            XCTFail("the same values twice")
        } catch let error as TrialInsertionError {
            XCTAssertEqual(error.code, .duplicate)
            XCTAssertEqual(error.message, "a trial with these values exists already in insert-v1")
        }
        let count = try await storage.countTrials(of: experiment.id)
        XCTAssertEqual(count[.new], 1)
        try await storage.close()
    }

    func testInsertWithResultsIsCompletedAndCountsInTheSummaryOnSQLite() async throws {
        let storage = try SQLiteStorage(path: path)
        let experiment = try await experiment(in: storage)
        let client = ExperimentClient(experiment: experiment, storage: storage, factory: AlgorithmRegistry.standard)
        let now = Date(timeIntervalSince1970: 1_000)
        let trial = try TrialInsertion.trial(for: experiment, values: ["/x": .int(3), "/opt": .string("sgd")])
        try await TrialInsertion.insert(
            trial,
            results: [.objective(0.25)],
            into: experiment,
            storage: storage,
            now: now
        )
        try await client.insert(["/x": .int(4), "/opt": .string("adam")], results: [.objective(0.5)])
        try await client.insert(["/x": .int(5), "/opt": .string("adam")])
        do {
            try await client.insert(["/x": .int(6), "/opt": .string("adam")], results: [])
            XCTFail("results without an objective")
        } catch let error as TrialInsertionError {
            XCTAssertEqual(error.code, .noObjective)
        }

        let summary = try await client.summary()
        XCTAssertEqual(summary.countsByStatus, [.completed: 2, .new: 1])
        XCTAssertEqual(summary.bestTrial?.id, trial.id)
        XCTAssertEqual(summary.bestTrial?.objective, 0.25)
        let stored = try await storage.trial(id: trial.id, of: experiment.id)
        XCTAssertEqual(stored?.status, .completed)
        XCTAssertEqual(stored?.startTime, now, "a start time, so that the stats never miss one (Oríon crashes)")
        XCTAssertEqual(stored?.endTime, now)
        try await storage.close()
    }

    /// A real dimension's whole number is one value however it came (`default_value=1`, `-y=1`, `-y=1.0`): one
    /// rendering, one trial id, so the second insert is a duplicate (Oríon 0.2.7 refuses it too); the id Oríon gives
    /// the integer form still finds the trial.
    func testAWholeRealFromTheDefaultOrAnArgumentIsOneTrial() async throws {
        let storage = InMemoryStorage()
        let request = ExperimentRequest(
            name: "whole",
            space: try Space(priors: ["/x": "uniform(-5, 10)", "/y": "uniform(-5, 10, default_value=1)"]),
            metadata: ExperimentMetadata(user: "tester")
        )
        let experiment = try await ExperimentBuilder.build(
            request,
            storage: storage,
            factory: AlgorithmRegistry.standard
        ).experiment
        let fromDefault = try TrialInsertion.trial(for: experiment, arguments: ["./train.py", "-x=2.5"])
        XCTAssertEqual(fromDefault.values["/y"], .double(1), "the default becomes the dimension's type")
        XCTAssertEqual(fromDefault.params.representation, "/x:2.5,/y:1.0")
        for arguments in [["-x=2.5", "-y=1"], ["-x=2.5", "-y=1.0"]] {
            let explicit = try TrialInsertion.trial(for: experiment, arguments: arguments)
            XCTAssertEqual(explicit.id, fromDefault.id, "\(arguments)")
        }
        try await TrialInsertion.insert(fromDefault, into: experiment, storage: storage)
        let again = try TrialInsertion.trial(for: experiment, arguments: ["-x=2.5", "-y=1"])
        do {
            try await TrialInsertion.insert(again, into: experiment, storage: storage)
            XCTFail("the same point twice")
        } catch let error as TrialInsertionError {
            XCTAssertEqual(error.code, .duplicate)
        }
        // Oríon's ids: MD5 of `/x:2.5,/y:1.0` (a sampled value) and of `/x:2.5,/y:1` (typed as an integer).
        XCTAssertEqual(fromDefault.orionIDs, [MD5.hex("/x:2.5,/y:1.0"), MD5.hex("/x:2.5,/y:1")])
        let changed = try await DatabaseMaintenance.setTrials(
            matching: .id(MD5.hex("/x:2.5,/y:1")),
            update: "status=broken",
            of: experiment,
            storage: storage
        )
        XCTAssertEqual(changed, 1)
        let fractional = try TrialInsertion.trial(for: experiment, arguments: ["-x=2.5", "-y=1.5"])
        XCTAssertEqual(fractional.orionIDs, [fractional.paramsHash], "no whole real: one id")
    }
}
