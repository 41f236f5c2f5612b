import GRDB
import OrionCore

extension SQLiteStorage {
    /// The named migrations, applied in order, once per database file.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-experiments-trials-algorithms") { db in
            try db.execute(
                sql: """
                    CREATE TABLE experiments (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        revision INTEGER NOT NULL DEFAULT 0,
                        document BLOB NOT NULL,
                        UNIQUE (name, version)
                    );
                    CREATE TABLE trials (
                        experiment_id TEXT NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
                        id TEXT NOT NULL,
                        status TEXT NOT NULL,
                        revision INTEGER NOT NULL,
                        submit_time REAL NOT NULL,
                        heartbeat REAL,
                        document BLOB NOT NULL,
                        PRIMARY KEY (experiment_id, id)
                    );
                    CREATE INDEX trials_by_status ON trials (experiment_id, status, submit_time);
                    CREATE INDEX trials_by_revision ON trials (experiment_id, revision);
                    CREATE TABLE algorithms (
                        experiment_id TEXT PRIMARY KEY NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
                        state BLOB,
                        state_version INTEGER NOT NULL DEFAULT 0,
                        observed_revision INTEGER NOT NULL DEFAULT 0
                    );
                    """
            )
        }
        return migrator
    }

    /// Applies pending migrations; refuses a file written by a newer version.
    static func migrate(_ pool: DatabasePool, path: String) throws {
        let migrator = migrator
        for attempt in 0..<5 {
            do {
                let unknown = try pool.read { db -> [String] in
                    guard try db.tableExists("grdb_migrations") else { return [] }
                    let applied = try migrator.appliedIdentifiers(db)
                    return applied.filter { !migrator.migrations.contains($0) }.sorted()
                }
                guard unknown.isEmpty else {
                    throw StorageError(
                        .schema,
                        "the database \(path) was written by a newer swift-orion (migrations "
                            + unknown.joined(separator: ", ") + "): upgrade orion, or use another database"
                    )
                }
                try migrator.migrate(pool)
                return
            } catch let error as StorageError {
                throw error
            } catch {
                // Another process may be creating the same file: look again.
                if attempt == 4 { throw wrap(error, "cannot prepare the database \(path)") }
                Thread.sleep(forTimeInterval: 0.05 * Double(attempt + 1))
            }
        }
    }
}

import Foundation
