import Foundation
import OrionCore
import OrionTesting
import XCTest

/// Configuration files, environment variables, `init-only` and `insert`, with the built `orion`.
final class CommandsEndToEndTests: XCTestCase {
    func testConfigFileEnvironmentAndFlagsPrecedence() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let config = sandbox.directory + "/orion.yaml"
        try """
        experiment:
          name: from-file
          max_trials: 4
          algorithm:
            random:
              seed: 5
        worker:
          n_workers: 2
        """.write(toFile: config, atomically: true, encoding: .utf8)
        var environment = sandbox.environment
        environment["ORION_EXP_MAX_TRIALS"] = "7"  // the file comes after the environment, as in Oríon
        let output = try ProcessRunner.run(
            [sandbox.orion, "hunt", "--config", config, try Compat.script("noop.sh"), "-x~uniform(0, 1)"],
            environment: environment,
            currentDirectory: sandbox.directory
        )
        XCTAssertEqual(output.status, 0, output.stderr)
        let trials = try await sandbox.trials(of: "from-file")
        XCTAssertEqual(trials.count, 4)
        let experiment = try await sandbox.storage().experiment(named: "from-file", version: nil)
        XCTAssertEqual(experiment?.algorithm, AlgorithmConfig(name: "random", options: ["seed": 5]))
        XCTAssertEqual(experiment?.maxTrials, 4)

        // A flag beats the file.
        let flagged = try ProcessRunner.run(
            [
                sandbox.orion, "hunt", "--config", config, "--exp-max-trials", "6", try Compat.script("noop.sh"),
                "-x~uniform(0, 1)",
            ],
            environment: environment,
            currentDirectory: sandbox.directory
        )
        XCTAssertEqual(flagged.status, 0, flagged.stderr)
        let more = try await sandbox.trials(of: "from-file")
        XCTAssertEqual(more.filter { $0.status == .completed }.count, 6)
    }

    func testUnknownAlgorithmAndBadConfigurationAreUsageErrors() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let config = sandbox.directory + "/orion.yaml"
        try "experiment:\n  algorithm:\n    tpee: {seed: 1}\n".write(toFile: config, atomically: true, encoding: .utf8)
        let unknown = try sandbox.run([
            "hunt", "-n", "x", "--config", config, try Compat.script("noop.sh"), "-x~uniform(0, 1)",
        ])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("unknown algorithm 'tpee'"), unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("gridsearch, hyperband"), unknown.stderr)

        try "experiment:\n  max_trails: 3\n".write(toFile: config, atomically: true, encoding: .utf8)
        let typo = try sandbox.run([
            "hunt", "-n", "x", "--config", config, try Compat.script("noop.sh"), "-x~uniform(0, 1)",
        ])
        XCTAssertEqual(typo.status, 2)
        XCTAssertTrue(typo.stderr.contains("orion.yaml:2:3"), typo.stderr)
        XCTAssertTrue(typo.stderr.contains("max_trails"), typo.stderr)
        XCTAssertEqual(typo.stderr.split(separator: "\n").count, 1, typo.stderr)
    }

    func testInitOnlyThenInsertThenHuntRunsTheInsertedTrial() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("rosenbrock.py")
        let priors = ["-x~uniform(-5, 10)", "-y~uniform(-5, 10)"]
        let initOnly = try sandbox.run(
            ["hunt", "--init-only", "-n", "manual", "--exp-max-trials", "3", script] + priors
        )
        XCTAssertEqual(initOnly.status, 0, initOnly.stderr)
        XCTAssertEqual(initOnly.stdout, "")
        let empty = try await sandbox.trials(of: "manual")
        XCTAssertEqual(empty.count, 0)

        let insert = try sandbox.run(["insert", "-n", "manual", script, "-x=1", "-y=1"])
        XCTAssertEqual(insert.status, 0, insert.stderr)
        let outside = try sandbox.run(["insert", "-n", "manual", script, "-x=99", "-y=1"])
        XCTAssertEqual(outside.status, 2)
        XCTAssertTrue(outside.stderr.contains("/x"), outside.stderr)

        let hunt = try sandbox.run(["hunt", "-n", "manual", script] + priors)
        XCTAssertEqual(hunt.status, 0, hunt.stderr)
        let trials = try await sandbox.trials(of: "manual")
        XCTAssertEqual(trials.count, 3)
        let inserted = try XCTUnwrap(trials.first)
        XCTAssertEqual(inserted.values["/x"]?.doubleValue, 1)
        XCTAssertEqual(inserted.status, .completed)
        XCTAssertEqual(inserted.objective, 0)
    }

    func testHuntWithoutCommandResumesTheStoredOne() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let first = try sandbox.run([
            "hunt", "-n", "stored", "--exp-max-trials", "2", try Compat.script("noop.sh"), "-x~uniform(0, 1)",
        ])
        XCTAssertEqual(first.status, 0, first.stderr)
        let resumed = try sandbox.run(["hunt", "-n", "stored", "--exp-max-trials", "4"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let trials = try await sandbox.trials(of: "stored")
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, 4)
        // An empty word where the command would be (a job script's empty "$ARGS"; one of Oríon's own tests) is no
        // command line either.
        let empty = try sandbox.run(["hunt", "-n", "stored", "--exp-max-trials", "5", ""])
        XCTAssertEqual(empty.status, 0, empty.stderr)
        let more = try await sandbox.trials(of: "stored")
        XCTAssertEqual(more.filter { $0.status == .completed }.count, 5)
    }

    /// Resumed without a command line from another directory (a job script that starts elsewhere), the stored
    /// command's relative script and configuration file are those of the directory it was given in, as Oríon's
    /// absolute paths are, and so are its other relative arguments: the scripts run in that directory (found side by
    /// side with Oríon: a data file given as `--data pri.txt` was missing on resume).
    func testResumingFromAnotherDirectoryFindsTheRelativeScriptAndConfiguration() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        // The script reads its data file (`--data FILE`, the last argument) from the directory it runs in.
        _ = try sandbox.script(
            "train.sh",
            "#!/bin/sh\nfor last; do :; done\ncat \"$last\" > /dev/null || exit 4\n"
                + "printf '[{\"name\":\"o\",\"type\":\"objective\",\"value\":1}]' > \"$ORION_RESULTS_PATH\"\n"
        )
        try "lr: 'orion~uniform(0, 1)'\n".write(
            toFile: sandbox.directory + "/cfg.yaml",
            atomically: true,
            encoding: .utf8
        )
        try "1 2 3\n".write(toFile: sandbox.directory + "/data.txt", atomically: true, encoding: .utf8)
        try sandbox.succeed([
            "hunt", "-n", "moved", "--exp-max-trials", "1", "--working-dir", "trials", "./train.sh", "--config",
            "cfg.yaml", "--data", "data.txt",
        ])
        let elsewhere = sandbox.directory + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        let resumed = try ProcessRunner.run(
            [sandbox.orion, "hunt", "-n", "moved", "--exp-max-trials", "2"],
            environment: sandbox.environment,
            currentDirectory: elsewhere,
            timeout: 120
        )
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(
            resumed.stderr.contains("note: the stored command line runs in \(sandbox.directory)"),
            resumed.stderr
        )
        let trials = try await sandbox.trials(of: "moved")
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, 2, "\(trials.map(\.failure))")
        XCTAssertFalse(resumed.stderr.contains("Branch"), "the same command line: no new version: \(resumed.stderr)")
        let versions = try await sandbox.storage().experiments()
        XCTAssertEqual(versions.count, 1, "still one version")
        // The relative working directory follows the command line: both trials' directories are in the first one
        // (the second went to a new `elsewhere/trials`).
        let directories = try FileManager.default.contentsOfDirectory(atPath: sandbox.directory + "/trials")
        XCTAssertEqual(Set(directories), Set(trials.map(\.id)), "\(directories)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: elsewhere + "/trials"))
        // One given there is relative to there, and stays there for the runs after (it was stored relative, and a
        // run from a third directory put its trials next to the first command line's).
        for (directory, maxTrials, workingDir) in [
            (elsewhere, 3, ["--working-dir", "other"]), (sandbox.directory + "/elsewhere/more", 4, []),
        ] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let run = try ProcessRunner.run(
                [sandbox.orion, "hunt", "-n", "moved", "--exp-max-trials", "\(maxTrials)"] + workingDir,
                environment: sandbox.environment,
                currentDirectory: directory,
                timeout: 120
            )
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        let other = try FileManager.default.contentsOfDirectory(atPath: elsewhere + "/other")
        XCTAssertEqual(other.count, 2, "\(other)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.directory + "/other"))
    }

    func testVersionAndHelp() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let version = try sandbox.run(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertEqual(version.stdout, "orion \(OrionVersion.current)\n")
        let short = try sandbox.run(["-V"])
        XCTAssertEqual(short.stdout, version.stdout)
        // After Oríon's global verbosity flags too (found side by side: `orion -v -V` was an unknown option).
        for flags in [["-v", "-V"], ["-vv", "--version"], ["--debug", "-V"]] {
            let verbose = try sandbox.run(flags)
            XCTAssertEqual(verbose.status, 0, "\(flags): \(verbose.stderr)")
            XCTAssertEqual(verbose.stdout, version.stdout, "\(flags)")
        }
        let help = try sandbox.run(["hunt", "--help"])
        XCTAssertEqual(help.status, 0)
        for flag in ["--exp-max-trials", "--worker-max-trials", "--exp-max-broken", "--n-workers", "--working-dir"] {
            XCTAssertTrue(help.stdout.contains(flag), flag)
        }
        // A verb's --version is the experiment's version, its help shows no flag that prints orion's.
        XCTAssertFalse(help.stdout.contains("Show the version"), help.stdout)
        XCTAssertTrue(help.stdout.contains("-v, --version <n>"), help.stdout)
        let rootHelp = try sandbox.run(["--help"])
        for global in ["--version", "--debug", "-vv", "--logdir"] {
            XCTAssertTrue(rootHelp.stdout.contains(global), global)
        }
        // Oríon's global flags alone print the help, as Oríon does (it was `Unknown option '-v'`; hBH's probe).
        for flags in [["-v"], ["-vv"], ["-d"]] {
            let alone = try sandbox.run(flags)
            XCTAssertEqual(alone.status, 0, "\(flags): \(alone.stderr)")
            XCTAssertEqual(alone.stdout, rootHelp.stdout, "\(flags)")
        }
    }

    /// A mistyped verb is named, with the closest verb and the list: it was blamed on the option after it
    /// (`Unknown option '-n'`) or was a bare `Unexpected argument` (hBH's probe).
    func testAMistypedVerbIsNamedWithTheClosestOne() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let commands = "hunt, init-only, insert, list, status, info, db, benchmark, clean, serve, frontend, plot"
        let cases: [([String], String)] = [
            (["hunnt", "-n", "x", "./s.py", "-x~uniform(0, 1)"], "unknown command 'hunnt' (did you mean 'hunt'?)"),
            (["-v", "satus", "-n", "x"], "unknown command 'satus' (did you mean 'status'?)"),
            (["--logdir", "logs", "inser"], "unknown command 'inser' (did you mean 'insert'?)"),
            (["zzz"], "unknown command 'zzz'"),
            (["ls"], "unknown command 'ls' (did you mean 'list'?)"),
            // ArgumentParser's `help` printed the main help with exit 0 for a verb it did not know.
            (["help", "hunnt"], "unknown command 'hunnt' (did you mean 'hunt'?)"),
        ]
        for (arguments, start) in cases {
            let output = try sandbox.run(arguments)
            XCTAssertEqual(output.status, 2, "\(arguments): \(output.stderr)")
            XCTAssertEqual(
                output.stderr,
                "Error: \(start); the commands are \(commands) (see orion --help)\n",
                "\(arguments)"
            )
        }
        // One level down too (hBI's re-check: `Unknown option '-o'`, `2 unexpected arguments`).
        let db = try sandbox.run(["db", "dmp", "-o", "x.json"])
        XCTAssertEqual(db.status, 2, db.stderr)
        XCTAssertEqual(
            db.stderr,
            "Error: unknown db command 'dmp' (did you mean 'dump'?); the db commands are setup, test, dump, load, rm,"
                + " set, release, upgrade (see orion db --help)\n"
        )
        // `--version` before the verb prints the version, whatever follows, as argparse does.
        let version = try sandbox.run(["--version", "list"])
        XCTAssertEqual(version.status, 0, version.stderr)
        XCTAssertTrue(version.stdout.hasPrefix("orion "), version.stdout)
        XCTAssertEqual(try sandbox.run(["help", "status"]).status, 0)
        XCTAssertEqual(try sandbox.run(["help", "db", "dump"]).status, 0)
        XCTAssertEqual(try sandbox.run(["help"]).status, 0)
        XCTAssertEqual(try sandbox.run(["help", "db", "dmp"]).status, 2)
        let extra = try sandbox.run(["help", "hunt", "hunnt"])
        XCTAssertEqual(extra.status, 2, extra.stderr)
        XCTAssertEqual(extra.stderr, "Error: 'hunnt' is not a command of 'orion hunt'\n")
        XCTAssertEqual(try sandbox.run(["init_only"]).status, 0, "an alias is a verb")
    }
}
