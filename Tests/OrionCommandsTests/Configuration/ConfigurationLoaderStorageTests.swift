import OrionCore
import XCTest

@testable import OrionCommands

final class ConfigurationLoaderStorageTests: XCTestCase {
    private func address(_ yaml: String) throws -> String? {
        try ConfigurationLoader.layer(fromYAML: yaml, path: "/x/o.yaml").storage.address
    }

    private func message(_ yaml: String) -> String? {
        do {
            _ = try ConfigurationLoader.layer(fromYAML: yaml, path: "/x/o.yaml")
            return nil
        } catch {
            return error.message
        }
    }

    /// A global file's layer.
    private func globalLayer(_ yaml: String) throws -> ConfigurationLayer {
        try ConfigurationLoader.layer(fromYAML: yaml, path: "/g.yaml", isGlobal: true)
    }

    /// `lower` resolved under the environment `environment`.
    private func resolve(_ lower: ConfigurationLayer, under environment: [String: String]) throws -> OrionConfiguration
    {
        ConfigurationLoader.resolve([lower, try ConfigurationLoader.layer(fromEnvironment: environment)])
    }

    func testOwnAddressForm() throws {
        XCTAssertEqual(try address("storage: {address: 'sqlite:///data/orion.db'}"), "sqlite:///data/orion.db")
        XCTAssertEqual(try address("storage: {address: 'memory:'}"), "memory:")
    }

    func testLegacyDatabaseBlock() throws {
        XCTAssertEqual(
            try address("storage: {type: legacy, database: {type: sqlite, host: /p/orion.db}}"),
            "sqlite:///p/orion.db"
        )
        XCTAssertEqual(try address("storage: {database: {host: rel/orion.db}}"), "sqlite:rel/orion.db")
        XCTAssertNil(try address("storage: {database: {type: sqlite}}"))
        XCTAssertEqual(try address("storage: {database: {type: EphemeralDB}}"), "memory:")
        XCTAssertEqual(
            try address(
                "storage: {database: {type: postgresql, host: db.lab, port: 5433, name: hpo, user: me,"
                    + " password: 'p@ss'}}"
            ),
            "postgres://me:p%40ss@db.lab:5433/hpo"
        )
        XCTAssertEqual(try address("storage: {database: {type: postgres}}"), "postgres://localhost/orion")
    }

    /// Oríon's `database.timeout` (its PickledDB lock wait) is SQLite's busy timeout; it was read and dropped.
    func testDatabaseTimeoutIsTheBusyTimeout() throws {
        XCTAssertEqual(
            try address("storage: {database: {type: sqlite, host: /p/orion.db, timeout: 5}}"),
            "sqlite:///p/orion.db?busy_timeout=5.0"
        )
        XCTAssertEqual(
            message("storage: {database: {type: sqlite, host: /p/orion.db, timeout: soon}}"),
            "/x/o.yaml:1:21: 'database.timeout' must be a number of seconds, not 'soon'; write e.g. `timeout: 60`"
        )
        let postgres = try ConfigurationLoader.layer(
            fromYAML: "storage: {database: {type: postgresql, host: db.lab, timeout: 5}}",
            path: "/x/o.yaml"
        )
        XCTAssertEqual(postgres.storage.address, "postgres://db.lab/orion")
        XCTAssertEqual(postgres.notes.count, 1)
        XCTAssertTrue(postgres.notes.first?.contains("'database.timeout' is ignored for PostgreSQL") ?? false)
    }

    /// An unsupported storage type is said before its own keys are refused (`track` has `uri`).
    func testAnUnsupportedStorageTypeIsSaidBeforeItsKeys() {
        XCTAssertEqual(
            message("storage: {type: track, uri: 'file://x'}"),
            "/x/o.yaml:1:17: storage type 'track' is not supported: leave 'type' out (or write 'legacy', Oríon's"
                + " default)"
        )
    }

    func testTopLevelDatabaseIsAccepted() throws {
        let layer = try ConfigurationLoader.layer(
            fromYAML: "database:\n  type: sqlite\n  host: /a.db\n",
            path: "/x/o.yaml"
        )
        XCTAssertEqual(layer.storage.address, "sqlite:///a.db")
        XCTAssertEqual(layer.sources["storage.address"], "file /x/o.yaml:1:1")
        XCTAssertEqual(layer.notes, ["/x/o.yaml:1:1: top-level 'database' is deprecated: put it under 'storage:'"])
        // In a global file, where Oríon's own `orion db setup` writes it, every command would say so: not noted.
        let global = try ConfigurationLoader.layer(
            fromYAML: "database:\n  type: sqlite\n  host: /a.db\n",
            path: "/home/u/.config/orion.core/orion_config.yaml",
            isGlobal: true
        )
        XCTAssertEqual(global.storage.address, "sqlite:///a.db")
        XCTAssertEqual(global.notes, [])
    }

    /// Opening `address`: the error's message, or `nil` when it opens.
    private func opening(_ address: String?) -> String? {
        do {
            _ = try StorageFactory.open(address: address, environment: [:], create: false)
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Oríon's PickledDB or MongoDB in a file (a migrating user's global file, which Oríon still reads) is an error
    /// only when it is the storage a command opens: a higher layer (`--storage`, `-c`) overrides it.
    func testUnsupportedDatabases() throws {
        let pickled = try address("storage:\n  database:\n    type: pickleddb\n    host: /p/db.pkl\n")
        let expected =
            "/x/o.yaml:3:11: storage type 'pickleddb' is not supported: swift-orion keeps experiments in SQLite"
            + " (the default) or PostgreSQL; write `storage: {database: {type: sqlite, host: /path/orion.db}}`"
            + " or `storage: {address: \"sqlite:///path/orion.db\"}`, or leave the file to Oríon and give swift-orion"
            + " its storage with --storage (scripts/import-orion.py brings Oríon's experiments"
            + " over: docs/migrating-from-orion.md)"
        XCTAssertEqual(pickled, ConfigurationLoader.unsupportedPrefix + expected)
        XCTAssertEqual(opening(pickled), expected)
        // In a global file (where Oríon's `orion db setup` writes it) the environment overrides it too.
        let global = try globalLayer("storage: {database: {type: pickleddb}}")
        XCTAssertTrue(
            global.storage.address?.contains("its storage with --storage or ORION_DB_ADDRESS (") == true,
            global.storage.address ?? ""
        )
        var layers = [
            try ConfigurationLoader.layer(fromYAML: "storage: {database: {type: pickleddb}}", path: "/g.yaml")
        ]
        layers.append(try ConfigurationLoader.layer(fromYAML: "storage: {address: 'memory:'}", path: "/x/o.yaml"))
        XCTAssertEqual(ConfigurationLoader.resolve(layers).storage.address, "memory:", "the higher layer wins")
        XCTAssertNil(opening("memory:"))
        XCTAssertEqual(
            message("storage: {database: {type: couchdb}}"),
            "/x/o.yaml:1:28: unknown storage type 'couchdb': use sqlite (the default), postgresql, or ephemeraldb"
                + " (in memory); write `storage: {database: {type: sqlite, host: /path/orion.db}}`"
                + " or `storage: {address: \"sqlite:///path/orion.db\"}`"
        )
        XCTAssertEqual(
            opening(try address("storage: {database: {host: 'mongodb://h:27017'}}")),
            "/x/o.yaml:1:21: storage type 'mongodb' is not supported: swift-orion keeps experiments in SQLite"
                + " (the default) or PostgreSQL; write `storage: {database: {type: sqlite, host: /path/orion.db}}`"
                + " or `storage: {address: \"sqlite:///path/orion.db\"}`, or leave the file to Oríon and give"
                + " swift-orion its storage with --storage (scripts/import-orion.py brings Oríon's"
                + " experiments over: docs/migrating-from-orion.md)"
        )
        // pymongo's options in Oríon's MongoDB block are Oríon's, not unknown keys: overridden like the block.
        let mongo = try address(
            "storage:\n  database:\n    type: mongodb\n    host: mongodb://u:p@h/orion\n    serverSelectionTimeoutMS: 100\n"
        )
        XCTAssertTrue(mongo?.hasPrefix(ConfigurationLoader.unsupportedPrefix) ?? false, mongo ?? "")
        XCTAssertTrue(opening(mongo)?.contains("storage type 'mongodb' is not supported") ?? false, mongo ?? "")
        XCTAssertNotNil(try address("storage: {database: {host: 'mongodb://h', authSource: admin}}"))
        XCTAssertEqual(
            message("storage: {database: {type: sqlite, serverSelectionTimeoutMS: 1}}").map {
                $0.contains("unknown key")
            },
            true
        )
        XCTAssertEqual(
            message("storage: {type: track}"),
            "/x/o.yaml:1:17: storage type 'track' is not supported:"
                + " leave 'type' out (or write 'legacy', Oríon's default)"
        )
    }

    /// Oríon's `database` keys combine key by key across the global file, the environment and `-c`: a cluster's
    /// global file names PostgreSQL and each job sets ORION_DB_ADDRESS to the host. Resolved one source at a time,
    /// the host alone was an SQLite file (each job wrote its own), and ORION_DB_NAME, ORION_DB_PORT or a `-c` block
    /// giving only some keys were ignored.
    func testDatabaseKeysCombineKeyByKeyAcrossSources() throws {
        let global = try globalLayer(
            "storage: {database: {type: postgresql, host: localhost, port: 55499, name: orion, user: me}}"
        )
        func resolved(_ environment: [String: String], _ yaml: String? = nil, flag: String? = nil) throws -> String? {
            var layers = [global, try ConfigurationLoader.layer(fromEnvironment: environment)]
            if let yaml { layers.append(try ConfigurationLoader.layer(fromYAML: yaml, path: "/x/o.yaml")) }
            var flags = ConfigurationLayer()
            if let flag { flags.set(\.storage.address, flag, source: "flag --storage") }
            layers.append(flags)
            return ConfigurationLoader.resolve(layers).storage.address
        }
        XCTAssertEqual(try resolved([:]), "postgres://me@localhost:55499/orion")
        XCTAssertEqual(try resolved(["ORION_DB_ADDRESS": "dbhost"]), "postgres://me@dbhost:55499/orion")
        XCTAssertEqual(try resolved(["ORION_DB_NAME": "other"]), "postgres://me@localhost:55499/other")
        XCTAssertEqual(try resolved(["ORION_DB_PORT": "5555"]), "postgres://me@localhost:5555/orion")
        XCTAssertEqual(try resolved([:], "storage: {database: {name: other}}"), "postgres://me@localhost:55499/other")
        XCTAssertEqual(
            try resolved(["ORION_DB_NAME": "env"], "storage: {database: {host: otherhost}}"),
            "postgres://me@otherhost:55499/env"
        )
        XCTAssertEqual(try resolved(["ORION_DB_TYPE": "sqlite", "ORION_DB_ADDRESS": "/d/o.db"]), "sqlite:///d/o.db")
        XCTAssertEqual(try resolved(["ORION_DB_ADDRESS": "sqlite:///d/o.db"]), "sqlite:///d/o.db", "a URL is whole")
        XCTAssertEqual(try resolved(["ORION_DB_ADDRESS": "dbhost"], flag: "memory:"), "memory:")
        XCTAssertEqual(try resolved([:], "storage: {address: 'sqlite:///c.db'}"), "sqlite:///c.db")
        let sources = try resolve(global, under: ["ORION_DB_PORT": "5"])
            .sources["storage.address"]
        XCTAssertEqual(sources, "env ORION_DB_PORT")

        // Over a whole PostgreSQL address (swift-orion's own `storage.address`), the keys replace the URL's parts,
        // its options kept: the host alone was an SQLite file named after it.
        let whole = try ConfigurationLoader.layer(
            fromYAML: "storage: {address: 'postgresql://me:pw@h:5433/db?retry_for=5'}",
            path: "/g.yaml"
        )
        XCTAssertEqual(
            try resolve(whole, under: ["ORION_DB_ADDRESS": "127.0.0.1"]).storage.address,
            "postgresql://me:pw@127.0.0.1:5433/db?retry_for=5"
        )
        XCTAssertEqual(
            try resolve(whole, under: ["ORION_DB_NAME": "x", "ORION_DB_PORT": "6000"]).storage.address,
            "postgresql://me:pw@h:6000/x?retry_for=5"
        )
        XCTAssertEqual(
            try resolve(whole, under: ["ORION_DB_ADDRESS": "::1"]).storage.address,
            "postgresql://me:pw@[::1]:5433/db?retry_for=5"
        )
        XCTAssertEqual(try resolve(whole, under: ["ORION_DB_ADDRESS": "/d/o.db"]).storage.address, "sqlite:///d/o.db")
        // Over a whole SQLite address, keys that name no storage are not used, and a note says so.
        let file = try ConfigurationLoader.layer(fromYAML: "storage: {address: 'sqlite:///a.db'}", path: "/g.yaml")
        let over = try resolve(file, under: ["ORION_DB_NAME": "x"])
        XCTAssertEqual(over.storage.address, "sqlite:///a.db")
        XCTAssertEqual(
            over.notes,
            [
                "the database keys of env ORION_DB_NAME are not used: the storage address of file /g.yaml:1:11 names the"
                    + " storage whole"
            ]
        )
        let typed = try resolve(whole, under: ["ORION_DB_TYPE": "sqlite"])
        XCTAssertNil(typed.storage.address, "the default file, as ORION_DB_TYPE=sqlite says")

        // Oríon's MongoDB in a global file is not carried over to the host the environment gives, as its error says.
        let mongo = try globalLayer("storage: {database: {type: mongodb, host: 'mongodb://h', name: orion}}")
        let overridden = try resolve(mongo, under: ["ORION_DB_ADDRESS": "/d/o.db"])
        XCTAssertEqual(overridden.storage.address, "sqlite:///d/o.db")
        let named = try resolve(mongo, under: ["ORION_DB_NAME": "x"])
        XCTAssertEqual(
            named.storage.address.map { $0.hasPrefix(ConfigurationLoader.unsupportedPrefix) },
            true,
            "still MongoDB: an error if it is the storage opened"
        )
        // A path is an SQLite file, whatever the type below (it became the PostgreSQL host: postgres://me@/d/o.db...),
        // as a URL names the storage whole; a server's own port and an IPv6 address are written as a URL wants them.
        XCTAssertEqual(try resolved(["ORION_DB_ADDRESS": "/d/o.db"]), "sqlite:///d/o.db")
        XCTAssertEqual(try resolved(["ORION_DB_ADDRESS": "o.db"]), "sqlite:o.db")
        XCTAssertEqual(try resolved(["ORION_DB_ADDRESS": "runs/o"]), "sqlite:runs/o")
        XCTAssertEqual(try resolved([:], "storage: {database: {host: /c/c.db}}"), "sqlite:///c/c.db")
        XCTAssertEqual(try resolved(["ORION_DB_ADDRESS": "127.0.0.1:5440"]), "postgres://me@127.0.0.1:5440/orion")
        XCTAssertEqual(try resolved(["ORION_DB_ADDRESS": "::1"]), "postgres://me@[::1]:55499/orion")
        XCTAssertEqual(try resolved(["ORION_DB_ADDRESS": "[::1]:5440"]), "postgres://me@[::1]:5440/orion")
        // A file's own `storage.address` wins over a `database:` block beside it, and over the environment below.
        let both = "storage:\n  address: sqlite:///a.db\ndatabase:\n  name: foo\n"
        XCTAssertEqual(try resolved(["ORION_DB_ADDRESS": "/e.db"], both), "sqlite:///a.db")
        XCTAssertEqual(
            try ConfigurationLoader.layer(fromYAML: both, path: "/x/o.yaml").notes.last,
            "/x/o.yaml:3:1: 'database' is not used: 'storage.address' in the same file names the storage whole"
        )
        // Oríon's MongoDB keeps the error of the file that named it, with its place, over keys that name no storage.
        let mongoError = ConfigurationLoader.resolve([
            try globalLayer("storage: {database: {type: mongodb}}"),
            try ConfigurationLoader.layer(fromEnvironment: ["ORION_DB_NAME": "x"]),
        ]).storage.address
        XCTAssertTrue(
            mongoError?.hasPrefix(ConfigurationLoader.unsupportedPrefix + "/g.yaml:1:28: storage type") == true,
            mongoError ?? ""
        )
        // The timeout note of a PostgreSQL global file is said once.
        let postgresTimeout = try globalLayer("storage: {database: {type: postgresql, timeout: 5}}")
        let said = try resolve(postgresTimeout, under: ["ORION_DB_ADDRESS": "h"])
        XCTAssertEqual(said.storage.address, "postgres://h/orion")
        XCTAssertEqual(said.notes.filter { $0.contains("'database.timeout' is ignored") }.count, 1, "\(said.notes)")
        // Not said when a layer above made the storage an SQLite file, which uses the timeout.
        let filed = try resolve(postgresTimeout, under: ["ORION_DB_ADDRESS": "/d/o.db"])
        XCTAssertEqual(filed.storage.address, "sqlite:///d/o.db?busy_timeout=5.0")
        XCTAssertFalse(filed.notes.contains { $0.contains("'database.timeout' is ignored") }, "\(filed.notes)")
        // A server's type above a file's host below keeps the server's default host (it made postgres:///x.db/orion).
        let fileBelow = try globalLayer("storage: {database: {host: /g/g.db}}")
        XCTAssertEqual(
            try resolve(fileBelow, under: ["ORION_DB_TYPE": "postgresql"]).storage.address,
            "postgres://localhost/orion"
        )
        XCTAssertEqual(try resolved(["ORION_DB_ADDRESS": "o.pkl"]), "sqlite:o.pkl", "a file, not a server")
        // Over a whole PostgreSQL URL, a block giving only a timeout changes nothing and says so; one that also gives
        // a host says the timeout is ignored (both notes were lost).
        let url = try globalLayer("storage: {address: 'postgresql://u@h/db'}")
        let timeoutOnly = ConfigurationLoader.resolve([
            url, try ConfigurationLoader.layer(fromYAML: "storage: {database: {timeout: 10}}", path: "/c.yaml"),
        ])
        XCTAssertEqual(timeoutOnly.storage.address, "postgresql://u@h/db")
        XCTAssertTrue(
            timeoutOnly.notes.contains { $0.hasPrefix("the database keys of file /c.yaml") },
            "\(timeoutOnly.notes)"
        )
        let hostAndTimeout = ConfigurationLoader.resolve([
            url,
            try ConfigurationLoader.layer(fromYAML: "storage: {database: {host: g, timeout: 10}}", path: "/c.yaml"),
        ])
        XCTAssertEqual(hostAndTimeout.storage.address, "postgresql://u@g/db")
        XCTAssertEqual(hostAndTimeout.notes.filter { $0.contains("is ignored for PostgreSQL") }.count, 1)
        // In memory: only the note for memory (the PostgreSQL one of the layer below was said too).
        let memory = try resolve(postgresTimeout, under: ["ORION_DB_TYPE": "ephemeraldb"])
        XCTAssertEqual(memory.storage.address, "memory:")
        XCTAssertEqual(
            memory.notes.filter { $0.contains("'database.timeout' is ignored") },
            ["'database.timeout' is ignored for an in-memory storage"]
        )
        // A timeout in the global file applies to the SQLite file a higher layer names.
        let timed = try ConfigurationLoader.layer(fromYAML: "storage: {database: {timeout: 5}}", path: "/g.yaml")
        XCTAssertEqual(
            try resolve(timed, under: ["ORION_DB_ADDRESS": "/d/o.db"])
                .storage.address,
            "sqlite:///d/o.db?busy_timeout=5.0"
        )
    }

    func testAddressAndDatabaseTogether() {
        XCTAssertEqual(
            message("storage: {address: 'memory:', database: {type: sqlite}}"),
            "/x/o.yaml:1:31: give either 'storage.address' or 'storage.database', not both; keep one"
        )
    }

    func testBadPort() {
        XCTAssertEqual(
            message("storage: {database: {type: postgres, port: http}}"),
            "/x/o.yaml:1:44: 'database.port' must be a port number, not 'http'; write e.g. `port: 5432`"
        )
    }

    /// A quoted port is a port, as a quoted number is for the other integer keys.
    func testQuotedPort() throws {
        XCTAssertEqual(
            try address("storage: {database: {type: postgres, host: db, port: '6543', name: hpo}}"),
            "postgres://db:6543/hpo"
        )
    }

    func testSQLiteAddressOfPaths() {
        XCTAssertEqual(ConfigurationLoader.sqliteAddress("/a/b.db"), "sqlite:///a/b.db")
        XCTAssertEqual(ConfigurationLoader.sqliteAddress("b.db"), "sqlite:b.db")
        XCTAssertEqual(ConfigurationLoader.sqliteAddress("sqlite:///a.db"), "sqlite:///a.db")
        XCTAssertTrue(ConfigurationLoader.sqliteAddress("~/o.db").hasPrefix("sqlite:///"))
        // `~` is $HOME, as in the shell and in Oríon (Python's expanduser); it was the account's home.
        let saved = ProcessInfo.processInfo.environment["HOME"]
        setenv("HOME", "/tmp/another-home", 1)
        defer {
            if let saved { setenv("HOME", saved, 1) } else { unsetenv("HOME") }
        }
        XCTAssertEqual(ConfigurationLoader.sqliteAddress("~/o.db"), "sqlite:///tmp/another-home/o.db")
        XCTAssertThrowsError(try StorageFactory.open(address: "~/x/none.db", environment: [:], create: false)) {
            XCTAssertTrue("\($0)".contains("/tmp/another-home/x/none.db"), "\($0)")
        }
    }
}
