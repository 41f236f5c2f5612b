import Foundation
import OrionCore
import OrionTesting
import XCTest

/// `orion hunt`, `status`, `info` and `list` run as real processes on the compat scripts.
final class HuntEndToEndTests: XCTestCase {
    func testRosenbrockHuntThenStatusInfoList() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("rosenbrock.py")
        let hunt = try sandbox.run([
            "hunt", "-n", "demo", "--exp-max-trials", "12", script, "-x~uniform(-5, 10)", "-y~uniform(-5, 10)",
        ])
        XCTAssertEqual(hunt.status, 0, hunt.stderr)
        XCTAssertTrue(hunt.stdout.contains("Search finished successfully"), hunt.stdout)
        XCTAssertTrue(hunt.stdout.contains("trials completed: 12"), hunt.stdout)

        let trials = try await sandbox.trials(of: "demo")
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, 12)
        for trial in trials {
            let x = try XCTUnwrap(trial.values["/x"]?.doubleValue)
            let y = try XCTUnwrap(trial.values["/y"]?.doubleValue)
            let expected = (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x)
            XCTAssertEqual(try XCTUnwrap(trial.objective), expected, accuracy: 1e-9 * max(1, expected))
            XCTAssertEqual(trial.results.first { $0.type == .statistic }?.name, "distance_to_one")
            let log = try String(contentsOfFile: try XCTUnwrap(trial.workingDir) + "/orion.stdout.log", encoding: .utf8)
            XCTAssertTrue(log.hasPrefix("x="), log)
        }

        let status = try sandbox.run(["status"])
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.contains("demo-v1\n======="), status.stdout)
        XCTAssertTrue(status.stdout.contains("min rosenbrock"), status.stdout)
        let completedLine = status.stdout.split(separator: "\n").first { $0.hasPrefix("completed") }
        XCTAssertEqual(completedLine?.split(separator: " ").dropFirst().first, "12")

        let all = try sandbox.run(["status", "-n", "demo", "--all"])
        XCTAssertEqual(all.stdout.split(separator: "\n").filter { $0.contains(" completed ") }.count, 12, all.stdout)

        let info = try sandbox.run(["info", "-n", "demo"])
        XCTAssertEqual(info.status, 0, info.stderr)
        for section in ["Identification", "Commandline", "Config", "Algorithm", "Space", "Meta-data", "Stats"] {
            XCTAssertTrue(info.stdout.contains(section + "\n" + String(repeating: "=", count: section.count)), section)
        }
        XCTAssertTrue(info.stdout.contains("/x: uniform(-5, 10)"), info.stdout)
        XCTAssertTrue(info.stdout.contains("best trial:"), info.stdout)

        let list = try sandbox.run(["list"])
        XCTAssertEqual(list.stdout, " demo-v1\n")
    }

    func testResumingNeverDuplicatesAndExtendsTheBudget() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("rosenbrock.py")
        let arguments = [script, "-x~uniform(-5, 10)", "-y~uniform(-5, 10)"]
        let first = try sandbox.run(["hunt", "-n", "again", "--exp-max-trials", "5"] + arguments)
        XCTAssertEqual(first.status, 0, first.stderr)
        let afterFirst = try await sandbox.trials(of: "again")
        let second = try sandbox.run(["hunt", "-n", "again", "--exp-max-trials", "5"] + arguments)
        XCTAssertEqual(second.status, 0, second.stderr)
        let afterSecond = try await sandbox.trials(of: "again")
        // Seen once in CI (6 trials after the second hunt, not reproduced): say what they were.
        XCTAssertEqual(
            afterSecond.count,
            5,
            "after the first: \(afterFirst.map { "\($0.id.prefix(8)) \($0.status)" }); after the second: "
                + "\(afterSecond.map { "\($0.id.prefix(8)) \($0.status) \($0.failure ?? "")" }); first hunt: "
                + "\(first.stderr); second hunt: \(second.stderr)"
        )
        let third = try sandbox.run(["hunt", "-n", "again", "--exp-max-trials", "8"] + arguments)
        XCTAssertEqual(third.status, 0, third.stderr)
        let trials = try await sandbox.trials(of: "again")
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, 8)
        XCTAssertEqual(Set(trials.map(\.id)).count, trials.count)
    }

    func testTrainLikeScriptWithEveryPriorKind() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("train_like.py")
        // Random search puts the fidelity at its upper bound (the default, `auto`, would run `asha` here).
        let config = sandbox.directory + "/random.yaml"
        try "experiment:\n  algorithm: random\n".write(toFile: config, atomically: true, encoding: .utf8)
        let output = try sandbox.run([
            "hunt", "-n", "train", "--config", config, "--exp-max-trials", "6", "--working-dir",
            sandbox.directory + "/work", script,
            "--lr~loguniform(1e-5, 1)", "--optimizer~choices([\"adam\", \"sgd\", \"rmsprop\"])",
            "--layers~randint(1, 6)", "--dropout~uniform(0, 0.8, precision=2)", "--epochs~fidelity(1, 27, base=3)",
        ])
        XCTAssertEqual(output.status, 0, output.stderr)
        let trials = try await sandbox.trials(of: "train")
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, 6)
        for trial in trials {
            let directory = try XCTUnwrap(trial.workingDir)
            XCTAssertTrue(directory.hasPrefix(sandbox.directory + "/work/"), directory)
            XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/checkpoint.json"))
            XCTAssertEqual(trial.values["/epochs"]?.doubleValue, 27)
            let layers = try XCTUnwrap(trial.values["/layers"]?.intValue)
            XCTAssertTrue((1..<6).contains(layers))
        }
    }

    func testNoopScript() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let output = try sandbox.run([
            "hunt", "-n", "noop", "--exp-max-trials", "20", try Compat.script("noop.sh"), "-x~uniform(0, 1)",
        ])
        XCTAssertEqual(output.status, 0, output.stderr)
        let trials = try await sandbox.trials(of: "noop")
        XCTAssertEqual(trials.count, 20)
        for trial in trials {
            XCTAssertEqual(trial.objective, trial.values["/x"]?.doubleValue)
        }
    }

    func testTwoHuntsOnOneExperimentCompleteExactlyTheBudget() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let arguments = [
            "hunt", "-n", "pair", "--exp-max-trials", "60", try Compat.script("noop.sh"), "-x~uniform(0, 1)",
        ]
        let first = try sandbox.start(arguments, name: "first")
        let second = try sandbox.start(arguments, name: "second")
        let outputs = [sandbox.wait(first, name: "first"), sandbox.wait(second, name: "second")]
        for output in outputs { XCTAssertEqual(output.status, 0, output.stderr) }
        let trials = try await sandbox.trials(of: "pair")
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, 60)
        XCTAssertEqual(trials.count, 60)
        XCTAssertEqual(Set(trials.map { Trial.parametersRepresentation($0.params) }).count, 60)
    }
}
