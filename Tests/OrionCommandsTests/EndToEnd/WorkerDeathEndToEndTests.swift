import Foundation
import OrionCore
import OrionTesting
import XCTest

/// `orion hunt` killed with SIGKILL (the OOM killer, a node agent, a user) while its scripts run: the scripts and
/// their children do not outlive it (SIGTERM at once, SIGKILL after the 10 s grace period), and a later hunt runs
/// the trials again and loses none (docs/distributed.md, "The script dies with its worker").
final class WorkerDeathEndToEndTests: XCTestCase {
    /// A script that, unless the file `go` exists in the sandbox, starts a child (`sleep 600`), writes both pids to
    /// `pids` and sleeps; with `go`, it writes its result and exits. `ignore-term` as its first argument makes it
    /// (and its child) ignore SIGTERM.
    private static let sleeper = """
        #!/usr/bin/env python3
        import json, os, signal, subprocess, sys, time

        if os.path.exists("go"):
            with open(os.environ["ORION_RESULTS_PATH"], "w") as results:
                json.dump([{"name": "o", "type": "objective", "value": float(sys.argv[-1])}], results)
            sys.exit(0)
        if sys.argv[1] == "ignore-term":
            signal.signal(signal.SIGTERM, signal.SIG_IGN)  # inherited by the child
        child = subprocess.Popen(["sleep", "600"])
        with open("pids", "a") as handle:
            handle.write("%d\\n%d\\n" % (os.getpid(), child.pid))
        time.sleep(600)
        """

    /// The supervisor's grace period (`ProcessExecutor`'s default `terminationGrace`).
    private static let grace: TimeInterval = 10

    /// Waits until `condition` holds, for at most `seconds`; returns whether it did.
    private func poll(for seconds: TimeInterval, _ condition: () -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            guard Date() < deadline else { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// Starts a hunt of `sleeper` with `arguments`, waits until `scripts` scripts have written their pids and the
    /// pids of their children, stops the first script with SIGSTOP when `stopOne`, and kills the hunt with SIGKILL.
    /// Returns the pids.
    private func startAndKill(
        _ sandbox: Sandbox,
        name: String,
        scripts: Int,
        arguments: [String],
        mode: String = "plain",
        stopOne: Bool = false
    ) async throws -> [pid_t] {
        let script = try sandbox.script("sleeper.py", Self.sleeper)
        let process = try sandbox.start(
            ["hunt", "-n", name] + arguments + [script, mode, "-x~uniform(0, 1)"],
            name: name
        )
        let started = try await poll(for: 60) { pids(in: sandbox.directory + "/pids").count >= 2 * scripts }
        guard started else {
            kill(process.processIdentifier, SIGKILL)
            let output = sandbox.wait(process, name: name, timeout: 10)
            XCTFail("the scripts did not start: \(output.stderr)")
            throw CancellationError()
        }
        if stopOne, let first = pids(in: sandbox.directory + "/pids").first { kill(first, SIGSTOP) }
        kill(process.processIdentifier, SIGKILL)
        let output = sandbox.wait(process, name: name, timeout: 10)
        XCTAssertEqual(output.status, 128 + SIGKILL, "orion was killed")
        let all = pids(in: sandbox.directory + "/pids")
        XCTAssertEqual(all.count, 2 * scripts)
        return all
    }

    private func killAll(_ sandbox: Sandbox) {
        for pid in pids(in: sandbox.directory + "/pids") { kill(pid, SIGKILL) }
    }

    /// The state letter of `pid` in `/proc/<pid>/stat` (`T`: stopped), or `nil` when it is gone.
    private func state(of pid: pid_t) -> Character? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ").first?.first
    }

    /// A hunt stopped with SIGSTOP stops its script and the script's child (their process group is not the hunt's,
    /// so the signal alone would not reach them), and continues them when it is continued: a stopped hunt's trial
    /// does not run on while its heartbeat lapses.
    func testAStoppedHuntStopsItsScriptAndContinuesIt() async throws {
        let sandbox = try Sandbox()
        defer {
            killAll(sandbox)
            sandbox.remove()
        }
        let script = try sandbox.script("sleeper.py", Self.sleeper)
        let process = try sandbox.start(
            ["hunt", "-n", "paused", "--exp-max-trials", "1", script, "plain", "-x~uniform(0, 1)"],
            name: "paused"
        )
        defer { kill(process.processIdentifier, SIGKILL) }
        let started = try await poll(for: 60) { pids(in: sandbox.directory + "/pids").count >= 2 }
        XCTAssertTrue(started, "the script did not start")
        let scripts = pids(in: sandbox.directory + "/pids")
        XCTAssertEqual(scripts.map { state(of: $0) == "T" }, [false, false], "running before the stop")

        kill(process.processIdentifier, SIGSTOP)
        let stoppedWithIt = try await poll(for: 10) { scripts.allSatisfy { state(of: $0) == "T" } }
        XCTAssertTrue(stoppedWithIt, "the script and its child stop with the hunt: \(scripts.map { state(of: $0) })")

        kill(process.processIdentifier, SIGCONT)
        let continuedWithIt = try await poll(for: 10) { scripts.allSatisfy { state(of: $0) != "T" } }
        XCTAssertTrue(continuedWithIt, "and go on with it: \(scripts.map { state(of: $0) })")
        XCTAssertEqual(scripts.filter(ProcessRunner.isRunning), scripts, "nothing was ended")
    }

    func testKillNineOfTheHuntEndsTheScriptAndItsChildAndTheTrialRunsAgain() async throws {
        let sandbox = try Sandbox()
        defer {
            killAll(sandbox)
            sandbox.remove()
        }
        let started = try await startAndKill(sandbox, name: "oom", scripts: 1, arguments: ["--exp-max-trials", "1"])
        let gone = try await poll(for: Self.grace + 5) { started.allSatisfy { !ProcessRunner.isRunning($0) } }
        XCTAssertTrue(gone, "still running after the hunt's death: \(started.filter(ProcessRunner.isRunning))")
        let killed = try await sandbox.trials(of: "oom")
        XCTAssertEqual(killed.map(\.status), [.reserved])

        XCTAssertTrue(FileManager.default.createFile(atPath: sandbox.directory + "/go", contents: nil))
        let script = sandbox.directory + "/sleeper.py"
        let resumed = try sandbox.run([
            "hunt", "-n", "oom", "--exp-max-trials", "1", script, "plain", "-x~uniform(0, 1)",
        ])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let trials = try await sandbox.trials(of: "oom")
        XCTAssertEqual(trials.map(\.id), killed.map(\.id))
        XCTAssertEqual(trials.map(\.status), [.completed])
    }

    /// The guardians (`trial-guardian <pid>`) of the hunt `pid`.
    private func guardians(of pid: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> pid_t? in
            guard let candidate = pid_t(entry), let handle = FileHandle(forReadingAtPath: "/proc/\(entry)/cmdline")
            else { return nil }
            defer { try? handle.close() }
            let name = ((try? handle.readToEnd()) ?? nil)?.split(separator: 0).first
            return name.map { String(decoding: $0, as: UTF8.self) } == "trial-guardian \(pid)" ? candidate : nil
        }
    }

    /// `pkill -9 orion` kills the hunt and its guardian together, so nothing ends the script then. The hunt that
    /// takes the trial over ends what is left of it first (the processes whose environment names the trial), so that
    /// the trial does not run twice at once, and says so (probe p42h: the resumed hunt ran beside the orphans).
    func testAHuntKilledWithItsGuardianLeavesNoScriptBesideTheNextRun() async throws {
        let sandbox = try Sandbox()
        defer {
            killAll(sandbox)
            sandbox.remove()
        }
        let script = try sandbox.script("sleeper.py", Self.sleeper)
        let arguments = ["hunt", "-n", "both", "--exp-max-trials", "1", script, "plain", "-x~uniform(0, 1)"]
        let process = try sandbox.start(arguments, name: "both")
        let started = try await poll(for: 60) { pids(in: sandbox.directory + "/pids").count >= 2 }
        let guardians = guardians(of: process.processIdentifier)
        for guardian in guardians { kill(guardian, SIGKILL) }
        kill(process.processIdentifier, SIGKILL)
        _ = sandbox.wait(process, name: "both", timeout: 10)
        XCTAssertTrue(started, "the script did not start")
        XCTAssertEqual(guardians.count, 1, "the hunt's guardian")
        let orphans = pids(in: sandbox.directory + "/pids")
        try await Task.sleep(for: .seconds(1))
        XCTAssertEqual(orphans.filter(ProcessRunner.isRunning), orphans, "nothing ended the script and its child")

        XCTAssertTrue(FileManager.default.createFile(atPath: sandbox.directory + "/go", contents: nil))
        let resumed = try sandbox.run(arguments)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(orphans.filter(ProcessRunner.isRunning), [], "the earlier script and its child were ended")
        XCTAssertTrue(resumed.stderr.contains("left processes running (pid "), resumed.stderr)
        let trials = try await sandbox.trials(of: "both")
        XCTAssertEqual(trials.map(\.status), [.completed])
    }

    /// SIGTERM first (a script that saves a checkpoint on it gets the grace period), SIGKILL at its end.
    func testAScriptIgnoringSIGTERMIsKilledAtTheEndOfTheGrace() async throws {
        let sandbox = try Sandbox()
        defer {
            killAll(sandbox)
            sandbox.remove()
        }
        let started = try await startAndKill(
            sandbox,
            name: "stubborn",
            scripts: 1,
            arguments: ["--exp-max-trials", "1"],
            mode: "ignore-term"
        )
        let killedAt = Date()
        try await Task.sleep(for: .seconds(2))
        XCTAssertEqual(
            started.filter(ProcessRunner.isRunning),
            started,
            "SIGTERM is ignored: both run on during the grace"
        )
        let gone = try await poll(for: Self.grace + 5) { started.allSatisfy { !ProcessRunner.isRunning($0) } }
        XCTAssertTrue(gone, "still running after the grace: \(started.filter(ProcessRunner.isRunning))")
        XCTAssertGreaterThan(Date().timeIntervalSince(killedAt), Self.grace - 1, "killed at the end of the grace")
    }

    /// Four scripts running when a `--n-workers 4` hunt is killed, one of them stopped (SIGSTOP): all of them and
    /// their children end, and a new hunt releases the four trials, runs them again and completes the experiment:
    /// every trial once, none lost.
    func testFourWorkersKilledLoseNothing() async throws {
        let sandbox = try Sandbox()
        defer {
            killAll(sandbox)
            sandbox.remove()
        }
        let arguments = ["--n-workers", "4", "--exp-max-trials", "8"]
        let started = try await startAndKill(sandbox, name: "four", scripts: 4, arguments: arguments, stopOne: true)
        let gone = try await poll(for: Self.grace + 5) { started.allSatisfy { !ProcessRunner.isRunning($0) } }
        XCTAssertTrue(gone, "still running after the hunt's death: \(started.filter(ProcessRunner.isRunning))")
        let killed = try await sandbox.trials(of: "four")
        let reserved = Set(killed.filter { $0.status == .reserved }.map(\.id))
        XCTAssertEqual(reserved.count, 4, "\(killed.map(\.status))")

        XCTAssertTrue(FileManager.default.createFile(atPath: sandbox.directory + "/go", contents: nil))
        let script = sandbox.directory + "/sleeper.py"
        let resumed = try sandbox.run(["hunt", "-n", "four"] + arguments + [script, "plain", "-x~uniform(0, 1)"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let trials = try await sandbox.trials(of: "four")
        XCTAssertEqual(trials.count, 8)
        XCTAssertEqual(Set(trials.map(\.id)).count, 8, "distinct trials")
        XCTAssertEqual(Set(trials.map(\.paramsHash)).count, 8, "distinct points")
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, 8, "\(trials.map(\.status))")
        XCTAssertTrue(reserved.isSubset(of: Set(trials.map(\.id))), "the killed hunt's trials ran again")
        for trial in trials {
            XCTAssertEqual(trial.results.filter { $0.type == .objective }.count, 1, "one result for \(trial.id)")
        }
    }
}
