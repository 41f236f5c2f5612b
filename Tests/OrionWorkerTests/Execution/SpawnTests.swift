import COrionSpawn
import COrionSpawnTesting
import Foundation
import XCTest

/// COrionSpawn's `orion_spawn`: the script's own process puts its group on the guardian's list before the script runs,
/// so that a worker killed at any moment after a spawn (even before it could say anything to its guardian) takes the
/// script with it.
final class SpawnTests: XCTestCase {
    /// A message on a guardian's channel: watch (1) or forget (0), and the group.
    private struct Message: Equatable {
        var watch: Int32
        var group: pid_t
    }

    private var channel: [Int32] = [-1, -1]

    override func setUpWithError() throws {
        #if !os(Linux)
            throw XCTSkip("orion_spawn is Linux only")
        #else
            XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &channel), 0)
        #endif
    }

    override func tearDown() {
        for end in channel where end >= 0 { close(end) }
    }

    /// Starts `argv` through `orion_spawn` with this test's channel; returns the status and the pid.
    private func spawn(_ argv: [String], directory: String? = nil) -> (status: Int32, pid: pid_t) {
        let arguments = argv.map { strdup($0) } + [nil]
        let environment: [UnsafeMutablePointer<CChar>?] = [strdup("PATH=/usr/bin:/bin"), nil]
        defer {
            for pointer in arguments + environment { free(pointer) }
        }
        var pid: pid_t = 0
        var watchError: Int32 = -1
        let status = arguments.withUnsafeBufferPointer { argvPointer in
            environment.withUnsafeBufferPointer { envPointer in
                func start(_ directoryPointer: UnsafePointer<CChar>?) -> Int32 {
                    var request = orion_spawn_request(
                        path: argvPointer[0],
                        argv: argvPointer.baseAddress,
                        envp: envPointer.baseAddress,
                        stdout_fd: 1,
                        stderr_fd: 2,
                        directory: directoryPointer,
                        guardian_channel: channel[0]
                    )
                    return orion_spawn(&request, &pid, &watchError)
                }
                guard let directory else { return start(nil) }
                return directory.withCString { start($0) }
            }
        }
        if status == 0 { XCTAssertEqual(watchError, 0, "the message was sent") }
        return (status, pid)
    }

    /// The messages already on the channel (without waiting).
    private func messages() -> [Message] {
        var found: [Message] = []
        var pair: (Int32, Int32) = (0, 0)
        while withUnsafeMutableBytes(of: &pair, { recv(channel[1], $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) })
            == MemoryLayout<(Int32, Int32)>.size
        {
            found.append(Message(watch: pair.0, group: pair.1))
        }
        return found
    }

    private func killAndReap(_ pid: pid_t) {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    func testTheScriptsGroupIsListedBeforeTheSpawnReturns() throws {
        let (status, pid) = spawn(["/bin/sleep", "30"])
        XCTAssertEqual(status, 0)
        defer { killAndReap(pid) }
        XCTAssertEqual(messages(), [Message(watch: 1, group: pid)], "listed by the time orion_spawn returned")
        XCTAssertEqual(getpgid(pid), pid, "the script leads a group of its own")
    }

    /// The signals a worker ignores or handles itself get their default back; a signal ignored by whoever started
    /// the worker (and not one of those) stays ignored, as with Python's subprocess under Oríon.
    func testTheWorkersSignalsAreResetAndOtherInheritedIgnoresKept() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("spawn-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let ignored = [SIGALRM, SIGPIPE, SIGHUP, SIGXFSZ]
        let previous = ignored.map { signal($0, SIG_IGN) }
        let (status, pid) = spawn(["/bin/sh", "-c", "grep SigIgn /proc/$$/status > \(output)"])
        for (number, disposition) in zip(ignored, previous) { signal(number, disposition) }
        XCTAssertEqual(status, 0)
        var exit: Int32 = 0
        while waitpid(pid, &exit, 0) < 0 && errno == EINTR {}
        let line = try String(contentsOfFile: output, encoding: .utf8)
        let mask = try XCTUnwrap(
            UInt64(line.split(separator: "\t").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "", radix: 16),
            line
        )
        func isIgnored(_ number: Int32) -> Bool { mask & (1 << UInt64(number - 1)) != 0 }
        XCTAssertTrue(isIgnored(SIGALRM), "inherited ignore kept: \(line)")
        XCTAssertFalse(isIgnored(SIGPIPE), line)
        XCTAssertFalse(isIgnored(SIGHUP), line)
        XCTAssertFalse(isIgnored(SIGXFSZ), line)
    }

    func testAFailedExecIsReportedAndTakenOffTheList() {
        let (status, _) = spawn(["/nonexistent/script"])
        XCTAssertEqual(status, ENOENT)
        let found = messages()
        XCTAssertEqual(found.map(\.watch), [1, 0], "listed, then forgotten before the child was reaped: \(found)")
        XCTAssertEqual(Set(found.map(\.group)).count, 1)
        if let group = found.first?.group {
            XCTAssertEqual(kill(group, 0), -1, "the failed child is reaped")
        }
    }

    func testADirectoryThatCannotBeEnteredIsReported() {
        let (status, _) = spawn(["/bin/true"], directory: "/nonexistent/directory")
        XCTAssertEqual(status, ENOENT)
        XCTAssertEqual(messages().map(\.watch), [1, 0])
    }

    /// The worker dies by SIGKILL right after the spawn returns, before anything else runs in it: the script is on the
    /// guardian's list already, and is ended (SIGTERM) instead of running on, orphaned, for its 30 s.
    func testAWorkerKilledRightAfterASpawnTakesItsScriptWithIt() throws {
        let names = ["/bin/sleep", "30"]
        let arguments = names.map { strdup($0) } + [nil]
        let environment: [UnsafeMutablePointer<CChar>?] = [nil]
        defer {
            for pointer in arguments { free(pointer) }
        }
        let script = arguments.withUnsafeBufferPointer { argv in
            environment.withUnsafeBufferPointer { envp in
                orion_testing_spawn_and_die(argv[0], argv.baseAddress, envp.baseAddress, 500)
            }
        }
        XCTAssertGreaterThan(script, 0, "started (errno \(errno))")
        guard script > 0 else { return }
        let deadline = Date().addingTimeInterval(10)
        while Self.isRunning(script) && Date() < deadline { usleep(10_000) }
        XCTAssertFalse(Self.isRunning(script), "the script outlived its worker")
        kill(script, SIGKILL)
    }

    /// Whether `pid` is a live process (not gone, not a zombie) running `sleep`.
    private static func isRunning(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(close, offsetBy: 2)]
        return stat.contains("(sleep)") && state != "Z" && state != "X"
    }
}
