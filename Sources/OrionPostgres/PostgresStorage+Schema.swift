import Foundation
import OrionCore
import PostgresNIO

extension PostgresStorage {
    /// The named migrations, applied in order, each once per schema, and recorded in `orion_migrations`.
    ///
    /// Never edit a released migration: add a new one.
    static let migrations: [(name: String, sql: [String])] = [
        ("v1-experiments-trials", PostgresQueries.createTables),
        ("v1-trial-counters", PostgresQueries.createCounters),
        ("v2-trial-times", PostgresQueries.createTimeIndexes),
    ]

    /// The names of the migrations this version knows, in order.
    public static var migrationNames: [String] { migrations.map(\.name) }

    /// The names of the migrations applied to this schema, in the order this version knows them, followed by any
    /// unknown (newer) ones.
    ///
    /// - Returns: the applied migration names.
    /// - Throws: `StorageError` `.backend` when the server cannot be read.
    public func appliedMigrations() async throws -> [String] {
        try await withConnection("cannot read the migrations") { [self] connection, _ in
            let applied = try await Self.appliedNames(connection, logger: logger)
            return Self.migrationNames.filter(applied.contains) + applied.subtracting(Self.migrationNames).sorted()
        }
    }

    /// Creates the schema and applies the pending migrations in one transaction, under an advisory lock on the
    /// schema's name, so that workers starting at once wait for the first one instead of racing it.
    func applyMigrations() async throws {
        try await probe()
        let schema = address.schema
        if !create { try await requireExistingSchema() }
        try await retrying("cannot create or upgrade the tables") { _ in
            try await leased { [self] connection in
                try await Self.inTransaction(connection, logger: logger) {
                    try await connection.query(
                        "SELECT pg_advisory_xact_lock(hashtext(\("orion-migrations:" + schema)))",
                        logger: logger
                    )
                    // Only what is missing is created: PostgreSQL checks the right to create before it looks for
                    // an existing schema or table, so a role allowed to read and write Oríon's tables, but not to
                    // create (PostgreSQL 15 no longer lets every role create in `public`), was refused.
                    let schemaExists =
                        try await connection.query(
                            "SELECT to_regnamespace(quote_ident(\(schema))) IS NOT NULL",
                            logger: logger
                        ).collect().first?.decode(Bool.self) ?? false
                    if !schemaExists {
                        try await connection.query(
                            PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \"\(schema)\""),
                            logger: logger
                        )
                    } else if try await connection.query(
                        "SELECT has_schema_privilege(\(schema), 'USAGE')",
                        logger: logger
                    ).collect().first?.decode(Bool.self) == false {
                        // Left out of the search path, the schema would look empty to the role.
                        throw StorageError(
                            .invalidAddress,
                            "cannot use schema \(schema) of \(address.description): the role \(address.user) may "
                                + "not use it (no USAGE privilege); GRANT USAGE ON SCHEMA \(schema) TO "
                                + "\(address.user), "
                                + "and SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \(schema)"
                        )
                    }
                    try await checkIsOurs(connection)
                    var applied = try await Self.appliedNames(connection, logger: logger)
                    if applied.isEmpty {
                        try await connection.query(
                            """
                            CREATE TABLE IF NOT EXISTS orion_migrations (
                                name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                            """,
                            logger: logger
                        )
                        applied = try await Self.appliedNames(connection, logger: logger)
                    }
                    try checkKnown(applied)
                    for migration in Self.migrations where !applied.contains(migration.name) {
                        for statement in migration.sql {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                        try await connection.query(
                            "INSERT INTO orion_migrations (name) VALUES (\(migration.name))",
                            logger: logger
                        )
                    }
                }
            }
        }
    }

    /// Throws `.notFound` when the schema does not exist, before anything is created.
    ///
    /// A reading command's mistyped `?schema=` is then an error. An existing schema without tables (a fresh
    /// database's `public`) gets them, as before: it reads as empty, as Oríon's does.
    ///
    /// - Throws: `StorageError` `.notFound`, or `.backend` when the server cannot be reached.
    func requireExistingSchema() async throws {
        let schema = address.schema
        let exists = try await retrying("cannot read the schema") { _ in
            try await leased { [self] connection in
                let rows = try await connection.query(
                    "SELECT to_regnamespace(quote_ident(\(schema))) IS NOT NULL",
                    logger: logger
                ).collect()
                return try rows.first?.decode(Bool.self) ?? false
            }
        }
        guard !exists else { return }
        throw StorageError(
            .notFound,
            "no schema '\(schema)' in database \(address.database) on \(address.host):\(address.port): check the "
                + "storage address (?schema= is case-sensitive; --storage, ORION_DB_ADDRESS or the configuration "
                + "file); `orion hunt` creates it"
        )
    }

    /// The migrations recorded in the schema (none when it has no `orion_migrations` table).
    static func appliedNames(_ connection: PostgresConnection, logger: Logger) async throws -> Set<String> {
        let exists = try await connection.query(
            "SELECT to_regclass('orion_migrations') IS NOT NULL",
            logger: logger
        ).collect()
        guard try exists.first?.decode(Bool.self) == true else { return [] }
        var names: Set<String> = []
        for try await name in try await connection.query("SELECT name FROM orion_migrations", logger: logger)
            .decode(String.self)
        {
            names.insert(name)
        }
        return names
    }

    /// Throws when the schema has tables but no `orion_migrations`: another program's tables.
    private func checkIsOurs(_ connection: PostgresConnection) async throws {
        var tables: [String] = []
        for try await table in try await connection.query(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename",
            logger: logger
        ).decode(String.self) {
            tables.append(table)
        }
        guard !tables.isEmpty, !tables.contains("orion_migrations") else { return }
        throw StorageError(
            .schema,
            "schema \(address.schema) of \(address.description) holds another program's tables ("
                + tables.prefix(5).joined(separator: ", ")
                + "), not Oríon's: give another database, or another schema with ?schema=NAME"
        )
    }

    /// Throws when the schema has migrations this version does not know (a newer `orion` wrote it).
    private func checkKnown(_ applied: Set<String>) throws {
        let unknown = applied.subtracting(Self.migrationNames).sorted()
        guard !unknown.isEmpty else { return }
        throw StorageError(
            .schema,
            "the database \(address.description) was written by a newer version of orion (unknown migrations: "
                + unknown.joined(separator: ", ") + "); upgrade orion, or use another database or schema"
        )
    }
}

extension PostgresStorage {
    /// Drops the address's schema with everything in it (tests and benchmarks that made one of their own).
    ///
    /// - Throws: `StorageError` when the server cannot be reached, `.invalidAddress` for the `public` schema, which
    ///   is never dropped.
    public func dropSchema() async throws {
        guard address.schema != "public" else {
            throw StorageError(.invalidAddress, "the public schema is never dropped: give a schema of your own")
        }
        let schema = address.schema
        try await retrying("cannot drop schema \(schema)") { _ in
            try await leased { [self] connection in
                _ = try await connection.query(
                    PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE"),
                    logger: logger
                )
            }
        }
        migration.withLock { task in task = nil }
    }
}
