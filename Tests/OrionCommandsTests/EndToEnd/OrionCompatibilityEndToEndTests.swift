import Foundation
import OrionCore
import OrionTesting
import XCTest

/// Command lines that work with Oríon 0.2.7 and must work unchanged with swift-orion
/// (`shared/reference/orion-0.2.7.md` §1–§3), each found different by the compatibility audit of 2026-12-03.
final class OrionCompatibilityEndToEndTests: XCTestCase {
    /// `orion -v VERB` and `orion -vv VERB` (Oríon's global verbosity count, given before the verb).
    func testGlobalVerbosityBeforeTheVerb() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try sandbox.succeed([
            "-v", "hunt", "-n", "loud", "--exp-max-trials", "1", try Compat.script("noop.sh"), "-x~uniform(0, 1)",
        ])
        for flag in ["-v", "-vv", "--verbose"] {
            let status = try sandbox.run([flag, "status"])
            XCTAssertEqual(status.status, 0, "\(flag): \(status.stderr)")
            XCTAssertTrue(status.stdout.hasPrefix("loud-v1\n"), "\(flag): \(status.stdout)")
        }
        // Oríon's --logdir is accepted, with a note that it has no effect.
        for logdir in [["--logdir", sandbox.directory + "/logs"], ["--logdir=" + sandbox.directory + "/logs"]] {
            let logged = try sandbox.run(logdir + ["-v", "status"])
            XCTAssertEqual(logged.status, 0, logged.stderr)
            XCTAssertTrue(logged.stdout.hasPrefix("loud-v1\n"), logged.stdout)
            XCTAssertTrue(logged.stderr.contains("--logdir"), logged.stderr)
        }
        // A verb without a --verbose option (`db setup`) still parses.
        try sandbox.succeed(["-v", "db", "setup", "--help"])
        // After the verb, -v is still the experiment's version, as in Oríon.
        let info = try sandbox.run(["info", "-n", "loud", "-v", "1"])
        XCTAssertEqual(info.status, 0, info.stderr)
        XCTAssertTrue(info.stdout.contains("version: 1"), info.stdout)
    }

    /// Short options with their value attached, as argparse takes them (`-nNAME`, `-v1`, `-cFILE`); a script's own
    /// arguments of that form reach it unchanged.
    func testShortOptionsWithTheirValueAttached() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = sandbox.directory + "/argv.py"
        try """
        import json, os, sys
        print("ARGV", sys.argv[1:])
        json.dump([{"name": "o", "type": "objective", "value": 1}], open(os.environ["ORION_RESULTS_PATH"], "w"))

        """.write(toFile: script, atomically: true, encoding: .utf8)
        try "experiment:\n  max_trials: 1\n".write(
            toFile: sandbox.directory + "/one.yaml",
            atomically: true,
            encoding: .utf8
        )
        let hunt = try sandbox.run([
            "hunt", "-nattached", "-c" + sandbox.directory + "/one.yaml", "python3", script,
            "-x~uniform(0, 1)", "-nfoo", "-v2",
        ])
        XCTAssertEqual(hunt.status, 0, hunt.stderr)
        XCTAssertTrue(hunt.stdout.contains("'-nfoo', '-v2']"), hunt.stdout)
        let info = try sandbox.run(["info", "-nattached", "-v1"])
        XCTAssertEqual(info.status, 0, info.stderr)
        XCTAssertTrue(info.stdout.contains("name: attached") && info.stdout.contains("version: 1"), info.stdout)
        let status = try sandbox.run(["status", "-nattached", "-a"])
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.hasPrefix("attached-v1\n"), status.stdout)
        // Flags bundled before an option with its value, as argparse reads them.
        for bundled in [["status", "-anattached"], ["status", "-an", "attached"], ["status", "-aCnattached"]] {
            let run = try sandbox.run(bundled)
            XCTAssertEqual(run.status, 0, "\(bundled): \(run.stderr)")
            XCTAssertEqual(run.stdout, status.stdout, "\(bundled)")
        }
        // A mistake is reported as it was typed, not as the split form.
        let wrong = try sandbox.run(["info", "-nattached", "-x1"])
        XCTAssertEqual(wrong.status, 2)
        XCTAssertTrue(wrong.stderr.contains("-x"), wrong.stderr)
    }

    /// `orion init_only`: Oríon's verb is spelled with an underscore.
    func testInitOnlyWithAnUnderscore() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let result = try sandbox.run(["init_only", "-n", "under", try Compat.script("noop.sh"), "-x~uniform(0, 1)"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "")
        let experiment = try await sandbox.storage().experiment(named: "under", version: nil)
        XCTAssertNotNil(experiment)
        let trials = try await sandbox.trials(of: "under")
        XCTAssertEqual(trials.count, 0)
        XCTAssertTrue(
            result.stderr.contains(
                "Warning: Command init_only is deprecated and will be removed in v0.3. Use orion hunt --init-only"
            ),
            result.stderr
        )
    }

    /// Oríon's deprecated options still work, with its warning; the script's own options are not looked at.
    func testDeprecatedOptionsWarnAsOrionDoes() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("noop.sh")
        let old = try sandbox.run([
            "hunt", "-n", "dep", "--max-trials", "1", "--worker-trials=5", script, "-x~uniform(0, 1)",
        ])
        XCTAssertEqual(old.status, 0, old.stderr)
        XCTAssertTrue(
            old.stderr.contains(
                "Warning: --max-trials is deprecated and will be removed in v0.3. Use --exp-max-trials"
            ),
            old.stderr
        )
        XCTAssertTrue(old.stderr.contains("Warning: --worker-trials is deprecated"), old.stderr)
        let scripts = try sandbox.run([
            "hunt", "-n", "dep2", "--exp-max-trials", "1", script, "-x~uniform(0, 1)", "--max-trials", "3",
        ])
        XCTAssertEqual(scripts.status, 0, scripts.stderr)
        XCTAssertFalse(scripts.stderr.contains("deprecated"), scripts.stderr)
        // Both forms: the new flag's value, whatever their order, as Oríon (the last one won, 2 trials here).
        for order in [["--exp-max-trials", "3", "--max-trials", "2"], ["--max-trials", "2", "--exp-max-trials=3"]] {
            let name = "both\(order[0].count)"
            let both = try sandbox.run(["hunt", "-n", name] + order + [script, "-x~uniform(0, 1)"])
            XCTAssertEqual(both.status, 0, both.stderr)
            let trials = try ProcessRunner.run(
                [sandbox.orion, "status", "-n", name, "--all"],
                environment: sandbox.environment,
                currentDirectory: sandbox.directory
            )
            XCTAssertEqual(trials.stdout.components(separatedBy: " completed ").count - 1, 3, trials.stdout)
        }
    }

    /// `orion hunt`, `orion insert` and `orion init_only` with nothing after them print their help (exit 0).
    func testVerbsWithoutArgumentsPrintTheirHelp() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        for verb in ["hunt", "insert", "init_only", "init-only"] {
            let result = try sandbox.run([verb])
            XCTAssertEqual(result.status, 0, "\(verb): \(result.stderr)")
            XCTAssertTrue(result.stdout.contains("USAGE: orion"), "\(verb): \(result.stdout)")
            XCTAssertEqual(result.stderr, "", verb)
        }
    }

    /// Oríon's `--auto-resolution` (deprecated, no effect) and `--orion-version-change` flags are accepted.
    func testDeprecatedBranchingFlagsAreAccepted() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("noop.sh")
        for flag in ["--auto-resolution", "--orion-version-change"] {
            let result = try sandbox.run([
                "hunt", "-n", "flags", flag, "--exp-max-trials", "1", script, "-x~uniform(0, 1)",
            ])
            XCTAssertEqual(result.status, 0, "\(flag): \(result.stderr)")
        }
        let trials = try await sandbox.trials(of: "flags")
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, 1)
    }

    /// `orion insert ... x=1.5` without dashes, as Oríon's `\W*(name)=(value)` pattern reads it.
    func testInsertReadsValuesWithoutDashes() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("noop.sh")
        try sandbox.succeed([
            "hunt", "--init-only", "-n", "bare", script, "-x~uniform(0, 10)", "--y~uniform(0, 1)",
        ])
        try sandbox.succeed(["insert", "-n", "bare", script, "x=1.5", "--y=0.25"])
        let trials = try await sandbox.trials(of: "bare")
        let trial = try XCTUnwrap(trials.first)
        XCTAssertEqual(trial.values["/x"]?.doubleValue, 1.5)
        XCTAssertEqual(trial.values["/y"]?.doubleValue, 0.25)
    }

    /// With no `$USER` (cron, containers), the user is found as Python's `getpass.getuser()` finds it: `LOGNAME`,
    /// `USER`, `LNAME`, `USERNAME`, then the account of the process.
    func testUserWithoutTheUserVariable() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        var environment = sandbox.environment
        for name in ["USER", "LNAME", "USERNAME"] { environment.removeValue(forKey: name) }
        environment["LOGNAME"] = "alice"
        try FileManager.default.createDirectory(atPath: sandbox.directory + "/tmp", withIntermediateDirectories: true)
        let script = try Compat.script("noop.sh")
        let create = try ProcessRunner.run(
            [sandbox.orion, "hunt", "--init-only", "-n", "who", script, "-x~uniform(0, 1)"],
            environment: environment,
            currentDirectory: sandbox.directory
        )
        XCTAssertEqual(create.status, 0, create.stderr)
        let info = try sandbox.run(["info", "-n", "who"])
        XCTAssertTrue(info.stdout.contains("user: alice"), info.stdout)
        XCTAssertFalse(info.stdout.contains("unknown"), info.stdout)
    }

    /// A script configuration file that is neither YAML nor JSON holds priors `name~prior(...)` anywhere in its text
    /// (Oríon's generic templating); each trial's copy has the values in their place.
    func testTextConfigurationFileTemplating() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try "# settings\nx = x~uniform(-1, 1)\nsteps = 10\n".write(
            toFile: sandbox.directory + "/settings.cfg",
            atomically: true,
            encoding: .utf8
        )
        let script = try sandbox.script(
            "read.sh",
            """
            #!/bin/sh
            # --config FILE: report the value of x written in the file
            x=$(sed -n 's/^x = //p' "$2")
            printf '[{"name": "o", "type": "objective", "value": %s}]' "$x" > "$ORION_RESULTS_PATH"

            """
        )
        try sandbox.succeed(["hunt", "-n", "text", "--exp-max-trials", "2", script, "--config", "settings.cfg"])
        let trials = try await sandbox.trials(of: "text")
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, 2)
        for trial in trials {
            let x = try XCTUnwrap(trial.values["/x"]?.doubleValue)
            XCTAssertEqual(trial.objective, x)
        }
        let original = try String(contentsOfFile: sandbox.directory + "/settings.cfg", encoding: .utf8)
        XCTAssertTrue(original.contains("x~uniform(-1, 1)"), original)
    }

    /// `-v/--version` above the latest version means the latest (with a note), as Oríon's experiment builder reads it.
    func testVersionAboveTheLatestMeansTheLatest() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("noop.sh")
        let hunt = try sandbox.run(["hunt", "-n", "ver", "--exp-max-trials", "1", script, "-x~uniform(0, 1)"])
        XCTAssertEqual(hunt.status, 0, hunt.stderr)
        for command in [["info", "-n", "ver", "-v", "7"], ["status", "-n", "ver", "-v", "7"]] {
            let result = try sandbox.run(command)
            XCTAssertEqual(result.status, 0, "\(command): \(result.stderr)")
            XCTAssertTrue(result.stdout.contains("ver-v1") || result.stdout.contains("version: 1"), result.stdout)
            XCTAssertTrue(result.stderr.contains("no version 7"), result.stderr)
        }
        try sandbox.succeed(["hunt", "-n", "ver", "-v", "7", "--exp-max-trials", "2"])
        let trials = try await sandbox.trials(of: "ver")
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, 2)
        try sandbox.succeed(["insert", "-n", "ver", "-v", "7", script, "-x=0.5"])
    }

    /// `orion db rm NAME -v N` deletes that version with its child versions, a child with another name
    /// (`-b other`) included, as Oríon does; nothing is left pointing at a deleted parent.
    func testDbRmDeletesTheChildVersions() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("noop.sh")
        try sandbox.succeed(["hunt", "-n", "tree", "--exp-max-trials", "1", script, "-x~uniform(0, 1)"])
        try sandbox.succeed([
            "hunt", "-n", "tree", "--enable-evc", "--exp-max-trials", "2", script, "-x~uniform(0, 2)",
        ])
        try sandbox.succeed([
            "hunt", "-n", "tree", "--enable-evc", "-b", "leaf", "--exp-max-trials", "3", script, "-x~uniform(0, 3)",
        ])
        let remove = try sandbox.run(["db", "rm", "tree", "-v", "2", "-f"])
        XCTAssertEqual(remove.status, 0, remove.stderr)
        XCTAssertTrue(remove.stdout.contains("2 experiments deleted"), remove.stdout)
        // What goes is drawn first, as Oríon draws it: the named version with its children, not its parent.
        XCTAssertTrue(remove.stderr.hasPrefix(" tree-v2┐\n        └leaf-v1\n\nThese experiments"), remove.stderr)
        let names = try await sandbox.storage().experiments().map(\.displayName)
        XCTAssertEqual(names, ["tree-v1"])
    }

    /// `orion db rm NAME` without `-v` deletes the latest version (and its children) only, as Oríon 0.2.7 does
    /// (checked against it): the earlier versions and their trials stay.
    func testDbRmWithoutVersionKeepsTheEarlierVersions() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("noop.sh")
        try sandbox.succeed(["hunt", "-n", "keep", "--exp-max-trials", "1", script, "-x~uniform(0, 1)"])
        try sandbox.succeed([
            "hunt", "-n", "keep", "--enable-evc", "--exp-max-trials", "2", script, "-x~uniform(0, 2)",
        ])
        let remove = try sandbox.run(["db", "rm", "keep", "-f"])
        XCTAssertEqual(remove.status, 0, remove.stderr)
        XCTAssertTrue(remove.stdout.hasSuffix("1 trials deleted\n1 experiments deleted\n"), remove.stdout)
        let names = try await sandbox.storage().experiments().map(\.displayName)
        XCTAssertEqual(names, ["keep-v1"])
        let trials = try await sandbox.trials(of: "keep")
        XCTAssertEqual(trials.count, 1)
    }

    /// `orion db set NAME -v N QUERY UPDATE` applies to that version and its child versions, as in Oríon. (The
    /// child's `--exp-max-trials 2` counts the trial it inherits, as Oríon's: it runs one of its own.)
    func testDbSetAppliesToTheChildVersions() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("noop.sh")
        try sandbox.succeed(["hunt", "-n", "setv", "--exp-max-trials", "1", script, "-x~uniform(0, 1)"])
        try sandbox.succeed([
            "hunt", "-n", "setv", "--enable-evc", "-b", "setw", "--exp-max-trials", "2", script, "-x~uniform(0, 2)",
        ])
        let set = try sandbox.run(["db", "set", "setv", "-v", "1", "status=completed", "status=interrupted", "-f"])
        XCTAssertEqual(set.status, 0, set.stderr)
        XCTAssertEqual(set.stdout, "2 trials modified\n")
        for name in ["setv", "setw"] {
            let trials = try await sandbox.trials(of: name)
            XCTAssertEqual(trials.map(\.status), [.interrupted], name)
        }
    }

    /// `orion status --all` before any trial has an objective shows two columns, `id` and `status`, as Oríon 0.2.7
    /// does (checked against it: tabulate drops the unused `best objective` header).
    func testStatusAllWithoutObjectivesHasTwoColumns() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("noop.sh")
        try sandbox.succeed(["hunt", "--init-only", "-n", "two", script, "-x~uniform(0, 1)"])
        try sandbox.succeed(["insert", "-n", "two", script, "-x=0.5"])
        let status = try sandbox.run(["status", "-n", "two", "-a"])
        XCTAssertEqual(status.status, 0, status.stderr)
        let lines = status.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 8, status.stdout)
        XCTAssertEqual(lines[2].split(separator: " "), ["id", "status"], status.stdout)
        XCTAssertEqual(lines[3], "--------------------------------  --------")
        XCTAssertEqual(lines[4].split(separator: " ").last, "new")
        XCTAssertFalse(status.stdout.contains("objective"), status.stdout)
    }

    /// Oríon's precedence: defaults < global files < environment < the stored experiment < `-c` file < flags. A
    /// resumed experiment keeps its `max_trials` and algorithm against `ORION_EXP_MAX_TRIALS` and a global file
    /// (checked against Oríon 0.2.7); a new one takes them.
    func testEnvironmentAndGlobalFilesDoNotOverrideAStoredExperiment() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("noop.sh")
        try sandbox.succeed([
            "hunt", "-n", "kept", "--exp-max-trials", "2", "-c", try writeConfig(sandbox, "random"), script,
            "-x~uniform(0, 1)",
        ])
        try FileManager.default.createDirectory(
            atPath: sandbox.directory + "/xdg/orion.core",
            withIntermediateDirectories: true
        )
        try "experiment:\n  algorithm: tpe\n".write(
            toFile: sandbox.directory + "/xdg/orion.core/orion_config.yaml",
            atomically: true,
            encoding: .utf8
        )
        var environment = sandbox.environment
        environment["ORION_EXP_MAX_TRIALS"] = "4"
        environment["XDG_CONFIG_HOME"] = sandbox.directory + "/xdg"
        let resumed = try ProcessRunner.run(
            [sandbox.orion, "hunt", "-n", "kept"],
            environment: environment,
            currentDirectory: sandbox.directory
        )
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let storage = try sandbox.storage()
        let kept = try await storage.experiment(named: "kept", version: nil)
        XCTAssertEqual(kept?.maxTrials, 2)
        XCTAssertEqual(kept?.algorithm.name, "random")
        let keptTrials = try await sandbox.trials(of: "kept")
        XCTAssertEqual(keptTrials.count, 2)

        // A flag still wins; a new experiment takes the environment and the global file.
        let flagged = try ProcessRunner.run(
            [sandbox.orion, "hunt", "-n", "kept", "--exp-max-trials", "3"],
            environment: environment,
            currentDirectory: sandbox.directory
        )
        XCTAssertEqual(flagged.status, 0, flagged.stderr)
        let flaggedTrials = try await sandbox.trials(of: "kept")
        XCTAssertEqual(flaggedTrials.count, 3)
        let fresh = try ProcessRunner.run(
            [sandbox.orion, "hunt", "-n", "fresh", script, "-x~uniform(0, 1)"],
            environment: environment,
            currentDirectory: sandbox.directory
        )
        XCTAssertEqual(fresh.status, 0, fresh.stderr)
        let created = try await storage.experiment(named: "fresh", version: nil)
        XCTAssertEqual(created?.maxTrials, 4)
        XCTAssertEqual(created?.algorithm.name, "tpe")
    }

    private func writeConfig(_ sandbox: Sandbox, _ algorithm: String) throws -> String {
        let path = sandbox.directory + "/local.yaml"
        try "experiment:\n  algorithm: \(algorithm)\n".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
