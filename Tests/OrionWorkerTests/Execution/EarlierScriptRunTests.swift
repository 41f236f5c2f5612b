import Foundation
import Synchronization
import XCTest

@testable import OrionWorker

/// The record of a running script's process group in its trial's directory, read by the worker that takes the
/// trial over after its hunt and that hunt's guardian were both killed (the end-to-end case is in
/// `WorkerDeathEndToEndTests`).
final class EarlierScriptRunTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.path + "/orion-earlier-script-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A process group of its own running `sleep 60`, orphaned as a killed hunt's script is; its pid (the group's id).
    private func sleeperGroup() throws -> pid_t {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // SIGTERM as a script gets it from `orion` (the test runner may block or ignore it, and both are inherited).
        let start =
            "import signal, subprocess; signal.signal(signal.SIGTERM, signal.SIG_DFL); "
            + "signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM]); "
            + "print(subprocess.Popen(['sleep', '60'], start_new_session=True).pid)"
        process.arguments = ["python3", "-c", start]
        FileManager.default.createFile(atPath: directory + "/pid", contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: directory + "/pid") ?? FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: directory + "/pid", encoding: .utf8),
                let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                ProcessTable.statFields(of: pid).map({ $0.count > 2 && $0[2] == Substring(String(pid)) }) == true
            {
                return pid
            }
            usleep(10_000)
        }
        throw XCTSkip("no group of its own could be started (python3)")
    }

    func testARecordIsReadOnlyWhenWrittenWhole() throws {
        let record = EarlierScriptRun.Record(host: "node-1", boot: "b00t", group: 4242, start: "123456")
        XCTAssertEqual(EarlierScriptRun.Record(text: record.text), record)
        // Cut short by a kill: the last line is missing.
        XCTAssertNil(EarlierScriptRun.Record(text: String(record.text.dropLast(5))))
        XCTAssertNil(EarlierScriptRun.Record(text: "host node-1\nboot b00t\ngroup 42\n"))
        XCTAssertNil(EarlierScriptRun.Record(text: "host node-1\nboot b00t\ngroup 1\nstart 9\nend\n"), "never init")
        XCTAssertNil(EarlierScriptRun.Record(text: ""))
    }

    func testOnlyARunningGroupWithTheLeadersStartTimeIsTheScripts() throws {
        let machine = try XCTUnwrap(EarlierScriptRun.thisMachine)
        let group = try sleeperGroup()
        defer { kill(-group, SIGKILL) }
        let start = try XCTUnwrap(EarlierScriptRun.startTime(of: group))
        let record = EarlierScriptRun.Record(host: machine.host, boot: machine.boot, group: group, start: start)
        XCTAssertEqual(EarlierScriptRun.find(record, machine: machine), .running)
        // The pid reused by another process: its start time differs.
        var reused = record
        reused.start = String((Int(start) ?? 0) + 1)
        XCTAssertEqual(EarlierScriptRun.find(reused, machine: machine), .gone)
        // Recorded before this machine's last boot: nothing of it runs.
        var rebooted = record
        rebooted.boot = machine.boot + "-before"
        XCTAssertEqual(EarlierScriptRun.find(rebooted, machine: machine), .gone)
        var elsewhere = record
        elsewhere.host = machine.host + "-other"
        XCTAssertEqual(EarlierScriptRun.find(elsewhere, machine: machine), .elsewhere(host: machine.host + "-other"))
    }

    /// The recorded group is ended and the record removed; the note says so. A record whose group is gone is removed
    /// with no word.
    func testTheRecordedGroupIsEndedAndTheRecordRemoved() async throws {
        let group = try sleeperGroup()
        defer { kill(-group, SIGKILL) }
        EarlierScriptRun.record(group: group, in: directory)
        let path = directory + "/" + EarlierScriptRun.fileName
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
        let notes = Mutex<[String]>([])
        await EarlierScriptRun.end(
            in: directory,
            grace: .seconds(5),
            warn: { _ in },
            note: { note in
                notes.withLock { $0.append(note) }
            }
        )
        XCTAssertFalse(ProcessGroup.hasLiveMembers(group), "the earlier script was ended")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        XCTAssertEqual(notes.withLock { $0 }.count, 1)
        XCTAssertTrue(
            notes.withLock { $0 }.first?.contains("process group \(group)") == true,
            "\(notes.withLock { $0 })"
        )

        // Its record again, the group gone: nothing to say.
        EarlierScriptRun.record(group: getpid(), in: directory)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var record = try XCTUnwrap(EarlierScriptRun.Record(text: text))
        record.group = group
        try record.text.write(toFile: path, atomically: true, encoding: .utf8)
        let silent = Mutex<[String]>([])
        await EarlierScriptRun.end(
            in: directory,
            grace: .seconds(5),
            warn: { w in silent.withLock { $0.append(w) } },
            note: { n in
                silent.withLock { $0.append(n) }
            }
        )
        XCTAssertEqual(silent.withLock { $0 }, [])
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }
}
