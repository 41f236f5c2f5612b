import Foundation
import XCTest

@testable import OrionWorker

final class TrialDirectoryTests: XCTestCase {
    private var root = ""

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "trial-directory-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    private func write(_ text: String, _ path: String) throws {
        let full = root + "/" + path
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        try text.write(toFile: full, atomically: true, encoding: .utf8)
    }

    private func read(_ path: String) -> String? { try? String(contentsOfFile: root + "/" + path, encoding: .utf8) }

    func testAChildStartsInACopyOfItsParentsDirectoryWithoutTheWorkersFiles() throws {
        try write("weights", "parent/model.ckpt")
        try write("nested", "parent/logs/run/events")
        try write("out", "parent/orion.stdout.log")
        try write("err", "parent/orion.stderr.log")
        try write("own log", "parent/stdout.log")  // the script's own
        try write("[]", "parent/.orion-results.json")
        try write("[]", "parent/.orion-unsaved-results.json")
        try write("{\"acc\": 0.9}", "parent/results.json")
        try TrialDirectory.prepare(root + "/child", parentDirectory: root + "/parent")
        XCTAssertEqual(read("child/model.ckpt"), "weights")
        XCTAssertEqual(read("child/stdout.log"), "own log", "the script's own log is copied")
        XCTAssertEqual(read("child/results.json"), "{\"acc\": 0.9}", "the script's own file, not the worker's")
        XCTAssertEqual(read("child/logs/run/events"), "nested")
        for name in TrialDirectory.workerFiles {
            XCTAssertNil(read("child/" + name), name)
            XCTAssertNotNil(read("parent/" + name), "the parent keeps its \(name)")
        }
        try write("changed", "child/model.ckpt")
        XCTAssertEqual(read("parent/model.ckpt"), "weights", "a copy, not a link: the parent's checkpoint is kept")
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/child.copying"))
    }

    /// Symbolic links are copied as links and directories keep their permission bits; a FIFO is left out: opening it
    /// to copy it blocked the hunt for ever (hBK's probe). A writer opens it after 3 s, so that a copy that opens it
    /// again ends, and fails the test, instead of hanging.
    func testAChildsCopyKeepsLinksAndModesAndLeavesOutAFIFO() throws {
        try write("weights", "parent/model.ckpt")
        try FileManager.default.createSymbolicLink(atPath: root + "/parent/latest", withDestinationPath: "model.ckpt")
        try FileManager.default.createDirectory(atPath: root + "/parent/private", withIntermediateDirectories: true)
        chmod(root + "/parent/private", 0o750)
        XCTAssertEqual(mkfifo(root + "/parent/pipe", 0o600), 0)
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "sleep 3; echo late > '\(root)/parent/pipe'"]
        try writer.run()
        defer {
            writer.terminate()
            writer.waitUntilExit()
        }
        try TrialDirectory.prepare(root + "/child", parentDirectory: root + "/parent")
        XCTAssertEqual(read("child/model.ckpt"), "weights")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: root + "/child/latest"), "model.ckpt")
        let mode = try FileManager.default.attributesOfItem(atPath: root + "/child/private")[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o750)
        var info = stat()
        XCTAssertNotEqual(lstat(root + "/child/pipe", &info), 0, "the FIFO is left out")
        XCTAssertTrue(writer.isRunning, "the copy did not wait for the FIFO's writer")
    }

    func testAnExistingDirectoryIsKeptAsItIs() throws {
        try write("parent's", "parent/model.ckpt")
        try write("resumed", "child/model.ckpt")
        try TrialDirectory.prepare(root + "/child", parentDirectory: root + "/parent")
        XCTAssertEqual(read("child/model.ckpt"), "resumed", "a resumed trial keeps its own files")
    }

    func testWithoutAParentDirectoryTheDirectoryIsEmpty() throws {
        XCTAssertEqual(try TrialDirectory.prepare(root + "/orphan", parentDirectory: root + "/gone"), .parentMissing)
        XCTAssertEqual(try TrialDirectory.prepare(root + "/first", parentDirectory: nil), .empty)
        XCTAssertEqual(try TrialDirectory.prepare(root + "/first", parentDirectory: root + "/gone"), .kept)
        for name in ["orphan", "first"] {
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root + "/" + name), [], name)
        }
    }

    /// A worker killed during the copy leaves its staging directory; the trial's next run replaces it with a whole
    /// copy.
    func testAHalfCopyFromAKilledWorkerIsReplaced() throws {
        try write("weights", "parent/model.ckpt")
        try write("half", "child.copying/partial")
        try TrialDirectory.prepare(root + "/child", parentDirectory: root + "/parent")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root + "/child"), ["model.ckpt"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/child.copying"))
    }

    /// A parent run before 2026-12-05 has the worker's logs under their earlier names: they are left out too.
    func testTheLogsOfAParentRunBeforeTheRenameAreLeftOut() throws {
        try write("weights", "parent/model.ckpt")
        try write("out", "parent/stdout.log")
        try write("err", "parent/stderr.log")
        try TrialDirectory.prepare(root + "/child", parentDirectory: root + "/parent")
        XCTAssertEqual(read("child/model.ckpt"), "weights")
        XCTAssertNil(read("child/stdout.log"))
        XCTAssertNil(read("child/stderr.log"))
    }
}
