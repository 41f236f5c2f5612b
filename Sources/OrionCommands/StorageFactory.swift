import Foundation
import OrionCore
import OrionPostgres
import OrionSQLite

/// Opens a storage from its address; the only place that knows which backend serves which URL scheme.
///
/// - `sqlite:///absolute/path/orion.db` (or a plain path): SQLite, the default; `?busy_timeout=SECONDS` sets how
///   long a write waits for other processes (60 s by default);
/// - `memory:`: in this process only (tests, `--debug`);
/// - `postgresql://user:password@host:port/db` (or `postgres://`): PostgreSQL, for workers on many machines;
///   options `schema`, `pool_size`, `connect_timeout`, `retry_for`, `operation_timeout` (see `PostgresAddress`). Nothing is sent to the
///   server until the first operation.
public enum StorageFactory {
    /// The default database: `$XDG_DATA_HOME/orion/orion.db`, else `~/.local/share/orion/orion.db`.
    public static func defaultPath(environment: [String: String]) -> String {
        dataDirectory(environment: environment) + "/orion/orion.db"
    }

    /// The user's data directory: `$XDG_DATA_HOME`, else `~/.local/share` (where Oríon's appdirs looks too).
    static func dataDirectory(environment: [String: String]) -> String {
        if let data = environment["XDG_DATA_HOME"], !data.isEmpty { return data }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
    }

    /// Opens the storage at `address`, or the default SQLite file when `address` is `nil` or empty.
    ///
    /// - Parameters:
    ///   - address: a storage URL or a path.
    ///   - environment: where `XDG_DATA_HOME` and `HOME` are read for the default location.
    ///   - currentDirectory: what relative paths are relative to.
    ///   - create: whether a missing database is created (`orion hunt`, `init-only`, `insert`); commands that only
    ///     read pass `false`, so that a mistyped address is an error naming the path, not a new empty file (a
    ///     missing default database reads as empty, and is not created either).
    ///   - postgresRetryFor: how long a PostgreSQL operation waits for an unreachable server when the URL has no
    ///     `retry_for` (`orion serve` answers sooner than a worker, which rides out a restart); `nil`: the URL's
    ///     default, 60 s.
    /// - Returns: the opened storage.
    /// - Throws: `StorageError` `.invalidAddress` for an unknown scheme or option, `.notFound` for a missing
    ///   database when `create` is `false`, or the backend's error.
    public static func open(
        address: String?,
        environment: [String: String],
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        create: Bool = true,
        postgresRetryFor: Duration? = nil
    ) throws -> any Storage {
        guard let address, !address.isEmpty else {
            let path = defaultPath(environment: environment)
            // Nothing ran on this machine yet: reading finds no experiment, as in Oríon, and creates nothing.
            if !create, !FileManager.default.fileExists(atPath: path) { return InMemoryStorage() }
            return try sqlite(path: path, busyTimeout: .seconds(60), create: create)
        }
        if address.hasPrefix(ConfigurationLoader.unsupportedPrefix) {
            // A storage of Oríon's named by a configuration layer and not overridden (see `unsupportedPrefix`).
            throw ConfigurationError(String(address.dropFirst(ConfigurationLoader.unsupportedPrefix.count)))
        }
        if address == "memory:" || address == "memory://" { return InMemoryStorage() }
        if PostgresAddress.isPostgres(address) {
            var postgres = try PostgresAddress(url: address)
            if let postgresRetryFor, !PostgresAddress.givesOption("retry_for", in: address) {
                postgres.retryFor = postgresRetryFor
            }
            return PostgresStorage(address: postgres, create: create) { StandardStream.emit("note: \($0)\n", to: 2) }
        }
        let (location, busyTimeout) = try sqliteOptions(of: address)
        if location.hasPrefix("sqlite://") {
            let path = String(location.dropFirst("sqlite://".count))
            guard !path.isEmpty else {
                throw StorageError(
                    .invalidAddress,
                    "storage address '\(address)' has no path: use sqlite:///path/orion.db"
                )
            }
            return try sqlite(path: absolute(path, in: currentDirectory), busyTimeout: busyTimeout, create: create)
        }
        if location.hasPrefix("sqlite:") {
            let path = absolute(String(location.dropFirst("sqlite:".count)), in: currentDirectory)
            return try sqlite(path: path, busyTimeout: busyTimeout, create: create)
        }
        if let colon = location.firstIndex(of: ":"), location[..<colon].allSatisfy(\.isLetter),
            location[location.index(after: colon)...].hasPrefix("//")
        {
            throw StorageError(
                .invalidAddress,
                "unknown storage scheme '\(location[..<colon])' in '\(PostgresAddress.redacted(address))': use"
                    + " sqlite:///path/orion.db, postgresql://user@host:port/db or memory: (swift-orion keeps"
                    + " experiments in SQLite or PostgreSQL)"
            )
        }
        return try sqlite(path: absolute(location, in: currentDirectory), busyTimeout: busyTimeout, create: create)
    }

    /// The SQLite database at `path`; for a command that only reads, an empty file (`touch orion.db`) is read as an
    /// empty database without writing the schema into it.
    private static func sqlite(path: String, busyTimeout: Duration, create: Bool) throws -> any Storage {
        if !create, let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber,
            size.intValue == 0
        {
            return InMemoryStorage()
        }
        // A command that writes reads the file through first, so that it never writes into a damaged one.
        return try SQLiteStorage(
            path: path,
            busyTimeout: busyTimeout,
            create: create,
            waitNotice: { message in StandardStream.emit("note: \(message)\n", to: 2) },
            checksIntegrity: create
        )
    }

    /// Splits `?busy_timeout=SECONDS` off an SQLite address.
    ///
    /// A plain path may hold a `?` (`runs?v2.db`, once read as an unknown option): there, only `?busy_timeout=`
    /// starts options; in an `sqlite:` URL any `?` does.
    private static func sqliteOptions(of address: String) throws -> (location: String, busyTimeout: Duration) {
        let options = address.hasPrefix("sqlite:") ? address.range(of: "?") : address.range(of: "?busy_timeout=")
        guard let question = options?.lowerBound else { return (address, .seconds(60)) }
        let location = String(address[..<question])
        var busyTimeout: Duration = .seconds(60)
        for option in address[address.index(after: question)...].split(separator: "&") {
            let parts = option.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[0] == "busy_timeout", let seconds = Double(parts[1]), seconds >= 0 else {
                throw StorageError(
                    .invalidAddress,
                    "unknown option '\(option)' in storage address '\(address)': the only option is "
                        + "busy_timeout=SECONDS, e.g. sqlite:///path/orion.db?busy_timeout=30"
                )
            }
            busyTimeout = .milliseconds(Int64((seconds * 1000).rounded()))
        }
        return (location, busyTimeout)
    }

    /// The user's home as the shell gives it.
    ///
    /// `$HOME` when set, else the account's (`NSHomeDirectory`, which reads the password database, gave `/root` under
    /// `HOME=/tmp/h`). Oríon 0.2.7 does not expand `~` at all (it makes a directory named `~`).
    static func homeDirectory() -> String {
        ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    }

    private static func absolute(_ path: String, in directory: String) -> String {
        // `sqlite:////abs/orion.db` (SQLAlchemy's spelling of an absolute path) names `/abs/orion.db`.
        if path.hasPrefix("//") { return "/" + path.drop { $0 == "/" } }
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~/") { return homeDirectory() + path.dropFirst() }
        return directory + "/" + path
    }
}
