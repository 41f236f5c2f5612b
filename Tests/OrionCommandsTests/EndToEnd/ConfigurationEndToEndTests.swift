import Foundation
import OrionCore
import OrionTesting
import XCTest

/// Configuration values, working directories and experiment names checked by the built `orion` before anything is
/// created (issue 9, items 4, 7, 13 and 14).
final class ConfigurationEndToEndTests: XCTestCase {
    /// Runs `orion hunt` with `options` before a script, expecting a usage error: exit 2, one line on stderr
    /// containing `expected`, and nothing stored.
    private func expectRejected(
        _ sandbox: Sandbox,
        _ options: [String],
        environment: [String: String] = [:],
        containing expected: String,
        file: StaticString = #filePath,
        line: UInt = #line
    ) async throws {
        let output = try ProcessRunner.run(
            [sandbox.orion, "hunt"] + options + [try Compat.script("noop.sh"), "-x~uniform(0, 1)"],
            environment: sandbox.environment.merging(environment) { $1 },
            currentDirectory: sandbox.directory,
            timeout: 30
        )
        XCTAssertEqual(output.status, 2, "\(options): \(output.stderr)", file: file, line: line)
        XCTAssertEqual(
            output.stderr.split(separator: "\n").count,
            1,
            "\(options): \(output.stderr)",
            file: file,
            line: line
        )
        XCTAssertTrue(output.stderr.hasPrefix("Error: "), output.stderr, file: file, line: line)
        XCTAssertTrue(output.stderr.contains(expected), "\(options): \(output.stderr)", file: file, line: line)
        let experiments = try await sandbox.storage().experiments()
        XCTAssertEqual(experiments.map(\.name), [], "\(options)", file: file, line: line)
    }

    /// An algorithm's option that is wrong in a configuration file is an error that says where the option is
    /// (file, line, column), or where the algorithm is when the message names no configured option, and suggests the
    /// closest option for a misspelt one.
    func testAlgorithmOptionErrorsNameTheFileAndPlace() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let cases = [
            (
                "tpe:\n      seed: 1\n      sed: 3\n", "5:7",
                "unknown option 'sed' for algorithm 'tpe'; valid options: equal_weight, "
                    + "full_weight_num, gamma, max_retry, multivariate, n_ei_candidates, n_initial_points, "
                    + "parallel_strategy, prior_weight, seed (did you mean 'seed'?)"
            ),
            ("tpe:\n      gamma: abc\n", "4:7", "tpe: option 'gamma' must be a number"),
            ("of_type: tpe\n    seed: 1\n    gamma: abc\n", "5:5", "tpe: option 'gamma' must be a number"),
            // The option named as a word of the message (not quoted).
            (
                "gridsearch:\n      n_values: {/z: 3}\n", "4:7",
                "gridsearch: n_values names '/z', which is not a dimension"
            ),
            // A quoted value that spells another option's name is not that option.
            (
                "tpe:\n      parallel_strategy:\n        of_type: MaxParallelStrategy\n        default_result: seed\n"
                    + "      seed: 1\n", "4:7", "tpe: parallel_strategy 'default_result' must be a number, not 'seed'"
            ),
            // Several unknown options: the first named.
            ("tpe:\n      zeta: 5\n      seeed: 5\n", "5:7", "unknown options 'seeed', 'zeta' for algorithm 'tpe'"),
            // A nested key of an option: the option's place.
            (
                "tpe:\n      parallel_strategy:\n        of_type: MaxParallelStrategy\n        default_resultz: 1\n",
                "4:7", "tpe: unknown key default_resultz for parallel_strategy MaxParallelStrategy"
            ),
            (
                "tpe:\n      seed: 1\n      parallel_strategy:\n        of_type: Liar\n", "5:7",
                "tpe: unknown parallel_strategy 'Liar'; valid strategies: NoParallelStrategy"
            ),
        ]
        for (index, (algorithm, place, message)) in cases.enumerated() {
            let path = sandbox.directory + "/bad\(index).yaml"
            try "experiment:\n  algorithm:\n    \(algorithm)".write(toFile: path, atomically: true, encoding: .utf8)
            try await expectRejected(
                sandbox,
                ["-n", "bad", "-c", path],
                containing: "Error: \(path):\(place): \(message)"
            )
        }
        // A message naming no configured option: the algorithm's place.
        let fidelityless = sandbox.directory + "/fidelityless.yaml"
        try "experiment:\n  algorithm:\n    asha:\n      seed: 1\n".write(
            toFile: fidelityless,
            atomically: true,
            encoding: .utf8
        )
        try await expectRejected(
            sandbox,
            ["-n", "bad", "-c", fidelityless],
            containing: "Error: \(fidelityless):2:3: asha needs exactly one fidelity dimension"
        )
        // An algorithm given again by a layer above (-c over the global file) takes its options' places with it.
        let xdg = sandbox.directory + "/xdg"
        try FileManager.default.createDirectory(atPath: xdg + "/orion.core", withIntermediateDirectories: true)
        try "experiment:\n  algorithm:\n    tpe:\n      gamma: 0.5\n".write(
            toFile: xdg + "/orion.core/orion_config.yaml",
            atomically: true,
            encoding: .utf8
        )
        let upper = sandbox.directory + "/upper.yaml"
        try "experiment:\n\n  algorithm:\n    tpe:\n      seed: 1\n      sed: 3\n".write(
            toFile: upper,
            atomically: true,
            encoding: .utf8
        )
        try await expectRejected(
            sandbox,
            ["-n", "bad", "-c", upper],
            environment: ["XDG_CONFIG_HOME": xdg],
            containing: "Error: \(upper):6:7: unknown option 'sed'"
        )
        // The global file's own wrong option, with no algorithm above it: its place there.
        try "experiment:\n  algorithm:\n    tpe:\n      gamma: abc\n".write(
            toFile: xdg + "/orion.core/orion_config.yaml",
            atomically: true,
            encoding: .utf8
        )
        try await expectRejected(
            sandbox,
            ["-n", "bad"],
            environment: ["XDG_CONFIG_HOME": xdg],
            containing: "Error: \(xdg)/orion.core/orion_config.yaml:4:7: tpe: option 'gamma' must be a number"
        )
    }

    /// Issue 9, item 4: `--heartbeat 0.0001` was a 0 ms heartbeat; now refused (variables and files: `SettingTests`).
    func testTinyHeartbeatIsRefused() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try await expectRejected(
            sandbox,
            ["-n", "tiny", "--heartbeat", "0.0001"],
            containing: "flag --heartbeat must be from 0.1 to 31536000 seconds (365 days), not 0.0001"
        )
    }

    /// Issue 9, item 7: `inf`, `1e300` and `1e17` trapped in `Int64(seconds * 1000)` (more cases: `SettingTests`).
    func testNonFiniteAndHugeDurationsAreErrorsNotCrashes() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        for value in ["inf", "1e300"] {
            try await expectRejected(
                sandbox,
                ["-n", "x", "--heartbeat", value],
                containing: "flag --heartbeat must be"
            )
        }
        try await expectRejected(
            sandbox,
            ["-n", "x"],
            environment: ["ORION_IDLE_TIMEOUT": "1e17"],
            containing: "environment variable ORION_IDLE_TIMEOUT"
        )
        let config = sandbox.directory + "/orion.yaml"
        try "worker:\n  heartbeat: .inf\n".write(toFile: config, atomically: true, encoding: .utf8)
        try await expectRejected(
            sandbox,
            ["-n", "x", "--config", config],
            containing: "orion.yaml:2:14: 'worker.heartbeat'"
        )
    }

    /// Issue 9, item 13: flags skipped the checks files and variables get; `--heartbeat -1` said "Missing value".
    func testFlagsGetTheChecksOfFilesAndVariables() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try await expectRejected(
            sandbox,
            ["-n", "x", "--n-workers", "0"],
            containing: "flag --n-workers must be an integer >= 1, not 0; pass e.g. --n-workers 4"
        )
        try await expectRejected(
            sandbox,
            ["-n", "x", "--heartbeat", "-1"],
            containing: "flag --heartbeat must be a number of seconds > 0, not -1; pass e.g. --heartbeat 120"
        )
        // A whole number however it is written, from a flag or a variable as from a file; a fraction is refused.
        try await expectRejected(
            sandbox,
            ["-n", "x"],
            environment: ["ORION_EXP_MAX_TRIALS": "2.5"],
            containing: "environment variable ORION_EXP_MAX_TRIALS must be an integer, not '2.5'"
        )
        let script = try Compat.script("noop.sh")
        try sandbox.succeed(["hunt", "--init-only", "-n", "w", "--exp-max-trials", "1e3", script, "-x~uniform(0, 1)"])
        let info = try sandbox.run(["info", "-n", "w"])
        XCTAssertTrue(info.stdout.contains("max trials: 1000\n"), info.stdout)
    }

    /// Issue 9, item 13: a working directory that is a file, or under a file, dumped Foundation errors after the
    /// experiment was created.
    func testBadWorkingDirectoryIsOneLineAndCreatesNothing() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let file = sandbox.directory + "/plain-file"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        try await expectRejected(
            sandbox,
            ["-n", "x", "--working-dir", file],
            containing: "the working directory \(file) is a file, not a directory; give a writable directory"
        )
        try await expectRejected(
            sandbox,
            ["-n", "x", "--working-dir", file + "/runs"],
            containing: "the working directory \(file)/runs cannot be created: \(file) is a file"
        )
    }

    /// Issue 9, item 13: a 300-character name dumped a Foundation error after the experiment was created.
    func testOverlongNameIsOneLineAndCreatesNothing() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try await expectRejected(
            sandbox,
            ["-n", String(repeating: "a", count: 300)],
            containing: "flag -n is not a valid experiment name: 'aaaa"
        )
    }

    /// Issue 9, item 14: a name like `../../../../tmp/x` put trial directories outside the working directory;
    /// names with `/`, a newline, or empty were accepted.
    func testNamesCannotLeaveTheWorkingDirectory() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let leaf = "orion-escape-\(UUID().uuidString)"
        try await expectRejected(sandbox, ["-n", "../../../../../../../../tmp/" + leaf], containing: "contains '/'")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/" + leaf + "-v1"))
        try await expectRejected(sandbox, ["-n", "a\nb"], containing: "contains a newline")
        let config = sandbox.directory + "/orion.yaml"
        try "experiment:\n  name: ../x\n".write(toFile: config, atomically: true, encoding: .utf8)
        try await expectRejected(
            sandbox,
            ["--config", config],
            containing: "orion.yaml:2:9: 'experiment.name' is not a valid"
        )
    }

    /// Issue 9, item 13: `status -n nope` exited 0 while `info -n nope` exited 1; both are one line, exit 1.
    func testStatusAndInfoOfAnUnknownExperimentFailAlike() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        _ = try sandbox.storage()  // an empty database (reading a missing one is an error naming its path)
        let status = try sandbox.run(["status", "-n", "nope"], timeout: 30)
        let info = try sandbox.run(["info", "-n", "nope"], timeout: 30)
        for output in [status, info] {
            XCTAssertEqual(output.status, 1, output.stderr)
            XCTAssertEqual(output.stdout, "")
            XCTAssertEqual(output.stderr, "Error: no experiment named 'nope'; run `orion list` to see them\n")
        }
        let everything = try sandbox.run(["status"], timeout: 30)
        XCTAssertEqual(everything.status, 0, everything.stderr)
        XCTAssertEqual(everything.stdout, "No experiment found\n")
    }
    /// `experiment.version` and `experiment.user` in a `-c` file are used as Oríon uses them, as `-v` and `-u`
    /// would be: they were read and dropped (found side by side).
    func testVersionAndUserFromTheConfigFileAreUsed() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("noop.sh")
        try sandbox.succeed(["hunt", "--init-only", "-n", "brn", script, "-x~uniform(-1, 1)", "--foo", "1"])
        try sandbox.succeed([
            "hunt", "--init-only", "--enable-evc", "-n", "brn", script, "-x~uniform(-1, 2)", "--foo", "1",
        ])
        let versionFile = sandbox.directory + "/v.yaml"
        try "experiment:\n  name: brn\n  version: 1\n".write(toFile: versionFile, atomically: true, encoding: .utf8)
        let info = try sandbox.run(["info", "-c", versionFile])
        XCTAssertEqual(info.status, 0, info.stderr)
        XCTAssertTrue(info.stdout.contains("version: 1\n"), info.stdout)
        XCTAssertTrue(info.stdout.contains("/x: uniform(-1, 1)"), info.stdout)
        let flagWins = try sandbox.run(["info", "-c", versionFile, "-v", "2"])
        XCTAssertTrue(flagWins.stdout.contains("/x: uniform(-1, 2)"), flagWins.stdout)

        let userFile = sandbox.directory + "/u.yaml"
        try "experiment:\n  user: carol\n".write(toFile: userFile, atomically: true, encoding: .utf8)
        try sandbox.succeed(["hunt", "--init-only", "-n", "uf", "-c", userFile, script, "-x~uniform(-1, 1)"])
        let user = try sandbox.run(["info", "-n", "uf"])
        XCTAssertTrue(user.stdout.contains("user: carol\n"), user.stdout)
    }
    /// A resumed experiment given another algorithm configuration says what changed, options included (it said
    /// "from random to random" for a new seed).
    func testAChangedAlgorithmOnResumeIsShownWithItsOptions() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try Compat.script("noop.sh")
        for seed in [1, 8] {
            let file = sandbox.directory + "/r\(seed).yaml"
            try "experiment:\n  algorithm:\n    random:\n      seed: \(seed)\n".write(
                toFile: file,
                atomically: true,
                encoding: .utf8
            )
        }
        try sandbox.succeed([
            "hunt", "--init-only", "-n", "a", "-c", sandbox.directory + "/r1.yaml", script, "-x~uniform(0, 1)",
        ])
        let changed = try sandbox.run([
            "hunt", "--init-only", "-n", "a", "-c", sandbox.directory + "/r8.yaml", script, "-x~uniform(0, 1)",
        ])
        XCTAssertEqual(changed.status, 0, changed.stderr)
        XCTAssertEqual(
            changed.stderr,
            "note: algorithm changed from {random: {seed: 1}} to {random: {seed: 8}}; it restarts\n"
        )
    }
}
