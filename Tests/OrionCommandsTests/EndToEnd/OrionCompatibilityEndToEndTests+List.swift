import Foundation
import OrionCore
import OrionTesting
import XCTest

/// `orion list` as Oríon 0.2.7 prints it (`shared/reference/orion-0.2.7.md` §1.6), found different by the second
/// compatibility pass of 2026-12-03.
extension OrionCompatibilityEndToEndTests {
    /// `orion list -n NAME -v N` draws the tree rooted at version N of NAME (Oríon queries that version); a version
    /// that does not exist is `No experiment found`, as there.
    func testListWithAVersionStartsTheTreeThere() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("noop.sh")
        for prior in ["-x~uniform(0, 1)", "-x~uniform(0, 2)", "-x~uniform(0, 3)"] {
            try sandbox.succeed(["hunt", "--init-only", "--enable-evc", "-n", "lv", script, prior])
        }
        let all = try sandbox.run(["list", "-n", "lv"])
        XCTAssertEqual(all.stdout, " lv-v1┐\n      └lv-v2┐\n            └lv-v3\n")
        let second = try sandbox.run(["list", "-n", "lv", "-v", "2"])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(second.stdout, " lv-v2┐\n      └lv-v3\n")
        let missing = try sandbox.run(["list", "-n", "lv", "-v", "9"])
        XCTAssertEqual(missing.status, 0, missing.stderr)
        XCTAssertEqual(missing.stdout, "No experiment found\n")
    }
}

extension OrionCompatibilityEndToEndTests {
    /// A version with several children is drawn as Oríon's `orion list` draws it (its pptree layout): the children
    /// split above and below the version, balanced by size, joined by `┤` (checked against Oríon 0.2.7).
    func testListDrawsSeveralChildrenAsOrion() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("noop.sh")
        for arguments in [
            ["-n", "base", script, "-x~uniform(0, 1)"],
            ["-n", "base", script, "-x~uniform(0, 2)"],
            ["-n", "fresh", "--branch-from", "base", script, "-x~uniform(0, 1)"],
            ["-n", "fresh2", "--branch-from", "base", script, "-x~uniform(0, 2)"],
        ] {
            let hunt = try sandbox.run(["hunt", "--init-only", "--enable-evc"] + arguments)
            XCTAssertEqual(hunt.status, 0, hunt.stderr)
        }
        let list = try sandbox.run(["list"])
        XCTAssertEqual(
            list.stdout,
            """
             base-v1┐
                    │       ┌fresh-v1
                    └base-v2┤
                            └fresh2-v1

            """
        )
        try sandbox.succeed(["hunt", "--init-only", "--enable-evc", "-n", "fresh", script, "-x~uniform(0, 3)"])
        let deeper = try sandbox.run(["list"])
        XCTAssertEqual(
            deeper.stdout,
            """
             base-v1┐
                    │       ┌fresh2-v1
                    └base-v2┤
                            └fresh-v1┐
                                     └fresh-v2

            """
        )
    }
}

extension OrionCompatibilityEndToEndTests {
    /// Roots and children are listed in the order they were created, as Oríon 0.2.7 lists them (in its database's
    /// order), not by name: the expected text is what Oríon printed for the same commands.
    func testListKeepsTheOrderOfCreation() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("noop.sh")
        for arguments in [
            ["-n", "zeta", script, "-x~uniform(0,1)"],
            ["-n", "alpha", script, "-x~uniform(0,1)"],
            ["-n", "zz", "--branch-from", "zeta", script, "-x~uniform(0,2)"],
            ["-n", "aa", "--branch-from", "zeta", script, "-x~uniform(0,3)"],
            ["-n", "mm", "--branch-from", "zeta", script, "-x~uniform(0,4)"],
        ] {
            try sandbox.succeed(["hunt", "--init-only", "--enable-evc"] + arguments)
        }
        XCTAssertEqual(
            try sandbox.run(["list"]).stdout,
            """
                    ┌zz-v1
             zeta-v1┤
                    ├mm-v1
                    └aa-v1
             alpha-v1

            """
        )
    }
}

extension OrionCompatibilityEndToEndTests {
    /// Someone who moved from Oríon and runs `orion list` on the default storage sees their experiments missing:
    /// when Oríon's default PickledDB exists, a note says where they are and how to import them.
    func testListNotesOrionsDatabaseWhenTheDefaultOneIsEmpty() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let home = sandbox.directory + "/home"
        let pickled = home + "/.local/share/orion.core/orion/orion_db.pkl"
        try FileManager.default.createDirectory(
            atPath: (pickled as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        try Data([0x80, 0x04, 0x2E]).write(to: URL(fileURLWithPath: pickled))
        var environment = sandbox.environment
        environment.removeValue(forKey: "ORION_DB_ADDRESS")
        environment.removeValue(forKey: "XDG_DATA_HOME")
        environment["HOME"] = home
        let listed = try ProcessRunner.run(
            [sandbox.orion, "list"],
            environment: environment,
            currentDirectory: sandbox.directory
        )
        XCTAssertEqual(listed.status, 0, listed.stderr)
        XCTAssertEqual(listed.stdout, "No experiment found\n")
        XCTAssertTrue(listed.stderr.hasPrefix("note: Oríon's database \(pickled) exists"), listed.stderr)
        // Naming a storage says nothing.
        let named = try ProcessRunner.run(
            [sandbox.orion, "list", "--storage", "memory:"],
            environment: environment,
            currentDirectory: sandbox.directory
        )
        XCTAssertEqual(named.status, 0, named.stderr)
        XCTAssertEqual(named.stderr, "")
    }
}
