import OrionCore
import XCTest

@testable import OrionCommands

final class YAMLLayerReaderTests: XCTestCase {
    private let path = "/x/orion.yaml"

    private func layer(_ yaml: String) throws -> ConfigurationLayer {
        try ConfigurationLoader.layer(fromYAML: yaml, path: path)
    }

    private func message(_ yaml: String) -> String? {
        do {
            _ = try layer(yaml)
            return nil
        } catch let error as ConfigurationError {
            return error.message
        } catch {
            return "unexpected \(error)"
        }
    }

    /// Merge keys are expanded as Oríon's loader (PyYAML) expands them: the keys a mapping gives itself win, the first
    /// of several merged mappings wins, a quoted '<<' is an ordinary key; an error in a merged option points at the
    /// line where it is written (the merge key was refused as an unknown option '<<').
    func testMergeKeysAreExpanded() throws {
        let merged = try layer(
            """
            worker: &workers
              n_workers: 2
            experiment:
              <<: [{max_trials: 7, max_broken: 2}, {max_trials: 9, working_dir: /w}]
              max_broken: 5
              algorithm:
                tpe:
                  <<: {seed: 3, gamma: 0.5}
                  gamma: 0.25
            evc:
              enable: true
            """
        )
        XCTAssertEqual(merged.experiment.maxTrials, 7)
        XCTAssertEqual(merged.experiment.maxBroken, 5)
        XCTAssertEqual(merged.experiment.workingDir, "/w")
        XCTAssertEqual(merged.experiment.algorithm?.options["seed"], .int(3))
        XCTAssertEqual(merged.experiment.algorithm?.options["gamma"], .double(0.25))
        XCTAssertEqual(message("experiment:\n  '<<': {max_trials: 3}\n")?.contains("unknown key '<<'"), true)
        // A merge of something else than mappings, and two merge keys in one mapping, say what to write.
        XCTAssertEqual(
            message("experiment:\n  <<: [{max_trials: 3}, 5]\n"),
            "\(path):2:25: a merge key '<<' takes a mapping or a list of mappings (aliases of them), not '5'"
        )
        XCTAssertEqual(
            message("experiment:\n  <<: {max_trials: 3}\n  <<: {max_broken: 3}\n")?
                .hasSuffix("given twice in the same mapping; merge several mappings with one key, `<<: [*a, *b]`"),
            true
        )
        // An anchor merged from another section: a key wrong there is reported at the line where it is written.
        XCTAssertEqual(
            message("experiment:\n  algorithm:\n    tpe: &tpe\n      seed: 1\nworker:\n  <<: *tpe\n")?
                .hasPrefix("\(path):4:7: unknown key 'seed' under 'worker'"),
            true
        )
    }

    func testFullOrionExample() throws {
        let yaml = """
            experiment:
              name: my-exp            # also: version, user
              max_trials: 100
              max_broken: 3
              working_dir: /scratch/exp
              algorithm:
                tpe: {seed: 1, n_initial_points: 20}
            worker: {n_workers: 4, pool_size: 0, executor: PoolExecutor, executor_configuration: {backend: multiprocess},
                     heartbeat: 120, max_trials: 1000000000, max_broken: 3, idle_timeout: 60, interrupt_signal_code: 130,
                     user_script_config: config}
            evc: {enable: false, manual_resolution: false, non_monitored_arguments: [], ignore_code_changes: false,
                  algorithm_change: false, code_change_type: break, cli_change_type: break, config_change_type: break,
                  orion_version_change: false, branch_from: null, branch_to: null}
            storage: {type: legacy, database: {type: sqlite, host: /path/orion.db, timeout: 60}}
            """
        let read = try layer(yaml)
        XCTAssertEqual(read.experiment.name, "my-exp")
        XCTAssertEqual(read.experiment.maxTrials, 100)
        XCTAssertEqual(read.experiment.maxBroken, 3)
        XCTAssertEqual(read.experiment.workingDir, "/scratch/exp")
        XCTAssertEqual(
            read.experiment.algorithm,
            AlgorithmConfig(name: "tpe", options: ["seed": 1, "n_initial_points": 20])
        )
        XCTAssertEqual(read.worker.nWorkers, 4)
        XCTAssertEqual(read.worker.poolSize, 0)
        XCTAssertEqual(read.worker.heartbeat, 120)
        XCTAssertEqual(read.worker.maxTrials, 1_000_000_000)
        XCTAssertEqual(read.worker.maxBroken, 3)
        XCTAssertEqual(read.worker.idleTimeout, 60)
        XCTAssertEqual(read.worker.interruptSignalCode, 130)
        XCTAssertEqual(read.worker.userScriptConfig, "config")
        XCTAssertEqual(read.storage.address, "sqlite:///path/orion.db")
        XCTAssertEqual(read.sources["experiment.name"], "file /x/orion.yaml:2:3")
        XCTAssertEqual(read.sources["experiment.max_trials"], "file /x/orion.yaml:3:3")
        XCTAssertEqual(read.sources["worker.n_workers"], "file /x/orion.yaml:8:10")
        XCTAssertEqual(read.sources["storage.address"], "file /x/orion.yaml:14:25")
        XCTAssertEqual(
            read.notes,
            [
                "/x/orion.yaml:8:87: 'worker.executor_configuration.backend' is ignored: it configures an Oríon executor"
                    + " that swift-orion does not have"
            ]
        )
    }

    /// Found by fuzzing (Fuzz/Findings/configuration-yams-complex-keys-hang): nested complex keys made Yams compose
    /// for more than ten minutes. They are refused before parsing, with the line.
    func testComplexKeysAndDeepNestingAreRefusedBeforeParsing() throws {
        let finding = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/Findings/configuration-yams-complex-keys-hang")
        let data = try Data(contentsOf: finding)
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(message(text)?.contains("complex mapping keys ('? ...') are not supported") ?? false)
        XCTAssertEqual(
            message("experiment:\n  ? max_trials\n  : 10\n"),
            "\(path):2: complex mapping keys ('? ...') are not supported; write plain 'key: value' pairs"
        )
        let deep = "experiment: {name: " + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "}"
        XCTAssertEqual(
            message(deep),
            "\(path):1: lists or mappings nested more than 32 levels deep; a configuration needs a few levels at most"
        )
        // A question mark or brackets inside values and quotes are fine.
        XCTAssertNil(message("experiment:\n  working_dir: 'what? [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['\n"))
        XCTAssertNil(message("experiment:\n  working_dir: why?\n"))
    }

    /// Found by fuzzing: a base-60 integer too large for 64 bits (`!!int 615:000:...`) trapped inside Yams.
    func testBaseSixtyIntegersAreReadWithoutOverflowing() throws {
        XCTAssertEqual(try layer("experiment:\n  max_trials: !!int 1:30\n").experiment.maxTrials, 90)
        XCTAssertNotNil(message("experiment:\n  max_trials: !!int 615:000:00:000:00:00:000:00:7:000:04\n"))
        XCTAssertNotNil(message("experiment:\n  name: !!int 615:000:00:000:00:00:000:00:7:000:04\n"))
        XCTAssertEqual(YAMLLayerReader.sexagesimal("-1:00:01"), -3601)
        XCTAssertNil(YAMLLayerReader.sexagesimal("1::2"))
    }

    func testEmptyDocumentGivesAnEmptyLayer() throws {
        XCTAssertEqual(try layer(""), ConfigurationLayer())
        XCTAssertEqual(try layer("# nothing\n"), ConfigurationLayer())
        XCTAssertEqual(try layer("experiment:\nworker: ~\n"), ConfigurationLayer())
    }

    func testDashesInKeys() throws {
        let read = try layer("experiment:\n  max-trials: 10\nworker:\n  n-workers: 2\n  idle-timeout: 5.5\n")
        XCTAssertEqual(read.experiment.maxTrials, 10)
        XCTAssertEqual(read.worker.nWorkers, 2)
        XCTAssertEqual(read.worker.idleTimeout, 5.5)
    }

    func testDeprecatedTopLevelKeys() throws {
        let read = try layer(
            """
            name: old
            max_trials: 20
            pool_size: 2
            algorithms: random
            user_script_config: cfg
            """
        )
        XCTAssertEqual(read.experiment.name, "old")
        XCTAssertEqual(read.experiment.maxTrials, 20)
        XCTAssertEqual(read.worker.poolSize, 2)
        XCTAssertEqual(read.worker.userScriptConfig, "cfg")
        XCTAssertEqual(read.experiment.algorithm, AlgorithmConfig(name: "random"))
        XCTAssertTrue(
            read.notes.contains("/x/orion.yaml:1:1: top-level 'name' is deprecated: put it under 'experiment:'")
        )
        XCTAssertTrue(read.notes.contains("/x/orion.yaml:4:1: 'algorithms' is deprecated: write 'algorithm'"))
    }

    /// Version-control keys at the top level, as Oríon's `backward_keys` takes them (an old `-c` file); the
    /// `evc:` section wins over them.
    func testDeprecatedTopLevelVersionControlKeys() throws {
        let read = try layer("ignore_code_changes: true\nnon_monitored_arguments: [seed]\nenable: true\n")
        XCTAssertTrue(read.evc.ignoreCodeChanges)
        XCTAssertEqual(read.evc.nonMonitoredArguments, ["seed"])
        XCTAssertTrue(read.evc.enable)
        XCTAssertTrue(
            read.notes.contains(
                "/x/orion.yaml:1:1: top-level 'ignore_code_changes' is deprecated: put it under 'evc:'"
            ),
            "\(read.notes)"
        )
        let both = try layer("enable: true\nevc:\n  enable: false\n")
        XCTAssertFalse(both.evc.enable)
    }

    func testSectionWinsOverDeprecatedTopLevelKey() throws {
        let read = try layer("max_trials: 5\nexperiment:\n  max_trials: 7\n")
        XCTAssertEqual(read.experiment.maxTrials, 7)
        XCTAssertEqual(read.sources["experiment.max_trials"], "file /x/orion.yaml:3:3")
    }

    func testDeprecatedAliasesLoseToTheirKeys() throws {
        let read = try layer("worker:\n  idle_timeout: 30\n  max_idle_time: 10\n")
        XCTAssertEqual(read.worker.idleTimeout, 30)
        let alias = try layer("worker:\n  max_idle_time: 10\n")
        XCTAssertEqual(alias.worker.idleTimeout, 10)
        XCTAssertEqual(alias.notes, ["/x/orion.yaml:2:3: 'max_idle_time' is deprecated: write 'idle_timeout'"])
        let both = try layer("experiment:\n  algorithm: tpe\n  algorithms: random\n")
        XCTAssertEqual(both.experiment.algorithm, AlgorithmConfig(name: "tpe"))
    }

    func testWorkerTrialsGoesToTheWorker() throws {
        let read = try layer("experiment:\n  worker_trials: 4\n")
        XCTAssertEqual(read.worker.maxTrials, 4)
        XCTAssertNil(read.experiment.maxTrials)
        // At the top level too, with the one note that names its replacement (a second one said to put it under
        // 'experiment:', where it is deprecated as well).
        let top = try layer("worker_trials: 4\n")
        XCTAssertEqual(top.worker.maxTrials, 4)
        XCTAssertEqual(top.notes, ["/x/orion.yaml:1:1: 'worker_trials' is deprecated: write 'worker: {max_trials: N}'"])
    }

    // MARK: - Algorithm forms

    func testAlgorithmForms() throws {
        XCTAssertEqual(
            try layer("experiment: {algorithm: random}").experiment.algorithm,
            AlgorithmConfig(name: "random")
        )
        XCTAssertEqual(
            try layer("experiment: {algorithm: {tpe: {seed: 1}}}").experiment.algorithm,
            AlgorithmConfig(name: "tpe", options: ["seed": 1])
        )
        XCTAssertEqual(
            try layer("experiment: {algorithm: {of_type: TPE, seed: 1, gamma: 0.25}}").experiment.algorithm,
            AlgorithmConfig(name: "tpe", options: ["seed": 1, "gamma": 0.25])
        )
        XCTAssertEqual(
            try layer("experiment: {algorithm: {asha: }}").experiment.algorithm,
            AlgorithmConfig(name: "asha")
        )
        XCTAssertEqual(
            try layer("experiment: {algorithm: {random: {seed: null}}}").experiment.algorithm,
            AlgorithmConfig(name: "random", options: ["seed": nil])
        )
        XCTAssertEqual(
            try layer(
                "experiment:\n  algorithm:\n    gridsearch: {n_values: {x: 3, y: 4}, grid: [1, 'two', 3.5, true]}\n"
            )
            .experiment.algorithm,
            AlgorithmConfig(
                name: "gridsearch",
                options: ["n_values": ["x": 3, "y": 4], "grid": [1, "two", 3.5, true]]
            )
        )
    }

    func testAlgorithmWithTwoNames() {
        XCTAssertEqual(
            message("experiment:\n  algorithm: {tpe: {}, random: {}}\n"),
            "/x/orion.yaml:2:14: 'experiment.algorithm' must name exactly one algorithm, not random, tpe;"
                + " write e.g. `algorithm: random` or `algorithm: {tpe: {seed: 1}}`"
        )
        XCTAssertEqual(
            message("experiment:\n  algorithm: {tpe: 3}\n"),
            "/x/orion.yaml:2:14: 'experiment.algorithm' has options for 'tpe' that are not a mapping (3);"
                + " write e.g. `algorithm: random` or `algorithm: {tpe: {seed: 1}}`"
        )
    }

    // MARK: - Errors

    /// A script's configuration given to orion's `-c` (its priors are the clue) says where it goes instead (found
    /// side by side with Oríon, which ignores the unknown keys and runs without the priors).
    func testAScriptsConfigurationGivenToDashCSaysWhereItGoes() throws {
        let text = try XCTUnwrap(message("dataset: mnist\nmodel:\n  lr: 'orion~loguniform(1e-5, 1)'\n"))
        XCTAssertTrue(text.hasPrefix("/x/orion.yaml:1:1: unknown key 'dataset' at the top level"), text)
        XCTAssertTrue(
            text.hasSuffix(
                "; this file holds priors (orion~...): a script's configuration goes after the script"
                    + " (./script.py --config FILE), -c is orion's own"
            ),
            text
        )
        XCTAssertFalse(try XCTUnwrap(message("dataset: mnist\n")).contains("holds priors"))
    }

    /// A top-level key kept only for its anchor (`base: &b {...}` merged into a section) says what to do instead
    /// (probe p43c's F4); another unknown key does not get that advice.
    func testAKeyKeptForItsAnchorIsToldToWriteTheValuesInPlace() throws {
        let anchored = try XCTUnwrap(message("base: &b {max_trials: 3}\nexperiment:\n  <<: *b\n"))
        XCTAssertTrue(anchored.hasPrefix("/x/orion.yaml:1:1: unknown key 'base' at the top level"), anchored)
        XCTAssertTrue(anchored.hasSuffix("; a key kept only for its YAML anchor is refused: write its values in place"))
        XCTAssertFalse(try XCTUnwrap(message("base: {max_trials: 3}\n")).contains("anchor"))
    }

    func testUnknownKeyListsTheValidKeys() {
        XCTAssertEqual(
            message("experiment:\n  name: a\n  max_trails: 3\n"),
            "/x/orion.yaml:3:3: unknown key 'max_trails' under 'experiment': use one of algorithm, max_broken,"
                + " max_trials, name, user, version, working_dir (did you mean 'max_trials'?)"
        )
        XCTAssertEqual(
            message("workers:\n  n_workers: 2\n"),
            "/x/orion.yaml:1:1: unknown key 'workers' at the top level: use one of database, evc, experiment,"
                + " storage, worker (did you mean 'worker'?); Oríon's debug, frontends_uri, gunicorn and producer are"
                + " accepted too"
        )
        XCTAssertEqual(
            message("worker: {colour: red}"),
            "/x/orion.yaml:1:10: unknown key 'colour' under 'worker': use one of executor, executor_configuration,"
                + " heartbeat, idle_timeout, interrupt_signal_code, keep_trial_dirs, max_broken, max_trials, n_workers,"
                + " pool_size, trial_timeout, user_script_config"
        )
    }

    func testWrongTypes() {
        XCTAssertEqual(
            message("experiment:\n  max_trials: abc\n"),
            "/x/orion.yaml:2:15: 'experiment.max_trials' must be an integer, not 'abc'; write e.g. `max_trials: 100`"
        )
        XCTAssertEqual(
            message("worker:\n  n_workers: 0\n"),
            "/x/orion.yaml:2:14: 'worker.n_workers' must be an integer >= 1, not 0; write e.g. `n_workers: 4`"
        )
        XCTAssertEqual(
            message("worker:\n  interrupt_signal_code: 300\n"),
            "/x/orion.yaml:2:26: 'worker.interrupt_signal_code' must be an integer from 1 to 255, not 300;"
                + " write e.g. `interrupt_signal_code: 130`"
        )
        XCTAssertEqual(
            message("worker:\n  heartbeat: [1]\n"),
            "/x/orion.yaml:2:14: 'worker.heartbeat' must be a number of seconds, not a list;"
                + " write e.g. `heartbeat: 120`"
        )
        XCTAssertEqual(
            message("experiment:\n  name: {a: 1}\n"),
            "/x/orion.yaml:2:9: 'experiment.name' must be a string, not a mapping; write e.g. `name: my-exp`"
        )
        XCTAssertEqual(
            message("experiment: 3\n"),
            "/x/orion.yaml:1:13: 'experiment' must be a mapping of keys (name, version, user, max_trials, max_broken,"
                + " working_dir, algorithm), not '3'"
        )
    }

    func testLenientScalars() throws {
        let read = try layer("experiment:\n  name: 123\n  max_trials: 1e3\n  version: '2'\nworker: {heartbeat: 30}\n")
        XCTAssertEqual(read.experiment.name, "123")
        XCTAssertEqual(read.experiment.maxTrials, 1000)
        XCTAssertEqual(read.experiment.version, 2)
        XCTAssertEqual(read.worker.heartbeat, 30)
    }

    func testInvalidYAML() {
        let text = message("experiment:\n  name: [a, b\n")
        XCTAssertNotNil(text)
        XCTAssertTrue(text?.hasPrefix("/x/orion.yaml:3:1: invalid YAML: ") == true, text ?? "")
        XCTAssertEqual(
            message("experiment:\n  name: a\n  name: b\n"),
            "/x/orion.yaml:2:3: key 'name' given twice in the same mapping; keep one"
        )
        // A control character: one line with its place (Yams's text quotes the line over three).
        XCTAssertEqual(
            message("experiment:\n  name: a\u{01}b\n"),
            "/x/orion.yaml:2:10: invalid YAML: control characters are not allowed (U+0001); fix the YAML syntax"
                + " (indent with spaces, quote values holding ': ' or '#') and save it as UTF-8 text"
        )
    }

    func testTopLevelMustBeAMapping() {
        XCTAssertEqual(
            message("- a\n- b\n"),
            "/x/orion.yaml:1:1: the configuration must be a mapping of keys (experiment, worker, storage, database, evc), not a list"
        )
    }

    // MARK: - Ignored sections

    func testIgnoredSettingsGiveNotes() throws {
        let read = try layer(
            "worker: {executor: joblib}\nevc: {enable: true}\nexperiment: {strategy: {MaxParallelStrategy: {}}}\n"
        )
        XCTAssertEqual(
            read.notes,
            ["/x/orion.yaml:3:14: 'experiment.strategy' is not supported anymore (as in Oríon) and is ignored"]
        )
        // Oríon's own demo files have `pool_size` and `producer` under `experiment:`, where Oríon drops them; at the
        // top level `pool_size` is still the worker's.
        let demo = try layer("experiment:\n  name: demo\n  pool_size: 1\n  producer: {strategy: NoParallelStrategy}\n")
        XCTAssertEqual(
            demo.notes,
            [
                "/x/orion.yaml:3:3: 'experiment.pool_size' is ignored (as by Oríon 0.2.7): write 'worker: {pool_size: N}'",
                "/x/orion.yaml:4:3: 'experiment.producer' is not supported anymore (as in Oríon) and is ignored",
            ]
        )
        XCTAssertEqual(demo.experiment.name, "demo")
        XCTAssertNil(demo.sources["worker.pool_size"], "experiment.pool_size does not set the worker's")
        XCTAssertEqual(try layer("pool_size: 3\n").worker.poolSize, 3)
        // The file's executor is kept, whatever its name, so that it wins over the environment's (the hunt says
        // how it runs an executor of Oríon's: `HuntExecutorKind.note`).
        XCTAssertEqual(read.worker.executor, "joblib")
        XCTAssertEqual(try layer("worker: {executor: pool}\n").worker.executor, "pool")
        // Under one of Oríon's executors, any key of its configuration is accepted with a note (Dask passes them
        // to its client); under ours, an unknown key is a mistake.
        let dask = try layer("worker:\n  executor: dask\n  executor_configuration: {scheduler_file: s.json}\n")
        XCTAssertEqual(
            dask.notes,
            [
                "/x/orion.yaml:3:28: 'worker.executor_configuration.scheduler_file' is ignored: it configures an Oríon"
                    + " executor that swift-orion does not have"
            ]
        )
        XCTAssertTrue(
            message("worker:\n  executor: slurm\n  executor_configuration: {partiton: gpu}\n")?
                .contains("unknown key 'partiton'") ?? false
        )
        XCTAssertEqual(try layer("debug: true\nfrontends_uri: []\ngunicorn: {bind: x}\n").notes, [])
        XCTAssertTrue(read.evc.enable)
        let evc = try layer(
            "evc: {enable: false, auto_resolution: true, non_monitored_arguments: [seed], cli_change_type: unsure,"
                + " branch_to: next, orion_version_change: false}\n"
        )
        XCTAssertEqual(evc.evc.nonMonitoredArguments, ["seed"])
        XCTAssertEqual(evc.evc.cliChangeType, .unsure)
        XCTAssertEqual(evc.evc.branchTo, "next")
        XCTAssertEqual(
            evc.notes,
            ["/x/orion.yaml:1:22: 'evc.auto_resolution' is deprecated (as in Oríon) and is ignored"]
        )
    }

    // MARK: - Slurm

    func testSlurmExecutorAndItsConfiguration() throws {
        let read = try layer(
            """
            worker:
              executor: slurm
              executor_configuration: {partition: gpu, time: '1:00:00', gpus: 1, cpus: 4, mem: 16G, account: lab,
                                       sbatch_args: --qos=high --constraint=v100}
            """
        )
        XCTAssertEqual(read.worker.executor, "slurm")
        XCTAssertEqual(read.worker.slurm.partition, "gpu")
        XCTAssertEqual(read.worker.slurm.time, "1:00:00")
        XCTAssertEqual(read.worker.slurm.gpus, "1")
        XCTAssertEqual(read.worker.slurm.cpus, 4)
        XCTAssertEqual(read.worker.slurm.mem, "16G")
        XCTAssertEqual(read.worker.slurm.account, "lab")
        XCTAssertEqual(read.worker.slurm.sbatchArgs, "--qos=high --constraint=v100")
        XCTAssertEqual(read.sources["worker.executor_configuration.cpus"], "file /x/orion.yaml:3:70")
        XCTAssertEqual(read.notes, [])
        XCTAssertEqual(
            message("worker: {executor_configuration: {partitoin: gpu}}"),
            "/x/orion.yaml:1:35: unknown key 'partitoin' under 'worker.executor_configuration': use one of account,"
                + " cpus, gpus, mem, partition, sbatch_args, time (did you mean 'partition'?)"
        )
    }
}
