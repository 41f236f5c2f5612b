import Foundation
import OrionCore
import OrionSQLite

/// Opens a storage from its address; the only place that knows which backend serves which URL scheme.
///
/// - `sqlite:///absolute/path/orion.db` (or a plain path): SQLite, the default;
/// - `memory:`: in this process only (tests, `--debug`);
/// - `postgres://user@host:port/db`: PostgreSQL (not in this version).
public enum StorageFactory {
    /// The default database: `$XDG_DATA_HOME/orion/orion.db`, else `~/.local/share/orion/orion.db`.
    public static func defaultPath(environment: [String: String]) -> String {
        if let data = environment["XDG_DATA_HOME"], !data.isEmpty { return data + "/orion/orion.db" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.local/share/orion/orion.db"
    }

    /// Opens the storage at `address`, or the default SQLite file when `address` is `nil` or empty.
    ///
    /// - Parameters:
    ///   - address: a storage URL or a path.
    ///   - environment: where `XDG_DATA_HOME` and `HOME` are read for the default location.
    ///   - currentDirectory: what relative paths are relative to.
    /// - Returns: the opened storage.
    /// - Throws: `StorageError` `.invalidAddress` for an unknown scheme, or the backend's error.
    public static func open(
        address: String?,
        environment: [String: String],
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) throws -> any Storage {
        guard let address, !address.isEmpty else {
            return try SQLiteStorage(path: defaultPath(environment: environment))
        }
        if address == "memory:" || address == "memory://" { return InMemoryStorage() }
        if address.hasPrefix("sqlite://") {
            let path = String(address.dropFirst("sqlite://".count))
            guard !path.isEmpty else {
                throw StorageError(
                    .invalidAddress,
                    "storage address '\(address)' has no path: use sqlite:///path/orion.db"
                )
            }
            return try SQLiteStorage(path: absolute(path, in: currentDirectory))
        }
        if address.hasPrefix("sqlite:") {
            return try SQLiteStorage(path: absolute(String(address.dropFirst("sqlite:".count)), in: currentDirectory))
        }
        if address.hasPrefix("postgres://") || address.hasPrefix("postgresql://") {
            throw StorageError(
                .invalidAddress,
                "PostgreSQL storage is not available in this version: use sqlite:///path/orion.db"
            )
        }
        if let colon = address.firstIndex(of: ":"), address[..<colon].allSatisfy(\.isLetter),
            address[address.index(after: colon)...].hasPrefix("//")
        {
            throw StorageError(
                .invalidAddress,
                "unknown storage scheme '\(address[..<colon])' in '\(address)': use sqlite:///path/orion.db or memory:"
            )
        }
        return try SQLiteStorage(path: absolute(address, in: currentDirectory))
    }

    private static func absolute(_ path: String, in directory: String) -> String {
        if path.hasPrefix("/") { return path }
        if path.hasPrefix("~/") { return NSHomeDirectory() + path.dropFirst() }
        return directory + "/" + path
    }
}
