import Foundation
import GRDB
import OrionCore

/// The default storage: one SQLite file (WAL mode) that any number of processes on one machine, or on machines
/// sharing a file system with working locks, use at once.
///
/// Every write runs in a `BEGIN IMMEDIATE` transaction, so reservation and compare-and-set updates are atomic
/// across processes, and the algorithm lock is SQLite's own write lock: it is released by the database if its
/// holder dies. Schema changes are named migrations (`SQLiteStorage+Schema.swift`); all SQL lives in
/// `SQLiteStorage+Queries.swift`.
public final class SQLiteStorage: Storage {
    /// The database file.
    public let path: String
    let pool: DatabasePool

    /// Opens (creating it and its directory if needed) the database at `path` and applies pending migrations.
    ///
    /// - Parameters:
    ///   - path: the database file.
    ///   - busyTimeout: how long a write waits for another process holding the write lock.
    /// - Throws: `StorageError` `.backend` when the file cannot be created or opened, `.schema` when it was written
    ///   by a newer version of swift-orion.
    public init(path: String, busyTimeout: Duration = .seconds(60)) throws {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        do {
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
        } catch {
            throw StorageError(.backend, "cannot create the directory of the database \(path): \(error)")
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout.timeInterval)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw Self.wrap(error, "cannot open the database \(path)")
        }
        try Self.migrate(pool, path: path)
    }

    static func wrap(_ error: any Error, _ what: String) -> StorageError {
        if let error = error as? StorageError { return error }
        if let error = error as? DatabaseError {
            if error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
                return StorageError(.lockTimeout, "\(what): the database is locked by another process", underlying: error)
            }
            return StorageError(.backend, "\(what): \(error.message ?? error.description)", underlying: error)
        }
        return StorageError(.backend, "\(what): \(error)", underlying: error)
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction on the writer connection.
    func write<T: Sendable>(_ what: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else { throw StorageError(.backend, "\(what): the transaction returned nothing") }
                return result
            }
        } catch {
            throw Self.wrap(error, "\(what) in \(path)")
        }
    }

    /// Runs `body` on a reader connection (a consistent snapshot).
    func read<T: Sendable>(_ what: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw Self.wrap(error, "\(what) in \(path)")
        }
    }
}

extension Duration {
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) * 1e-18
    }
}
