import OrionCore
import OrionPostgres
import XCTest

final class PostgresAddressTests: XCTestCase {
    func testEverythingButTheHostHasADefault() throws {
        let address = try PostgresAddress(url: "postgres://db.lab")
        XCTAssertEqual(address, PostgresAddress(host: "db.lab"))
        XCTAssertEqual(address.port, 5432)
        XCTAssertEqual(address.user, "postgres")
        XCTAssertNil(address.password)
        XCTAssertEqual(address.database, "orion")
        XCTAssertEqual(address.schema, "public")
        XCTAssertEqual(address.poolSize, 10)
        XCTAssertEqual(address.operationTimeout, .seconds(120))
    }

    /// An IPv6 address is written in brackets in a URL and given to the resolver without them (with them, no
    /// connection was ever tried).
    func testAnIPv6HostLosesItsBrackets() throws {
        let address = try PostgresAddress(url: "postgresql://u@[::1]:5433/hpo")
        XCTAssertEqual(address.host, "::1")
        XCTAssertEqual(address.port, 5433)
        XCTAssertEqual(address.description, "postgresql://u@[::1]:5433/hpo")
        XCTAssertEqual(try PostgresAddress(url: "postgres://[fe80::1%25eth0]/x").host, "fe80::1%eth0")
    }

    func testTheURLGivesEveryField() throws {
        let address = try PostgresAddress(
            url: "postgresql://ana:p%40ss@10.0.0.5:6543/hpo?schema=team_a&pool_size=20&connect_timeout=2.5&retry_for=0"
                + "&operation_timeout=30"
        )
        XCTAssertEqual(address.host, "10.0.0.5")
        XCTAssertEqual(address.port, 6543)
        XCTAssertEqual(address.user, "ana")
        XCTAssertEqual(address.password, "p@ss")
        XCTAssertEqual(address.database, "hpo")
        XCTAssertEqual(address.schema, "team_a")
        XCTAssertEqual(address.poolSize, 20)
        XCTAssertEqual(address.connectTimeout, .milliseconds(2500))
        XCTAssertEqual(address.retryFor, .zero)
        XCTAssertEqual(address.operationTimeout, .seconds(30))
        XCTAssertFalse(address.description.contains("p@ss"), "the password is never shown")
    }

    func testMistakesAreInvalidAddressesThatSayWhatIsWrong() {
        let cases = [
            ("postgresql:///orion", "no host"),
            ("postgresql://h/orion?schema=a;drop", "letters, digits"),
            ("postgresql://h/orion?pool_size=0", "at least 1"),
            ("postgresql://h/orion?retry_for=soon", "number of seconds"),
            ("postgresql://h/orion?operation_timeout=0", "more than 0 seconds"),
            ("postgresql://h/orion?colour=blue", "unknown option 'colour'"),
            ("mysql://h/orion", "not a PostgreSQL URL"),
        ]
        for (url, expected) in cases {
            XCTAssertThrowsError(try PostgresAddress(url: url), url) { error in
                XCTAssertEqual((error as? StorageError)?.code, .invalidAddress, url)
                XCTAssertTrue("\(error)".contains(expected), "\(url): \(error)")
            }
        }
    }

    func testThePasswordIsRedactedInMessages() {
        XCTAssertEqual(PostgresAddress.redacted("postgresql://u:secret@h/db"), "postgresql://u:***@h/db")
        XCTAssertEqual(PostgresAddress.redacted("postgresql://u@h/db"), "postgresql://u@h/db")
    }
}
