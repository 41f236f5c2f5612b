import Foundation
import OrionCore
import OrionTesting
import XCTest

/// Broken trials, bad input and interruption, with the built `orion`.
final class FailureEndToEndTests: XCTestCase {
    func testFlakyScriptBreaksTrialsWithTheirReasons() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        // Seeded, so that the run hits both failure regions every time (each covers a tenth of the space).
        let config = sandbox.directory + "/seeded.yaml"
        try "experiment:\n  algorithm:\n    random: {seed: 7}\n".write(
            toFile: config,
            atomically: true,
            encoding: .utf8
        )
        let output = try sandbox.run([
            "hunt", "-n", "flaky", "--config", config, "--exp-max-trials", "25", "--exp-max-broken", "1000",
            "--worker-max-broken", "1000", try Compat.script("flaky.py"), "-x~uniform(0, 1)",
        ])
        XCTAssertEqual(output.status, 0, output.stderr)
        let trials = try await sandbox.trials(of: "flaky")
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, 25)
        var sawCrash = false
        var sawMissing = false
        for trial in trials {
            let x = try XCTUnwrap(trial.values["/x"]?.doubleValue)
            if x > 0.8 {
                XCTAssertEqual(trial.status, .broken)
                XCTAssertEqual(trial.exitCode, 1)
                XCTAssertTrue(
                    trial.failure?.contains("CUDA out of memory (simulated)") ?? false,
                    "\(trial.failure ?? "")"
                )
                sawCrash = true
            } else if x < 0.1 {
                XCTAssertEqual(trial.status, .broken)
                XCTAssertTrue(trial.failure?.contains("no results file") ?? false, "\(trial.failure ?? "")")
                XCTAssertTrue(trial.failure?.contains("forgot to report") ?? false, "\(trial.failure ?? "")")
                sawMissing = true
            } else {
                XCTAssertEqual(trial.status, .completed)
                XCTAssertEqual(try XCTUnwrap(trial.objective), (x - 0.5) * (x - 0.5), accuracy: 1e-12)
            }
        }
        XCTAssertTrue(sawCrash && sawMissing, "the seeded run hits both failure regions")
    }

    func testBrokenThresholdStopsWithExitOneAndTheReason() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script("fail.sh", "#!/bin/sh\necho 'boom: bad input' >&2\nexit 3\n")
        let output = try sandbox.run(["hunt", "-n", "failing", "--exp-max-trials", "10", script, "-x~uniform(0, 1)"])
        XCTAssertEqual(output.status, 1)
        // The worker's limit and the experiment's are both 3: the experiment's is said, with its way out, as Oríon
        // says `Trials failed too many times`. The worker's advice, to run the hunt again, failed at once (hBO).
        XCTAssertTrue(output.stdout.contains("Trials failed too many times"), output.stdout)
        XCTAssertTrue(
            output.stderr.contains("Stopped: the experiment has reached its max broken trials."),
            output.stderr
        )
        XCTAssertTrue(
            output.stderr.contains("note: once the cause is fixed, go on with `orion db rm failing"),
            output.stderr
        )
        XCTAssertFalse(output.stderr.contains("--worker-max-broken"), output.stderr)
        XCTAssertTrue(output.stderr.contains("the script exited with code 3"), output.stderr)
        let failing = try await sandbox.trials(of: "failing")
        XCTAssertEqual(failing.filter { $0.status == .broken }.count, 3)
        // The error names the last broken trial's log, which holds the script's message.
        let marker = "(the last one's: "
        let logStart = try XCTUnwrap(output.stderr.range(of: marker), output.stderr).upperBound
        let log = String(output.stderr[logStart...].prefix { $0 != ")" })
        XCTAssertTrue(log.hasSuffix("/orion.stderr.log"), log)
        XCTAssertTrue(failing.contains { $0.workingDir.map { log.hasPrefix($0 + "/") } ?? false }, log)
        XCTAssertTrue(try String(contentsOfFile: log, encoding: .utf8).contains("boom: bad input"))
        // The experiment is now broken: a new worker stops at once, and says why.
        let again = try sandbox.run(["hunt", "-n", "failing", "--exp-max-trials", "10", script, "-x~uniform(0, 1)"])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stdout.contains("Trials failed too many times"), again.stdout)
        XCTAssertTrue(again.stderr.contains("see `orion status -n failing --all`"), again.stderr)

        // A hunt given its storage by flag names it in the hint, so that the command finds the same experiment.
        let elsewhere = "sqlite://" + sandbox.directory + "/other dir.db"
        let flagged = try sandbox.run([
            "hunt", "-n", "failing", "--storage", elsewhere, "--exp-max-trials", "10", script, "-x~uniform(0, 1)",
        ])
        XCTAssertEqual(flagged.status, 1)
        XCTAssertTrue(
            flagged.stderr.contains("see `orion status -n failing --storage '\(elsewhere)' --all`"),
            flagged.stderr
        )
    }

    /// When the broken limit is reached while another worker slot runs a trial, the hunt lets that trial end (its
    /// work is kept, where Oríon interrupts it) and says that it waits for it (it waited silently).
    func testReachingTheBrokenLimitSaysItWaitsForTheRunningTrial() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        // The first trial to start takes the marker and runs for a while; the others break at once.
        let script = try sandbox.script(
            "one.sh",
            "#!/bin/sh\nmkdir \"\(sandbox.directory)/marker\" 2>/dev/null || exit 3\nsleep 5\n"
                + "printf '[{\"name\":\"o\",\"type\":\"objective\",\"value\":1}]' > \"$ORION_RESULTS_PATH\"\n"
        )
        let output = try sandbox.run([
            "hunt", "-n", "wait", "--n-workers", "2", "--exp-max-trials", "4", "--exp-max-broken", "1", script,
            "-x~uniform(0, 1)",
        ])
        XCTAssertEqual(output.status, 1, output.stderr)
        XCTAssertTrue(
            output.stderr.contains(
                "note: the experiment has reached its max broken trials: no new trial starts; waiting for the trial"
                    + " that still runs to end"
            ),
            output.stderr
        )
        let trials = try await sandbox.trials(of: "wait")
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, 1, "the running trial ended and was kept")
        XCTAssertEqual(trials.filter { $0.status == .broken }.count, 1)
    }

    /// A script that keeps its own `results.json` in `$ORION_WORKING_DIR` (a common name for metrics) is not read as
    /// reporting its results there: the worker's file is `.orion-results.json` (found side by side: the trial broke).
    func testAScriptsOwnResultsJSONIsNotTheResultsFile() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script(
            "own.sh",
            "#!/bin/sh\n"
                + "echo '[{\"name\": \"loss\", \"type\": \"objective\", \"value\": 0.5}]' > \"$ORION_RESULTS_PATH\"\n"
                + "echo '{\"acc\": 0.9}' > \"$ORION_WORKING_DIR/results.json\"\n"
        )
        let output = try sandbox.run(["hunt", "-n", "own", "--exp-max-trials", "1", script, "-x~uniform(0, 1)"])
        XCTAssertEqual(output.status, 0, output.stderr)
        let trials = try await sandbox.trials(of: "own")
        XCTAssertEqual(trials.map(\.status), [.completed])
        XCTAssertEqual(trials.first?.objective, 0.5)
    }

    func testResultsFileProblemsBreakTheTrialWithAClearReason() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let notJSON = try sandbox.script("notjson.sh", "#!/bin/sh\necho 'loss = 3' > \"$ORION_RESULTS_PATH\"\n")
        let noObjective = try sandbox.script(
            "noobjective.sh",
            "#!/bin/sh\necho '[{\"name\": \"acc\", \"type\": \"statistic\", \"value\": 1}]' > \"$ORION_RESULTS_PATH\"\n"
        )
        for (name, script, reason) in [
            ("notjson", notJSON, "is not valid JSON"),
            ("noobjective", noObjective, "has no result of type \"objective\""),
        ] {
            let output = try sandbox.run([
                "hunt", "-n", name, "--exp-max-trials", "1", "--exp-max-broken", "1", script, "-x~uniform(0, 1)",
            ])
            XCTAssertEqual(output.status, 1, name)
            let stored = try await sandbox.trials(of: name)
            let trial = try XCTUnwrap(stored.first)
            XCTAssertEqual(trial.status, .broken)
            XCTAssertTrue(trial.failure?.contains(reason) ?? false, "\(name): \(trial.failure ?? "")")
            // The way out is said, and works (Oríon's users did not find it).
            let way = "orion db rm \(name) -v 1 -s broken -f"
            XCTAssertTrue(output.stderr.contains("`\(way)`"), output.stderr)
            XCTAssertTrue(output.stderr.contains("--exp-max-broken (now 1)"), output.stderr)
            try sandbox.succeed(way.split(separator: " ").dropFirst().map(String.init))
            let left = try await sandbox.trials(of: name)
            XCTAssertEqual(left.count, 0)
        }
    }

    func testBadInputGivesOneLineAndExitCodeTwo() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("rosenbrock.py")
        let notExecutable = sandbox.directory + "/plain.py"
        try "print(1)\n".write(toFile: notExecutable, atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["hunt", "-n", "bad", script, "-x~uniform(0, 1", "-y~uniform(0, 1)"], "/x"),
            (["hunt", "-n", "bad", script, "-x~unifrm(0, 1)"], "unifrm"),
            (["hunt", "-n", "bad", "--no-such-flag", script, "-x~uniform(0, 1)"], "no-such-flag"),
            (["hunt", "-n", "bad", sandbox.directory + "/missing.py", "-x~uniform(0, 1)"], "missing.py"),
            (["hunt", "-n", "bad", notExecutable, "-x~uniform(0, 1)"], "chmod +x"),
            (["hunt", script, "-x~uniform(0, 1)"], "name"),
            (["status", "--bogus"], "--bogus"),
            (["hunt", "-n", "bad", "--exp-max-trials", "many", script, "-x~uniform(0, 1)"], "many"),
            (["nonsense"], "nonsense"),
        ]
        for (arguments, mention) in cases {
            let output = try sandbox.run(arguments)
            XCTAssertEqual(output.status, 2, "\(arguments): \(output.stderr)")
            XCTAssertTrue(output.stderr.contains(mention), "\(arguments): \(output.stderr)")
        }
        let info = try sandbox.run(["info", "-n", "nope"])
        XCTAssertEqual(info.status, 1)
        XCTAssertTrue(info.stderr.contains("no experiment named 'nope'"), info.stderr)
    }

    func testInterruptionThenResumption() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script(
            "slow.sh",
            "#!/bin/sh\ntouch \"$ORION_WORKING_DIR/started\"\nsleep 30\n"
                + "printf '[{\"name\":\"o\",\"type\":\"objective\",\"value\":%s}]' \"$2\" > \"$ORION_RESULTS_PATH\"\n"
        )
        let arguments = ["hunt", "-n", "slow", "--exp-max-trials", "2", "--n-workers", "2", script, "-x~uniform(0, 1)"]
        let process = try sandbox.start(arguments, name: "hunt")
        // Wait until both trials run, then Ctrl-C.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let started = try await sandbox.trials(of: "slow").filter { $0.status == .reserved }.count
            if started == 2 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(300))
        kill(process.processIdentifier, SIGINT)
        let output = sandbox.wait(process, name: "hunt", timeout: 20)
        XCTAssertEqual(output.status, 130, output.stderr)
        XCTAssertTrue(output.stdout.contains("Orion is interrupted."), output.stdout)
        let interrupted = try await sandbox.trials(of: "slow")
        XCTAssertEqual(interrupted.map(\.status), [.interrupted, .interrupted])

        // Resume with a fast script: the same two trials complete, no new ones.
        let fast = try sandbox.script(
            "fast.sh",
            Self.fastScript
        )
        let resumed = try sandbox.run(["hunt", "-n", "slow", "--exp-max-trials", "2", fast, "-x~uniform(0, 1)"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let trials = try await sandbox.trials(of: "slow")
        XCTAssertEqual(Set(trials.map(\.id)), Set(interrupted.map(\.id)))
        XCTAssertEqual(trials.map(\.status), [.completed, .completed])
    }

    /// Interrupted twice while another process holds the database's write lock (its result then waits for a
    /// minute), the hunt stops within seconds and keeps the result beside the trial; it used to wait a minute more
    /// to checkpoint the database on its way out. The next hunt stores the kept result.
    func testASecondCtrlCOnALockedDatabaseStopsWithinSeconds() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script(
            "quick.sh",
            "#!/bin/sh\ntouch \"$ORION_WORKING_DIR/started\"\nsleep 1\n"
                + "printf '[{\"name\":\"o\",\"type\":\"objective\",\"value\":%s}]' \"$2\" > \"$ORION_RESULTS_PATH\"\n"
        )
        let arguments = ["hunt", "-n", "locked", "--exp-max-trials", "3", script, "-x~uniform(0, 1)"]
        let hunt = try sandbox.start(arguments, name: "hunt")
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, try await !sandbox.trials(of: "locked").contains(where: { $0.status == .reserved }) {
            try await Task.sleep(for: .milliseconds(20))
        }
        // Another process takes the write lock and keeps it until its stdin closes.
        let (lock, hold) = try holdWriteLock(of: sandbox)
        defer { try? hold.fileHandleForWriting.close() }
        while Date() < deadline, !FileManager.default.fileExists(atPath: sandbox.directory + "/locked") {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .seconds(2))  // the trial has ended; its result waits for the lock
        kill(hunt.processIdentifier, SIGINT)
        try await Task.sleep(for: .milliseconds(300))
        let interrupted = Date()
        kill(hunt.processIdentifier, SIGINT)
        let output = sandbox.wait(hunt, name: "hunt", timeout: 40)
        XCTAssertLessThan(Date().timeIntervalSince(interrupted), 20, "it waited for the lock: \(output.stderr)")
        XCTAssertEqual(output.status, 130, output.stderr)
        XCTAssertTrue(output.stderr.contains("could not be stored"), output.stderr)
        try hold.fileHandleForWriting.close()
        lock.waitUntilExit()

        let resumed = try sandbox.run(arguments)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let trials = try await sandbox.trials(of: "locked")
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, 3, "\(trials.map(\.status))")
    }

    /// A script that reports its second argument (the value of `-x`) as the objective at once.
    private static let fastScript =
        "#!/bin/sh\nprintf '[{\"name\":\"o\",\"type\":\"objective\",\"value\":%s}]' \"$2\" > \"$ORION_RESULTS_PATH\"\n"

    /// Starts a process that takes the sandbox database's write lock, touches `locked` in the sandbox once it has it,
    /// and keeps it until its stdin (the pipe returned) closes: a pyenv shim would outlive a signal to it.
    private func holdWriteLock(of sandbox: Sandbox) throws -> (Process, Pipe) {
        let lock = Process()
        let hold = Pipe()
        lock.standardInput = hold
        lock.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        lock.arguments = [
            "python3", "-c",
            "import sqlite3, sys; c = sqlite3.connect('\(sandbox.database)', isolation_level=None, timeout=30); "
                + "c.execute('BEGIN EXCLUSIVE'); open('\(sandbox.directory)/locked', 'w').close(); sys.stdin.read()",
        ]
        try lock.run()
        return (lock, hold)
    }

    /// Ctrl-C while the hunt waits for the database before it starts (another process holds the write lock) ends it
    /// with Oríon's words and exit code 130, as later in the hunt; it used to die of the signal without a word.
    func testCtrlCWhileTheHuntWaitsForTheDatabaseSaysInterrupted() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let fast = try sandbox.script(
            "fast.sh",
            Self.fastScript
        )
        let arguments = ["hunt", "-n", "waits", "--exp-max-trials", "2", fast, "-x~uniform(0, 1)"]
        let first = try sandbox.run(["hunt", "-n", "waits", "--exp-max-trials", "1", fast, "-x~uniform(0, 1)"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let (lock, hold) = try holdWriteLock(of: sandbox)
        defer { try? hold.fileHandleForWriting.close() }
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !FileManager.default.fileExists(atPath: sandbox.directory + "/locked") {
            try await Task.sleep(for: .milliseconds(20))
        }
        let hunt = try sandbox.start(arguments, name: "hunt")
        try await Task.sleep(for: .seconds(2))
        kill(hunt.processIdentifier, SIGINT)
        let output = sandbox.wait(hunt, name: "hunt", timeout: 20)
        XCTAssertEqual(output.status, 130, output.stderr)
        XCTAssertEqual(output.stdout, "Orion is interrupted.\n")
        try hold.fileHandleForWriting.close()
        lock.waitUntilExit()

        let resumed = try sandbox.run(arguments)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let trials = try await sandbox.trials(of: "waits")
        XCTAssertEqual(trials.map(\.status), [.completed, .completed])
    }

    /// Ctrl-C while `sbatch` submits a `--slurm-array` lets it finish: the job array it submits is printed with how
    /// to cancel it, then `Orion is interrupted.` and 130. It used to exit at once, `sbatch` submitting the array
    /// unseen (probe hC4).
    func testCtrlCDuringAJobArraysSubmissionPrintsTheSubmittedArray() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let tools = sandbox.directory + "/tools"
        try FileManager.default.createDirectory(atPath: tools, withIntermediateDirectories: true)
        let sbatch = tools + "/sbatch"
        try "#!/bin/sh\ntouch \"\(sandbox.directory)/submitting\"\nsleep 2\necho 4242\n".write(
            toFile: sbatch,
            atomically: true,
            encoding: .utf8
        )
        chmod(sbatch, 0o755)
        let fast = try sandbox.script("fast.sh", Self.fastScript)
        let hunt = try sandbox.start(
            ["hunt", "--slurm-array", "2", "-n", "array", "--exp-max-trials", "4", fast, "-x~uniform(0, 1)"],
            name: "hunt",
            changes: ["PATH": tools + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
        )
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !FileManager.default.fileExists(atPath: sandbox.directory + "/submitting") {
            try await Task.sleep(for: .milliseconds(20))
        }
        kill(hunt.processIdentifier, SIGINT)
        let output = sandbox.wait(hunt, name: "hunt", timeout: 30)
        XCTAssertEqual(output.status, 130, output.stderr)
        XCTAssertTrue(
            output.stdout.hasPrefix("Submitted 2 workers of 'array' as the Slurm job array 4242\n"),
            output.stdout
        )
        XCTAssertTrue(output.stdout.hasSuffix("Orion is interrupted.\n"), output.stdout)
        XCTAssertTrue(output.stderr.contains("scancel its id to stop it"), output.stderr)
    }

    func testSIGTERMInterruptsLikeSlurmDoes() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script("sleepy.sh", "#!/bin/sh\nsleep 30\n")
        let process = try sandbox.start(
            ["hunt", "-n", "term", "--exp-max-trials", "3", script, "-x~uniform(0, 1)"],
            name: "term"
        )
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if try await sandbox.trials(of: "term").contains(where: { $0.status == .reserved }) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .milliseconds(200))
        kill(process.processIdentifier, SIGTERM)
        let output = sandbox.wait(process, name: "term", timeout: 20)
        XCTAssertEqual(output.status, 130, output.stderr)
        let trials = try await sandbox.trials(of: "term")
        XCTAssertEqual(trials.map(\.status), [.interrupted])
    }

    /// Once `gp` has run its model (its suggestions use the worker threads of `Parallel`), Ctrl-C still reaches
    /// `orion`, which interrupts the running trial and stops: no worker thread takes the signal.
    func testSIGINTAfterModelSuggestionsStillInterrupts() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let config = sandbox.directory + "/gp.yaml"
        try "algorithm:\n  gp:\n    n_initial_points: 2\n    seed: 3\n".write(
            toFile: config,
            atomically: true,
            encoding: .utf8
        )
        // The fifth trial and later ones wait: four complete first, the last two of them suggested by the model.
        let script = try sandbox.script(
            "late.sh",
            "#!/bin/sh\nn=$(cat \"\(sandbox.directory)/count\" 2>/dev/null || echo 0)\n"
                + "echo $((n + 1)) > \"\(sandbox.directory)/count\"\n"
                + "if [ \"$n\" -ge 4 ]; then sleep 30; fi\n"
                + "printf '[{\"name\":\"o\",\"type\":\"objective\",\"value\":%s}]' \"$2\" > \"$ORION_RESULTS_PATH\"\n"
        )
        let process = try sandbox.start(
            ["hunt", "-n", "late", "-c", config, "--exp-max-trials", "6", script, "-x~uniform(0, 1)"],
            name: "late"
        )
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let trials = try await sandbox.trials(of: "late")
            if trials.filter({ $0.status == .completed }).count == 4, trials.contains(where: { $0.status == .reserved })
            {
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(300))
        kill(process.processIdentifier, SIGINT)
        let output = sandbox.wait(process, name: "late", timeout: 20)
        XCTAssertEqual(output.status, 130, output.stderr)
        XCTAssertTrue(output.stdout.contains("Orion is interrupted."), output.stdout)
        let trials = try await sandbox.trials(of: "late")
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, 4)
        XCTAssertEqual(trials.filter { $0.status == .interrupted }.count, 1)
    }
}
