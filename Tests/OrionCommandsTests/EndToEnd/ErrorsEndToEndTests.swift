import Foundation
import OrionCore
import OrionTesting
import XCTest

/// How the built `orion` reports errors: `Error: <message>` on one line, the cause chain with `--verbose`, and
/// the exit code each error's `OrionError` conformance gives (2 for usage, 1 for a failed run).
final class ErrorsEndToEndTests: XCTestCase {
    func testChangedSpaceIsAUsageError() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("noop.sh")
        let first = try sandbox.run(["hunt", "-n", "shape", "--exp-max-trials", "1", script, "-x~uniform(0, 1)"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let changed = try sandbox.run(["hunt", "-n", "shape", "--exp-max-trials", "1", script, "-x~uniform(0, 2)"])
        XCTAssertEqual(changed.status, 2, changed.stderr)
        XCTAssertEqual(changed.stderr.split(separator: "\n").count, 1, changed.stderr)
        XCTAssertTrue(
            changed.stderr.hasPrefix("Error: experiment 'shape' v1 was created with a different space"),
            changed.stderr
        )
    }

    func testUnknownStorageSchemeIsAUsageError() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let output = try sandbox.run(["list", "--storage", "mysql://host/db"])
        XCTAssertEqual(output.status, 2, output.stderr)
        XCTAssertEqual(
            output.stderr,
            "Error: unknown storage scheme 'mysql' in 'mysql://host/db': use sqlite:///path/orion.db,"
                + " postgresql://user@host:port/db or memory: (swift-orion keeps experiments in SQLite or PostgreSQL)\n"
        )
    }

    func testVerbosePrintsTheCauseChain() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let junk = sandbox.directory + "/junk.db"
        try String(repeating: "not a database\n", count: 100).write(toFile: junk, atomically: true, encoding: .utf8)

        let plain = try sandbox.run(["list", "--storage", junk])
        XCTAssertEqual(plain.status, 1, plain.stderr)
        let plainLines = plain.stderr.split(separator: "\n")
        XCTAssertEqual(plainLines.count, 1, plain.stderr)
        XCTAssertTrue(plain.stderr.hasPrefix("Error: "), plain.stderr)
        XCTAssertTrue(plain.stderr.contains("not a swift-orion database"), plain.stderr)

        let verbose = try sandbox.run(["list", "--verbose", "--storage", junk])
        XCTAssertEqual(verbose.status, 1, verbose.stderr)
        let lines = verbose.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, verbose.stderr)
        XCTAssertEqual(lines.first, plainLines.first)
        XCTAssertTrue(lines.last?.hasPrefix("cause: ") ?? false, verbose.stderr)
        XCTAssertTrue(lines.last?.contains("file is not a database") ?? false, verbose.stderr)
    }
}
