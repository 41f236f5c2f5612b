import ArgumentParser
import XCTest

@testable import OrionCommands

final class CleanTests: XCTestCase {
    func testParsesItsOptions() throws {
        let parsed = try OrionCommand.parseAsRoot(["clean", "-n", "exp", "--keep", "3", "--broken", "--dry-run"])
        let clean = try XCTUnwrap(parsed as? Clean)
        XCTAssertEqual(clean.options.name, "exp")
        XCTAssertEqual(clean.keep, 3)
        XCTAssertTrue(clean.broken)
        XCTAssertTrue(clean.dryRun)

        let defaults = try XCTUnwrap(try OrionCommand.parseAsRoot(["clean", "-n", "exp"]) as? Clean)
        XCTAssertEqual(defaults.keep, 0)
        XCTAssertFalse(defaults.broken)
        XCTAssertFalse(defaults.dryRun)
    }

    func testANegativeKeepIsAUsageError() {
        XCTAssertThrowsError(try OrionCommand.parseAsRoot(["clean", "-n", "exp", "--keep", "-1"])) { error in
            XCTAssertEqual(OrionCommand.exitCode(for: error), .validationFailure)
        }
    }
}
