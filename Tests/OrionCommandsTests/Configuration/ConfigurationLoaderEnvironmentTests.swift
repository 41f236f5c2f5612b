import OrionCore
import XCTest

@testable import OrionCommands

final class ConfigurationLoaderEnvironmentTests: XCTestCase {
    private func message(_ environment: [String: String]) -> String? {
        do {
            _ = try ConfigurationLoader.layer(fromEnvironment: environment)
            return nil
        } catch {
            return error.message
        }
    }

    func testEveryScalarVariable() throws {
        let layer = try ConfigurationLoader.layer(
            fromEnvironment: [
                "ORION_EXP_MAX_TRIALS": "50",
                "ORION_EXP_MAX_BROKEN": "5",
                "ORION_WORKING_DIR": "/scratch/w",
                "ORION_N_WORKERS": "8",
                "ORION_POOL_SIZE": "2",
                "ORION_HEARTBEAT": "30.5",
                "ORION_WORKER_MAX_TRIALS": "10",
                "ORION_WORKER_MAX_BROKEN": "4",
                "ORION_IDLE_TIMEOUT": "90",
                "ORION_INTERRUPT_CODE": "99",
                "ORION_USER_SCRIPT_CONFIG": "cfg",
                "PATH": "/usr/bin",
            ]
        )
        XCTAssertEqual(layer.experiment.maxTrials, 50)
        XCTAssertEqual(layer.experiment.maxBroken, 5)
        XCTAssertEqual(layer.experiment.workingDir, "/scratch/w")
        XCTAssertEqual(layer.worker.nWorkers, 8)
        XCTAssertEqual(layer.worker.poolSize, 2)
        XCTAssertEqual(layer.worker.heartbeat, 30.5)
        XCTAssertEqual(layer.worker.maxTrials, 10)
        XCTAssertEqual(layer.worker.maxBroken, 4)
        XCTAssertEqual(layer.worker.idleTimeout, 90)
        XCTAssertEqual(layer.worker.interruptSignalCode, 99)
        XCTAssertEqual(layer.worker.userScriptConfig, "cfg")
        XCTAssertEqual(layer.sources["worker.n_workers"], "env ORION_N_WORKERS")
        XCTAssertEqual(layer.notes, [])
    }

    func testEmptyEnvironmentAndEmptyValues() throws {
        XCTAssertEqual(try ConfigurationLoader.layer(fromEnvironment: [:]), ConfigurationLayer())
        XCTAssertEqual(try ConfigurationLoader.layer(fromEnvironment: ["ORION_N_WORKERS": ""]), ConfigurationLayer())
    }

    func testIdleTimeoutWinsOverDeprecatedMaxIdleTime() throws {
        let both = try ConfigurationLoader.layer(fromEnvironment: [
            "ORION_MAX_IDLE_TIME": "5", "ORION_IDLE_TIMEOUT": "7",
        ])
        XCTAssertEqual(both.worker.idleTimeout, 7)
        XCTAssertEqual(both.sources["worker.idle_timeout"], "env ORION_IDLE_TIMEOUT")
        let alias = try ConfigurationLoader.layer(fromEnvironment: ["ORION_MAX_IDLE_TIME": "5"])
        XCTAssertEqual(alias.worker.idleTimeout, 5)
        XCTAssertEqual(alias.notes, ["ORION_MAX_IDLE_TIME is deprecated: use ORION_IDLE_TIMEOUT"])
    }

    func testBadNumbersNameTheVariable() {
        XCTAssertEqual(
            message(["ORION_EXP_MAX_TRIALS": "lots"]),
            "environment variable ORION_EXP_MAX_TRIALS must be an integer, not 'lots';"
                + " set e.g. ORION_EXP_MAX_TRIALS=100"
        )
        XCTAssertEqual(
            message(["ORION_HEARTBEAT": "-1"]),
            "environment variable ORION_HEARTBEAT must be a number of seconds > 0, not -1; set e.g. ORION_HEARTBEAT=120"
        )
        XCTAssertEqual(
            message(["ORION_INTERRUPT_CODE": "0"]),
            "environment variable ORION_INTERRUPT_CODE must be an integer from 1 to 255, not 0;"
                + " set e.g. ORION_INTERRUPT_CODE=130"
        )
    }

    func testDatabaseAddress() throws {
        func address(_ environment: [String: String]) throws -> String? {
            try ConfigurationLoader.layer(fromEnvironment: environment).storage.address
        }
        XCTAssertEqual(try address(["ORION_DB_ADDRESS": "sqlite:///d/o.db"]), "sqlite:///d/o.db")
        XCTAssertEqual(try address(["ORION_DB_ADDRESS": "/d/o.db"]), "sqlite:///d/o.db")
        XCTAssertEqual(try address(["ORION_DB_ADDRESS": "o.db"]), "sqlite:o.db")
        XCTAssertEqual(try address(["ORION_DB_ADDRESS": "memory:"]), "memory:")
        XCTAssertEqual(try address(["ORION_DB_TYPE": "ephemeraldb"]), "memory:")
        XCTAssertEqual(try address(["ORION_DB_TYPE": "sqlite"]), nil)
        XCTAssertEqual(
            try address(["ORION_DB_TYPE": "postgresql", "ORION_DB_ADDRESS": "db.lab", "ORION_DB_PORT": "5433"]),
            "postgres://db.lab:5433/orion"
        )
        XCTAssertEqual(
            try ConfigurationLoader.layer(fromEnvironment: ["ORION_DB_ADDRESS": "/d/o.db"]).sources["storage.address"],
            "env ORION_DB_ADDRESS"
        )
    }

    /// Oríon's variables that complete a host are not used with a URL, which names its database: a note says so.
    func testAURLAddressNotesTheVariablesItDoesNotUse() throws {
        let layer = try ConfigurationLoader.layer(
            fromEnvironment: ["ORION_DB_ADDRESS": "postgresql://h/hpo", "ORION_DB_NAME": "other"]
        )
        XCTAssertEqual(layer.storage.address, "postgresql://h/hpo")
        XCTAssertEqual(
            layer.notes,
            ["ORION_DB_NAME is not used: ORION_DB_ADDRESS is a URL, which names the storage whole"]
        )
    }

    func testUnsupportedDatabaseType() {
        // Oríon's PickledDB is an error when it is the storage opened, not before: `--storage` overrides it.
        XCTAssertNil(message(["ORION_DB_TYPE": "PickledDB", "ORION_DB_ADDRESS": "/d/db.pkl"]))
        let pickled = try? ConfigurationLoader.layer(
            fromEnvironment: ["ORION_DB_TYPE": "PickledDB", "ORION_DB_ADDRESS": "/d/db.pkl"]
        ).storage.address
        XCTAssertEqual(
            pickled,
            ConfigurationLoader.unsupportedPrefix
                + "environment variable ORION_DB_TYPE: storage type 'PickledDB' is not supported: swift-orion keeps"
                + " experiments in SQLite (the default) or PostgreSQL; set ORION_DB_TYPE=sqlite and"
                + " ORION_DB_ADDRESS=/path/orion.db, or ORION_DB_ADDRESS=sqlite:///path/orion.db"
        )
        XCTAssertEqual(
            message(["ORION_DB_PORT": "x", "ORION_DB_TYPE": "postgres"]),
            "environment variable ORION_DB_PORT must be a port number, not 'x'; set e.g. ORION_DB_PORT=5432"
        )
        XCTAssertEqual(
            message(["ORION_STORAGE_TYPE": "track"]),
            "environment variable ORION_STORAGE_TYPE='track' is not supported; unset it (or set it to legacy)"
        )
    }

    func testBooleansAreParsedProperly() throws {
        // Oríon treats any non-empty value as true; "False" must be false.
        let disabled = try ConfigurationLoader.layer(fromEnvironment: ["ORION_EVC_ENABLE": "False"])
        XCTAssertEqual(disabled.notes, [])
        XCTAssertFalse(ConfigurationLoader.resolve([disabled]).evc.enable)
        let enabled = try ConfigurationLoader.layer(fromEnvironment: ["ORION_EVC_ENABLE": "yes"])
        XCTAssertTrue(ConfigurationLoader.resolve([enabled]).evc.enable)
        XCTAssertEqual(enabled.sources["evc.enable"], "env ORION_EVC_ENABLE")
        XCTAssertEqual(
            message(["ORION_EVC_ENABLE": "maybe"]),
            "environment variable ORION_EVC_ENABLE must be true or false, not 'maybe'; set e.g. ORION_EVC_ENABLE=true"
        )
        let evc = ConfigurationLoader.resolve([
            try ConfigurationLoader.layer(fromEnvironment: [
                "ORION_EVC_NON_MONITORED_ARGUMENTS": "seed:out", "ORION_EVC_CODE_CHANGE": "unsure",
                "ORION_EVC_ALGO_CHANGE": "1",
            ])
        ]).evc
        XCTAssertEqual(evc.nonMonitoredArguments, ["seed", "out"])
        XCTAssertEqual(evc.codeChangeType, .unsure)
        XCTAssertTrue(evc.algorithmChange)
        XCTAssertEqual(
            message(["ORION_EVC_CMDLINE_CHANGE": "breaks"]),
            "environment variable ORION_EVC_CMDLINE_CHANGE must be one of noeffect, unsure, break, not 'breaks'; set"
                + " e.g. ORION_EVC_CMDLINE_CHANGE=noeffect"
        )
        for (text, value) in [("1", true), ("0", false), ("ON", true), ("no", false), ("TRUE", true)] {
            XCTAssertEqual(ConfigurationLoader.boolean(text), value, text)
        }
    }
}
