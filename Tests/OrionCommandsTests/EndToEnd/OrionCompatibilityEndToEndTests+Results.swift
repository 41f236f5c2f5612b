import Foundation
import OrionCore
import OrionTesting
import XCTest

/// Results as Oríon 0.2.7 keeps and shows them (`shared/reference/orion-0.2.7.md` §1.3, §1.8, §4.2), found
/// different by the third compatibility pass of 2026-12-03.
extension OrionCompatibilityEndToEndTests {
    /// An objective the script wrote as the integer `2` is `evaluation: 2` in `orion hunt` and `orion info`, as
    /// Oríon prints the Python int (checked against Oríon 0.2.7); `2.0` stays `2.0`. The kind survives the
    /// database and a dump loaded into another database.
    func testAnIntegerObjectivePrintsAsAnInteger() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        for (name, value) in [("int", "2"), ("float", "2.0")] {
            let script = try sandbox.script(
                "\(name).sh",
                """
                #!/bin/sh
                echo '[{"name": "objective", "type": "objective", "value": \(value)}]' > "$ORION_RESULTS_PATH"

                """
            )
            let hunt = try sandbox.run(["hunt", "-n", name, "--exp-max-trials", "1", script, "-x~uniform(0, 1)"])
            XCTAssertEqual(hunt.status, 0, hunt.stderr)
            XCTAssertTrue(hunt.stdout.contains("  evaluation: \(value)\n"), hunt.stdout)
            let info = try sandbox.run(["info", "-n", name])
            XCTAssertEqual(info.status, 0, info.stderr)
            XCTAssertTrue(info.stdout.contains("  evaluation: \(value)\n"), info.stdout)
        }
        let trials = try await sandbox.trials(of: "int")
        XCTAssertEqual(trials.first?.objectiveValue, .int(2))
        XCTAssertEqual(trials.first?.objective, 2.0)

        try sandbox.succeed(["db", "dump", "-o", "all.json"])
        let copy = sandbox.directory + "/copy.db"
        try sandbox.succeed(["db", "load", "all.json", "--storage", "sqlite://" + copy])
        for (name, value) in [("int", "2"), ("float", "2.0")] {
            let info = try sandbox.run(["info", "-n", name, "--storage", "sqlite://" + copy])
            XCTAssertEqual(info.status, 0, info.stderr)
            XCTAssertTrue(info.stdout.contains("  evaluation: \(value)\n"), info.stdout)
        }
    }
}
