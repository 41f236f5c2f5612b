import Foundation
import OrionCore
import OrionPostgres
import OrionTesting
import Synchronization
import XCTest

/// The PostgreSQL server of the tests, from `ORION_TEST_POSTGRES_URL` (set by `scripts/test`, which starts one with
/// `scripts/services/postgres.sh`); each test works in schemas of its own, dropped at the end.
class PostgresTestCase: XCTestCase {
    /// The schemas made by this test, dropped by `tearDown`.
    let schemas = Schemas()

    /// The server's URL, or a skip that says why there is none.
    static func serverURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["ORION_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw XCTSkip(
                "no PostgreSQL server: ORION_TEST_POSTGRES_URL is not set (scripts/test sets it after starting one "
                    + "with scripts/services/postgres.sh, which needs Debian's postgresql, or root to install it)"
            )
        }
        return url
    }

    override func tearDown() async throws {
        await schemas.dropAll()
    }
}

/// Fresh schemas on the test server, remembered so that they can all be dropped.
final class Schemas: Sendable {
    private let made = Mutex<[String]>([])

    /// A URL for a new, empty schema on the server (`options` appended, e.g. `pool_size=2`).
    func freshURL(_ options: String = "") throws -> String {
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let url = try PostgresTestCase.serverURL() + "?schema=\(schema)" + (options.isEmpty ? "" : "&" + options)
        made.withLock { $0.append(url) }
        return url
    }

    /// Drops every schema made so far.
    func dropAll() async {
        let urls = made.withLock { urls in
            defer { urls = [] }
            return urls
        }
        for url in urls {
            guard let storage = try? PostgresStorage(url: url) else { continue }
            try? await storage.dropSchema()
            try? await storage.close()
        }
    }
}

final class PostgresStorageTests: PostgresTestCase {
    // MARK: Conformance

    func testConformance() async throws {
        _ = try Self.serverURL()
        let schemas = schemas
        try await StorageConformance(
            makeStorage: { try PostgresStorage(url: try schemas.freshURL()) },
            reopen: { storage in
                guard let storage = storage as? PostgresStorage else { throw CancellationError() }
                return PostgresStorage(address: storage.address)
            }
        ).runEveryCheck()
    }
}
