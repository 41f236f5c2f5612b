import Foundation
import OrionCommands
import OrionCore
import OrionPostgres
import OrionSQLite
import XCTest

final class StorageFactoryTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("orion-factory-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func testTheBusyTimeoutComesFromTheAddress() throws {
        let storage = try StorageFactory.open(address: "sqlite://\(directory)/a.db?busy_timeout=2.5", environment: [:])
        XCTAssertEqual((storage as? SQLiteStorage)?.busyTimeout, .milliseconds(2500))
        XCTAssertEqual((storage as? SQLiteStorage)?.path, directory + "/a.db")
        let plain = try StorageFactory.open(address: "sqlite://\(directory)/b.db", environment: [:])
        XCTAssertEqual((plain as? SQLiteStorage)?.busyTimeout, .seconds(60))
    }

    func testAPostgresURLOpensPostgreSQLWithoutConnecting() throws {
        // Nothing listens on port 1: opening must not connect (the first operation does).
        let storage = try StorageFactory.open(
            address: "postgresql://me:secret@db.example:1/exp?schema=team&pool_size=3",
            environment: [:]
        )
        let address = try XCTUnwrap((storage as? PostgresStorage)?.address)
        XCTAssertEqual(
            address,
            PostgresAddress(
                host: "db.example",
                port: 1,
                user: "me",
                password: "secret",
                database: "exp",
                schema: "team",
                poolSize: 3
            )
        )
        XCTAssertTrue(try StorageFactory.open(address: "postgres://h/orion", environment: [:]) is PostgresStorage)
        XCTAssertThrowsError(try StorageFactory.open(address: "postgresql://h/orion?pool=3", environment: [:])) {
            error in
            XCTAssertEqual((error as? StorageError)?.code, .invalidAddress)
            XCTAssertTrue("\(error)".contains("pool_size"), "\(error)")
        }
    }

    func testAnUnknownAddressOptionIsAnInvalidAddress() {
        XCTAssertThrowsError(try StorageFactory.open(address: "sqlite://\(directory)/a.db?timeout=1", environment: [:]))
        {
            error in
            XCTAssertEqual((error as? StorageError)?.code, .invalidAddress)
            XCTAssertTrue("\(error)".contains("busy_timeout"), "\(error)")
        }
    }

    /// An address of a storage Oríon has and swift-orion has not (MongoDB, with its password) is named in the error
    /// without the password, as PostgreSQL's are (probe p44c: it went into job logs in clear).
    func testAnUnknownSchemeIsNamedWithoutItsPassword() {
        let address = "mongodb://admin:Hunter2pw@db.example:27017/orion"
        XCTAssertThrowsError(try StorageFactory.open(address: address, environment: [:])) { error in
            XCTAssertEqual((error as? StorageError)?.code, .invalidAddress)
            XCTAssertFalse("\(error)".contains("Hunter2pw"), "\(error)")
            XCTAssertTrue("\(error)".contains("'mongodb://admin:***@db.example:27017/orion'"), "\(error)")
        }
    }

    /// A plain path may hold a `?` (it was read as the start of options: "unknown option 'v2.db'").
    func testAPlainPathWithAQuestionMarkIsAPath() throws {
        let path = directory + "/runs?v2.db"
        let storage = try StorageFactory.open(address: path, environment: [:])
        XCTAssertEqual((storage as? SQLiteStorage)?.path, path)
        let timed = try StorageFactory.open(address: directory + "/c.db?busy_timeout=3", environment: [:])
        XCTAssertEqual((timed as? SQLiteStorage)?.busyTimeout, .seconds(3))
    }

    /// A command that only reads finds an empty file (`touch orion.db`) empty, and writes nothing into it (it wrote
    /// the schema).
    func testReadingAnEmptyFileWritesNothingIntoIt() throws {
        let path = directory + "/empty.db"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data()))
        let storage = try StorageFactory.open(address: path, environment: [:], create: false)
        XCTAssertTrue(storage is InMemoryStorage)
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue, 0)
    }

    func testReadingCreatesNoDatabase() throws {
        let missing = directory + "/typo/orion.db"
        XCTAssertThrowsError(try StorageFactory.open(address: missing, environment: [:], create: false)) { error in
            XCTAssertEqual((error as? StorageError)?.code, .notFound)
            XCTAssertTrue("\(error)".contains(missing), "\(error)")
        }
        // The default database, before any hunt: read as empty, not created.
        let environment = ["XDG_DATA_HOME": directory + "/data"]
        let storage = try StorageFactory.open(address: nil, environment: environment, create: false)
        XCTAssertTrue(storage is InMemoryStorage)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/typo"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/data"))
    }
}
