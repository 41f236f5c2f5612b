import Foundation
import OrionCore
import OrionTesting
import XCTest

/// `orion status` of version trees as Oríon 0.2.7 counts them (`shared/reference/orion-0.2.7.md` §1.7, §8.3), found
/// different by the second compatibility pass of 2026-12-03.
extension OrionCompatibilityEndToEndTests {
    /// `orion status -C` (and the default layout of a tree whose versions share a name) counts the trials the latest
    /// version sees through the adapters: its own, its ancestors' carried over (a prior change keeps those inside the
    /// new prior; a point the version has already is counted once) and its children's carried back (an added
    /// dimension keeps those at its default). Checked against Oríon 0.2.7: 2, then 3.
    func testCollapsedStatusCountsTheTrialsTheLatestVersionSees() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("noop.sh")
        func run(_ arguments: [String]) throws {
            let result = try sandbox.run(arguments)
            XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)")
        }
        try run(["hunt", "--init-only", "-n", "col", script, "-x~uniform(0, 10)"])
        for x in ["1", "6", "8"] { try run(["insert", "-n", "col", script, "-x=" + x]) }
        try run(["hunt", "--init-only", "--enable-evc", "-n", "col", script, "-x~uniform(0, 5)"])
        for x in ["2", "1"] { try run(["insert", "-n", "col", script, "-x=" + x]) }
        for flags in [["-C"], []] {
            let status = try sandbox.run(["status"] + flags)
            XCTAssertEqual(status.status, 0, status.stderr)
            XCTAssertEqual(
                status.stdout,
                "col-v2\n======\nstatus      quantity\n--------  ----------\nnew                2\n\n\n",
                "\(flags)"
            )
        }
        let listed = try sandbox.run(["status", "-C", "-a"])
        XCTAssertEqual(listed.stdout.components(separatedBy: "  new").count - 1, 2, listed.stdout)

        try run([
            "hunt", "--init-only", "--enable-evc", "-n", "col", "-b", "leaf", script, "-x~uniform(0, 5)",
            "--y~+uniform(0, 1, default_value=0.5)",
        ])
        for values in [["-x=3", "--y=0.5"], ["-x=4", "--y=0.2"], ["-x=2", "--y=0.5"]] {
            try run(["insert", "-n", "leaf", script] + values)
        }
        let collapsed = try sandbox.run(["status", "-C"])
        XCTAssertEqual(
            collapsed.stdout,
            "col-v2\n======\nstatus      quantity\n--------  ----------\nnew                3\n\n\n"
        )
        // Expanded, each version counts its own trials, as in Oríon.
        let expanded = try sandbox.run(["status"])
        XCTAssertEqual(
            expanded.stdout.components(separatedBy: "\n").filter { $0.hasSuffix("new                3") }.count,
            2,
            expanded.stdout
        )
    }
}
