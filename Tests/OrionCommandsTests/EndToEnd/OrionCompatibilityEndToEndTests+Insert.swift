import Foundation
import OrionCore
import OrionTesting
import XCTest

/// `orion insert` with a values file, as Oríon 0.2.7's `insert` reads one (`shared/reference/orion-0.2.7.md` §1.5),
/// found different by the second compatibility pass of 2026-12-03.
extension OrionCompatibilityEndToEndTests {
    /// `orion insert -n NAME ./script --config=vals.yaml` (or the file as the first argument after the script) reads
    /// the values written `orion=VALUE` in the file, nested keys naming nested dimensions (`/model/lr`); values given
    /// on the command line join them.
    /// A trial inserted into an experiment that has its max trials completed waits for a higher max: said, with the
    /// command (it stayed `new` in silence, as in Oríon; hBO's probe). A hunt with a higher max runs it.
    func testAnInsertIntoADoneExperimentSaysThatNoHuntRunsIt() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("noop.sh")
        try sandbox.succeed(["hunt", "-n", "full", "--exp-max-trials", "2", script, "-x~uniform(0, 10)"])
        let insert = try sandbox.run(["insert", "-n", "full", script, "-x=2.5"])
        XCTAssertEqual(insert.status, 0, insert.stderr)
        XCTAssertEqual(
            insert.stderr,
            "note: full-v1 has its 2 max trials completed: a hunt runs this trial only with a higher --exp-max-trials"
                + " (e.g. `orion hunt -n full --exp-max-trials 3`)\n"
        )
        try sandbox.succeed(["hunt", "-n", "full", "--exp-max-trials", "3"])
        let trials = try await sandbox.trials(of: "full")
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, 3)
        XCTAssertTrue(trials.contains { $0.values["/x"]?.doubleValue == 2.5 && $0.status == .completed })
        // Into an older version, the command names it: without -v a hunt works on the latest (probe p44a).
        try sandbox.succeed([
            "hunt", "--enable-evc", "--init-only", "-n", "full", "--exp-max-trials", "3", script, "-x~uniform(0, 20)",
        ])
        let older = try sandbox.run(["insert", "-n", "full", "-v", "1", script, "-x=2.6"])
        XCTAssertEqual(older.status, 0, older.stderr)
        XCTAssertTrue(older.stderr.contains("(e.g. `orion hunt -n full -v 1 --exp-max-trials 4`)"), older.stderr)
        // Below its max, no note.
        try sandbox.succeed(["hunt", "--init-only", "-n", "open", "--exp-max-trials", "9", script, "-x~uniform(0, 10)"])
        let open = try sandbox.run(["insert", "-n", "open", script, "-x=3.5"])
        XCTAssertEqual(open.status, 0, open.stderr)
        XCTAssertEqual(open.stderr, "")
    }

    func testInsertReadsValuesFromAConfigurationFile() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("noop.sh")
        try "model:\n  lr: 'orion~loguniform(1e-5, 1)'\n  layers: 2\n".write(
            toFile: sandbox.directory + "/train.yaml",
            atomically: true,
            encoding: .utf8
        )
        try sandbox.succeed([
            "hunt", "--init-only", "-n", "vals", script, "-x~uniform(0, 10)", "--config", "train.yaml",
        ])
        try "x: orion=1.5\nmodel:\n  lr: orion=0.01\n".write(
            toFile: sandbox.directory + "/vals.yaml",
            atomically: true,
            encoding: .utf8
        )
        try "{\"model\": {\"lr\": \"orion=0.001\"}}".write(
            toFile: sandbox.directory + "/vals.json",
            atomically: true,
            encoding: .utf8
        )
        for command in [
            ["insert", "-n", "vals", script, "--config=vals.yaml"],
            ["insert", "-n", "vals", script, "vals.json", "-x=2.5"],
            ["insert", "-n", "vals", script, "--config", sandbox.directory + "/vals.json", "-x=3.5"],
        ] {
            let insert = try sandbox.run(command)
            XCTAssertEqual(insert.status, 0, "\(command): \(insert.stderr)")
        }
        let trials = try await sandbox.trials(of: "vals")
        let values = trials.map { [$0.values["/x"]?.doubleValue, $0.values["/model/lr"]?.doubleValue] }
        XCTAssertEqual(Set(values), [[1.5, 0.01], [2.5, 0.001], [3.5, 0.001]])

        // The same dimension in the file and on the command line, a missing file: one line naming what and where.
        let twice = try sandbox.run(["insert", "-n", "vals", script, "--config=vals.yaml", "-x=4"])
        XCTAssertEqual(twice.status, 2, twice.stderr)
        XCTAssertTrue(twice.stderr.contains("/x") && twice.stderr.contains("vals.yaml"), twice.stderr)
        let missing = try sandbox.run(["insert", "-n", "vals", script, "--config=nope.yaml"])
        XCTAssertEqual(missing.status, 2, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("nope.yaml"), missing.stderr)
        let after = try await sandbox.trials(of: "vals")
        XCTAssertEqual(after.count, 3)
    }
    /// The categories "2" and 2 print alike, and a trial's id is made from its values as Python prints them (as in
    /// Oríon, which also refuses the second): the refusal says so instead of claiming the same values are stored.
    func testCategoriesThatPrintAlikeAreRefusedSayingWhy() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("noop.sh")
        try sandbox.succeed([
            "hunt", "--init-only", "-n", "q", script, "--c~choices([\"2\", 2, \"a\"])", "-x~uniform(0, 2)",
        ])
        try sandbox.succeed(["insert", "-n", "q", script, "--c=2", "-x=1"])
        let alike = try sandbox.run(["insert", "-n", "q", script, "--c=\"2\"", "-x=1"])
        XCTAssertEqual(alike.status, 1, "a conflict with what is stored, as Oríon's DuplicateKeyError")
        XCTAssertTrue(
            alike.stderr.contains("a trial whose values print the same exists already in q-v1 (/c=2 /x=1.0)"),
            alike.stderr
        )
        let same = try sandbox.run(["insert", "-n", "q", script, "--c=2", "-x=1"])
        XCTAssertEqual(same.status, 1)
        XCTAssertTrue(same.stderr.contains("a trial with these values exists already in q-v1"), same.stderr)
        let trials = try await sandbox.trials(of: "q")
        XCTAssertEqual(trials.count, 1)
    }
}
