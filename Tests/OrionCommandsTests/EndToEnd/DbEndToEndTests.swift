import Foundation
import OrionCore
import OrionPostgres
import OrionSQLite
import OrionTesting
import OrionWorker
import XCTest

/// `orion db ...` with the built binary on real SQLite files.
final class DbEndToEndTests: XCTestCase {
    private func hunt(_ sandbox: Sandbox, _ name: String, trials: Int) throws {
        let result = try sandbox.run([
            "hunt", "-n", name, "--exp-max-trials", String(trials), try Compat.script("noop.sh"), "-x~uniform(0, 1)",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    /// Runs `orion ARGUMENTS` with `text` and a newline on its standard input, through a pipe, or with `terminal`
    /// through `script`, which gives the command a terminal (`text` may hold `printf` escapes).
    private func answering(
        _ sandbox: Sandbox,
        _ text: String,
        _ arguments: String,
        terminal: Bool = false
    ) throws -> ProcessRunner.Output {
        let command = terminal ? "script -qec \"$0 \(arguments)\" /dev/null" : "\"$0\" \(arguments)"
        return try ProcessRunner.run(
            ["/bin/sh", "-c", "printf '\(text)\\n' | " + command, sandbox.orion],
            environment: sandbox.environment,
            currentDirectory: sandbox.directory
        )
    }

    func testDumpThenLoadIntoANewFileGivesEqualExperimentsAndTrials() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try hunt(sandbox, "first", trials: 3)
        try hunt(sandbox, "second", trials: 2)

        let dump = try sandbox.run(["db", "dump", "-o", "all.json"])
        XCTAssertEqual(dump.status, 0, dump.stderr)
        XCTAssertEqual(dump.stdout, "Dumped 2 experiment(s) and 5 trial(s) to all.json\n")
        let again = try sandbox.run(["db", "dump", "-o", "all.json"])
        XCTAssertEqual(again.status, 2, "an existing file is kept without -f")
        XCTAssertTrue(again.stderr.contains("-f"), again.stderr)

        let copy = sandbox.directory + "/copy.db"
        let load = try sandbox.run(["db", "load", "all.json", "--storage", "sqlite://" + copy])
        XCTAssertEqual(load.status, 0, load.stderr)
        XCTAssertEqual(load.stdout, "Loaded 2 experiment(s) and 5 trial(s): first-v1, second-v1\n")

        let original = try sandbox.storage()
        let loaded = try SQLiteStorage(path: copy)
        let experiments = try await original.experiments()
        let awaited1 = try await loaded.experiments()
        XCTAssertEqual(awaited1, experiments.map(\.toMicrosecond))
        for experiment in experiments {
            let copied = try await loaded.trials(of: experiment.id, status: nil)
            let kept = try await original.trials(of: experiment.id, status: nil)
            XCTAssertEqual(copied, kept.map(\.toMicrosecond))
        }
        let status = try sandbox.run(["status", "--storage", "sqlite://" + copy])
        XCTAssertEqual(status.stdout, try sandbox.run(["status"]).stdout)

        // Loading into the same file again: a conflict, unless --resolve says what to do.
        let conflict = try sandbox.run(["db", "load", "all.json", "-n", "first"])
        XCTAssertEqual(conflict.status, 1)
        XCTAssertTrue(conflict.stderr.contains("experiment first-v1 exists already"), conflict.stderr)
        let conflicts = try sandbox.run(["db", "load", "all.json"])
        XCTAssertTrue(
            conflicts.stderr.contains(
                "experiments first-v1, second-v1 exist already in the target database: choose"
                    + " --resolve ignore (keep them)"
            ),
            conflicts.stderr
        )
        let bump = try sandbox.run(["db", "load", "all.json", "-n", "first", "--resolve", "bump"])
        XCTAssertEqual(bump.stdout, "Loaded 1 experiment(s) and 3 trial(s): first-v2\n", bump.stderr)
        let ignore = try sandbox.run(["db", "load", "all.json", "-r", "ignore"])
        XCTAssertEqual(
            ignore.stdout,
            "Ignored first-v1: it exists already\nIgnored second-v1: it exists already\nLoaded 0 experiment(s) and 0 trial(s)\n"
        )
        let bad = try sandbox.run(["db", "load", "all.json", "-r", "merge"])
        XCTAssertEqual(bad.status, 2)

        // `-` is the standard output of a dump and the standard input of a load: one pipe copies a database.
        let piped = sandbox.directory + "/piped.db"
        let pipe = try ProcessRunner.run(
            [
                "/bin/sh", "-c",
                "\"$0\" db dump -n second -o - | \"$0\" db load - --storage \"sqlite://$1\"", sandbox.orion, piped,
            ],
            environment: sandbox.environment,
            currentDirectory: sandbox.directory
        )
        XCTAssertEqual(pipe.status, 0, pipe.stderr)
        XCTAssertEqual(pipe.stdout, "Loaded 1 experiment(s) and 2 trial(s): second-v1\n")
        XCTAssertEqual(pipe.stderr, "Dumped 1 experiment(s) and 2 trial(s) to the standard output\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.directory + "/-"))
    }

    /// An experiment whose name Oríon allowed and `orion hunt` refuses (`group/run`, imported) is found by the
    /// commands that read it; `hunt` still refuses it, and a plot's default file stays in the current directory.
    /// A version loaded without its parent: `orion info` says the parent's id is not in this database (it printed a
    /// bare hex id where a name stands).
    func testAVersionLoadedWithoutItsParentSaysSoInInfo() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try hunt(sandbox, "tree", trials: 1)
        let child = try sandbox.run([
            "hunt", "-n", "tree", "--enable-evc", "--exp-max-trials", "2", try Compat.script("noop.sh"),
            "-x~uniform(0, 2)",
        ])
        XCTAssertEqual(child.status, 0, child.stderr)
        try sandbox.succeed(["db", "dump", "-n", "tree", "-v", "2", "-o", "v2.json"])
        let copy = "sqlite://" + sandbox.directory + "/copy.db"
        try sandbox.succeed(["db", "load", "v2.json", "--storage", copy])
        let info = try sandbox.run(["info", "-n", "tree", "--storage", copy])
        XCTAssertEqual(info.status, 0, info.stderr)
        XCTAssertTrue(info.stdout.contains(" (not in this database)\nparent: "), info.stdout)
        // With the parent there, the name, as in Oríon.
        let here = try sandbox.run(["info", "-n", "tree", "-v", "2"])
        XCTAssertTrue(here.stdout.contains("root: tree\nparent: tree\n"), here.stdout)
    }

    func testAnImportedNameWithASlashCanBeRead() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try hunt(sandbox, "plain", trials: 2)
        try sandbox.succeed(["db", "dump", "-o", "plain.json"])
        let text = try String(contentsOfFile: sandbox.directory + "/plain.json", encoding: .utf8)
        try text.replacingOccurrences(of: "\"plain\"", with: "\"group/run\"").write(
            toFile: sandbox.directory + "/slash.json",
            atomically: true,
            encoding: .utf8
        )
        try sandbox.succeed(["db", "load", "slash.json", "--storage", "sqlite://" + sandbox.directory + "/other.db"])
        let other = ["--storage", "sqlite://" + sandbox.directory + "/other.db"]
        for command in [["status", "-n", "group/run"], ["info", "-n", "group/run"], ["list", "-n", "group/run"]] {
            let output = try sandbox.run(command + other)
            XCTAssertEqual(output.status, 0, "\(command): \(output.stderr)")
            XCTAssertTrue(output.stdout.contains("group/run"), "\(command): \(output.stdout)")
        }
        let plot = try sandbox.run(["plot", "regret", "-n", "group/run", "-t", "json"] + other)
        XCTAssertEqual(plot.status, 0, plot.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: sandbox.directory + "/group_run-v1_regret.json"))
        let resumed = try sandbox.run(["hunt", "-n", "group/run", "--exp-max-trials", "3"] + other)
        XCTAssertEqual(resumed.status, 2)
        XCTAssertTrue(resumed.stderr.contains("contains '/'"), resumed.stderr)
    }

    /// `db test` on a PostgreSQL server that cannot be reached fails at the step that creates the database, within
    /// its own 5 s (Oríon's check answers in seconds), not at the schema step after a hunt's minute.
    func testDbTestOfAnUnreachableServerFailsAtTheCreationStep() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let test = try sandbox.run(["db", "test", "--storage", "postgresql://postgres@127.0.0.1:1/none"])
        XCTAssertEqual(test.status, 1, test.stderr)
        XCTAssertTrue(
            test.stdout.hasSuffix("Check if database of specified type can be created... Failure\n"),
            test.stdout
        )
        XCTAssertTrue(test.stderr.contains("could be made in 5 s (retry_for)"), test.stderr)
    }

    /// The usual cluster set-up: the global file names the PostgreSQL database and the job's environment its host;
    /// `db test` uses both, key by key (the host alone was an SQLite file), and says its configuration's notes.
    func testDbTestCombinesTheGlobalFileAndTheEnvironmentKeyByKey() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let xdg = sandbox.directory + "/xdg"
        try FileManager.default.createDirectory(atPath: xdg + "/orion.core", withIntermediateDirectories: true)
        let global =
            "storage:\n  database:\n    type: postgresql\n    host: nowhere.invalid\n    port: 1\n"
            + "    name: hpo\n    timeout: 5\n"
        try global.write(toFile: xdg + "/orion.core/orion_config.yaml", atomically: true, encoding: .utf8)
        var environment = sandbox.environment
        environment["XDG_CONFIG_HOME"] = xdg
        environment["ORION_DB_ADDRESS"] = "127.0.0.1"
        let test = try ProcessRunner.run(
            [sandbox.orion, "db", "test"],
            environment: environment,
            currentDirectory: sandbox.directory,
            timeout: 120
        )
        XCTAssertEqual(test.status, 1, test.stderr)
        XCTAssertTrue(test.stdout.contains("Using configuration: postgres://127.0.0.1:1/hpo\n"), test.stdout)
        XCTAssertEqual(
            test.stderr.components(separatedBy: "'database.timeout' is ignored for PostgreSQL").count - 1,
            1,
            test.stderr
        )
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.directory + "/127.0.0.1"), "no SQLite file")
    }

    /// `--resolve overwrite` refuses to replace an experiment whose trials are running unless `-f` is given: its
    /// hunts went on under the same id, the completed results were gone, and trials ran twice.
    func testOverwritingAnExperimentWithRunningTrialsNeedsForce() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try hunt(sandbox, "live", trials: 3)
        let dump = try sandbox.run(["db", "dump", "-o", "live.json"])
        XCTAssertEqual(dump.status, 0, dump.stderr)
        let inserted = try sandbox.run(["insert", "-n", "live", "-x=0.5"])
        XCTAssertEqual(inserted.status, 0, inserted.stderr)
        let storage = try sandbox.storage()
        let found = try await storage.experiment(named: "live", version: nil)
        let experiment = try XCTUnwrap(found)
        let reservation = try await storage.reserveTrial(of: experiment.id, worker: "elsewhere:1", at: Date())
        XCTAssertNotNil(reservation)
        let refused = try sandbox.run(["db", "load", "live.json", "--resolve", "overwrite"])
        XCTAssertEqual(refused.status, 2, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("trials are running: live-v1 (1 running)"), refused.stderr)
        let untouched = try await sandbox.trials(of: "live").count
        XCTAssertEqual(untouched, 4, "nothing replaced")
        let forced = try sandbox.run(["db", "load", "live.json", "--resolve", "overwrite", "-f"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertTrue(forced.stdout.hasPrefix("Overwritten live-v1"), forced.stdout)
    }

    /// On a terminal the name is asked for; a wrong answer changes nothing and exits 1, as Oríon's aborted
    /// operation; the right one goes on. (`script` gives the command a terminal.)
    func testTheConfirmationOnATerminal() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            throw XCTSkip("util-linux's script is not installed: no terminal to test the prompt on")
        }
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try hunt(sandbox, "asked", trials: 2)
        func answer(_ text: String, _ arguments: String) throws -> ProcessRunner.Output {
            try answering(sandbox, text, arguments, terminal: true)
        }
        let wrong = try answer("wrong", "db rm asked")
        XCTAssertEqual(wrong.status, 1, wrong.stdout)
        XCTAssertTrue(wrong.stdout.contains("Error: the name did not match: nothing was changed"), wrong.stdout)
        let kept = try await sandbox.trials(of: "asked").count
        XCTAssertEqual(kept, 2)
        let right = try answer("asked", "db rm asked -s completed")
        XCTAssertEqual(right.status, 0, right.stdout)
        XCTAssertTrue(right.stdout.contains(" asked-v1\r\n"), right.stdout)
        XCTAssertTrue(right.stdout.hasSuffix("2 trials deleted\r\n"), right.stdout)
    }

    func testSetRmAndReleaseChangeTrialsAsOrionsQueriesSay() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try hunt(sandbox, "kept", trials: 3)
        try hunt(sandbox, "edited", trials: 4)

        let set = try sandbox.run(["db", "set", "edited", "status=completed", "status=broken", "-f"])
        XCTAssertEqual(set.status, 0, set.stderr)
        XCTAssertEqual(set.stdout, "4 trials modified\n")
        // As Oríon, the tree it acts on and what it does come first, and -f answers the prompt with FORCED.
        XCTAssertTrue(set.stderr.hasPrefix(" edited-v1\n\nThe trials matching `status=completed`"), set.stderr)
        XCTAssertTrue(
            set.stderr.hasSuffix("Type the name of the experiment ('edited') to confirm: FORCED\n"),
            set.stderr
        )
        let bogus = try sandbox.run(["db", "set", "edited", "*", "status=bogus", "-f"])
        XCTAssertEqual(bogus.status, 2)
        XCTAssertTrue(bogus.stderr.hasPrefix("Error: Invalid status 'bogus'"), bogus.stderr)
        let attribute = try sandbox.run(["db", "set", "edited", "name=x", "status=new", "-f"])
        XCTAssertTrue(attribute.stderr.hasPrefix("Error: Invalid query attribute 'name'"), attribute.stderr)

        let unconfirmed = try sandbox.run(["db", "rm", "edited", "-s", "broken"])
        XCTAssertEqual(unconfirmed.status, 2, "standard input (/dev/null) ends without an answer, and no -f")
        XCTAssertTrue(
            unconfirmed.stderr.hasSuffix(
                "to confirm: \nError: orion db rm asks for confirmation: standard input ended without an answer; type "
                    + "or pipe the experiment's name, or add -f (--force)\n"
            ),
            unconfirmed.stderr
        )
        let awaited2 = try await sandbox.trials(of: "edited").count
        XCTAssertEqual(awaited2, 4)
        // As with Oríon's `input()`, a piped answer confirms (a cleanup script's `echo NAME | orion db rm NAME`); a
        // piped wrong name does not.
        func piped(_ text: String, _ arguments: String) throws -> ProcessRunner.Output {
            try answering(sandbox, text, arguments)
        }
        let pipedWrong = try piped("edite", "db set edited status=broken status=new")
        XCTAssertEqual(pipedWrong.status, 1, pipedWrong.stderr)
        XCTAssertTrue(
            pipedWrong.stderr.hasSuffix("to confirm: \nError: the name did not match: nothing was changed\n"),
            pipedWrong.stderr
        )
        // Byte for byte: the NFD spelling of `café` names another experiment than the NFC one, and does not
        // confirm removing it.
        try hunt(sandbox, "caf\u{E9}", trials: 1)
        try hunt(sandbox, "cafe\u{301}", trials: 1)
        let equivalent = try piped("cafe\\314\\201", "db rm caf\u{E9}")
        XCTAssertEqual(equivalent.status, 1, equivalent.stderr)
        let cafes = try sandbox.run(["list"]).stdout
        XCTAssertTrue(cafes.contains(" caf\u{E9}-v1\n") && cafes.contains(" cafe\u{301}-v1\n"), cafes)
        for cafe in ["caf\u{E9}", "cafe\u{301}"] { try sandbox.succeed(["db", "rm", cafe, "-f"]) }
        let pipedRight = try piped("edited", "db set edited status=broken status=new")
        XCTAssertEqual(pipedRight.status, 0, pipedRight.stderr)
        XCTAssertEqual(pipedRight.stdout, "4 trials modified\n")
        let pipedBack = try piped("edited", "db set edited status=new status=broken")
        XCTAssertEqual(pipedBack.stdout, "4 trials modified\n", pipedBack.stderr)

        let storage = try sandbox.storage()
        let awaited3 = try await storage.experiment(named: "edited", version: nil)
        let edited = try XCTUnwrap(awaited3)
        let awaited4 = try await storage.trials(of: edited.id, status: nil).first
        var held = try XCTUnwrap(awaited4)
        held.status = .reserved
        held.heartbeat = Date()  // its worker seems to run: the confirmation says so
        let awaited5 = try await storage.updateTrial(held, expecting: .broken)
        XCTAssertTrue(awaited5)
        let release = try sandbox.run(["db", "release", "edited", "-f"])
        XCTAssertTrue(
            release.stderr.contains(
                "The reserved trial of edited-v1 will become interrupted, to be run again. Its worker last reported "
            ),
            release.stderr
        )
        XCTAssertTrue(
            release.stderr.contains(
                " s ago. A run that still goes on is thrown away, and stopped when its trial runs again on its machine."
            ),
            release.stderr
        )
        XCTAssertEqual(
            release.stdout,
            "Algorithm lock successfully released.\n1 reserved trials released (now interrupted)\n"
        )

        let rmBroken = try sandbox.run(["db", "rm", "edited", "-s", "broken", "-f"])
        XCTAssertEqual(rmBroken.status, 0, rmBroken.stderr)
        XCTAssertTrue(rmBroken.stdout.hasSuffix("3 trials deleted\n"), rmBroken.stdout)
        let awaited6 = try await sandbox.trials(of: "edited").map(\.status)
        XCTAssertEqual(awaited6, [.interrupted])

        let rm = try sandbox.run(["db", "rm", "edited", "-f"])
        XCTAssertTrue(rm.stdout.hasSuffix("1 trials deleted\n1 experiments deleted\n"), rm.stdout)
        XCTAssertEqual(try sandbox.run(["list"]).stdout, " kept-v1\n")
        let missing = try sandbox.run(["db", "rm", "edited", "-f"])
        XCTAssertEqual(missing.status, 1)
    }

    func testSetupWritesTheGlobalFileThatTestAndUpgradeThenUse() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        var environment = sandbox.environment
        environment.removeValue(forKey: "ORION_DB_ADDRESS")
        environment["HOME"] = sandbox.directory
        environment.removeValue(forKey: "XDG_CONFIG_HOME")
        func run(_ arguments: [String]) throws -> ProcessRunner.Output {
            try ProcessRunner.run(
                [sandbox.orion] + arguments,
                environment: environment,
                currentDirectory: sandbox.directory,
                timeout: 60
            )
        }
        let setup = try run(["db", "setup", "--type", "sqlite", "--host", "set-up.db"])
        XCTAssertEqual(setup.status, 0, setup.stderr)
        let global = sandbox.directory + "/.config/orion.core/orion_config.yaml"
        let text = try String(contentsOfFile: global, encoding: .utf8)
        XCTAssertEqual(text, "storage:\n  database:\n    host: \(sandbox.directory)/set-up.db\n    type: sqlite\n")
        XCTAssertEqual(try run(["db", "setup", "--type", "sqlite", "--host", "x.db"]).status, 2, "kept without -f")
        // `~/…` stays for the reader to expand (probe p44c: it became `<cwd>/~/home.db`).
        let home = try run(["db", "setup", "--type", "sqlite", "--host=~/home.db", "-f"])
        XCTAssertEqual(home.status, 0, home.stderr)
        XCTAssertTrue(try String(contentsOfFile: global, encoding: .utf8).contains("host: ~/home.db\n"))
        XCTAssertTrue(
            try run(["db", "test"]).stdout.contains("Using configuration: sqlite://\(sandbox.directory)/home.db\n")
        )
        XCTAssertEqual(try run(["db", "setup", "--type", "sqlite", "--host", "set-up.db", "-f"]).status, 0)
        try FileManager.default.removeItem(atPath: sandbox.directory + "/home.db")
        XCTAssertEqual(try run(["db", "setup", "--type", "mongodb", "-f"]).status, 2)
        let sqlitePort = try run(["db", "setup", "--type", "sqlite", "--host", "p.db", "--port", "3", "-f"])
        XCTAssertEqual(sqlitePort.status, 2)
        XCTAssertTrue(sqlitePort.stderr.contains("--port is for PostgreSQL"), sqlitePort.stderr)

        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.directory + "/set-up.db"))
        let fresh = try run(["db", "test"])
        XCTAssertEqual(fresh.status, 0, "the configured file does not exist yet: the test creates it, as Oríon's does")
        XCTAssertTrue(fresh.stdout.contains("can be created... Success\n"), fresh.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: sandbox.directory + "/set-up.db"))
        // Closed before it exits, as every command: the file alone is the database (its -wal and -shm stayed).
        for suffix in ["-wal", "-shm"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.directory + "/set-up.db" + suffix), suffix)
        }
        XCTAssertEqual(try run(["list"]).stdout, "No experiment found\n", "the test's scratch experiment is gone")

        let hunt = try ProcessRunner.run(
            [
                sandbox.orion, "hunt", "-n", "e", "--exp-max-trials", "1", try Compat.script("noop.sh"),
                "-x~uniform(0, 1)",
            ],
            environment: environment,
            currentDirectory: sandbox.directory,
            timeout: 60
        )
        XCTAssertEqual(hunt.status, 0, hunt.stderr)
        let test = try run(["db", "test"])
        XCTAssertEqual(test.status, 0, test.stderr)
        let migrations = SQLiteStorage.migrationNames
        XCTAssertEqual(
            test.stdout,
            """
            Check for a configuration inside the global configuration file... Success
            Check for a configuration inside the environment variables... Skipping
            Check if configuration file has valid database configuration... Skipping
            Using configuration: sqlite://\(sandbox.directory)/set-up.db
            Check if database of specified type can be created... Success
            Check the database's schema version... Success (\(migrations.count) migrations, latest \(migrations.last ?? ""))
            Check if database supports write operation... Success
            Check if database supports read operation... Success
            Check if database supports count operation... Success
            Check if database supports delete operation... Success

            """
        )
        XCTAssertEqual(try run(["list"]).stdout, " e-v1\n", "the test's scratch experiment is gone")
        let upgrade = try run(["db", "upgrade", "-f"])
        XCTAssertEqual(
            upgrade.stdout,
            "Updating documents...\nSchema version: \(migrations.count) (\(migrations.last ?? ""))\n"
                + "Database upgrade completed successfully\n"
        )
    }

    /// A storage of Oríon's that swift-orion does not have fails `db test` at the configuration's stage, with the
    /// reason: it used to pass that stage and print the internal `unsupported:` marker as the configuration.
    func testDbTestOnAnOrionStorageFailsAtTheConfigurationStage() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let config = sandbox.directory + "/pk.yaml"
        try "storage:\n  type: legacy\n  database:\n    type: pickleddb\n    host: \(sandbox.directory)/x.pkl\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let test = try sandbox.run(["db", "test", "-c", config])
        XCTAssertEqual(test.status, 2, test.stderr)
        XCTAssertTrue(
            test.stdout.hasSuffix("Check if configuration file has valid database configuration... Failure\n"),
            test.stdout
        )
        XCTAssertFalse(test.stdout.contains("unsupported:"), test.stdout)
        XCTAssertTrue(test.stderr.contains("pk.yaml:4:11: storage type 'pickleddb' is not supported"), test.stderr)
        // A mistake in the global file fails the global file's step (it passed, and the -c file's failed; p44c).
        var environment = sandbox.environment
        environment["HOME"] = sandbox.directory
        environment.removeValue(forKey: "XDG_CONFIG_HOME")
        try FileManager.default.createDirectory(
            atPath: sandbox.directory + "/.config/orion.core",
            withIntermediateDirectories: true
        )
        try "storage:\n  database:\n    type: sqlite\n    hots: x\n".write(
            toFile: sandbox.directory + "/.config/orion.core/orion_config.yaml",
            atomically: true,
            encoding: .utf8
        )
        let global = try ProcessRunner.run(
            [sandbox.orion, "db", "test"],
            environment: environment,
            currentDirectory: sandbox.directory
        )
        XCTAssertEqual(global.status, 2, global.stderr)
        XCTAssertEqual(global.stdout, "Check for a configuration inside the global configuration file... Failure\n")
        XCTAssertTrue(global.stderr.contains("unknown key 'hots'"), global.stderr)
    }

    /// A dump may name an experiment as Oríon allows and `orion hunt` refuses (`a/b`): it loads, and the load says
    /// that no hunt can name it and how to rename it.
    func testLoadingANameThatNoHuntCanNameSaysSo() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try sandbox.succeed([
            "hunt", "-n", "renameme", "--exp-max-trials", "1", try Compat.script("noop.sh"), "-x~uniform(0, 1)",
        ])
        try sandbox.succeed(["db", "dump", "-o", "d.json"])
        let path = sandbox.directory + "/d.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "\"renameme\"", with: "\"a\\/b\"").write(
            toFile: path,
            atomically: true,
            encoding: .utf8
        )
        let load = try sandbox.run(["db", "load", "d.json", "--storage", "sqlite://" + sandbox.directory + "/o.db"])
        XCTAssertEqual(load.status, 0, load.stderr)
        XCTAssertTrue(load.stdout.contains("a/b-v1"), load.stdout)
        XCTAssertTrue(
            load.stderr.contains("note: experiment 'a/b' contains '/': it is loaded and can be read"),
            load.stderr
        )
    }

    /// A dump or load file that cannot be used is said by what is wrong with its place (Foundation said "The file
    /// doesn't exist." of a missing directory).
    func testDumpAndLoadSayWhatIsWrongWithTheirFile() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try sandbox.succeed([
            "hunt", "-n", "files", "--exp-max-trials", "1", try Compat.script("noop.sh"), "-x~uniform(0, 1)",
        ])
        let cases: [([String], String)] = [
            (["db", "dump", "-o", "nodir/x.json"], "cannot write nodir/x.json: its directory nodir does not exist"),
            (["db", "dump", "-f", "-o", sandbox.directory], "cannot write \(sandbox.directory): it is a directory"),
            (["db", "load", "nope.json"], "cannot read nope.json: it does not exist"),
            (["db", "load", sandbox.directory], "cannot read \(sandbox.directory): it is a directory"),
            (
                ["db", "load", "empty.json"],
                "empty.json is empty: there is nothing to load; give a file written by orion db dump"
            ),
        ]
        try "\n".write(toFile: sandbox.directory + "/empty.json", atomically: true, encoding: .utf8)
        for (arguments, message) in cases {
            let output = try sandbox.run(arguments)
            XCTAssertEqual(output.status, 2, "\(arguments): \(output.stderr)")
            XCTAssertEqual(output.stderr, "Error: \(message)\n", "\(arguments)")
        }
    }

    /// A dump `orion db load` refuses (a trial outside its space) creates no database at a new `--storage` path.
    func testARefusedLoadCreatesNoDatabase() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try sandbox.succeed([
            "hunt", "-n", "src", "--exp-max-trials", "1", try Compat.script("noop.sh"), "-x~uniform(0, 1)",
        ])
        let dumpPath = sandbox.directory + "/all.json"
        try sandbox.succeed(["db", "dump", "-o", dumpPath])
        let text = try String(contentsOfFile: dumpPath, encoding: .utf8)
        var json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        var experiments = try XCTUnwrap(json["experiments"] as? [[String: Any]])
        var trials = try XCTUnwrap(experiments[0]["trials"] as? [[String: Any]])
        var params = try XCTUnwrap(trials[0]["params"] as? [[String: Any]])
        params[0]["value"] = 7.0
        trials[0]["params"] = params
        experiments[0]["trials"] = trials
        json["experiments"] = experiments
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: dumpPath))
        let target = sandbox.directory + "/new.db"
        let output = try sandbox.run(["db", "load", dumpPath, "--storage", target])
        XCTAssertEqual(output.status, 2, output.stderr)
        XCTAssertTrue(output.stderr.contains("does not fit its space"), output.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: target), "a refused load created \(target)")
    }

    /// `db dump` writes its file as the text is made, beside its name: a dump that fails leaves the file it was to
    /// replace as it was, and no partial file; one that succeeds replaces it whole.
    func testAFailedDumpLeavesTheFileItWasToReplace() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try sandbox.succeed([
            "hunt", "-n", "kept", "--exp-max-trials", "3", try Compat.script("noop.sh"), "-x~uniform(0, 1)",
        ])
        let path = sandbox.directory + "/keep.json"
        try "previous\n".write(toFile: path, atomically: true, encoding: .utf8)
        let failed = try sandbox.run(["db", "dump", "-n", "nope", "-f", "-o", "keep.json"])
        XCTAssertEqual(failed.status, 1, failed.stderr)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "previous\n")
        func leftovers() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: sandbox.directory).filter { $0.hasSuffix(".partial") }
        }
        XCTAssertEqual(try leftovers(), [])
        let dump = try sandbox.run(["db", "dump", "-f", "-o", "keep.json"])
        XCTAssertEqual(dump.stdout, "Dumped 1 experiment(s) and 3 trial(s) to keep.json\n", dump.stderr)
        let loaded = try ExperimentDump.decode(Data(contentsOf: URL(fileURLWithPath: path)), source: path)
        XCTAssertEqual(loaded.experiments.map(\.trials.count), [3])
        XCTAssertEqual(try leftovers(), [])
    }

    /// `db dump -o` naming the database itself (or its write-ahead log) is refused, `-f` or not, and the database
    /// stays as it was (probe p44c: it was replaced by the dump, and a hunt on it stopped).
    func testADumpCannotReplaceTheDatabaseItReads() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try hunt(sandbox, "kept", trials: 2)
        let link = sandbox.directory + "/alias.db"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: sandbox.database)
        for output in [sandbox.database, link] {
            let refused = try sandbox.run(["db", "dump", "-f", "-o", output])
            XCTAssertEqual(refused.status, 2, refused.stderr)
            XCTAssertTrue(refused.stderr.contains("is the database's own file (\(sandbox.database))"), refused.stderr)
        }
        XCTAssertEqual(try sandbox.run(["list"]).stdout, " kept-v1\n")
        let dump = try sandbox.run(["db", "dump", "-f", "-o", "other.json"])
        XCTAssertEqual(dump.status, 0, dump.stderr)
    }

    /// `db dump -c FILE` and `db load -c FILE` take the experiment the file names, as `orion status -c` does (Oríon
    /// merges the file's `experiment:` section; probe p44c: every experiment was dumped).
    func testDumpAndLoadTakeTheExperimentNamedInTheConfigurationFile() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try hunt(sandbox, "kept", trials: 2)
        try hunt(sandbox, "other", trials: 1)
        try "experiment:\n  name: other\n".write(
            toFile: sandbox.directory + "/c.yaml",
            atomically: true,
            encoding: .utf8
        )
        let dump = try sandbox.run(["db", "dump", "-c", "c.yaml", "-o", "all.json"])
        XCTAssertEqual(dump.stdout, "Dumped 1 experiment(s) and 1 trial(s) to all.json\n", dump.stderr)
        let full = try sandbox.run(["db", "dump", "-o", "both.json"])
        XCTAssertEqual(full.stdout, "Dumped 2 experiment(s) and 3 trial(s) to both.json\n", full.stderr)
        let load = try sandbox.run([
            "db", "load", "both.json", "-c", "c.yaml", "--storage", sandbox.directory + "/new.db",
        ])
        XCTAssertEqual(load.status, 0, load.stderr)
        let listed = try sandbox.run(["list", "--storage", sandbox.directory + "/new.db"])
        XCTAssertEqual(listed.stdout, " other-v1\n")
    }

    /// A name given both ways must be one name: `db rm -n other kept` deleted `kept` (probe p44c); `db set` takes
    /// `-n NAME` with QUERY UPDATE, as `rm` and `release` take it.
    func testTwoDifferentExperimentNamesAreRefused() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try hunt(sandbox, "kept", trials: 2)
        try hunt(sandbox, "other", trials: 1)
        for arguments in [
            ["db", "rm", "-n", "other", "kept", "-f"],
            ["db", "release", "-n", "other", "kept", "-f"],
            ["db", "set", "-n", "other", "kept", "status=completed", "status=broken", "-f"],
        ] {
            let refused = try sandbox.run(arguments)
            XCTAssertEqual(refused.status, 2, "\(arguments): \(refused.stderr)")
            XCTAssertTrue(refused.stderr.contains("two experiment names, kept and -n other: give one"), refused.stderr)
        }
        let kept = try await sandbox.trials(of: "kept").map(\.status)
        XCTAssertEqual(kept, [.completed, .completed], "nothing changed")
        let set = try sandbox.run(["db", "set", "-n", "other", "status=completed", "status=broken", "-f"])
        XCTAssertEqual(set.status, 0, set.stderr)
        XCTAssertEqual(set.stdout, "1 trials modified\n")
        let other = try await sandbox.trials(of: "other").map(\.status)
        XCTAssertEqual(other, [.broken])
        let same = try sandbox.run(["db", "set", "-n", "other", "other", "status=broken", "status=completed", "-f"])
        XCTAssertEqual(same.status, 0, same.stderr)
        let short = try sandbox.run(["db", "set", "other", "status=broken"])
        XCTAssertEqual(short.status, 2)
        XCTAssertTrue(short.stderr.contains("orion db set takes NAME QUERY UPDATE"), short.stderr)
    }

    func testDebugUsesAnInMemoryDatabase() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let hunt = try sandbox.run([
            "-d", "hunt", "-n", "scratch", "--exp-max-trials", "2", try Compat.script("noop.sh"), "-x~uniform(0, 1)",
        ])
        XCTAssertEqual(hunt.status, 0, hunt.stderr)
        XCTAssertTrue(hunt.stdout.contains("trials completed: 2"), hunt.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.database), "nothing written to the database")
        XCTAssertEqual(try sandbox.run(["--debug", "list"]).stdout, "No experiment found\n")
        XCTAssertEqual(try sandbox.run(["-d", "db", "dump", "-o", "d.json"]).status, 0)
        // An explicit --storage is said to be unused (it was dropped in silence; probe p44c).
        let named = try sandbox.run(["--debug", "list", "--storage", sandbox.database])
        XCTAssertEqual(named.stdout, "No experiment found\n")
        XCTAssertEqual(
            named.stderr,
            "note: --debug keeps experiments in memory: --storage \(sandbox.database) is not used\n"
        )
    }

    /// `orion db upgrade` and `orion db test` report PostgreSQL's schema version as they do SQLite's (`db test` said
    /// "Skipping"), on a schema of the test's own.
    func testUpgradeAndTestReportPostgreSQLsSchemaVersion() async throws {
        guard let server = ProcessInfo.processInfo.environment["ORION_TEST_POSTGRES_URL"] else {
            throw XCTSkip("ORION_TEST_POSTGRES_URL is not set (scripts/test starts PostgreSQL and sets it)")
        }
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let schema = "orion_dbtest_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(8).lowercased()
        let url = server + (server.contains("?") ? "&" : "?") + "schema=" + schema
        let migrations = PostgresStorage.migrationNames
        let upgrade = try sandbox.run(["db", "upgrade", "-f", "--storage", url])
        XCTAssertEqual(upgrade.status, 0, upgrade.stderr)
        XCTAssertTrue(
            upgrade.stdout.contains("Schema version: \(migrations.count) (\(migrations.last ?? ""))\n"),
            upgrade.stdout
        )
        let test = try sandbox.run(["db", "test", "--storage", url])
        XCTAssertEqual(test.status, 0, test.stderr)
        XCTAssertTrue(
            test.stdout.contains(
                "Check the database's schema version... Success (\(migrations.count) migrations, latest "
                    + "\(migrations.last ?? ""))\n"
            ),
            test.stdout
        )
        let storage = try PostgresStorage(url: url)
        try await storage.dropSchema()
        try await storage.close()
    }

    /// `orion db rm` of an experiment a hunt is running: the hunt stops with an error that names the experiment and
    /// says it was removed (it said "no experiment with id 106465dc…").
    func testRemovingTheExperimentUnderAHuntStopsItSayingSo() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script(
            "slow.sh",
            """
            #!/bin/sh
            sleep 0.3
            printf '[{"name": "o", "type": "objective", "value": 1}]\\n' >"$ORION_RESULTS_PATH"
            """
        )
        let hunt = try sandbox.start(
            ["hunt", "-n", "gone", "--exp-max-trials", "200", script, "-x~uniform(0, 1)"],
            name: "hunt"
        )
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, try sandbox.run(["status", "-n", "gone"]).stdout.contains("completed") == false {
            usleep(100_000)
        }
        try sandbox.succeed(["db", "rm", "gone", "-f"])
        let output = sandbox.wait(hunt, name: "hunt")
        XCTAssertEqual(output.status, 1, output.stderr)
        XCTAssertTrue(
            output.stderr.hasSuffix(
                "Error: experiment 'gone' v1 was removed while this hunt ran (orion db rm?); the hunt stopped, and "
                    + "results of trials that were running are not stored\n"
            ),
            output.stderr
        )
    }

    /// Oríon 0.2.7's `db upgrade` on a database not created yet crashes (IndexError on an empty experiments
    /// collection); ours creates it at the latest schema, as `db test` does, and says which version it is.
    func testUpgradeCreatesAMissingDatabase() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let path = sandbox.directory + "/new/upgraded.db"
        try FileManager.default.createDirectory(
            atPath: sandbox.directory + "/new",
            withIntermediateDirectories: true
        )
        let upgrade = try sandbox.run(["db", "upgrade", "-f", "--storage", "sqlite://" + path])
        XCTAssertEqual(upgrade.status, 0, upgrade.stderr)
        let migrations = SQLiteStorage.migrationNames
        XCTAssertEqual(
            upgrade.stdout,
            "Updating documents...\nSchema version: \(migrations.count) (\(migrations.last ?? ""))\n"
                + "Database upgrade completed successfully\n"
        )
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
        let list = try sandbox.run(["list", "--storage", "sqlite://" + path])
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertEqual(list.stdout, "No experiment found\n")
    }
}

/// Values as a dump keeps them: dates to the microsecond.
extension Date {
    fileprivate var toMicrosecond: Date {
        Date(timeIntervalSince1970: (timeIntervalSince1970 * 1_000_000).rounded() / 1_000_000)
    }
}

extension Trial {
    fileprivate var toMicrosecond: Trial {
        var trial = self
        trial.submitTime = submitTime.toMicrosecond
        trial.startTime = startTime?.toMicrosecond
        trial.endTime = endTime?.toMicrosecond
        trial.heartbeat = heartbeat?.toMicrosecond
        return trial
    }
}

extension Experiment {
    fileprivate var toMicrosecond: Experiment {
        var experiment = self
        experiment.metadata.datetime = metadata.datetime.toMicrosecond
        return experiment
    }
}
