import Foundation
import OrionCore
import XCTest

@testable import OrionCommands

final class ConfigurationLoaderTests: XCTestCase {
    func testDefaults() {
        let configuration = ConfigurationLoader.resolve([])
        XCTAssertEqual(configuration, OrionConfiguration())
        XCTAssertNil(configuration.experiment.maxTrials)
        XCTAssertEqual(configuration.experiment.maxBroken, 3)
        XCTAssertNil(configuration.experiment.algorithm)
        XCTAssertEqual(configuration.worker.nWorkers, 1)
        XCTAssertEqual(configuration.worker.poolSize, 0)
        XCTAssertEqual(configuration.worker.heartbeat, 120)
        XCTAssertNil(configuration.worker.maxTrials)
        XCTAssertEqual(configuration.worker.maxBroken, 3)
        XCTAssertEqual(configuration.worker.idleTimeout, 60)
        XCTAssertEqual(configuration.worker.interruptSignalCode, 130)
        XCTAssertEqual(configuration.worker.userScriptConfig, "config")
        XCTAssertNil(configuration.storage.address)
        XCTAssertEqual(configuration.sources.count, ConfigurationLayer.keys.count)
        XCTAssertTrue(configuration.sources.values.allSatisfy { $0 == "default" })
    }

    func testPrecedenceGlobalFileEnvironmentLocalFileFlags() throws {
        let global = try ConfigurationLoader.layer(
            fromYAML: "experiment: {max_trials: 10, max_broken: 7}\nworker: {n_workers: 2, heartbeat: 10}\n",
            path: "/home/u/.config/orion.core/orion_config.yaml"
        )
        let environment = try ConfigurationLoader.layer(
            fromEnvironment: ["ORION_EXP_MAX_TRIALS": "20", "ORION_N_WORKERS": "3"]
        )
        let local = try ConfigurationLoader.layer(fromYAML: "experiment:\n  max_trials: 30\n", path: "/p/orion.yaml")
        var flags = ConfigurationLayer()
        flags.set(\.worker.nWorkers, 4, source: "flag --n-workers")
        flags.set(\.experiment.name, nil, source: "flag --name")

        let configuration = ConfigurationLoader.resolve([global, environment, local, flags])
        XCTAssertEqual(configuration.experiment.maxTrials, 30)
        XCTAssertEqual(configuration.sources["experiment.max_trials"], "file /p/orion.yaml:2:3")
        XCTAssertEqual(configuration.experiment.maxBroken, 7)
        XCTAssertEqual(
            configuration.sources["experiment.max_broken"],
            "file /home/u/.config/orion.core/orion_config.yaml:1:30"
        )
        XCTAssertEqual(configuration.worker.nWorkers, 4)
        XCTAssertEqual(configuration.sources["worker.n_workers"], "flag --n-workers")
        XCTAssertEqual(configuration.worker.heartbeat, 10)
        XCTAssertNil(configuration.experiment.name)
        XCTAssertEqual(configuration.sources["experiment.name"], "default")
        XCTAssertEqual(configuration.worker.idleTimeout, 60)
        XCTAssertEqual(configuration.sources["worker.idle_timeout"], "default")
    }

    /// A `-c` file's executor wins over the environment's, whatever its name: `executor: pool` (or Oríon's
    /// `joblib`) in the file used to be dropped, so that `ORION_EXECUTOR=slurm` still sent the trials to sbatch.
    func testTheLocalFilesExecutorWinsOverTheEnvironments() throws {
        let environment = try ConfigurationLoader.layer(fromEnvironment: ["ORION_EXECUTOR": "slurm"])
        for name in ["pool", "joblib", "PoolExecutor"] {
            let local = try ConfigurationLoader.layer(fromYAML: "worker:\n  executor: \(name)\n", path: "/p/o.yaml")
            let configuration = ConfigurationLoader.resolve([environment, local])
            XCTAssertEqual(try HuntExecutorKind(configuration.worker.executor), .pool, name)
            XCTAssertEqual(configuration.sources["worker.executor"], "file /p/o.yaml:2:3")
        }
    }

    func testLaterLayerReplacesTheWholeAlgorithm() throws {
        let first = try ConfigurationLoader.layer(fromYAML: "experiment: {algorithm: {tpe: {seed: 1}}}", path: "/a")
        let second = try ConfigurationLoader.layer(fromYAML: "experiment: {algorithm: {tpe: {gamma: 0.5}}}", path: "/b")
        let configuration = ConfigurationLoader.resolve([first, second])
        XCTAssertEqual(configuration.experiment.algorithm, AlgorithmConfig(name: "tpe", options: ["gamma": 0.5]))
        XCTAssertEqual(configuration.sources["experiment.algorithm"], "file /b:1:14")
    }

    func testNotesOfEveryLayerAreKept() throws {
        let file = try ConfigurationLoader.layer(fromYAML: "name: old\n", path: "/a")
        let environment = try ConfigurationLoader.layer(fromEnvironment: ["ORION_MAX_IDLE_TIME": "3"])
        XCTAssertEqual(
            ConfigurationLoader.resolve([file, environment]).notes,
            [
                "/a:1:1: top-level 'name' is deprecated: put it under 'experiment:'",
                "ORION_MAX_IDLE_TIME is deprecated: use ORION_IDLE_TIMEOUT",
            ]
        )
    }

    func testSetRecordsTheKeyName() {
        var layer = ConfigurationLayer()
        layer.set(\.worker.interruptSignalCode, 2, source: "flag --interrupt-signal-code")
        layer.set(\.storage.address, "memory:", source: "flag --storage")
        XCTAssertEqual(
            layer.sources,
            ["worker.interrupt_signal_code": "flag --interrupt-signal-code", "storage.address": "flag --storage"]
        )
        XCTAssertEqual(ConfigurationLayer.keyPaths.map(\.key), ConfigurationLayer.keys)
    }

    func testGlobalConfigPath() {
        XCTAssertEqual(
            ConfigurationLoader.globalConfigPath(environment: ["HOME": "/home/u"]),
            "/home/u/.config/orion.core/orion_config.yaml"
        )
        XCTAssertEqual(
            ConfigurationLoader.globalConfigPath(environment: ["HOME": "/home/u", "XDG_CONFIG_HOME": "/cfg"]),
            "/cfg/orion.core/orion_config.yaml"
        )
        XCTAssertEqual(
            ConfigurationLoader.globalConfigPath(environment: ["HOME": "/home/u", "XDG_CONFIG_HOME": ""]),
            "/home/u/.config/orion.core/orion_config.yaml"
        )
    }

    func testReadingAFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("orion-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "experiment:\n  name: from-file\n".write(toFile: path, atomically: true, encoding: .utf8)
        let layer = try ConfigurationLoader.layer(fromYAMLFile: path)
        XCTAssertEqual(layer.experiment.name, "from-file")
        XCTAssertEqual(layer.sources["experiment.name"], "file \(path):2:3")

        XCTAssertThrowsError(try ConfigurationLoader.layer(fromYAMLFile: "/nonexistent/orion.yaml")) { error in
            XCTAssertEqual(
                (error as? ConfigurationError)?.message,
                "/nonexistent/orion.yaml: the configuration file does not exist; check the path given to --config"
            )
        }
        XCTAssertThrowsError(try ConfigurationLoader.layer(fromYAMLFile: "/tmp")) { error in
            XCTAssertEqual(
                (error as? ConfigurationError)?.message,
                "/tmp: the configuration file is a directory; check the path given to --config"
            )
        }
    }
}
