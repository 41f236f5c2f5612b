import ArgumentParser
import XCTest

@testable import OrionCommands

final class PlotTests: XCTestCase {
    func testParsesOrionsFlags() throws {
        let parsed = try OrionCommand.parseAsRoot([
            "plot", "partial_dependencies", "-n", "exp", "-v", "2", "-t", "svg", "-o", "out/pd", "--scale", "1.5",
        ])
        let plot = try XCTUnwrap(parsed as? Plot)
        XCTAssertEqual(plot.kind, "partial_dependencies")
        XCTAssertEqual(plot.options.name, "exp")
        XCTAssertEqual(plot.options.version, 2)
        XCTAssertEqual(plot.type, "svg")
        XCTAssertEqual(plot.output, "out/pd")
        XCTAssertEqual(plot.scale, 1.5)

        let defaults = try XCTUnwrap(try OrionCommand.parseAsRoot(["plot", "regret", "-n", "exp"]) as? Plot)
        XCTAssertNil(defaults.type)
        XCTAssertNil(defaults.output)
        XCTAssertEqual(defaults.scale, 1)
    }

    func testAKindIsRequired() {
        XCTAssertThrowsError(try OrionCommand.parseAsRoot(["plot", "-n", "exp"])) { error in
            XCTAssertEqual(OrionCommand.exitCode(for: error), .validationFailure)
        }
    }
}
