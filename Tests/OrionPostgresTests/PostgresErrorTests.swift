import OrionCore
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
