import Foundation
import OrionTesting
import XCTest

/// A database this user may not write (a colleague's, a published copy): the commands that only read work, while its
/// owner's hunt writes it too; the others fail with one line and leave it as it was. Root can write anywhere, so as
/// root (CI) the reading commands run as `nobody` through `setpriv`.
final class ReadOnlyDatabaseEndToEndTests: XCTestCase {
    private static let script = """
        #!/bin/sh
        echo "[{\\"name\\": \\"loss\\", \\"type\\": \\"objective\\", \\"value\\": $2}]" > "$ORION_RESULTS_PATH"

        """

    /// Runs `orion` as a user who may read the sandbox's database but not write it or its folder.
    private func runAsReader(_ sandbox: Sandbox, _ arguments: [String]) throws -> ProcessRunner.Output {
        let home = sandbox.directory + "/reader-home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        chmod(home, 0o777)
        chmod(sandbox.directory, 0o755)
        let environment = ["PATH": "/usr/bin:/bin", "HOME": home, "TMPDIR": home]
        let storage = ["--storage", "sqlite://" + sandbox.database]
        guard geteuid() == 0 else {
            chmod(sandbox.database, 0o444)
            chmod(sandbox.directory, 0o555)
            defer { chmod(sandbox.directory, 0o755) }
            return try ProcessRunner.run(
                [sandbox.orion] + arguments + storage,
                environment: environment,
                currentDirectory: home,
                timeout: 60
            )
        }
        let setpriv = "/usr/bin/setpriv"
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: setpriv), "setpriv (util-linux) is needed as root")
        chmod(sandbox.database, 0o644)
        return try ProcessRunner.run(
            [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", sandbox.orion] + arguments + storage,
            environment: environment,
            currentDirectory: home,
            timeout: 60
        )
    }

    func testReadingCommandsWorkOnADatabaseThisUserMayNotWrite() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script("report.sh", Self.script)
        try sandbox.succeed(["hunt", "-n", "shared", "--exp-max-trials", "3", script, "-x~uniform(0, 1)"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.database + "-wal"), "no process holds it")
        let before = try Data(contentsOf: URL(fileURLWithPath: sandbox.database))

        let listed = try runAsReader(sandbox, ["list"])
        XCTAssertEqual(listed.status, 0, listed.stderr)
        XCTAssertEqual(listed.stdout, " shared-v1\n")
        let status = try runAsReader(sandbox, ["status", "-n", "shared"])
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertEqual(Self.count(of: "completed", in: status.stdout), 3, status.stdout)
        let info = try runAsReader(sandbox, ["info", "-n", "shared"])
        XCTAssertEqual(info.status, 0, info.stderr)

        let hunt = try runAsReader(sandbox, ["hunt", "-n", "shared", "--exp-max-trials", "5"])
        XCTAssertNotEqual(hunt.status, 0)
        XCTAssertTrue(hunt.stderr.contains("the database is read-only for this user"), hunt.stderr)
        XCTAssertEqual(hunt.stderr.split(separator: "\n").count, 1, hunt.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: sandbox.database)), before, "left as it was")
    }

    /// A colleague follows a hunt that its owner is running: read through the owner's write-ahead log.
    func testReadingWhileTheOwnersHuntWrites() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script(
            "report.sh",
            Self.script.replacingOccurrences(of: "echo", with: "sleep 0.1\necho")
        )
        let hunt = try sandbox.start(
            ["hunt", "-n", "live", "--exp-max-trials", "40", script, "-x~uniform(0, 1)"],
            name: "owner"
        )
        defer { if hunt.isRunning { hunt.terminate() } }
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: sandbox.database + "-wal"), Date() < deadline, hunt.isRunning {
            Thread.sleep(forTimeInterval: 0.05)
        }
        var seen: [Int] = []
        for _ in 0..<3 where hunt.isRunning {
            let status = try runAsReader(sandbox, ["status", "-n", "live", "-a"])
            XCTAssertEqual(status.status, 0, status.stderr)
            seen.append(status.stdout.components(separatedBy: " completed ").count - 1)
        }
        XCTAssertFalse(seen.isEmpty, "the owner's hunt ran long enough to be read")
        XCTAssertEqual(sandbox.wait(hunt, name: "owner").status, 0)
        let final = try runAsReader(sandbox, ["status", "-n", "live"])
        XCTAssertEqual(Self.count(of: "completed", in: final.stdout), 40, final.stdout)
    }

    /// The quantity of a status in `orion status`'s table.
    private static func count(of status: String, in table: String) -> Int? {
        for line in table.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.first.map(String.init) == status, fields.count > 1 { return Int(fields[1]) }
        }
        return nil
    }
}
