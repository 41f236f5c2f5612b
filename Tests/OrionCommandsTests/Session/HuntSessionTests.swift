import Foundation
import XCTest

@testable import OrionCommands

/// The checks `orion hunt` makes before it creates an experiment.
final class HuntSessionTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("orion-session-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        chmod(directory + "/locked", 0o755)
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func message(_ workingDir: String?, environment: [String: String] = [:]) -> String? {
        do {
            try HuntSession.checkWorkingDirectory(workingDir, environment: environment)
            return nil
        } catch {
            return "\(error)"
        }
    }

    func testUsableWorkingDirectories() {
        XCTAssertNil(message(directory))
        XCTAssertNil(message(directory + "/not/yet/created"))
        XCTAssertNil(message(nil, environment: ["TMPDIR": directory]))
    }

    /// Issue 9, item 13: a working directory that is a file gave raw Foundation errors after creating the experiment.
    func testWorkingDirectoryThatIsAFile() throws {
        let file = directory + "/file"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(
            message(file),
            "the working directory \(file) is a file, not a directory; give a writable directory with --working-dir,"
                + " experiment.working_dir or ORION_WORKING_DIR"
        )
        XCTAssertEqual(
            message(file + "/sub/dir"),
            "the working directory \(file)/sub/dir cannot be created: \(file) is a file; give a writable directory"
                + " with --working-dir, experiment.working_dir or ORION_WORKING_DIR"
        )
        XCTAssertEqual(
            message(nil, environment: ["TMPDIR": file]),
            "the default working directory's parent ($TMPDIR) \(file) is a file, not a directory; give a writable"
                + " directory with --working-dir, experiment.working_dir or ORION_WORKING_DIR"
        )
    }

    /// Issue 9, item 13: an unwritable working directory (root can write anywhere: skipped as root).
    func testUnwritableWorkingDirectory() throws {
        guard geteuid() != 0 else { throw XCTSkip("root can write to any directory") }
        let locked = directory + "/locked"
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
        chmod(locked, 0o555)
        XCTAssertEqual(
            message(locked),
            "the working directory \(locked) is not writable by this user; give a writable directory with"
                + " --working-dir, experiment.working_dir or ORION_WORKING_DIR"
        )
        XCTAssertEqual(
            message(locked + "/runs"),
            "the working directory \(locked)/runs cannot be created: \(locked) is not writable by this user; give a"
                + " writable directory with --working-dir, experiment.working_dir or ORION_WORKING_DIR"
        )
    }
}
