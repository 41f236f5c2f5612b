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

    /// A script that reports two objectives runs unchanged, as under Oríon 0.2.7 (which warns and optimizes the
    /// first; probe p43b): the trials complete with both results kept, the first is the evaluation, the warning is
    /// said once, and a dump loads into another database.
    func testTwoObjectivesCompleteWithTheFirstOptimized() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script(
            "two.sh",
            """
            #!/bin/sh
            echo "[{\\"name\\": \\"loss\\", \\"type\\": \\"objective\\", \\"value\\": $2},\\
             {\\"name\\": \\"loss2\\", \\"type\\": \\"objective\\", \\"value\\": 7}]" > "$ORION_RESULTS_PATH"

            """
        )
        let hunt = try sandbox.run(["hunt", "-n", "two", "--exp-max-trials", "3", script, "-x~uniform(0, 1)"])
        XCTAssertEqual(hunt.status, 0, hunt.stderr)
        let warning = "Warning: the script reports 2 objectives ('loss', 'loss2');"
        XCTAssertEqual(hunt.stderr.components(separatedBy: warning).count - 1, 1, hunt.stderr)
        let trials = try await sandbox.trials(of: "two")
        XCTAssertEqual(trials.map(\.status), [.completed, .completed, .completed])
        for trial in trials {
            XCTAssertEqual(trial.results.map(\.name), ["loss", "loss2"])
            XCTAssertEqual(trial.objective, trial.values["/x"]?.doubleValue)
        }
        try sandbox.succeed(["db", "dump", "-o", "two.json"])
        let copy = sandbox.directory + "/copy.db"
        try sandbox.succeed(["db", "load", "two.json", "--storage", "sqlite://" + copy])
        let info = try sandbox.run(["info", "-n", "two", "--storage", "sqlite://" + copy])
        XCTAssertEqual(info.status, 0, info.stderr)
        let best = try XCTUnwrap(trials.compactMap(\.objective).min())
        XCTAssertTrue(info.stdout.contains("  evaluation: \(best)\n"), info.stdout)
    }
}
