import Foundation
import OrionCore
import OrionTesting
import OrionWorker
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
            message(nil, environment: ["TMPDIR": file, "USER": "me"]),
            "the default working directories' parent ($TMPDIR/orion-$USER) \(file)/orion-me cannot be created: \(file)"
                + " is a file; give a writable directory with --working-dir, experiment.working_dir or"
                + " ORION_WORKING_DIR"
        )
    }

    /// `TMPDIR=/proc`: writable by its permissions for root, but no directory can be made there; said before the
    /// experiment is made (it was Foundation's error, exit 1, with an empty experiment left; hBI's re-check).
    func testATMPDIRWhereNoDirectoryCanBeMadeIsSaidUpFront() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: "/proc/self"), "no /proc")
        let refused = try XCTUnwrap(message(nil, environment: ["TMPDIR": "/proc", "USER": "me"]))
        XCTAssertTrue(
            refused.hasPrefix(
                "the default working directories' parent ($TMPDIR/orion-$USER) /proc/orion-me cannot be created:"
            ),
            refused
        )
    }

    /// A directory whose permission bits say writable but that refuses a new directory (root on `/sys`, a
    /// root-squashed NFS mount): said before the experiment is made, in one line; it was Foundation's error text,
    /// exit 1, when the first trial's directory was made. Nothing is left behind by the check.
    func testAWorkingDirectoryThatCannotBeMadeIsSaidUpFront() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: "/sys/kernel"), "no /sys/kernel")
        let refused = try XCTUnwrap(message("/sys/kernel/orion-wd/trials"))
        XCTAssertTrue(refused.hasPrefix("the working directory /sys/kernel/orion-wd/trials "), refused)
        XCTAssertTrue(
            refused.hasSuffix(
                "; give a writable directory with --working-dir, experiment.working_dir or ORION_WORKING_DIR"
            )
        )
        if geteuid() == 0 {
            XCTAssertTrue(refused.contains("making /sys/kernel/orion-wd failed (Operation not permitted)"), refused)
        }
        XCTAssertNil(message(directory + "/made/later"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/made"), "the check leaves nothing")
    }

    /// Issue 9, item 13: an unwritable working directory. Root can write anywhere, so as root (CI) the built `orion`
    /// runs as `nobody` through `setpriv`, end to end.
    func testUnwritableWorkingDirectory() throws {
        guard geteuid() != 0 else { return try unwritableWorkingDirectoryAsAnotherUser() }
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

    /// `orion hunt` run as `nobody` on a working directory that only root may write: one line, exit 2, and no
    /// experiment stored.
    private func unwritableWorkingDirectoryAsAnotherUser() throws {
        let setpriv = "/usr/bin/setpriv"
        guard let built = ProcessRunner.executable("orion") else {
            return XCTFail("the orion executable is not built: run `swift build --build-tests` first")
        }
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: setpriv), "setpriv (util-linux) is needed as root")
        // Everything `nobody` needs is in one world-readable folder; the database folder is world-writable.
        chmod(directory, 0o755)
        let orion = directory + "/orion"
        try FileManager.default.copyItem(atPath: built, toPath: orion)
        let script = directory + "/noop.sh"
        try "#!/bin/sh\nexit 0\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let data = directory + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        chmod(data, 0o777)
        let locked = directory + "/locked"
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
        chmod(locked, 0o755)
        let output = try ProcessRunner.run(
            [
                setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", orion, "hunt", "-n", "locked",
                "--storage", "sqlite://" + data + "/orion.db", "--working-dir", locked + "/runs", script,
                "-x~uniform(0, 1)",
            ],
            environment: ["PATH": "/usr/bin:/bin", "HOME": data, "TMPDIR": data],
            currentDirectory: data,
            timeout: 60
        )
        XCTAssertEqual(output.status, 2, output.stderr)
        XCTAssertEqual(
            output.stderr,
            "Error: the working directory \(locked)/runs cannot be created: \(locked) is not writable by this user;"
                + " give a writable directory with --working-dir, experiment.working_dir or ORION_WORKING_DIR\n"
        )
        guard FileManager.default.fileExists(atPath: data + "/orion.db") else { return }  // nothing was created
        let listed = try ProcessRunner.run(
            [orion, "list", "--storage", "sqlite://" + data + "/orion.db"],
            currentDirectory: data,
            timeout: 60
        )
        XCTAssertEqual(listed.stdout, "No experiment found\n", "nothing was created before the check")
    }

    /// Removal and renaming markers on an experiment made without a parent are said to change nothing (they vanished
    /// in silence; hBH's probe); additions (`~+`) are priors, and no marker, no note.
    func testMarkersOnANewExperimentAreSaidToChangeNothing() {
        XCTAssertNil(HuntSession.markersNote(BranchingMarkers(additions: ["/z"]), experiment: "mk-v1"))
        XCTAssertEqual(
            HuntSession.markersNote(BranchingMarkers(renames: ["/old": "/new"]), experiment: "mk-v1"),
            "note: '--old~>new' marks a change from a stored version, and mk-v1 is new: it does nothing (not passed to"
                + " the script)"
        )
        XCTAssertEqual(
            HuntSession.markersNote(
                BranchingMarkers(removals: ["/gone": nil, "/y": "1"], renames: ["/old": "/new"]),
                experiment: "mk-v1"
            ),
            "note: '--gone~-', '-y~-', '--old~>new' mark changes from a stored version, and mk-v1 is new: they do"
                + " nothing (not passed to the script)"
        )
    }

    /// Issue 13, part 2: the `evc` settings and the markers make the branching request; disabled, none.
    func testBranchingRequestFromTheEVCSettings() throws {
        XCTAssertNil(try HuntSession.branching(OrionConfiguration.EVCSection(), markers: BranchingMarkers()))
        XCTAssertThrowsError(
            try HuntSession.branching(OrionConfiguration.EVCSection(branchTo: "x"), markers: BranchingMarkers())
        ) { error in
            XCTAssertEqual((error as? BranchingError)?.code, .disabled)
        }
        let markers = BranchingMarkers(additions: ["/z"])
        let request = try HuntSession.branching(
            OrionConfiguration.EVCSection(
                enable: true,
                manualResolution: true,
                nonMonitoredArguments: ["seed"],
                algorithmChange: true,
                codeChangeType: .unsure,
                cliChangeType: .noEffect,
                branchFrom: "parent:2",
                branchTo: "child"
            ),
            markers: markers
        )
        XCTAssertEqual(
            request,
            BranchingRequest(
                policy: BranchingPolicy(
                    markers: markers,
                    algorithmChange: true,
                    codeChangeType: .unsure,
                    commandLineChangeType: .noEffect,
                    nonMonitoredArguments: ["seed"],
                    manualResolution: true
                ),
                branchTo: "child",
                branchFrom: "parent",
                branchFromVersion: 2
            )
        )
    }
}
