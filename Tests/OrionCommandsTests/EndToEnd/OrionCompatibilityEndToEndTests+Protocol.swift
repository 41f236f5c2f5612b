import Foundation
import OrionCore
import OrionTesting
import XCTest

/// The script protocol as Oríon 0.2.7 runs a trial (`shared/reference/orion-0.2.7.md` §3.5, §4), found different by
/// the second compatibility pass of 2026-12-03.
extension OrionCompatibilityEndToEndTests {
    /// `{trial.hash_params}` is Oríon's `Trial.hash_params`: the MD5 of the parameters without the fidelity, the
    /// same for one configuration at every fidelity (a script keys its checkpoints on it).
    func testHashParamsLeavesOutTheFidelity() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script(
            "hash.sh",
            """
            #!/bin/sh
            # -x VALUE --epochs VALUE --hash HASH: keep the hash, report x
            echo "$6" > "\(sandbox.directory)/hash-$ORION_TRIAL_ID"
            printf '[{"name": "o", "type": "objective", "value": %s}]' "$2" > "$ORION_RESULTS_PATH"

            """
        )
        try sandbox.succeed([
            "hunt", "--init-only", "-n", "hash", "--exp-max-trials", "2", script, "-x~uniform(0, 1)",
            "--epochs~fidelity(1, 4, base=2)", "--hash", "{trial.hash_params}",
        ])
        for epochs in ["1", "4"] {
            try sandbox.succeed(["insert", "-n", "hash", script, "-x=0.5", "--epochs=" + epochs])
        }
        try sandbox.succeed(["hunt", "-n", "hash"])
        let trials = try await sandbox.trials(of: "hash")
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, 2)
        for trial in trials {
            let hash = try String(contentsOfFile: sandbox.directory + "/hash-" + trial.id, encoding: .utf8)
            XCTAssertEqual(hash, "6e15ccc12f754526f73aaf21c4078521\n", "md5('/x:0.5'), as Oríon")
        }
    }
}

extension OrionCompatibilityEndToEndTests {
    /// Without version control, a resumed experiment given a command line whose other arguments changed stores the
    /// new one, as Oríon 0.2.7 overwrites it ("Running experiment in a different state"): a later `orion hunt -n NAME`
    /// runs the command last given, and `orion info` shows it.
    func testAChangedCommandLineIsStoredWithoutVersionControl() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script(
            "argv.sh",
            """
            #!/bin/sh
            echo "$3 $4" >> "\(sandbox.directory)/argv.txt"
            printf '[{"name": "o", "type": "objective", "value": %s}]' "$2" > "$ORION_RESULTS_PATH"

            """
        )
        try sandbox.succeed(["hunt", "--init-only", "-n", "cmd", script, "-x~uniform(0, 1)", "--foo", "1"])
        let changed = try sandbox.run([
            "hunt", "-n", "cmd", "--exp-max-trials", "1", script, "-x~uniform(0, 1)", "--foo", "2",
        ])
        XCTAssertEqual(changed.status, 0, changed.stderr)
        try sandbox.succeed(["hunt", "-n", "cmd", "--exp-max-trials", "2"])
        let argv = try String(contentsOfFile: sandbox.directory + "/argv.txt", encoding: .utf8)
        XCTAssertEqual(argv, "--foo 2\n--foo 2\n")
        let info = try sandbox.run(["info", "-n", "cmd"])
        XCTAssertTrue(info.stdout.contains("-x~uniform(0, 1) --foo 2\n"), info.stdout)
        XCTAssertTrue(changed.stderr.contains("command line"), changed.stderr)

        // A script's argument that starts with three dashes reaches it, as in Oríon (the parser refused the line).
        let dashes = try sandbox.run([
            "hunt", "-n", "dashes", "--exp-max-trials", "1", script, "-x~uniform(0, 1)", "---foo", "3",
        ])
        XCTAssertEqual(dashes.status, 0, dashes.stderr)
        let last = try String(contentsOfFile: sandbox.directory + "/argv.txt", encoding: .utf8)
        XCTAssertTrue(last.hasSuffix("---foo 3\n"), last)
    }
}

extension OrionCompatibilityEndToEndTests {
    /// With version control, a run that does not branch (`--ignore-code-changes` over a new commit) stores the code
    /// version it ran, as Oríon overwrites the stored configuration: the next run of that code makes no version
    /// (checked against Oríon 0.2.7).
    func testARunThatDoesNotBranchStoresItsCodeVersion() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script("code.sh", "#!/bin/sh\n")
        // Outside a repository, a new experiment with version control says it cannot see the code (Oríon warns
        // too); not without version control.
        let outside = try sandbox.run([
            "hunt", "--init-only", "--enable-evc", "-n", "loose", script, "-x~uniform(0, 1)",
        ])
        let inRepository = try ProcessRunner.run(
            ["/usr/bin/env", "git", "-C", sandbox.directory, "rev-parse", "HEAD"],
            environment: sandbox.environment,
            currentDirectory: sandbox.directory
        )
        if inRepository.status != 0 {
            XCTAssertTrue(outside.stderr.contains("is not in a git repository"), outside.stderr)
        }
        let off = try sandbox.run(["hunt", "--init-only", "-n", "loose2", script, "-x~uniform(0, 1)"])
        XCTAssertFalse(off.stderr.contains("git repository"), off.stderr)
        try sandbox.git(["init", "-q"])
        try sandbox.git(["add", "code.sh"])
        try sandbox.git(["commit", "-q", "-m", "one"])
        let command = ["hunt", "--init-only", "--enable-evc", "-n", "code"]
        let inside = try sandbox.run(command + [script, "-x~uniform(0, 1)"])
        XCTAssertEqual(inside.status, 0, inside.stderr)
        XCTAssertFalse(inside.stderr.contains("git repository"), inside.stderr)
        _ = try sandbox.script("code.sh", "#!/bin/sh\n# two\n")
        try sandbox.git(["commit", "-q", "-am", "two"])
        try sandbox.succeed(command + ["--ignore-code-changes", script, "-x~uniform(0, 1)"])
        try sandbox.succeed(command + [script, "-x~uniform(0, 1)"])
        let names = try await sandbox.storage().experiments().map(\.displayName)
        XCTAssertEqual(names.filter { $0.hasPrefix("code") }, ["code-v1"])
    }
}

extension OrionCompatibilityEndToEndTests {
    /// `--working-dir wd` (relative) is stored as given (`orion info` shows `working dir: wd`, as Oríon), but the
    /// script gets absolute paths, `ORION_WORKING_DIR`, `{trial.working_dir}` and `{exp.working_dir}`, resolved
    /// against the hunt's directory, where Oríon 0.2.7 gives `wd/<trial id>` and `wd` (a deliberate difference,
    /// docs/architecture.md): the same directory for a script that stays in the hunt's directory, and still the
    /// right one for a script that changes directory first.
    func testARelativeWorkingDirReachesTheScriptAsAnAbsolutePath() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script(
            "wd.sh",
            """
            #!/bin/sh
            # -x VALUE --trial-dir DIR --exp-dir DIR: cd elsewhere, then write into the trial's directory
            cd /
            echo "$ORION_WORKING_DIR $4 $6" > "$ORION_WORKING_DIR/seen.txt"
            printf '[{"name": "o", "type": "objective", "value": %s}]' "$2" > "$ORION_RESULTS_PATH"

            """
        )
        try sandbox.succeed([
            "hunt", "-n", "rel", "--working-dir", "wd", "--exp-max-trials", "1", script, "-x~uniform(0, 1)",
            "--trial-dir", "{trial.working_dir}", "--exp-dir", "{exp.working_dir}",
        ])
        let trials = try await sandbox.trials(of: "rel")
        let trial = try XCTUnwrap(trials.first)
        XCTAssertEqual(trial.status, .completed)
        let directory = URL(fileURLWithPath: sandbox.directory).resolvingSymlinksInPath().path
        let seen = try String(contentsOfFile: "\(sandbox.directory)/wd/\(trial.id)/seen.txt", encoding: .utf8)
        let paths = seen.split(separator: " ").map {
            URL(fileURLWithPath: String($0.trimmingCharacters(in: .whitespacesAndNewlines))).resolvingSymlinksInPath()
                .path
        }
        XCTAssertEqual(paths, ["\(directory)/wd/\(trial.id)", "\(directory)/wd/\(trial.id)", "\(directory)/wd"], seen)
        XCTAssertTrue(seen.hasPrefix("/"), seen)
        let info = try sandbox.run(["info", "-n", "rel"])
        XCTAssertTrue(info.stdout.contains("working dir: wd\n"), info.stdout)
    }
}

extension OrionCompatibilityEndToEndTests {
    /// `{trial.legacy_id}`, which Oríon 0.2.7 documents (deprecated) and fills with its pre-0.2.5 trial id, the MD5
    /// of the parameters followed by the experiment's id; it was an unknown template, so `orion hunt` refused the
    /// command line.
    func testLegacyIdTemplate() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script(
            "legacy.sh",
            """
            #!/bin/sh
            # -x VALUE --legacy ID: keep the id, report x
            echo "$4" > "\(sandbox.directory)/legacy-$ORION_TRIAL_ID"
            printf '[{"name": "o", "type": "objective", "value": %s}]' "$2" > "$ORION_RESULTS_PATH"

            """
        )
        try sandbox.succeed([
            "hunt", "--init-only", "-n", "legacy", script, "-x~uniform(0, 1)", "--legacy", "{trial.legacy_id}",
        ])
        try sandbox.succeed(["insert", "-n", "legacy", script, "-x=0.5"])
        try sandbox.succeed(["hunt", "-n", "legacy", "--exp-max-trials", "1"])
        let experiment = try await sandbox.storage().experiment(named: "legacy", version: nil)
        let trials = try await sandbox.trials(of: "legacy")
        let trial = try XCTUnwrap(trials.first)
        let id = try XCTUnwrap(experiment?.id)
        let seen = try String(contentsOfFile: sandbox.directory + "/legacy-" + trial.id, encoding: .utf8)
        XCTAssertEqual(seen, MD5.hex("/x:0.5" + id) + "\n")
    }
}
