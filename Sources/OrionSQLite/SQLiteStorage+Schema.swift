import Foundation
import GRDB
import OrionCore

extension SQLiteStorage {
    /// The named migrations, applied in order, each once per database file.
    ///
    /// GRDB records the applied ones in `grdb_migrations`. Never edit a released migration: add a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-experiments-trials") { db in
            try db.execute(sql: Queries.createExperimentsAndTrials)
        }
        migrator.registerMigration("v1-algorithm-states") { db in
            try db.execute(sql: Queries.createAlgorithmStates)
        }
        migrator.registerMigration("v2-reservation-tokens") { db in
            try db.execute(sql: Queries.addReservationTokens)
        }
        migrator.registerMigration("v3-trial-summaries") { db in
            try db.execute(sql: Queries.addTrialSummaries)
        }
        migrator.registerMigration("v4-trial-pages") { db in
            try db.execute(sql: Queries.addTrialPageIndexes)
        }
        return migrator
    }

    /// The names of the migrations this version knows, in order.
    public static var migrationNames: [String] { migrator.migrations }

    /// The names of the migrations applied to this database file, in the order this version knows them, followed by
    /// any unknown (newer) ones.
    ///
    /// - Returns: the applied migration names.
    /// - Throws: `StorageError` `.backend` when the database cannot be read.
    public func appliedMigrations() async throws -> [String] {
        let migrator = Self.migrator
        return try await read("cannot read the migrations") { db in
            let applied = try migrator.appliedIdentifiers(db)
            let known = migrator.migrations.filter { applied.contains($0) }
            return known + applied.subtracting(migrator.migrations).sorted()
        }
    }

    /// Applies pending migrations; refuses a file migrated by a newer version, and a file that is not an Oríon
    /// database (another program's tables, or migrations that no version of Oríon wrote: a corrupted file).
    ///
    /// Several processes may open a new file at once: a migration that fails because another process applied it
    /// in the meantime is retried after looking again.
    ///
    /// - Throws: `StorageError` `.schema` for a newer file or one that is not an Oríon database, `.backend` when
    ///   migrating fails.
    static func migrate(_ pool: DatabasePool, path: String) throws {
        let migrator = migrator
        let attempts = 5
        for attempt in 1...attempts {
            do {
                try pool.read { db in try checkIsOurs(db, migrator: migrator, path: path) }
                let pending = try pool.read { db in try !migrator.hasCompletedMigrations(db) }
                try migrator.migrate(pool)
                if pending {
                    // A command that only reads must not leave its migration in the write-ahead log alone.
                    try pool.writeWithoutTransaction { db in _ = try Queries.checkpoint(db) }
                }
                return
            } catch let error as StorageError {
                throw error
            } catch {
                if attempt == attempts {
                    throw wrap(error, "cannot create or upgrade the tables of \(path)", path: path)
                }
                Thread.sleep(forTimeInterval: 0.02 * Double(attempt))
            }
        }
    }

    /// Checks, without writing, that a file opened read-only is an Oríon database at this version's schema (it
    /// cannot be upgraded here).
    ///
    /// - Throws: `StorageError` `.schema` for a file that is not an Oríon database, a newer one, or an older one.
    static func checkSchema(_ pool: DatabasePool, path: String) throws {
        let migrator = migrator
        do {
            try pool.read { db in
                try checkIsOurs(db, migrator: migrator, path: path)
                guard try migrator.hasCompletedMigrations(db) else {
                    throw StorageError(
                        .schema,
                        "the database \(path) is read-only for this user and was written by an older version of "
                            + "orion; its owner can upgrade it with `orion db upgrade`"
                    )
                }
            }
        } catch let error as StorageError {
            throw error
        } catch {
            throw wrap(error, "cannot read the database \(path)", path: path)
        }
    }

    /// Refuses another program's database before anything is written to it: opening it for writing switched a file
    /// in rollback-journal mode to WAL mode, a change that lasts and that its program may not expect (hBL's probe),
    /// and in a file in WAL mode GRDB created and dropped a table (to make the log non-empty) before it was refused
    /// (hBQ's).
    ///
    /// A file in rollback-journal mode is read by a read-only connection; one in WAL mode with no log beside it
    /// (nothing writes it), as the file alone (`immutable`): a read-only connection would make its log and index,
    /// which another process opening it meanwhile could take for its own. The file alone may lag behind a log: it is
    /// refused only when it holds tables and none is Oríon's (`grdb_migrations` is in the file before any other table
    /// of ours, as the migrator commits it first); a file with a log (in use), or that cannot be read, is left to the
    /// writable open, which refuses another program's database after GRDB's first write.
    ///
    /// - Parameter path: an existing file.
    /// - Throws: `StorageError` `.schema` when the file is an SQLite database but not an Oríon one.
    static func refuseForeignDatabase(_ path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        let header = (try? handle.read(upToCount: 20)) ?? Data()
        try? handle.close()
        // "SQLite format 3\0", then at offset 18 the write version: 1 for a rollback journal, 2 for WAL.
        let rollback = header.count == 20 && header[header.startIndex + 18] == 1
        let unused =
            header.count == 20 && header[header.startIndex + 18] == 2
            && !FileManager.default.fileExists(atPath: companionBase(path) + "-wal")
        guard header.count == 20, header.starts(with: Array("SQLite format 3".utf8)), rollback || unused else { return }
        var configuration = Configuration()
        configuration.readonly = true
        let location = rollback ? path : immutableLocation(path)
        guard let queue = try? DatabaseQueue(path: location, configuration: configuration) else { return }
        defer { try? queue.close() }
        let migrator = migrator
        do {
            try queue.read { db in try checkIsOurs(db, migrator: migrator, path: path) }
        } catch let error as StorageError {
            throw error
        } catch {
            return  // unreadable here: the writable open says what is wrong
        }
    }

    /// Throws unless the file is empty, an Oríon database, or one written by a newer Oríon.
    private static func checkIsOurs(_ db: Database, migrator: DatabaseMigrator, path: String) throws {
        let tables = try Queries.tableNames(db)
        guard !tables.isEmpty else { return }  // a new file
        guard tables.contains("grdb_migrations") else {
            throw StorageError(
                .schema,
                "\(path) is an SQLite database but not a swift-orion database (its tables: "
                    + tables.sorted().prefix(5).joined(separator: ", ")
                    + "); give the path of a swift-orion database, or of a new file"
            )
        }
        let applied = try migrator.appliedIdentifiers(db)
        let unknown = applied.subtracting(migrator.migrations).sorted()
        guard !unknown.isEmpty else { return }
        // A newer version applies every migration of this one first; anything else is not ours or is damaged.
        guard Set(migrator.migrations).isSubset(of: applied) else {
            throw StorageError(
                .schema,
                "\(path) is not a swift-orion database, or it is corrupted (unknown migrations: "
                    + unknown.prefix(5).joined(separator: ", ")
                    + "); restore it from a copy, or give the path of another database"
            )
        }
        throw StorageError(
            .schema,
            "the database \(path) was written by a newer version of orion (unknown migrations: "
                + unknown.joined(separator: ", ") + "); upgrade orion, or use another database file"
        )
    }
}
