import Foundation
import OrionTesting
import XCTest

/// Issue 13, part 5: `orion status -e` and `-C` with the built `orion` on a version tree e-v1 → e-v2.
final class StatusVersionsEndToEndTests: XCTestCase {
    /// Reports 1 whatever the arguments.
    private static let constant = """
        #!/bin/sh
        printf '[{"name": "o", "type": "objective", "value": 1}]\\n' >"$ORION_RESULTS_PATH"
        """

    private func table(_ pad: String, completed: Int) -> String {
        """
        \(pad)status       quantity    min o
        \(pad)---------  ----------  -------
        \(pad)completed  \(String(repeating: " ", count: 10 - String(completed).count))\(completed)        1
        """
    }

    func testExpandIndentsChildVersionsAndCollapseCountsTheWholeTreeUnderTheLatestVersion() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script("c.sh", Self.constant)
        let first = try sandbox.run(["hunt", "-n", "e", "--exp-max-trials", "3", script, "-x~uniform(0, 1)"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let second = try sandbox.run([
            // Three inherited trials and two of its own (inherited trials count toward max trials, as in Oríon).
            "hunt", "-n", "e", "--enable-evc", "--exp-max-trials", "5", script, "-x~uniform(0, 1)",
            "-y~+uniform(0, 1, default_value=0.5)",
        ])
        XCTAssertEqual(second.status, 0, second.stderr)

        let expanded = try sandbox.run(["status", "-n", "e", "-e"])
        XCTAssertEqual(expanded.status, 0, expanded.stderr)
        XCTAssertEqual(
            expanded.stdout,
            "e-v1\n====\n" + table("", completed: 3) + "\n\n\n  e-v2\n  ====\n" + table("  ", completed: 2)
                + "\n\n\n"
        )

        // Titled by the latest version, as Oríon's (which loads the latest version of the root's name).
        let collapsed = try sandbox.run(["status", "-C"])
        XCTAssertEqual(collapsed.status, 0, collapsed.stderr)
        XCTAssertEqual(collapsed.stdout, "e-v2\n====\n" + table("", completed: 5) + "\n\n\n")

        // Without -e or -C, a tree whose versions share the root's name is collapsed, as in Oríon.
        for arguments in [["status"], ["status", "-n", "e"]] {
            let plain = try sandbox.run(arguments)
            XCTAssertEqual(plain.status, 0, plain.stderr)
            XCTAssertEqual(plain.stdout, collapsed.stdout, "\(arguments)")
        }

        // -C wins over -e, as in Oríon.
        let both = try sandbox.run(["status", "-C", "-e"])
        XCTAssertEqual(both.stdout, collapsed.stdout)

        // With a name, a version starts the tree there (Oríon accepts the pair; refusing it broke its commands).
        let fromFirst = try sandbox.run(["status", "-n", "e", "--version", "1", "-e"])
        XCTAssertEqual(fromFirst.status, 0, fromFirst.stderr)
        XCTAssertEqual(fromFirst.stdout, expanded.stdout)
        let fromSecond = try sandbox.run(["status", "-n", "e", "--version", "2", "-e"])
        XCTAssertEqual(fromSecond.stdout, "e-v2\n====\n" + table("", completed: 2) + "\n\n\n")
        let collapsedFromSecond = try sandbox.run(["status", "-n", "e", "-v", "2", "-C"])
        XCTAssertEqual(collapsedFromSecond.stdout, collapsed.stdout, "e-v2 sees e-v1's trials through its adapter")
        // -C with an older version: that version's block, with the trials it sees (e-v2's sampled y is not the
        // default, so none comes back through the adapter), not the latest version's.
        let collapsedFromFirst = try sandbox.run(["status", "-n", "e", "-v", "1", "-C"])
        XCTAssertEqual(collapsedFromFirst.stdout, "e-v1\n====\n" + table("", completed: 3) + "\n\n\n")
        let unnamed = try sandbox.run(["status", "--version", "1", "-e"])
        XCTAssertEqual(unnamed.status, 2)
        XCTAssertTrue(unnamed.stderr.contains("need the experiment's name"), unnamed.stderr)

        // A version with another name (-b) in the tree: the tree is expanded, as in Oríon; an experiment without
        // versions keeps its own block.
        let branch = try sandbox.run([
            "hunt", "-n", "e", "--enable-evc", "-b", "f", "--exp-max-trials", "6", script, "-x~uniform(0, 2)",
            "-y~uniform(0, 1, default_value=0.5)",
        ])
        XCTAssertEqual(branch.status, 0, branch.stderr)
        let alone = try sandbox.run(["hunt", "-n", "g", "--exp-max-trials", "1", script, "-x~uniform(0, 1)"])
        XCTAssertEqual(alone.status, 0, alone.stderr)
        let plain = try sandbox.run(["status"])
        XCTAssertEqual(
            plain.stdout,
            "e-v1\n====\n" + table("", completed: 3) + "\n\n\n  e-v2\n  ====\n" + table("  ", completed: 2)
                + "\n\n\n    f-v1\n    ====\n" + table("    ", completed: 1) + "\n\n\ng-v1\n====\n"
                + table("", completed: 1) + "\n\n\n"
        )
        // --version starts the tree at that version, expanded since it has a child of another name (as Oríon).
        let one = try sandbox.run(["status", "-n", "e", "--version", "2"])
        XCTAssertEqual(
            one.stdout,
            "e-v2\n====\n" + table("", completed: 2) + "\n\n\n  f-v1\n  ====\n" + table("  ", completed: 1) + "\n\n\n"
        )
    }
}
