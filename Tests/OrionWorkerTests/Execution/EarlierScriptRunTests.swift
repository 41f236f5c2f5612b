import Foundation
import Synchronization
import XCTest

@testable import OrionWorker

/// The processes an earlier run of a trial left running, found by the trial named in their environment and ended by
/// the worker that takes the trial over after its hunt and that hunt's guardian were both killed (the end-to-end
/// case is in `WorkerDeathEndToEndTests`).
final class EarlierScriptRunTests: XCTestCase {
    private var directory = ""
    private var started: [pid_t] = []

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.path + "/orion-earlier-script-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        for pid in started { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Starts `sleep 60` orphaned (its parent exits at once), as a killed hunt's script is, in a session of its own
    /// when `ownSession`, ignoring SIGTERM when `ignoringTerm`, with `environment` added to this process's; returns its
    /// pid.
    private func orphan(
        _ environment: [String: String],
        ownSession: Bool = true,
        ignoringTerm: Bool = false
    ) throws -> pid_t {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // SIGTERM as a script gets it from `orion` (the test runner may block or ignore it, and both are inherited).
        let start =
            "import signal, subprocess; signal.signal(signal.SIGTERM, signal.\(ignoringTerm ? "SIG_IGN" : "SIG_DFL")); "
            + "signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM]); "
            + "print(subprocess.Popen(['sleep', '60'], start_new_session=\(ownSession ? "True" : "False")).pid)"
        process.arguments = ["python3", "-c", start]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = directory + "/pid-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: output, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: output) ?? FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let text = try String(contentsOfFile: output, encoding: .utf8)
        let pid = try XCTUnwrap(pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), "python3 printed \(text)")
        started.append(pid)
        return pid
    }

    private func variables(experiment: String, trial: String) -> [String: String] {
        ["ORION_EXPERIMENT_ID": experiment, "ORION_TRIAL_ID": trial]
    }

    /// Only processes naming both the experiment and the trial are the trial's; this process never is.
    func testTheTrialsProcessesAreThoseNamingItInTheirEnvironment() throws {
        let experiment = "exp-\(UUID().uuidString)"
        let script = try orphan(variables(experiment: experiment, trial: "t1"))
        let sibling = try orphan(variables(experiment: experiment, trial: "t2"))
        let otherExperiment = try orphan(variables(experiment: experiment + "-other", trial: "t1"))
        let found = EarlierScriptRun.processes(experimentID: experiment, trialID: "t1")
        XCTAssertEqual(found.map(\.pid), [script])
        XCTAssertEqual(EarlierScriptRun.processes(experimentID: experiment, trialID: "t").map(\.pid), [], "no prefix")
        XCTAssertTrue([sibling, otherExperiment].allSatisfy { EarlierScriptRun.liveStartTime(of: $0) != nil })
        // A pid reused by another process: its start time differs, so it is not the one found.
        var reused = try XCTUnwrap(found.first)
        reused.start += "0"
        XCTAssertFalse(EarlierScriptRun.isRunning(reused))
        XCTAssertTrue(EarlierScriptRun.isRunning(try XCTUnwrap(found.first)))
    }

    /// The trial's processes are ended, whether they lead a group of their own or not; the others run on, and the
    /// note names what was ended. Nothing found: nothing said.
    func testTheTrialsProcessesAreEndedAndNothingElse() async throws {
        let experiment = "exp-\(UUID().uuidString)"
        let script = try orphan(variables(experiment: experiment, trial: "t1"))
        let child = try orphan(variables(experiment: experiment, trial: "t1"), ownSession: false)
        let sibling = try orphan(variables(experiment: experiment, trial: "t2"))
        let notes = Mutex<[String]>([])
        let ended = await EarlierScriptRun.end(
            experimentID: experiment,
            trialID: "t1",
            grace: .seconds(5),
            note: { note in notes.withLock { $0.append(note) } }
        )
        XCTAssertEqual(Set(ended.map(\.pid)), [script, child])
        XCTAssertNil(EarlierScriptRun.liveStartTime(of: script), "the script was ended")
        XCTAssertNil(EarlierScriptRun.liveStartTime(of: child), "and the process outside its group")
        XCTAssertNotNil(EarlierScriptRun.liveStartTime(of: sibling), "another trial's process runs on")
        let said = notes.withLock { $0 }
        XCTAssertEqual(said.count, 1)
        XCTAssertTrue(said.first?.contains("left processes running (pid ") == true, "\(said)")

        let none = await EarlierScriptRun.end(
            experimentID: experiment,
            trialID: "t1",
            grace: .seconds(5),
            note: { note in notes.withLock { $0.append(note) } }
        )
        XCTAssertEqual(none, [])
        XCTAssertEqual(notes.withLock { $0 }.count, 1, "nothing more said")
    }

    /// A hunt interrupted while it waits out the grace of a process that ignores SIGTERM kills it at once, instead of
    /// exiting with it still running (probe p43a's F3: a second Ctrl-C left the orphan behind).
    func testAnInterruptDuringTheGraceKillsAtOnce() async throws {
        let experiment = "exp-\(UUID().uuidString)"
        let stubborn = try orphan(variables(experiment: experiment, trial: "t1"), ignoringTerm: true)
        let interruptAt = Date().addingTimeInterval(0.5)
        let started = Date()
        let ended = await EarlierScriptRun.end(
            experimentID: experiment,
            trialID: "t1",
            grace: .seconds(60),
            stopNow: { Date() > interruptAt }
        )
        XCTAssertEqual(ended.map(\.pid), [stubborn])
        XCTAssertNil(EarlierScriptRun.liveStartTime(of: stubborn), "killed")
        XCTAssertLessThan(Date().timeIntervalSince(started), 30, "at the interrupt, not at the end of the grace")
    }
}
