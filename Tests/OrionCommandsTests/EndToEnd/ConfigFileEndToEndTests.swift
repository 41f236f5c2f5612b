import Foundation
import OrionCore
import OrionTesting
import XCTest

/// The script's configuration file as the search space: Oríon's `from_config.py` + `train.yaml`, unchanged.
final class ConfigFileEndToEndTests: XCTestCase {
    /// Whether the machine's `python3` has PyYAML (from_config.py reads the file as JSON without it).
    private func requirePyYAML() throws {
        let check = try ProcessRunner.run(
            ["/usr/bin/env", "python3", "-c", "import yaml"],
            environment: ProcessInfo.processInfo.environment,
            currentDirectory: "/",
            timeout: 30
        )
        if check.status != 0 {
            throw XCTSkip("python3 has no PyYAML: from_config.py reads train.yaml with it (pip install pyyaml)")
        }
    }

    func testFromConfigRunsUnchangedWithTrainYAML() async throws {
        try requirePyYAML()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let output = try sandbox.run([
            "hunt", "-n", "cfg", "--exp-max-trials", "4", try Compat.script("from_config.py"),
            "--config", try Compat.script("train.yaml"),
        ])
        XCTAssertEqual(output.status, 0, output.stderr)
        let trials = try await sandbox.trials(of: "cfg")
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, 4)
        let storage = try sandbox.storage()
        let found = try await storage.experiment(named: "cfg", version: nil)
        let experiment = try XCTUnwrap(found)
        XCTAssertEqual(
            experiment.space.names,
            ["/model/activation", "/model/width", "/optimizer/lr"]
        )
        for trial in trials {
            let directory = try XCTUnwrap(trial.workingDir)
            let rendered = try String(contentsOfFile: directory + "/orion.train.yaml", encoding: .utf8)
            let lr = try XCTUnwrap(trial.values["/optimizer/lr"]?.doubleValue)
            let width = try XCTUnwrap(trial.values["/model/width"]?.intValue)
            let activation = try XCTUnwrap(trial.values["/model/activation"]?.stringValue)
            XCTAssertTrue(rendered.contains("\n  width: \(width)\n"), rendered)
            XCTAssertTrue(rendered.contains("\n  activation: \"\(activation)\"\n"), rendered)
            XCTAssertTrue(rendered.contains("\n  momentum: 0.9\n"), rendered)
            XCTAssertFalse(rendered.contains("'orion~"), rendered)
            // The script computed its loss from the rendered values (as floats and ints, not strings).
            let penalty = ["relu": 0.0, "gelu": 0.01, "tanh": 0.1][activation] ?? .nan
            let expected = 1e4 * (lr - 0.01) * (lr - 0.01) + Double((width - 128) * (width - 128)) / 1e4 + penalty
            XCTAssertEqual(try XCTUnwrap(trial.objective), expected, accuracy: 1e-9 * max(1, expected))
        }
    }

    /// A script may keep its configuration with its checkpoints under the file's own name, and write its own
    /// `stdout.log`, in its trial's directory: orion's files there are `orion.<name>` and `orion.stdout.log`, so
    /// nothing clashes (the copy failed with "are the same file", and orion's output was appended to the script's
    /// log).
    func testAScriptsOwnFilesInItsDirectoryDoNotClashWithOrions() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try "lr: 'orion~uniform(0, 1)'\n".write(
            toFile: sandbox.directory + "/c.yaml",
            atomically: true,
            encoding: .utf8
        )
        let script = try sandbox.script(
            "keep.sh",
            """
            #!/bin/sh
            cp "$2" "$ORION_WORKING_DIR/c.yaml" || exit 1
            echo own > "$ORION_WORKING_DIR/stdout.log"
            echo printed
            printf '[{"name": "o", "type": "objective", "value": 1}]' > "$ORION_RESULTS_PATH"

            """
        )
        try sandbox.succeed([
            "hunt", "-n", "keep", "--exp-max-trials", "1", "--working-dir", "wd", script, "--config", "c.yaml",
        ])
        let trials = try await sandbox.trials(of: "keep")
        XCTAssertEqual(trials.map(\.status), [.completed])
        let directory = try XCTUnwrap(trials.first?.workingDir)
        XCTAssertEqual(try String(contentsOfFile: directory + "/stdout.log", encoding: .utf8), "own\n")
        XCTAssertEqual(try String(contentsOfFile: directory + "/orion.stdout.log", encoding: .utf8), "printed\n")
        let kept = try String(contentsOfFile: directory + "/c.yaml", encoding: .utf8)
        XCTAssertTrue(kept.hasPrefix("lr: 0."), kept)
    }

    func testJSONConfigurationWithCommandLinePriorsAndAnotherOptionName() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try """
        {"model": {"width": 128, "activation": "orion~choices(['relu', 'tanh'])"},
         "optimizer": {"lr": "orion~loguniform(1e-4, 1)"}}
        """.write(toFile: sandbox.directory + "/space.json", atomically: true, encoding: .utf8)
        let script = try sandbox.script(
            "read.py",
            """
            #!/usr/bin/env python3
            import argparse, json, os
            parser = argparse.ArgumentParser()
            parser.add_argument("--settings")
            parser.add_argument("-x", type=float)
            arguments = parser.parse_args()
            config = json.load(open(arguments.settings))
            assert isinstance(config["optimizer"]["lr"], float)
            loss = config["optimizer"]["lr"] + arguments.x + (config["model"]["activation"] == "tanh")
            json.dump([{"name": "loss", "type": "objective", "value": loss}], open(os.environ["ORION_RESULTS_PATH"], "w"))

            """
        )
        let output = try sandbox.run([
            "hunt", "-n", "json", "--exp-max-trials", "3", "--user-script-config", "settings", script,
            "--settings", "space.json", "-x~uniform(0, 1)",
        ])
        XCTAssertEqual(output.status, 0, output.stderr)
        let trials = try await sandbox.trials(of: "json")
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, 3, output.stderr)
        for trial in trials {
            let lr = try XCTUnwrap(trial.values["/optimizer/lr"]?.doubleValue)
            let x = try XCTUnwrap(trial.values["/x"]?.doubleValue)
            let tanh = trial.values["/model/activation"]?.stringValue == "tanh" ? 1.0 : 0.0
            XCTAssertEqual(try XCTUnwrap(trial.objective), lr + x + tanh, accuracy: 1e-12)
            XCTAssertTrue(
                FileManager.default.fileExists(atPath: try XCTUnwrap(trial.workingDir) + "/orion.space.json"),
                "the trial's copy"
            )
        }

        let conflict = try sandbox.run([
            "hunt", "-n", "clash", "--user-script-config", "settings", script, "--settings", "space.json",
            "--optimizer/lr~uniform(0, 1)",
        ])
        XCTAssertEqual(conflict.status, 2, conflict.stderr)
        XCTAssertTrue(conflict.stderr.contains("defined both in the command line"), conflict.stderr)
    }

    /// `orion hunt -n NAME` (the stored command) renders trials from the configuration file stored with the
    /// experiment, as Oríon renders from its stored copy: an edit of a value that is not a prior, or the file's
    /// removal, does not change a resumed experiment (it read the file on disk again: trials silently mixed two
    /// configurations, a removed file stopped the resume). The option naming the file (`--user-script-config`) is
    /// remembered too. A whole command line reads the file again, as before.
    func testAResumeWithTheStoredCommandUsesTheStoredConfigurationFile() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let script = try sandbox.script(
            "probe.py",
            """
            #!/usr/bin/env python3
            import json, os, sys
            path = sys.argv[sys.argv.index("--cfg") + 1]
            with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "seen.log"), "a") as log:
                log.write(open(path).read().split("name: ")[1].split("\\n")[0] + "\\n")
            with open(os.environ["ORION_RESULTS_PATH"], "w") as results:
                json.dump([{"name": "o", "type": "objective", "value": 1}], results)
            """
        )
        let config = sandbox.directory + "/r.yaml"
        try "opt:\n  lr: 'orion~uniform(0, 1)'\n  name: sgd\n".write(toFile: config, atomically: true, encoding: .utf8)
        try sandbox.succeed([
            "hunt", "-n", "r", "--exp-max-trials", "1", "--user-script-config", "cfg", script, "--cfg", config,
        ])
        try "opt:\n  lr: 'orion~uniform(0, 1)'\n  name: adam\n".write(toFile: config, atomically: true, encoding: .utf8)
        try sandbox.succeed(["hunt", "-n", "r", "--exp-max-trials", "2"])
        try FileManager.default.removeItem(atPath: config)
        try sandbox.succeed(["hunt", "-n", "r", "--exp-max-trials", "3"])
        try "opt:\n  lr: 'orion~uniform(0, 1)'\n  name: rms\n".write(toFile: config, atomically: true, encoding: .utf8)
        try sandbox.succeed([
            "hunt", "-n", "r", "--exp-max-trials", "4", "--user-script-config", "cfg", script, "--cfg", config,
        ])
        try sandbox.succeed(["hunt", "-n", "r", "--exp-max-trials", "5"])
        let seen = try String(contentsOfFile: sandbox.directory + "/seen.log", encoding: .utf8)
        XCTAssertEqual(seen, "sgd\nsgd\nsgd\nrms\nrms\n")
    }
}
