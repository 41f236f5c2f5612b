import Foundation
import OrionCore
import OrionWorker
import XCTest

/// The script's process as the worker sees it, through `ProcessExecutor`: on Linux a guardian process (COrionSpawn)
/// ends the script's group when the worker dies. These tests pin that nothing the worker or the script sees changed
/// (exit codes, deaths by signal, the signal mask and dispositions, one copy of each interrupt, the parent, the
/// group) and that the guardian holds nothing and ends with its executor. The death of the worker itself is tested
/// end to end (`WorkerDeathEndToEndTests`).
final class ChildProcessTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("orion-child-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/trial", withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        for pid in pids() { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func executor(_ text: String, grace: Duration = .seconds(2)) throws -> ProcessExecutor {
        let path = directory + "/script"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        let command = try UserCommand(
            arguments: [path, "-x~uniform(0, 1)"],
            currentDirectory: directory,
            environmentPath: nil
        )
        return ProcessExecutor(command: command, echoOutput: false, terminationGrace: grace)
    }

    private func context() throws -> TrialContext {
        let space = try Space(priors: ["/x": "uniform(0, 1)"])
        let experiment = Experiment(id: "exp1", name: "child", space: space, algorithm: AlgorithmConfig(name: "random"))
        let trial = Trial(experimentID: "exp1", params: [Trial.Param(name: "/x", type: .real, value: .double(0.5))])
        return TrialContext(
            experiment: experiment,
            trial: trial,
            workingDirectory: directory + "/trial",
            experimentWorkingDirectory: directory
        )
    }

    private func run(_ text: String) async throws -> TrialOutcome {
        try await executor(text).execute(try context())
    }

    /// Waits (at most 10 s) until `condition` holds.
    private func wait(for what: String, _ condition: () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(10)
        while !condition() {
            guard Date() < deadline else {
                XCTFail("timed out waiting for \(what)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    private func read(_ name: String) -> String {
        (try? String(contentsOfFile: directory + "/trial/" + name, encoding: .utf8)) ?? ""
    }

    func testExitCodeReachesTheWorker() async throws {
        let outcome = try await run("#!/bin/sh\necho failing >&2\nexit 3\n")
        guard case .broken(let reason, let code, let detail) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(reason, "the script exited with code 3")
        XCTAssertEqual(code, 3)
        XCTAssertEqual(detail, "failing\n")
    }

    func testDeathBySignalReachesTheWorker() async throws {
        let usr1 = try await run("#!/bin/sh\nkill -USR1 $$\nsleep 5\n")
        guard case .broken(let reason, nil, _) = usr1 else { return XCTFail("\(usr1)") }
        XCTAssertEqual(reason, "the script was killed by signal \(SIGUSR1) (\(String(cString: strsignal(SIGUSR1))))")

        let killed = try await run("#!/bin/sh\nkill -KILL $$\n")
        guard case .broken(let reason, nil, _) = killed else { return XCTFail("\(killed)") }
        XCTAssertTrue(reason.hasPrefix("the script was killed by signal 9 "), reason)

        // SIGTERM or SIGINT that orion did not send (the script's own, a crash path): broken, as in Oríon; as
        // interrupted it would stop every hunt that runs the trial again.
        for signal in ["TERM", "INT"] {
            let terminated = try await run("#!/bin/sh\nkill -\(signal) $$\nsleep 5\n")
            guard case .broken(let reason, nil, _) = terminated else { return XCTFail("\(terminated)") }
            XCTAssertTrue(reason.hasSuffix(", which orion did not send"), reason)
        }
    }

    /// The guardian is forked with every signal blocked; the script must get an empty mask, and SIGINT, SIGTERM, SIGHUP,
    /// SIGQUIT, SIGPIPE, SIGUSR1 and SIGUSR2 with their default action, whatever this process does with them.
    func testScriptGetsAnEmptySignalMaskAndDefaultDispositions() async throws {
        guard FileManager.default.fileExists(atPath: "/proc/self/status") else { throw XCTSkip("needs /proc") }
        let previous = signal(SIGHUP, SIG_IGN)
        defer { signal(SIGHUP, previous) }
        let previousUser = signal(SIGUSR1, SIG_IGN)
        defer { signal(SIGUSR1, previousUser) }
        let outcome = try await run(
            "#!/bin/sh\ngrep -E '^(SigBlk|SigIgn):' /proc/self/status > \"$ORION_WORKING_DIR/signals\"\n"
                + "printf '[{\"name\":\"o\",\"type\":\"objective\",\"value\":1}]' > \"$ORION_RESULTS_PATH\"\n"
        )
        guard case .completed = outcome else { return XCTFail("\(outcome)") }
        var masks: [String: UInt64] = [:]
        for line in read("signals").split(separator: "\n") {
            let parts = line.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
            masks[parts[0]] = UInt64(parts[1], radix: 16)
        }
        XCTAssertEqual(masks["SigBlk"], 0, read("signals"))
        let ignored = try XCTUnwrap(masks["SigIgn"], read("signals"))
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGUSR1, SIGUSR2] {
            XCTAssertEqual(ignored & (1 << UInt64(signal - 1)), 0, "signal \(signal) is ignored: \(read("signals"))")
        }
    }

    /// The worker signals the script's whole group, once (a script that saves a checkpoint on SIGINT must be
    /// interrupted once).
    func testTheWorkersInterruptReachesTheScriptOnce() async throws {
        let executor = try executor(
            """
            #!/usr/bin/env python3
            import os, signal, sys, time
            count = 0
            def interrupted(number, frame):
                global count
                count += 1
            signal.signal(signal.SIGINT, interrupted)
            os.chdir(os.environ["ORION_WORKING_DIR"])
            open("pids", "a").write("%d\\n" % os.getpid())
            open("ready", "w").close()
            deadline = time.time() + 10
            while count == 0 and time.time() < deadline:
                time.sleep(0.01)
            time.sleep(0.5)  # time for a second copy to arrive
            open("count", "w").write(str(count))
            sys.exit(130)
            """
        )
        let context = try context()
        let task = Task { await executor.execute(context) }
        try await wait(for: "the script") { FileManager.default.fileExists(atPath: directory + "/trial/ready") }
        executor.interruptAll(force: false)
        let outcome = await task.value
        guard case .interrupted(130) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(read("count"), "1")
    }

    /// A scheduler that preempts a job (Slurm's scancel) signals every process of it: a script killed by SIGTERM
    /// while the hunt is being interrupted too (here, just after the script died, so that orion did not stop it) is
    /// interrupted, to run again, not broken.
    func testASchedulersSignalToTheWholeJobInterruptsTheTrial() async throws {
        let executor = try executor("#!/bin/sh\necho $$ > \"$ORION_WORKING_DIR/dying\"\nkill -TERM $$\nsleep 5\n")
        let context = try context()
        let task = Task { await executor.execute(context) }
        try await wait(for: "the script's pid") { !read("dying").isEmpty }
        let pid = read("dying").trimmingCharacters(in: .whitespacesAndNewlines)
        // Dead: a zombie until the executor reaps it, then gone.
        try await wait(for: "the script's death") {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
        }
        executor.interruptAll(force: false)
        let outcome = await task.value
        guard case .interrupted(nil) = outcome else { return XCTFail("\(outcome)") }
    }

    /// The script is spawned as before: this process's child, the leader of a group of its own and alone in it. The
    /// guardian (Linux) is one more child of this process, in a group of its own, named `trial-guardian`, holding one
    /// descriptor (its end of the channel: a database connection kept open by it would outlive a killed worker); it
    /// is gone, reaped, once its executor is.
    func testTheGuardianStaysOutOfTheScriptsWayAndEndsWithItsExecutor() async throws {
        #if !os(Linux)
            throw XCTSkip("the guardian is Linux only")
        #else
            let guardian = try await runTrialCheckingTheGuardian()
            // The executor is released: the guardian's channel closes, and it exits with no group listed.
            try await wait(for: "the guardian's end") { kill(guardian, 0) == -1 && errno == ESRCH }
        #endif
    }

    /// Runs a trial with an executor of its own, checks the script and the guardian while the script runs, and
    /// returns the guardian's pid.
    private func runTrialCheckingTheGuardian() async throws -> pid_t {
        let before = Set(Self.guardians())
        let executor = try executor(
            """
            #!/usr/bin/env python3
            import os, time
            directory = os.environ["ORION_WORKING_DIR"]
            def write(name, value):
                with open(os.path.join(directory, name), "a") as handle:
                    handle.write("%d\\n" % value)
            write("pids", os.getpid())
            write("parent", os.getppid())
            write("group", os.getpgid(0))
            while not os.path.exists(os.path.join(directory, "go")):
                time.sleep(0.02)
            with open(os.environ["ORION_RESULTS_PATH"], "w") as results:
                results.write('[{"name": "o", "type": "objective", "value": 1}]')
            """
        )
        let context = try context()
        let task = Task { await executor.execute(context) }
        try await wait(for: "the script") { !read("group").isEmpty }
        let script = try XCTUnwrap(pids().first)
        XCTAssertEqual(read("parent"), "\(getpid())\n", "the script is this process's child")
        XCTAssertEqual(read("group"), "\(script)\n", "the script leads its group")
        XCTAssertEqual(Self.processes { $0.group == script }.map(\.pid), [script], "alone in its group")
        let guardians = Set(Self.guardians()).subtracting(before)
        XCTAssertEqual(guardians.count, 1, "one guardian for the executor")
        let guardian = try XCTUnwrap(guardians.first)
        XCTAssertEqual(Self.processes { $0.pid == guardian }.first?.group, guardian, "in a group of its own")
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(guardian)/fd")
        XCTAssertEqual(descriptors, ["0"], "the guardian holds its channel and nothing else")
        // Not the command line of this process, so that `pkill -9 -f 'orion hunt'` spares it.
        let commandLine = try String(contentsOfFile: "/proc/\(guardian)/cmdline", encoding: .utf8)
        // Its worker's pid after its name: a worker of this host waits for the guardian of a dead one.
        XCTAssertEqual(commandLine.split(separator: "\0"), ["trial-guardian \(getpid())"])

        FileManager.default.createFile(atPath: directory + "/trial/go", contents: nil)
        let outcome = await task.value
        if case .completed = outcome {} else { XCTFail("\(outcome)") }
        return guardian
    }

    /// A guardian killed by someone (SIGKILL) while a script runs: the trial still ends normally, the dead guardian
    /// is reaped, and the next script gets a new one.
    func testAKilledGuardianIsReplacedAtTheNextScript() async throws {
        #if !os(Linux)
            throw XCTSkip("the guardian is Linux only")
        #else
            let before = Set(Self.guardians())
            let executor = try executor(
                "#!/bin/sh\nwhile [ ! -e \"$ORION_WORKING_DIR/go\" ]; do sleep 0.02; done\n"
                    + "printf '[{\"name\":\"o\",\"type\":\"objective\",\"value\":1}]' > \"$ORION_RESULTS_PATH\"\n"
            )
            let context = try context()
            let task = Task { await executor.execute(context) }
            try await wait(for: "the guardian") { !Set(Self.guardians()).subtracting(before).isEmpty }
            let first = try XCTUnwrap(Set(Self.guardians()).subtracting(before).first)
            kill(first, SIGKILL)
            try await wait(for: "the guardian's death") { !Self.guardians().contains(first) }
            FileManager.default.createFile(atPath: directory + "/trial/go", contents: nil)
            let outcome = await task.value
            if case .completed = outcome {} else { XCTFail("\(outcome)") }
            XCTAssertEqual(kill(first, 0), -1, "the dead guardian is reaped")

            let next = await executor.execute(context)
            if case .completed = next {} else { XCTFail("\(next)") }
            let guardians = Set(Self.guardians()).subtracting(before)
            XCTAssertEqual(guardians.count, 1, "a new guardian")
            XCTAssertFalse(guardians.contains(first))
        #endif
    }

    /// This process's children named `trial-guardian`.
    private static func guardians() -> [pid_t] {
        processes { $0.parent == getpid() && $0.name == "trial-guardian" }.map(\.pid)
    }

    /// The live processes (not zombies) that `condition` selects, from /proc.
    private static func processes(
        where condition: ((pid: pid_t, name: String, parent: pid_t, group: pid_t)) -> Bool
    ) -> [(pid: pid_t, name: String, parent: pid_t, group: pid_t)] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> (pid: pid_t, name: String, parent: pid_t, group: pid_t)? in
            guard let pid = pid_t(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
            else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, fields[0] != "Z", let parent = pid_t(fields[1]), let group = pid_t(fields[2])
            else { return nil }
            let process = (pid: pid, name: String(stat[stat.index(after: open)..<close]), parent: parent, group: group)
            return condition(process) ? process : nil
        }
    }

    /// The pids the scripts wrote to `pids` in the trial's directory.
    private func pids() -> [pid_t] {
        read("pids").split(separator: "\n").compactMap { pid_t($0) }
    }
}
