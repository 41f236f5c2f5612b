import Foundation
import OrionCore
import OrionTesting
import OrionWorker
import XCTest

/// Issue 13, part 2: the code version experiment version control compares, read from a real git repository.
final class CodeVersionGitTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("orion-git-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func git(_ arguments: [String]) throws {
        let output = try ProcessRunner.run(
            ["/usr/bin/env", "git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", directory] + arguments,
            environment: ProcessInfo.processInfo.environment,
            currentDirectory: directory
        )
        guard output.status == 0 else { throw XCTSkip("git is not usable here: \(output.stderr)") }
    }

    func testCommitBranchAndUncommittedChanges() throws {
        XCTAssertNil(CodeVersion.git(at: directory), "not a repository")
        try git(["init", "-q", "-b", "main"])
        try "a\n".write(toFile: directory + "/t.py", atomically: true, encoding: .utf8)
        try git(["add", "t.py"])
        try git(["commit", "-q", "-m", "one"])
        let clean = try XCTUnwrap(CodeVersion.git(at: directory))
        XCTAssertEqual(clean.type, "git")
        XCTAssertEqual(clean.activeBranch, "main")
        XCTAssertEqual(clean.headSHA.count, 40)
        XCTAssertFalse(clean.isDirty)
        XCTAssertNil(clean.diffSHA)
        try "b\n".write(toFile: directory + "/t.py", atomically: true, encoding: .utf8)
        let dirty = try XCTUnwrap(CodeVersion.git(at: directory))
        XCTAssertTrue(dirty.isDirty)
        XCTAssertEqual(dirty.headSHA, clean.headSHA)
        XCTAssertNotNil(dirty.diffSHA)
        try "c\n".write(toFile: directory + "/t.py", atomically: true, encoding: .utf8)
        XCTAssertNotEqual(CodeVersion.git(at: directory)?.diffSHA, dirty.diffSHA, "another change, another digest")
    }
}
