import OrionCore
import XCTest

/// Issue 9, item 14: experiment names are one plain path component, so trial directories stay inside the working
/// directory.
final class ExperimentNameTests: XCTestCase {
    func testValidNames() {
        for name in [
            "a", "my-exp", "exp_1", "resnet.v2", "lr=0.1", "a+b", "me@lab", "_x", "9", "expérience", "mnist lr", "実験",
            String(repeating: "a", count: 200),
        ] {
            XCTAssertNil(ExperimentName.problem(with: name), name)
            XCTAssertNoThrow(try ExperimentName.validate(name), name)
        }
    }

    func testNamesThatCouldLeaveTheWorkingDirectoryOrBreakAPath() {
        XCTAssertEqual(ExperimentName.problem(with: "../../../../tmp/x"), "contains '/'")
        XCTAssertEqual(ExperimentName.problem(with: "a/b"), "contains '/'")
        XCTAssertEqual(ExperimentName.problem(with: ".."), "starts with '.'")
        XCTAssertEqual(ExperimentName.problem(with: ".hidden"), "starts with '.'")
        XCTAssertEqual(ExperimentName.problem(with: "a\nb"), "contains a newline")
        XCTAssertEqual(ExperimentName.problem(with: "a\u{0}b"), "contains '\\0'")
        XCTAssertEqual(ExperimentName.problem(with: ""), "is empty")
        XCTAssertEqual(ExperimentName.problem(with: "my exp "), "ends with a space")
        XCTAssertEqual(ExperimentName.problem(with: " x"), "starts with a space")
        XCTAssertEqual(ExperimentName.problem(with: "a\tb"), "contains '\\t'")
        XCTAssertEqual(ExperimentName.problem(with: "a\\b"), "contains '\\\\'")
        XCTAssertEqual(ExperimentName.problem(with: "-n"), "starts with '-'")
        XCTAssertEqual(ExperimentName.problem(with: String(repeating: "a", count: 201)), "is 201 bytes long")
        XCTAssertEqual(ExperimentName.problem(with: String(repeating: "é", count: 101)), "is 202 bytes long")
    }

    func testErrorIsOneLineWithTheRule() {
        XCTAssertThrowsError(try ExperimentName.validate("a\nb/" + String(repeating: "c", count: 60))) { error in
            XCTAssertEqual(
                "\(error)",
                "experiment name 'a\\nb/" + String(repeating: "c", count: 36) + "…' contains a newline: use 1 to 200"
                    + " bytes of letters, digits, spaces and _ - . + = @, starting with a letter, a digit or _"
            )
        }
    }
}
