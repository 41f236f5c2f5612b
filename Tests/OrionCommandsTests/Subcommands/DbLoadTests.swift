import OrionWorker
import XCTest

@testable import OrionCommands

final class DbLoadTests: XCTestCase {
    /// The summary line names every loaded version up to 20, then the first 20 and how many more: a dump of 1,000
    /// experiments printed a line of 10 KB.
    func testTheSummaryNamesAtMostTwentyVersions() {
        let few = (1...3).map { "e\($0)-v1" }
        XCTAssertEqual(DbLoad.names(few), "e1-v1, e2-v1, e3-v1")
        let many = (1...1000).map { "e\($0)-v1" }
        let line = DbLoad.names(many)
        XCTAssertTrue(line.hasPrefix("e1-v1, e2-v1, "), line)
        XCTAssertTrue(line.hasSuffix("e20-v1 and 980 more (orion list shows them)"), line)
        XCTAssertFalse(line.contains("e21-v1"), line)
        // The error for versions that exist already names as many (it named 157 in 1.5 KB).
        let conflicts = (1...157).map { "e\($0)-v1" }
        XCTAssertTrue(
            ExperimentDump.listed(conflicts).hasSuffix("e20-v1 and 137 more"),
            ExperimentDump.listed(conflicts)
        )
    }
}
