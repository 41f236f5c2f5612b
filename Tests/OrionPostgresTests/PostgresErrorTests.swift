import Logging
import OrionCore
import PostgresNIO
import XCTest
import _ConnectionPoolModule

@testable import OrionPostgres

/// What a user reads when the server cannot be used: a sentence that says what to check, not a library's type.
final class PostgresErrorTests: XCTestCase {
    func testAServerThatNeverAnswersIsNamedAsSuch() throws {
        let wrapped = PostgresStorage.wrap(
            ConnectionPoolError.connectionCreationCircuitBreakerTripped,
            "cannot list the experiments in postgresql://postgres@127.0.0.1:1/orion"
        )
        let error = try XCTUnwrap(wrapped as? StorageError)
        XCTAssertEqual(error.code, .backend)
        XCTAssertTrue(error.isTransient)
        XCTAssertEqual(
            error.message,
            "cannot list the experiments in postgresql://postgres@127.0.0.1:1/orion: no connection to the PostgreSQL "
                + "server could be made for a minute (refused, unreachable or not answering); check that it runs and "
                + "the address is right"
        )
    }
}

/// What the storage says when the server refuses every new connection, checked on the test server.
final class PostgresConnectionLimitTests: PostgresTestCase {
    /// Scenario: every connection the server allows is taken (max_connections exhausted by many processes). The
    /// pool gives up after a minute without saying why, and the hunt said "no connection could be made (refused,
    /// unreachable or not answering)": wrong, since the server answers. One direct attempt now gives the server's
    /// answer. A role's CONNECTION LIMIT gives the same refusal (SQLSTATE 53300) without taking all 300 connections
    /// of the shared test server.
    func testARefusalForTooManyConnectionsSaysWhichLimitToLookAt() async throws {
        let admin = try PostgresAddress(url: try Self.serverURL())
        let role = "orion_limited_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(8).lowercased()
        let adminConnection = try await connect(admin)
        try await adminConnection.query(
            PostgresQuery(unsafeSQL: "CREATE ROLE \(role) LOGIN CONNECTION LIMIT 1"),
            logger: Logger(label: "test")
        )
        var limited = admin
        limited.user = role
        limited.password = nil
        do {
            let storage = PostgresStorage(address: limited)
            let free = await storage.connectionFailureCause()
            XCTAssertNil(free, "a connection can be made: no cause")

            let held = try await connect(limited)
            let refused = await storage.connectionFailureCause()
            let cause = try XCTUnwrap(refused)
            XCTAssertTrue(cause.hasPrefix("the server refuses new connections (too many connections for role"), cause)
            XCTAssertTrue(cause.contains("every connection it allows is in use"), cause)
            try await held.close()
            try await storage.close()
        } catch {
            XCTFail("\(error)")
        }
        try await adminConnection.query(PostgresQuery(unsafeSQL: "DROP ROLE \(role)"), logger: Logger(label: "test"))
        try await adminConnection.close()
    }

    private func connect(_ address: PostgresAddress) async throws -> PostgresConnection {
        try await PostgresConnection.connect(
            configuration: PostgresConnection.Configuration(
                host: address.host,
                port: address.port,
                username: address.user,
                password: address.password,
                database: address.database,
                tls: .disable
            ),
            id: 1,
            logger: Logger(label: "test")
        )
    }
}
