import Foundation
import XCTest

@testable import OrionCommands

final class BenchmarkOutputTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.path + "/orion-bench-out-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: directory + "/afile", contents: Data())
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// `table --out` (and `mf-table --out`) creates missing parents, as `run --out` does, and a directory, a parent
    /// that is a file or an empty path is one line naming it (it was Foundation's `Error Domain=NSCocoaErrorDomain
    /// Code=512 ...`).
    func testTableOutputCreatesParentsAndNamesWhatIsWrong() throws {
        let nested = directory + "/nodir/x/summary.md"
        try BenchmarkPlan.writeTable("| a |\n", to: nested)
        XCTAssertEqual(try String(contentsOfFile: nested, encoding: .utf8), "| a |\n")
        assertUsageError(
            try BenchmarkPlan.writeTable("", to: directory),
            "--out \(directory) is a directory: give a file for the table (\(directory)/summary.md)"
        )
        assertUsageError(
            try BenchmarkPlan.writeTable("", to: directory + "/afile/x/summary.md"),
            "--out \(directory)/afile/x/summary.md cannot be created: \(directory)/afile is a file, not a directory"
        )
        assertUsageError(try BenchmarkPlan.writeTable("", to: ""), "--out is empty: give a file for the table")
    }

    /// Relative paths of one component work (`--out x` trapped in Foundation's `deletingLastPathComponent`).
    func testRelativePaths() throws {
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(directory))
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        try BenchmarkPlan.checkOutputDirectory("x")
        try BenchmarkPlan.writeTable("t", to: "summary.md")
        try BenchmarkPlan.writeTable("t", to: "y/summary.md")
        XCTAssertEqual(try String(contentsOfFile: directory + "/y/summary.md", encoding: .utf8), "t")
        assertUsageError(
            try BenchmarkPlan.checkOutputDirectory("afile/sub/"),
            "--out afile/sub/ cannot be created: afile is a file, not a directory"
        )
        XCTAssertEqual(
            ["x", "a/b", "a/b/", "/a", "/", "a//b"].map { BenchmarkPlan.parent(of: $0) },
            [nil, "a", "a", "/", nil, "a/"]
        )
    }

    /// `run --out afile/sub` and `--out ""` are one line each, before anything runs.
    func testResultDirectoryUnderAFileOrEmptyIsOneLine() throws {
        assertUsageError(
            try BenchmarkPlan.checkOutputDirectory(directory + "/afile/sub"),
            "--out \(directory)/afile/sub cannot be created: \(directory)/afile is a file, not a directory"
        )
        assertUsageError(
            try BenchmarkPlan.checkOutputDirectory(""),
            "--out is empty: give a directory for the result files"
        )
        try BenchmarkPlan.checkOutputDirectory(directory + "/new/results")
        var isDirectory: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/new/results", isDirectory: &isDirectory))
        XCTAssertTrue(isDirectory.boolValue)
    }
}
