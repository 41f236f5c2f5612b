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
        try sandbox.succeed(["hunt", "--init-only", "-n", "col", script, "-x~uniform(0, 10)"])
        for x in ["1", "6", "8"] { try sandbox.succeed(["insert", "-n", "col", script, "-x=" + x]) }
        try sandbox.succeed(["hunt", "--init-only", "--enable-evc", "-n", "col", script, "-x~uniform(0, 5)"])
        for x in ["2", "1"] { try sandbox.succeed(["insert", "-n", "col", script, "-x=" + x]) }
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

        try sandbox.succeed([
            "hunt", "--init-only", "--enable-evc", "-n", "col", "-b", "leaf", script, "-x~uniform(0, 5)",
            "--y~+uniform(0, 1, default_value=0.5)",
        ])
        for values in [["-x=3", "--y=0.5"], ["-x=4", "--y=0.2"], ["-x=2", "--y=0.5"]] {
            try sandbox.succeed(["insert", "-n", "leaf", script] + values)
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

extension OrionCompatibilityEndToEndTests {
    /// As Oríon 0.2.7 (checked against it): `orion status -n BRANCH` of a version branched under another name counts
    /// the trials it sees through its parents; `orion status -n NAME -v N` starts the tree at version N (expanded
    /// when it has a descendant of another name); blocks are separated by two blank lines, not three.
    func testStatusOfABranchAndOfAVersion() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("noop.sh")
        try sandbox.succeed(["hunt", "--init-only", "-n", "col", script, "-x~uniform(0, 10)"])
        for x in ["1", "6"] { try sandbox.succeed(["insert", "-n", "col", script, "-x=" + x]) }
        try sandbox.succeed(["hunt", "--init-only", "--enable-evc", "-n", "col", script, "-x~uniform(0, 5)"])
        try sandbox.succeed(["insert", "-n", "col", script, "-x=2"])
        try sandbox.succeed([
            "hunt", "--init-only", "--enable-evc", "-n", "col", "-b", "leaf", script, "-x~uniform(0, 5)",
            "--y~+uniform(0, 1, default_value=0.5)",
        ])
        try sandbox.succeed(["insert", "-n", "leaf", script, "-x=3", "--y=0.5"])
        func block(_ title: String, _ count: Int, indent: Int = 0) -> String {
            let pad = String(repeating: " ", count: indent)
            return [
                title, String(repeating: "=", count: title.count), "status      quantity", "--------  ----------",
                "new                \(count)",
            ].map { pad + $0 + "\n" }.joined() + "\n\n"
        }
        let branch = try sandbox.run(["status", "-n", "leaf"])
        XCTAssertEqual(branch.stdout, block("leaf-v1", 3))
        let expanded = block("col-v1", 2) + block("col-v2", 1, indent: 2) + block("leaf-v1", 1, indent: 4)
        let plain = try sandbox.run(["status", "-n", "col"])
        XCTAssertEqual(plain.stdout, expanded)
        let versioned = try sandbox.run(["status", "-n", "col", "-v", "1"])
        XCTAssertEqual(versioned.stdout, expanded)
        let second = try sandbox.run(["status", "-n", "col", "-v", "2"])
        XCTAssertEqual(second.stdout, block("col-v2", 1) + block("leaf-v1", 1, indent: 2))
        // Without a name, as Oríon's `print_evc`: every tree from its root's name at that version, capped at the
        // latest of that name (probe hD3's F5: only the records numbered N were listed, each with its own trials).
        try sandbox.succeed(["hunt", "--init-only", "-n", "solo", script, "-x~uniform(0, 10)"])
        try sandbox.succeed(["insert", "-n", "solo", script, "-x=4"])
        let first = try sandbox.run(["status", "-v", "1"])
        XCTAssertEqual(first.stdout, expanded + block("solo-v1", 1))
        for version in ["2", "7"] {
            let later = try sandbox.run(["status", "-v", version])
            XCTAssertEqual(later.status, 0, later.stderr)
            XCTAssertEqual(
                later.stdout,
                block("col-v2", 1) + block("leaf-v1", 1, indent: 2) + block("solo-v1", 1),
                "-v \(version)"
            )
        }
    }
}
