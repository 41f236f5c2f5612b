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

    /// Applies pending migrations; refuses a file migrated by a newer version.
    ///
    /// Several processes may open a new file at once: a migration that fails because another process applied it
    /// in the meantime is retried after looking again.
    ///
    /// - Throws: `StorageError` `.schema` for a newer file, `.backend` when migrating fails.
    static func migrate(_ pool: DatabasePool, path: String) throws {
        let migrator = migrator
        let attempts = 5
        for attempt in 1...attempts {
            do {
                let unknown = try pool.read { db in
                    try migrator.appliedIdentifiers(db).subtracting(migrator.migrations).sorted()
                }
                guard unknown.isEmpty else {
                    throw StorageError(
                        .schema,
                        "the database \(path) was written by a newer version of orion (unknown migrations: "
                            + unknown.joined(separator: ", ") + "); upgrade orion, or use another database file"
                    )
                }
                try migrator.migrate(pool)
                return
            } catch let error as StorageError {
                throw error
            } catch {
                if attempt == attempts { throw wrap(error, "cannot create or upgrade the tables of \(path)") }
                Thread.sleep(forTimeInterval: 0.02 * Double(attempt))
            }
        }
    }
}
