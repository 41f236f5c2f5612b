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

    func testExpandIndentsChildVersionsAndCollapseCountsTheWholeTreeUnderTheRoot() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script("c.sh", Self.constant)
        let first = try sandbox.run(["hunt", "-n", "e", "--exp-max-trials", "3", script, "-x~uniform(0, 1)"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let second = try sandbox.run([
            "hunt", "-n", "e", "--enable-evc", "--exp-max-trials", "2", script, "-x~uniform(0, 1)",
            "-y~+uniform(0, 1, default_value=0.5)",
        ])
        XCTAssertEqual(second.status, 0, second.stderr)

        let expanded = try sandbox.run(["status", "-n", "e", "-e"])
        XCTAssertEqual(expanded.status, 0, expanded.stderr)
        XCTAssertEqual(
            expanded.stdout,
            "e-v1\n====\n" + table("", completed: 3) + "\n\n\n\n  e-v2\n  ====\n" + table("  ", completed: 2)
                + "\n\n\n"
        )

        let collapsed = try sandbox.run(["status", "-C"])
        XCTAssertEqual(collapsed.status, 0, collapsed.stderr)
        XCTAssertEqual(collapsed.stdout, "e-v1\n====\n" + table("", completed: 5) + "\n\n\n")

        // -C wins over -e, as in Oríon.
        let both = try sandbox.run(["status", "-C", "-e"])
        XCTAssertEqual(both.stdout, collapsed.stdout)

        let refused = try sandbox.run(["status", "-n", "e", "--version", "1", "-e"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("leave out --version"), refused.stderr)
    }
}
