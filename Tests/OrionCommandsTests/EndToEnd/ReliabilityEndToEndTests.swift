import Foundation
import OrionCore
import OrionSQLite
import OrionTesting
import XCTest

/// Faults around the storage, with real `orion` processes and SQLite files: a paused worker, a database locked
/// past the busy timeout, a hunt killed with SIGKILL and resumed at once, the files left behind, mistyped paths.
final class ReliabilityEndToEndTests: XCTestCase {
    /// A script that logs each run (`trial id`, the worker's pid), waits `seconds`, and reports the worker's pid
    /// as its objective, so that the stored result tells which worker's run it is.
    private func pidScript(_ sandbox: Sandbox, seconds: Double) throws -> String {
        try sandbox.script(
            "pid.sh",
            """
            #!/bin/sh
            echo "$ORION_TRIAL_ID $PPID" >> '\(sandbox.directory)/runs.log'
            sleep \(seconds)
            printf '[{"name":"o","type":"objective","value":%s}]' "$PPID" > "$ORION_RESULTS_PATH"

            """
        )
    }

    private func runs(_ sandbox: Sandbox) -> [String] {
        let text = (try? String(contentsOfFile: sandbox.directory + "/runs.log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    /// Polls (real time, up to `timeout` seconds) until `condition` holds.
    private func waitUntil(
        _ what: String,
        timeout: TimeInterval = 20,
        _ condition: () async throws -> Bool
    ) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while try await !condition() {
            guard Date() < deadline else { throw TimedOut(what: what) }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func testAPausedWorkersLateResultIsDiscardedAndTheNewHoldersRunStands() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let arguments = [
            "hunt", "-n", "paused", "--exp-max-trials", "1", "--heartbeat", "1", "--idle-timeout", "30",
            try pidScript(sandbox, seconds: 1.5), "-x~uniform(0, 1)",
        ]
        let first = try sandbox.start(arguments, name: "first")
        var stopped = false
        defer {
            if stopped { kill(first.processIdentifier, SIGCONT) }
            if first.isRunning { kill(first.processIdentifier, SIGKILL) }
        }
        try await waitUntil("the first worker runs the trial") { self.runs(sandbox).count == 1 }
        kill(first.processIdentifier, SIGSTOP)  // paused past the heartbeat: presumed dead
        stopped = true
        let second = try sandbox.start(arguments, name: "second")
        let secondName = ":\(second.processIdentifier)"
        try await waitUntil("the second worker takes the trial over") {
            try await sandbox.trials(of: "paused").first?.worker?.hasSuffix(secondName) ?? false
        }
        kill(first.processIdentifier, SIGCONT)  // wakes up with a result for a trial that is no longer its own
        stopped = false

        let firstOutput = sandbox.wait(first, name: "first", timeout: 30)
        let secondOutput = sandbox.wait(second, name: "second", timeout: 30)
        XCTAssertEqual(firstOutput.status, 0, firstOutput.stderr)
        XCTAssertEqual(secondOutput.status, 0, secondOutput.stderr)
        let trials = try await sandbox.trials(of: "paused")
        XCTAssertEqual(trials.count, 1)
        let trial = try XCTUnwrap(trials.first)
        XCTAssertEqual(trial.status, .completed)
        XCTAssertEqual(trial.objective, Double(second.processIdentifier), "the new holder's result is stored")
        XCTAssertTrue(trial.worker?.hasSuffix(secondName) ?? false, trial.worker ?? "")
        XCTAssertEqual(runs(sandbox).count, 2, "one run by each worker, and no third")
        XCTAssertTrue(
            firstOutput.stderr.contains(
                "Warning: trial \(trial.id.prefix(8)) was taken from this worker while it ran here"
            ),
            "the paused worker says its run's outcome is not stored: \(firstOutput.stderr)"
        )
    }

    /// A worker started with a shorter `--heartbeat` than a running one's refresh interval must not take that
    /// worker's trial on the same host (its process is alive): the trial runs once, by its holder.
    func testAShorterHeartbeatDoesNotTakeALiveWorkersTrialOnTheSameHost() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try pidScript(sandbox, seconds: 4)
        let holder = try sandbox.start(
            ["hunt", "-n", "beats", "--exp-max-trials", "1", script, "-x~uniform(0, 1)"],
            name: "holder"
        )
        defer { if holder.isRunning { kill(holder.processIdentifier, SIGKILL) } }
        try await waitUntil("the holder runs the trial") { self.runs(sandbox).count == 1 }
        // Its heartbeat is refreshed every 30 s (120 s / 4); this worker calls a trial lost after 1 s.
        let eager = try sandbox.start(
            [
                "hunt", "-n", "beats", "--exp-max-trials", "1", "--heartbeat", "1", "--idle-timeout", "30", script,
                "-x~uniform(0, 1)",
            ],
            name: "eager"
        )
        defer { if eager.isRunning { kill(eager.processIdentifier, SIGKILL) } }
        let holderOutput = sandbox.wait(holder, name: "holder", timeout: 60)
        let eagerOutput = sandbox.wait(eager, name: "eager", timeout: 60)
        XCTAssertEqual(holderOutput.status, 0, holderOutput.stderr)
        XCTAssertEqual(eagerOutput.status, 0, eagerOutput.stderr)
        XCTAssertEqual(runs(sandbox).count, 1, "one run: \(runs(sandbox))")
        let trials = try await sandbox.trials(of: "beats")
        XCTAssertEqual(trials.map(\.status), [.completed])
        XCTAssertEqual(trials.first?.objective, Double(holder.processIdentifier), "the holder's result is stored")
        XCTAssertFalse(holderOutput.stderr.contains("taken over"), holderOutput.stderr)
    }

    func testAResultIsStoredOnceADatabaseLockedPastTheBusyTimeoutIsFree() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        guard let tool = ProcessRunner.executable("orion-storage-stress") else {
            throw XCTSkip("orion-storage-stress is not built; run `swift build --build-tests` first")
        }
        let arguments = [
            "hunt", "-n", "locked", "--storage", "sqlite://\(sandbox.database)?busy_timeout=0.3",
            "--exp-max-trials", "1", "--heartbeat", "5", "--idle-timeout", "30", try pidScript(sandbox, seconds: 0.5),
            "-x~uniform(0, 1)",
        ]
        let hunt = try sandbox.start(arguments, name: "hunt")
        defer { if hunt.isRunning { kill(hunt.processIdentifier, SIGKILL) } }
        try await waitUntil("the trial runs") { self.runs(sandbox).count == 1 }
        let experiment = try await sandbox.storage().experiment(named: "locked", version: nil)
        let experimentID = try XCTUnwrap(experiment?.id)
        // Another process holds the write lock for 2.5 s: the script ends meanwhile, and its result cannot be
        // written within the busy timeout (0.3 s), nor can the heartbeats.
        let locker = try ProcessRunner.start(
            [tool, "lock", "--db", sandbox.database, "--experiment", experimentID, "--seconds", "2.5"],
            outputPrefix: sandbox.directory + "/locker"
        )
        defer { if locker.isRunning { kill(locker.processIdentifier, SIGKILL) } }
        let lockerOutput = ProcessRunner.wait(locker, outputPrefix: sandbox.directory + "/locker", timeout: 30)
        XCTAssertEqual(lockerOutput.status, 0, lockerOutput.stderr)
        XCTAssertTrue(lockerOutput.stdout.contains("locked\nunlocked"), lockerOutput.stdout)

        let output = sandbox.wait(hunt, name: "hunt", timeout: 30)
        XCTAssertEqual(output.status, 0, output.stderr)
        let trials = try await sandbox.trials(of: "locked")
        XCTAssertEqual(trials.map(\.status), [.completed])
        XCTAssertEqual(trials.first?.objective, Double(hunt.processIdentifier))
        XCTAssertEqual(runs(sandbox).count, 1, "the trial ran once: its result was kept, not run again")
    }

    func testResumingRightAfterKill9ReclaimsTheDeadWorkersTrialAtOnce() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        // Default heartbeat (120 s) and idle timeout (60 s): only reclaiming the dead worker's trial at once
        // finishes this in seconds.
        let arguments = [
            "hunt", "-n", "resumed", "--exp-max-trials", "3", try pidScript(sandbox, seconds: 1), "-x~uniform(0, 1)",
        ]
        let victim = try sandbox.start(arguments, name: "victim")
        try await waitUntil("the victim runs its second trial") { self.runs(sandbox).count == 2 }
        kill(victim.processIdentifier, SIGKILL)
        _ = sandbox.wait(victim, name: "victim")
        let held = try await sandbox.trials(of: "resumed").filter { $0.status == .reserved }
        XCTAssertEqual(held.count, 1, "the victim died holding its trial")

        let start = Date()
        let output = try sandbox.run(["hunt", "-n", "resumed"], timeout: 40)
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(start), 30, "the dead worker's trial was not waited for")
        XCTAssertTrue(output.stderr.contains("Stopped: the experiment is done"), output.stderr)
        let trials = try await sandbox.trials(of: "resumed")
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, 3)
        XCTAssertEqual(trials.count, 3)
        if let lost = held.first {
            let rerun = try XCTUnwrap(trials.first { $0.id == lost.id })
            XCTAssertEqual(rerun.status, .completed)
            XCTAssertNotEqual(rerun.worker, lost.worker)
        }
    }

    func testAHuntLeavesEveryTrialInTheDatabaseFileAlone() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script(
            "quick.sh",
            "#!/bin/sh\nprintf '[{\"name\":\"o\",\"type\":\"objective\",\"value\":%s}]' \"$2\" > \"$ORION_RESULTS_PATH\"\n"
        )
        let output = try sandbox.run(["hunt", "-n", "backup", "--exp-max-trials", "12", script, "-x~uniform(0, 1)"])
        XCTAssertEqual(output.status, 0, output.stderr)
        let wal = (try? FileManager.default.attributesOfItem(atPath: sandbox.database + "-wal")[.size] as? Int) ?? 0
        XCTAssertEqual(wal, 0, "the -wal file is empty or absent after orion hunt")

        let copy = sandbox.directory + "/backup/orion.db"
        try FileManager.default.createDirectory(
            atPath: sandbox.directory + "/backup",
            withIntermediateDirectories: true
        )
        try FileManager.default.copyItem(atPath: sandbox.database, toPath: copy)
        let restored = try SQLiteStorage(path: copy)
        let experiment = try await restored.experiment(named: "backup", version: nil)
        let counts = try await restored.countTrials(of: try XCTUnwrap(experiment?.id))
        XCTAssertEqual(counts, [.completed: 12], "a copy of orion.db alone holds every trial")
    }

    /// One page of an index scribbled over (a failing disk, a bad copy): `orion hunt` stored its trials into the
    /// file, unaware, since SQLite reads only the pages a statement needs (hBL's probe). It now reads the file through
    /// first and refuses it, in one line naming the file and the damaged page, with no trial added; `orion status`,
    /// which only reads, still shows what the file holds.
    func testAHuntRefusesADatabaseWhoseIndexPageIsDamaged() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script(
            "quick.sh",
            "#!/bin/sh\nprintf '[{\"name\":\"o\",\"type\":\"objective\",\"value\":%s}]' \"$2\" > \"$ORION_RESULTS_PATH\"\n"
        )
        func hunt(_ trials: Int) -> [String] {
            ["hunt", "-n", "damaged", "--exp-max-trials", "\(trials)", script, "-x~uniform(0, 1)"]
        }
        let first = try sandbox.run(hunt(12))
        XCTAssertEqual(first.status, 0, first.stderr)
        let found = try ProcessRunner.run([
            "/usr/bin/env", "python3", "-c",
            "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT rootpage FROM sqlite_master "
                + "WHERE name = 'trials_by_status'\").fetchone()[0])",
            sandbox.database,
        ])
        guard found.status == 0, let page = Int(found.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw XCTSkip("python3 with its sqlite3 module finds the index's page: \(found.stderr)")
        }
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: sandbox.database))
        try handle.seek(toOffset: UInt64((page - 1) * 4096))
        try handle.write(contentsOf: Data(repeating: 0xFF, count: 4096))
        try handle.close()

        let refused = try sandbox.run(hunt(20))
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertTrue(
            refused.stderr.contains(
                "cannot open the database \(sandbox.database): the database is corrupted (quick_check: "
            ),
            refused.stderr
        )
        XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.lowercased().contains("page \(page)"), refused.stderr)
        let status = try sandbox.run(["status", "-n", "damaged"])
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.contains("completed          12"), status.stdout)
    }

    func testReadingCommandsWithAMistypedStorageCreateNothing() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let mistyped = sandbox.directory + "/typo/orion.db"
        let commands = [["list"], ["status"], ["insert", "-n", "e", "./train.py", "-x=1"]]
        for command in commands {
            // The flag before the script's command line, which is the script's own.
            let output = try sandbox.run([command[0], "--storage", mistyped] + command.dropFirst())
            XCTAssertEqual(output.status, 1, "\(command): \(output.stderr)")
            XCTAssertTrue(output.stderr.contains(mistyped), "\(command): \(output.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.directory + "/typo"), "a folder was created")
    }
}

/// A condition a fault test waited for did not come in time.
private struct TimedOut: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting until \(what)" }
}
