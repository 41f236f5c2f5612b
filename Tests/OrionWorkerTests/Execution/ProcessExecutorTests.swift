import Foundation
import OrionCore
import OrionWorker
import XCTest

final class ProcessExecutorTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("orion-exec-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/trial", withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func script(_ body: String) throws -> String {
        let path = directory + "/script.sh"
        try ("#!/bin/sh\n" + body).write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    private func context(x: Double = 0.25) throws -> TrialContext {
        let space = try Space(priors: ["/x": "uniform(0, 1)"])
        let experiment = Experiment(id: "exp1", name: "exec", space: space, algorithm: AlgorithmConfig(name: "random"))
        let trial = Trial(experimentID: "exp1", params: [Trial.Param(name: "/x", type: .real, value: .double(x))])
        return TrialContext(
            experiment: experiment,
            trial: trial,
            workingDirectory: directory + "/trial",
            experimentWorkingDirectory: directory
        )
    }

    private func executor(_ path: String, arguments: [String] = ["-x~uniform(0, 1)"]) throws -> ProcessExecutor {
        let command = try UserCommand(arguments: [path] + arguments, currentDirectory: directory, environmentPath: nil)
        // A short grace period: a shell that catches SIGINT while it forks (dash does) is killed after it.
        return ProcessExecutor(
            command: command,
            interruptCode: 130,
            echoOutput: false,
            terminationGrace: .seconds(1)
        )
    }

    func testGivesTheOrionEnvironmentAndReadsResults() async throws {
        let path = try script(
            """
            env | grep '^ORION_' | sort > "$ORION_WORKING_DIR/env.txt"
            echo "args: $@"
            printf '[{"name":"loss","type":"objective","value":%s},{"name":"s","type":"statistic","value":7}]' "$2" \
              > "$ORION_RESULTS_PATH"
            """
        )
        let context = try context()
        let outcome = try await executor(path).execute(context)
        XCTAssertEqual(
            outcome,
            .completed([
                TrialResult(name: "loss", type: .objective, value: .double(0.25)),
                TrialResult(name: "s", type: .statistic, value: .int(7)),
            ])
        )
        let environment = try String(contentsOfFile: directory + "/trial/env.txt", encoding: .utf8)
        XCTAssertTrue(environment.contains("ORION_EXPERIMENT_ID=exp1\n"))
        XCTAssertTrue(environment.contains("ORION_EXPERIMENT_NAME=exec\n"))
        XCTAssertTrue(environment.contains("ORION_EXPERIMENT_VERSION=1\n"))
        XCTAssertTrue(environment.contains("ORION_TRIAL_ID=\(context.trial.id)\n"))
        XCTAssertTrue(environment.contains("ORION_WORKING_DIR=\(directory)/trial\n"))
        XCTAssertTrue(environment.contains("ORION_RESULTS_PATH=\(directory)/trial/.orion-results.json\n"))
        XCTAssertTrue(environment.contains("ORION_INTERRUPT_CODE=130\n"))
        let stdout = try String(contentsOfFile: directory + "/trial/orion.stdout.log", encoding: .utf8)
        XCTAssertEqual(stdout, "args: -x 0.25\n")
    }

    /// Python's prints reach the terminal as they happen: its output is a pipe here, where it would be held until
    /// the script exits (found side by side: Oríon's trials write to its terminal). A value the user set is kept.
    func testPythonOutputIsUnbufferedUnlessTheUserSaysOtherwise() throws {
        let command = try UserCommand(
            arguments: ["/bin/true", "-x~uniform(0, 1)"],
            currentDirectory: directory,
            environmentPath: nil
        )
        let context = try context()
        let unset = ProcessExecutor(command: command, environment: ["PATH": "/usr/bin:/bin"])
        XCTAssertEqual(unset.environment(for: context, resultsPath: "/r")["PYTHONUNBUFFERED"], "1")
        let set = ProcessExecutor(command: command, environment: ["PYTHONUNBUFFERED": ""])
        XCTAssertEqual(set.environment(for: context, resultsPath: "/r")["PYTHONUNBUFFERED"], "")
    }

    func testNonZeroExitIsBrokenWithStderrTail() async throws {
        let path = try script("echo 'something went wrong' >&2\nexit 4\n")
        let outcome = try await executor(path).execute(try context())
        guard case .broken(let reason, let exitCode, let detail) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(reason, "the script exited with code 4")
        XCTAssertEqual(exitCode, 4)
        XCTAssertEqual(detail, "something went wrong\n")
        XCTAssertEqual(
            try String(contentsOfFile: directory + "/trial/orion.stderr.log", encoding: .utf8),
            "something went wrong\n"
        )
    }

    func testInterruptCodeMeansInterrupted() async throws {
        let outcome = try await executor(try script("exit 130\n")).execute(try context())
        XCTAssertEqual(outcome, .interrupted(exitCode: 130))
    }

    func testMissingResultsIsBroken() async throws {
        let outcome = try await executor(try script("exit 0\n")).execute(try context())
        guard case .broken(let reason, _, _) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertTrue(reason.contains("no results file"), reason)
    }

    func testStaleResultsOfAnEarlierRunAreNotRead() async throws {
        try "[{\"name\":\"o\",\"type\":\"objective\",\"value\":1}]".write(
            toFile: directory + "/trial/.orion-results.json",
            atomically: true,
            encoding: .utf8
        )
        let outcome = try await executor(try script("exit 0\n")).execute(try context())
        guard case .broken = outcome else { return XCTFail("\(outcome)") }
    }

    func testInterruptAllStopsRunningScripts() async throws {
        let executor = try executor(try script("touch \"$ORION_WORKING_DIR/started\"\nsleep 30\n"))
        let context = try context()
        let task = Task { await executor.execute(context) }
        while !FileManager.default.fileExists(atPath: directory + "/trial/started") {
            try await Task.sleep(for: .milliseconds(10))
        }
        executor.interruptAll(force: false)
        let outcome = await task.value
        XCTAssertEqual(outcome, .interrupted(exitCode: nil))
    }

    func testArgumentsAreNotInterpretedByAShell() async throws {
        let path = try script(
            "printf '%s\\n' \"$@\" > \"$ORION_WORKING_DIR/args.txt\"\n"
                + "printf '[{\"name\":\"o\",\"type\":\"objective\",\"value\":0}]' > \"$ORION_RESULTS_PATH\"\n"
        )
        let outcome = try await executor(path, arguments: ["-x~uniform(0, 1)", "--name", "a b; rm -rf /tmp/x $(id)"])
            .execute(try context())
        guard case .completed = outcome else { return XCTFail("\(outcome)") }
        let arguments = try String(contentsOfFile: directory + "/trial/args.txt", encoding: .utf8)
        XCTAssertEqual(arguments, "-x\n0.25\n--name\na b; rm -rf /tmp/x $(id)\n")
    }
}
