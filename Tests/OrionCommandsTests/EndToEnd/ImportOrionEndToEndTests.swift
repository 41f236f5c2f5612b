import Foundation
import OrionCore
import OrionTesting
import XCTest

/// `scripts/import-orion.py` against the real Oríon 0.2.7 from PyPI: an experiment made with Oríon's own Python
/// API in a PickledDB file, exported, loaded with `orion db load`, then shown by `orion status` and `orion info`.
final class ImportOrionEndToEndTests: XCTestCase {
    /// The Python with Oríon 0.2.7 (`scripts/services/orion-venv.sh`, run by `scripts/test`).
    private func orionPython() throws -> String {
        guard let python = ProcessInfo.processInfo.environment["ORION_TEST_ORION027_PYTHON"], !python.isEmpty else {
            throw XCTSkip(
                "ORION_TEST_ORION027_PYTHON is not set: scripts/test sets it once scripts/services/orion-venv.sh has"
                    + " made a virtualenv with Oríon 0.2.7 from PyPI (it needs the network the first time)"
            )
        }
        return python
    }

    private func repositoryFile(_ path: String, file: StaticString = #filePath) -> String {
        var url = URL(fileURLWithPath: "\(file)")
        for _ in 0..<4 { url.deleteLastPathComponent() }  // file, EndToEnd, OrionCommandsTests, Tests
        return url.appendingPathComponent(path).path
    }

    /// The start of a maker: Oríon's client, quiet, on the PickledDB given as `sys.argv[1]` (`storage`).
    private static let preamble = """
        import sys, warnings
        warnings.simplefilter("ignore")
        from orion.client import build_experiment
        storage = {"type": "legacy", "database": {"type": "pickleddb", "host": sys.argv[1]}}

        """

    /// Runs `maker` (Python, given a PickledDB path as `sys.argv[1]`) with Oríon's own client to fill
    /// `orion_db.pkl` in the sandbox, then exports that file to `orion.json` with scripts/import-orion.py; both must
    /// succeed.
    ///
    /// - Returns: what the maker and the exporter printed.
    private func makeAndExport(
        _ maker: String,
        python: String,
        in sandbox: Sandbox
    ) throws -> (made: String, exported: String) {
        let pickled = sandbox.directory + "/orion_db.pkl"
        let script = try sandbox.script("make_orion_experiment.py", maker)
        let made = try ProcessRunner.run(
            [python, script, pickled],
            environment: sandbox.environment,
            currentDirectory: sandbox.directory,
            timeout: 300
        )
        XCTAssertEqual(made.status, 0, made.stderr)
        let exported = try ProcessRunner.run(
            [python, repositoryFile("scripts/import-orion.py"), "--pickleddb", pickled, "-o", "orion.json"],
            environment: sandbox.environment,
            currentDirectory: sandbox.directory,
            timeout: 300
        )
        XCTAssertEqual(exported.status, 0, exported.stderr)
        return (made.stdout, exported.stdout)
    }

    func testAPickledDBExperimentMadeByOrionIsImportedAndShown() async throws {
        let python = try orionPython()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        // Three completed trials and a broken one, through Oríon's own client; prints the objectives it reported.
        let (made, exported) = try makeAndExport(
            """
            import json, sys, warnings
            warnings.simplefilter("ignore")
            from orion.client import build_experiment
            storage = {"type": "legacy", "database": {"type": "pickleddb", "host": sys.argv[1]}}
            experiment = build_experiment(
                "from-orion", space={"x": "uniform(-5, 5)", "opt": "choices(['adam', 'sgd'])"},
                algorithm={"random": {"seed": 7}}, max_trials=10, storage=storage,
            )
            objectives = []
            for _ in range(3):
                trial = experiment.suggest()
                value = (trial.params["x"] - 1.0) ** 2
                experiment.observe(trial, [{"name": "loss", "type": "objective", "value": value}])
                objectives.append(value)
            experiment.release(experiment.suggest(), status="broken")
            print(json.dumps(objectives))
            """,
            python: python,
            in: sandbox
        )
        let objectives = try JSONDecoder().decode(
            [Double].self,
            from: Data((made.split(separator: "\n").last ?? "").utf8)
        )
        XCTAssertEqual(objectives.count, 3)
        XCTAssertEqual(exported, "Exported 1 experiment(s) and 4 trial(s) to orion.json\n")

        let load = try sandbox.run(["db", "load", "orion.json"])
        XCTAssertEqual(load.status, 0, load.stderr)
        XCTAssertEqual(load.stdout, "Loaded 1 experiment(s) and 4 trial(s): from-orion-v1\n")

        let best = try XCTUnwrap(objectives.min())
        let status = try sandbox.run(["status"])
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.hasPrefix("from-orion-v1\n=============\n"), status.stdout)
        XCTAssertTrue(status.stdout.contains("broken"), status.stdout)
        XCTAssertTrue(status.stdout.contains("completed           3"), status.stdout)
        XCTAssertTrue(status.stdout.contains(String(format: "%g", best)), status.stdout)

        let info = try sandbox.run(["info", "-n", "from-orion"])
        XCTAssertEqual(info.status, 0, info.stderr)
        XCTAssertTrue(
            info.stdout.contains("Space\n=====\nopt: choices(['adam', 'sgd'])\nx: uniform(-5, 5)\n"),
            info.stdout
        )
        XCTAssertTrue(info.stdout.contains("Algorithm\n=========\nrandom:\n    seed: 7\n"), info.stdout)
        XCTAssertTrue(info.stdout.contains("trials completed: 3\n"), info.stdout)
        XCTAssertTrue(info.stdout.contains("  evaluation: \(PythonFloat.repr(best))\n"), info.stdout)
        XCTAssertTrue(info.stdout.contains("orion version: 0.2.7\n"), info.stdout)
        let trials = try await sandbox.trials(of: "from-orion")
        XCTAssertEqual(trials.filter { $0.status == .completed }.compactMap(\.objective).sorted(), objectives.sorted())
    }

    /// A dotted name (`--a.b~...`, `{"a.b": ...}`) is stored by Oríon as a nested space (`{"a": {"b": ...}}`),
    /// while its trials name the dimension `a.b`: the import flattens the space so that the trials fit it (the
    /// load refused the whole file).
    func testADottedNameIsImportedAsOneDimension() async throws {
        let python = try orionPython()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        _ = try makeAndExport(
            Self.preamble + """
                experiment = build_experiment(
                    "dotted",
                    space={"a.b": "uniform(0, 1)", "x": "uniform(0, 1)", "y": "uniform(-1.7, 0.77)", "z": "uniform(0.5, 9)"},
                    max_trials=2, storage=storage,
                )
                for _ in range(2):
                    trial = experiment.suggest()
                    experiment.observe(trial, [{"name": "loss", "type": "objective", "value": trial.params["x"]}])
                """,
            python: python,
            in: sandbox
        )
        let load = try sandbox.run(["db", "load", "orion.json"])
        XCTAssertEqual(load.status, 0, load.stderr)
        let info = try sandbox.run(["info", "-n", "dotted"])
        // Oríon stores the upper bounds as low + (high - low): 0.7699999999999998 and 9.0; the import keeps what was
        // typed, 0.77, and a float lower bound gives a float upper one here too, so the same priors resume it.
        XCTAssertTrue(
            info.stdout.contains(
                "Space\n=====\na.b: uniform(0, 1)\nx: uniform(0, 1)\ny: uniform(-1.7, 0.77)\nz: uniform(0.5, 9.0)\n"
            ),
            info.stdout
        )
        let trials = try await sandbox.trials(of: "dotted")
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, 2)
    }

    /// Oríon stores `choices` probabilities rounded to two decimals (thirds as 0.33, summing to 0.99), which are
    /// not a valid prior: the whole dump was refused. The import takes the prior as typed when Oríon kept it
    /// (`metadata.priors`), and otherwise scales the stored probabilities to sum to 1.
    func testChoicesProbabilitiesThatOrionRoundedAreImported() async throws {
        let python = try orionPython()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        _ = try makeAndExport(
            Self.preamble + """
                prior = "choices({'a': 0.333, 'b': 0.333, 'c': 0.334})"
                rounded = build_experiment("rounded", space={"y": prior}, max_trials=1, storage=storage)
                typed = build_experiment("typed", space={"y": prior}, max_trials=1, storage=storage)
                metadata = dict(typed.metadata)
                metadata["priors"] = {"y": prior}
                typed._experiment._storage.update_experiment(typed._experiment, metadata=metadata)
                """,
            python: python,
            in: sandbox
        )
        let export = try String(contentsOfFile: sandbox.directory + "/orion.json", encoding: .utf8)
        XCTAssertFalse(export.contains("0.33,"), "the export still holds the rounded probabilities")
        let load = try sandbox.run(["db", "load", "orion.json"])
        XCTAssertEqual(load.status, 0, load.stderr)
        let rounded = try sandbox.run(["info", "-n", "rounded"])
        XCTAssertTrue(
            rounded.stdout.contains("y: choices({'a': 0.333333333333, 'b': 0.333333333333, 'c': 0.333333333333})"),
            rounded.stdout
        )
        let typed = try sandbox.run(["info", "-n", "typed"])
        XCTAssertTrue(typed.stdout.contains("y: choices({'a': 0.333, 'b': 0.333, 'c': 0.334})"), typed.stdout)
    }

    /// Oríon stores the command as typed (`./train.sh`) beside the script's absolute path: the import derives the
    /// directory the command was given in, so that `orion hunt -n NAME` resumes the imported experiment from any
    /// directory (it said `script './train.sh' not found`, looking where the resume was started).
    func testAnImportedCommandResumesFromAnotherDirectory() async throws {
        let python = try orionPython()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try FileManager.default.createDirectory(atPath: sandbox.directory + "/proj", withIntermediateDirectories: true)
        _ = try sandbox.script(
            "proj/train.sh",
            "#!/bin/sh\nprintf '[{\"name\":\"loss\",\"type\":\"objective\",\"value\":%s}]' \"$2\" > \"$ORION_RESULTS_PATH\"\n"
        )
        _ = try makeAndExport(
            Self.preamble + """
                experiment = build_experiment("typed", space={"/x": "uniform(0, 1)"}, max_trials=1, storage=storage)
                metadata = dict(experiment.metadata)
                metadata["user_script"] = sys.argv[1].rsplit("/", 1)[0] + "/proj/train.sh"
                metadata["user_args"] = ["./train.sh", "-x~uniform(0, 1)"]
                experiment._experiment._storage.update_experiment(experiment._experiment, metadata=metadata)
                """,
            python: python,
            in: sandbox
        )
        let load = try sandbox.run(["db", "load", "orion.json"])
        XCTAssertEqual(load.status, 0, load.stderr)
        // Run from the sandbox, not from proj/ where the command was typed.
        let hunt = try sandbox.run(["hunt", "-n", "typed", "--exp-max-trials", "2"])
        XCTAssertEqual(hunt.status, 0, hunt.stderr)
        let trials = try await sandbox.trials(of: "typed")
        XCTAssertEqual(trials.filter { $0.status == .completed }.count, 2, hunt.stderr)
    }

    /// An integer objective Oríon stored (a Python `int`) is still an integer once imported: `orion info` prints
    /// `evaluation: 2` as Oríon does; a whole float statistic stays a float.
    func testAnIntegerObjectiveStaysAnIntegerThroughTheImport() async throws {
        let python = try orionPython()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        _ = try makeAndExport(
            Self.preamble + """
                experiment = build_experiment("ints", space={"x": "uniform(0, 1)"}, max_trials=1, storage=storage)
                trial = experiment.suggest()
                experiment.observe(trial, [
                    {"name": "loss", "type": "objective", "value": 2},
                    {"name": "epochs", "type": "statistic", "value": 3.0},
                ])
                """,
            python: python,
            in: sandbox
        )
        try sandbox.succeed(["db", "load", "orion.json"])
        let info = try sandbox.run(["info", "-n", "ints"])
        XCTAssertTrue(info.stdout.contains("  evaluation: 2\n"), info.stdout)
        let imported = try await sandbox.trials(of: "ints")
        let trial = try XCTUnwrap(imported.first)
        XCTAssertEqual(trial.results.map(\.value), [.int(2), .double(3)])
    }

    /// Oríon's "no limit" values come in as ours: its default max_trials (1000000000) and an infinite
    /// `repetitions` are null, as for an experiment made here (the API showed 1000000000 and "Infinity").
    func testOrionsUnlimitedValuesAreImportedAsNoLimit() async throws {
        let python = try orionPython()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        _ = try makeAndExport(
            Self.preamble + """
                experiment = build_experiment(
                    "unlimited", space={"x": "uniform(0, 1)", "epochs": "fidelity(1, 9, base=3)"},
                    algorithm={"asha": {"seed": 1}}, storage=storage,
                )
                """,
            python: python,
            in: sandbox
        )
        try sandbox.succeed(["db", "load", "orion.json"])
        let storage = try sandbox.storage()
        let stored = try await storage.experiment(named: "unlimited", version: nil)
        let experiment = try XCTUnwrap(stored)
        XCTAssertNil(experiment.maxTrials)
        XCTAssertEqual(experiment.algorithm.name, "asha")
        XCTAssertEqual(experiment.algorithm.options["repetitions"], .null, "\(experiment.algorithm.options)")
    }

    /// Oríon's version tree comes in as a tree: a new version with a changed prior and an added dimension, and a
    /// branch to another name, keep their parents and adapters (each version was imported as a root of its own), so
    /// `orion list` draws the tree and a version sees its parent's trials through the adapters. (Oríon's Python API
    /// names the dimensions without the command line's `/`.)
    func testAVersionTreeIsImportedWithItsParentsAndAdapters() async throws {
        let python = try orionPython()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        _ = try makeAndExport(
            Self.preamble + """
                def run(experiment, count):
                    for _ in range(count):
                        trial = experiment.suggest()
                        value = float(trial.params["x"])
                        experiment.observe(trial, [{"name": "objective", "type": "objective", "value": value}])
                one = build_experiment("tree", space={"x": "uniform(0, 1)"}, algorithm={"random": {"seed": 1}},
                                       max_trials=2, storage=storage)
                run(one, 2)
                two = build_experiment("tree", space={"x": "uniform(0, 2)", "y": "uniform(0, 1, default_value=0.5)"},
                                       algorithm={"random": {"seed": 1}}, max_trials=4, storage=storage,
                                       branching={"enable": True})
                run(two, 2)
                leaf = build_experiment("tree", version=2, space={"x": "uniform(0, 2)"},
                                        algorithm={"random": {"seed": 1}}, max_trials=6, storage=storage,
                                        branching={"enable": True, "branch_to": "leaf"})
                run(leaf, 1)
                """,
            python: python,
            in: sandbox
        )
        try sandbox.succeed(["db", "load", "orion.json"])
        let list = try sandbox.run(["list"])
        XCTAssertEqual(list.stdout, " tree-v1┐\n        └tree-v2┐\n                └leaf-v1\n")
        let storage = try sandbox.storage()
        let stored = try await storage.experiment(named: "tree", version: 2)
        let two = try XCTUnwrap(stored)
        XCTAssertEqual(
            two.refers?.adapters,
            [
                .dimensionPriorChange(name: "x", oldPrior: "uniform(0, 1)", newPrior: "uniform(0, 2)"),
                .dimensionAddition(name: "y", type: .real, value: .double(0.5)),
            ]
        )
        let leafStored = try await storage.experiment(named: "leaf", version: nil)
        let leaf = try XCTUnwrap(leafStored)
        XCTAssertEqual(leaf.refers?.parentID, two.id)
        XCTAssertEqual(leaf.refers?.rootID, two.refers?.rootID)
        XCTAssertEqual(leaf.refers?.adapters, [.dimensionDeletion(name: "y", type: .real, value: .double(0.5))])
        // tree-v2 sees its own 2 trials, v1's 2 through the adapters, and leaf's 1 carried back.
        let collapsed = try sandbox.run(["status", "-n", "tree", "-C"])
        XCTAssertTrue(collapsed.stdout.contains("completed           5"), collapsed.stdout)
    }
}
