import Foundation
import OrionCore
import OrionTesting
import OrionWorker
import Synchronization
import XCTest

/// Scripts that misbehave: background children holding the output, signals ignored, time limits, cancellation,
/// broken `#!` lines. Real scripts, real process groups, real signals; each test is bounded and kills what it
/// started.
final class ProcessExecutorFaultTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("orion-fault-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/trial", withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        // Whatever a failed test left running: every pid the scripts wrote down.
        for pid in Self.pids(in: directory + "/trial/pids") { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func script(_ text: String, name: String = "script.sh") throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    private func context(parent: String? = nil) throws -> TrialContext {
        let space = try Space(priors: ["/x": "uniform(0, 1)"])
        let experiment = Experiment(id: "exp1", name: "fault", space: space, algorithm: AlgorithmConfig(name: "random"))
        let trial = Trial(
            experimentID: "exp1",
            params: [Trial.Param(name: "/x", type: .real, value: .double(0.5))],
            parent: parent
        )
        return TrialContext(
            experiment: experiment,
            trial: trial,
            workingDirectory: directory + "/trial",
            experimentWorkingDirectory: directory
        )
    }

    private func executor(
        _ path: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        trialTimeout: Duration? = nil,
        grace: Duration = .milliseconds(500)
    ) throws -> ProcessExecutor {
        let command = try UserCommand(
            arguments: [path, "-x~uniform(0, 1)"],
            currentDirectory: directory,
            environmentPath: nil
        )
        return ProcessExecutor(
            command: command,
            environment: environment,
            echoOutput: false,
            trialTimeout: trialTimeout,
            terminationGrace: grace
        )
    }

    /// Waits for `task`, failing (and returning `nil`) when it takes longer than `seconds`.
    private func outcome(of task: Task<TrialOutcome, Never>, within seconds: Double = 10) async -> TrialOutcome? {
        let deadline = Date().addingTimeInterval(seconds)
        let box = OutcomeBox()
        Task {
            let value = await task.value
            box.set(value)
        }
        while Date() < deadline {
            if let value = box.value { return value }
            try? await Task.sleep(for: .milliseconds(10))
        }
        XCTFail("the trial did not end within \(seconds) s")
        // Let it end, so that nothing is left behind: kill what the script started.
        for pid in Self.pids(in: directory + "/trial/pids") { kill(-pid, SIGKILL) }
        for pid in Self.pids(in: directory + "/trial/pids") { kill(pid, SIGKILL) }
        return nil
    }

    private func waitForFile(_ path: String) async throws {
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: path) {
            guard Date() < deadline else { throw XCTSkip("the script did not start: \(path) missing") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    private static let results =
        "printf '[{\"name\":\"o\",\"type\":\"objective\",\"value\":1}]' > \"$ORION_RESULTS_PATH\"\n"

    func testBackgroundChildHoldingTheOutputDoesNotKeepTheTrialAlive() async throws {
        let path = try script(
            """
            #!/bin/sh
            sleep 600 &
            echo $! >> "$ORION_WORKING_DIR/pids"
            if command -v setsid > /dev/null; then
                setsid sleep 600 &
                echo $! >> "$ORION_WORKING_DIR/pids"
            fi
            echo 'main done'
            \(Self.results)
            """
        )
        let executor = try executor(path)
        let context = try context()
        let result = await outcome(of: Task { await executor.execute(context) })
        XCTAssertEqual(result, .completed([TrialResult(name: "o", type: .objective, value: .int(1))]))
        let stdout = try String(contentsOfFile: directory + "/trial/orion.stdout.log", encoding: .utf8)
        XCTAssertEqual(stdout, "main done\n")
        // Background children are left to run once the script has exited normally (as in Oríon).
        let background = Self.pids(in: directory + "/trial/pids")
        XCTAssertFalse(background.isEmpty)
        XCTAssertTrue(background.allSatisfy(ProcessRunner.isRunning))
    }

    func testInterruptKillsTheWholeGroupAfterTheGracePeriod() async throws {
        // The script and its children ignore SIGINT (inherited): only SIGKILL, after the grace period, ends them.
        let path = try script(
            """
            #!/bin/sh
            trap '' INT
            echo $$ >> "$ORION_WORKING_DIR/pids"
            sleep 600 &
            echo $! >> "$ORION_WORKING_DIR/pids"
            touch "$ORION_WORKING_DIR/started"
            while :; do sleep 1; done
            """
        )
        let executor = try executor(path, grace: .milliseconds(300))
        let context = try context()
        let task = Task { await executor.execute(context) }
        try await waitForFile(directory + "/trial/started")
        executor.interruptAll(force: false)
        let result = await outcome(of: task)
        XCTAssertEqual(result, .interrupted(exitCode: nil))
        let group = Self.pids(in: directory + "/trial/pids")
        XCTAssertEqual(group.count, 2)
        XCTAssertEqual(group.filter(ProcessRunner.isRunning), [], "no process of the script's group survives")
    }

    func testInterruptEndsBackgroundChildrenThatIgnoreSIGINT() async throws {
        // `sleep 600 &` in a non-interactive shell ignores SIGINT; the main script stops on it at once.
        let path = try script(
            """
            #!/bin/sh
            sleep 600 &
            echo $! >> "$ORION_WORKING_DIR/pids"
            touch "$ORION_WORKING_DIR/started"
            sleep 30
            \(Self.results)
            """
        )
        let executor = try executor(path, grace: .seconds(5))
        let context = try context()
        let task = Task { await executor.execute(context) }
        try await waitForFile(directory + "/trial/started")
        executor.interruptAll(force: false)
        let result = await outcome(of: task)
        XCTAssertEqual(result, .interrupted(exitCode: nil))
        let background = Self.pids(in: directory + "/trial/pids")
        XCTAssertEqual(background.count, 1)
        XCTAssertEqual(background.filter(ProcessRunner.isRunning), [])
    }

    func testTimeLimitBreaksTheTrialAndStopsTheScript() async throws {
        let path = try script(
            """
            #!/bin/sh
            echo $$ >> "$ORION_WORKING_DIR/pids"
            echo 'still training' >&2
            sleep 30
            \(Self.results)
            """
        )
        let executor = try executor(path, trialTimeout: .milliseconds(300), grace: .milliseconds(300))
        let context = try context()
        let result = await outcome(of: Task { await executor.execute(context) })
        guard case .broken(let reason, _, let detail) = result else { return XCTFail("\(String(describing: result))") }
        XCTAssertEqual(
            reason,
            "the script ran longer than the trial time limit of 0.3 s (worker.trial_timeout) and was stopped"
        )
        XCTAssertEqual(detail, "still training\n")
        XCTAssertEqual(Self.pids(in: directory + "/trial/pids").filter(ProcessRunner.isRunning), [])
    }

    /// An echo whose reader does not read (`orion hunt | less` left on a screen) holds up neither the time limit
    /// nor the trial's end: the script is stopped on time, its whole output is in its log, and what the echo took is
    /// in order (probe p43g: the loop sat in `write(2)` and the limit fired only once the reader read).
    func testAnEchoThatIsNotReadHoldsUpNeitherTheTimeLimitNorTheLog() async throws {
        let path = try script(
            """
            #!/bin/sh
            echo $$ >> "$ORION_WORKING_DIR/pids"
            i=0
            while [ $i -lt 3000 ]; do echo "line $i of a chatty script, long enough to fill a pipe quickly"; i=$((i+1)); done
            sleep 30
            \(Self.results)
            """
        )
        let release = DispatchSemaphore(value: 0)
        let shown = Mutex<[UInt8]>([])
        let stalled = OutputEcho { _, bytes in
            // The first chunk goes through; then the reader stalls until the test lets it go.
            let first = shown.withLock { $0.isEmpty }
            shown.withLock { $0.append(contentsOf: bytes) }
            if first { _ = release.wait(timeout: .now() + 20) }
            return true
        }
        let command = try UserCommand(
            arguments: [path, "-x~uniform(0, 1)"],
            currentDirectory: directory,
            environmentPath: nil
        )
        let executor = ProcessExecutor(
            command: command,
            echoOutput: true,
            echo: stalled,
            trialTimeout: .milliseconds(500),
            terminationGrace: .milliseconds(300)
        )
        let context = try context()
        let started = Date()
        let result = await outcome(of: Task { await executor.execute(context) }, within: 15)
        let elapsed = Date().timeIntervalSince(started)
        release.signal()
        guard case .broken(let reason, _, _) = result else { return XCTFail("\(String(describing: result))") }
        XCTAssertTrue(reason.contains("trial time limit of 0.5 s"), reason)
        XCTAssertLessThan(elapsed, 10, "stopped at its limit and its echo given up on, not when the reader read")
        XCTAssertEqual(Self.pids(in: directory + "/trial/pids").filter(ProcessRunner.isRunning), [])
        let log = try String(contentsOfFile: directory + "/trial/orion.stdout.log", encoding: .utf8)
        XCTAssertEqual(log.split(separator: "\n").count, 3000, "the log has every line")
        let echoed = String(decoding: shown.withLock { $0 }, as: UTF8.self)
        XCTAssertTrue(log.hasPrefix(echoed.prefix { $0 != "[" }), "what was shown is the log's start, in order")
    }

    func testCancellingTheTaskTerminatesTheScriptAndInterruptsTheTrial() async throws {
        let path = try script(
            """
            #!/bin/sh
            trap 'echo TERM > "$ORION_WORKING_DIR/signal"; exit 1' TERM
            echo $$ >> "$ORION_WORKING_DIR/pids"
            touch "$ORION_WORKING_DIR/started"
            sleep 30 &
            wait $!
            """
        )
        let executor = try executor(path, grace: .seconds(5))
        let context = try context()
        let task = Task { await executor.execute(context) }
        try await waitForFile(directory + "/trial/started")
        task.cancel()
        let result = await outcome(of: task)
        guard case .interrupted = result else { return XCTFail("\(String(describing: result))") }
        XCTAssertEqual(try String(contentsOfFile: directory + "/trial/signal", encoding: .utf8), "TERM\n")
        XCTAssertEqual(Self.pids(in: directory + "/trial/pids").filter(ProcessRunner.isRunning), [])
    }

    func testCancelledBeforeStartingRunsNothing() async throws {
        let path = try script("#!/bin/sh\ntouch \"$ORION_WORKING_DIR/ran\"\n")
        let executor = try executor(path)
        let context = try context()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await executor.execute(context)
        }
        let result = await outcome(of: task)
        XCTAssertEqual(result, .interrupted(exitCode: nil))
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/trial/ran"))
    }

    func testWindowsLineEndingsOnTheShebangLineAreNamed() async throws {
        for (name, text) in [("direct.sh", "#!/bin/sh\r\necho hi\r\n"), ("env.sh", "#!/usr/bin/env sh\r\necho hi\r\n")]
        {
            let path = try script(text, name: name)
            let result = try await executor(path).execute(try context())
            guard case .broken(let reason, _, _) = result else { return XCTFail("\(name): \(result)") }
            let interpreter = name == "direct.sh" ? "/bin/sh\\r" : "/usr/bin/env sh\\r"
            XCTAssertEqual(
                reason,
                "the interpreter '\(interpreter)' named on the first line of \(path) was not found "
                    + "(the file has Windows line endings: convert it with `dos2unix \(path)`)"
            )
        }
    }

    func testMissingInterpreterIsNamedInsteadOfTheScript() async throws {
        let direct = try script("#!/nonexistent/python\nprint(1)\n", name: "direct.py")
        let result = try await executor(direct).execute(try context())
        guard case .broken(let reason, _, _) = result else { return XCTFail("\(result)") }
        XCTAssertEqual(
            reason,
            "the interpreter '/nonexistent/python' named on the first line of \(direct) was not found: "
                + "fix its #! line (e.g. #!/usr/bin/env python3)"
        )

        let viaEnv = try script("#!/usr/bin/env no-such-interpreter-4321\nprint(1)\n", name: "env.py")
        let second = try await executor(viaEnv).execute(try context())
        guard case .broken(let envReason, let exitCode, _) = second else { return XCTFail("\(second)") }
        XCTAssertEqual(exitCode, 127)
        XCTAssertEqual(
            envReason,
            "the interpreter 'no-such-interpreter-4321' named on the first line of \(viaEnv) "
                + "(#!/usr/bin/env no-such-interpreter-4321) was not found on PATH: install it or fix the #! line"
        )
    }

    func testMissingScriptStillSaysNotFound() async throws {
        let path = try script("#!/bin/sh\nexit 0\n")
        let executor = try executor(path)
        try FileManager.default.removeItem(atPath: path)
        let result = await executor.execute(try context())
        guard case .broken(let reason, _, _) = result else { return XCTFail("\(result)") }
        XCTAssertEqual(reason, "\(path) not found")
    }

    func testNoDescriptorOfThisProcessLeaksIntoTheScript() async throws {
        guard FileManager.default.fileExists(atPath: "/proc/self/fd") else { throw XCTSkip("needs /proc") }
        let inheritable = open("/dev/null", O_RDONLY)  // not close-on-exec
        defer { close(inheritable) }
        let path = try script(
            "#!/bin/sh\n[ -e /proc/$$/fd/\(inheritable) ] && echo leaked > \"$ORION_WORKING_DIR/leak\"\n" + Self.results
        )
        let result = try await executor(path).execute(try context())
        guard case .completed = result else { return XCTFail("\(result)") }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/trial/leak"))
    }

    func testParentTrialIsGivenToTheScript() async throws {
        let path = try script("#!/bin/sh\nenv | grep '^ORION_PARENT' | sort > \"$ORION_WORKING_DIR/env.txt\"\n")
        var environment = ProcessInfo.processInfo.environment
        environment["ORION_PARENT_ID"] = "from-an-outer-orion"
        let executor = try executor(path, environment: environment)

        _ = await executor.execute(try context(parent: "0123abcd"))
        XCTAssertEqual(
            try String(contentsOfFile: directory + "/trial/env.txt", encoding: .utf8),
            "ORION_PARENT_ID=0123abcd\nORION_PARENT_WORKING_DIR=\(directory)/0123abcd\n"
        )
        _ = await executor.execute(try context())
        XCTAssertEqual(try String(contentsOfFile: directory + "/trial/env.txt", encoding: .utf8), "")
    }

    private static func pids(in path: String) -> [pid_t] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { pid_t($0.trimmingCharacters(in: .whitespaces)) }
    }
}

/// The outcome of a trial running in another task, once known.
private final class OutcomeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: TrialOutcome?

    var value: TrialOutcome? { lock.withLock { stored } }

    func set(_ value: TrialOutcome) { lock.withLock { stored = value } }
}
