import ArgumentParser
import Foundation
import OrionCore
import OrionPostgres
import OrionSQLite

/// `orion db upgrade`: bring the database's schema up to date and report its version.
struct DbUpgrade: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade",
        abstract: "Apply pending schema migrations to the database and report its schema version.",
        discussion: """
            Every command applies pending migrations when it opens the database; this one does only that. A database \
            that does not exist yet is created at the latest version, as `orion db setup` and `orion db test` do.
            """
    )

    @OptionGroup var options: ExperimentOptions

    @Flag(name: [.customShort("f"), .long], help: "Accepted for Oríon's scripts: there is nothing to confirm.")
    var force = false

    func run() async throws {
        try await CommandRunner.run(verbose: options.verbose) {
            let context = try CommandContext(options: options, createStorage: true)
            try await context.closingStorage {
                print("Updating documents...")
                if let applied = try await Self.appliedMigrations(context.storage) {
                    print("Schema version: \(applied.count) (\(applied.last ?? "none"))")
                } else {
                    print("Schema version: none (this storage has no schema)")
                }
                print("Database upgrade completed successfully")
            }
        }
    }
}

extension DbUpgrade {
    /// The schema migrations applied to `storage`, oldest first; `nil` for a storage without a schema (in memory).
    static func appliedMigrations(_ storage: any Storage) async throws -> [String]? {
        if let sqlite = storage as? SQLiteStorage { return try await sqlite.appliedMigrations() }
        if let postgres = storage as? PostgresStorage { return try await postgres.appliedMigrations() }
        return nil
    }
}
