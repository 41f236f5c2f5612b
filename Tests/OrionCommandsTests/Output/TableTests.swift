import XCTest

@testable import OrionCommands

/// The tables of `orion status`, compared with what Oríon 0.2.7 printed for the same values (observed in a real
/// run: `docs/architecture.md` lists where we differ on purpose).
final class TableTests: XCTestCase {
    func testSummaryTableAsOrionPrintsIt() {
        let table = Table(
            headers: ["status", "quantity", "min objective"],
            rows: [[.text("completed"), .integer(3), .number(0.021257038899999997)]]
        )
        XCTAssertEqual(
            table.render(),
            """
            status       quantity    min objective
            ---------  ----------  ---------------
            completed           3         0.021257
            """
        )
    }

    func testStatusesWithoutAnObjectiveLeaveTheirCellEmpty() {
        let table = Table(
            headers: ["status", "quantity", "min loss"],
            rows: [
                [.text("broken"), .integer(1)],
                [.text("completed"), .integer(2), .number(1e-07)],
                [.text("interrupted"), .integer(1)],
            ]
        )
        XCTAssertEqual(
            table.render(),
            """
            status         quantity    min loss
            -----------  ----------  ----------
            broken                1
            completed             2       1e-07
            interrupted           1
            """
        )
    }

    func testNumbersAlignOnTheirDecimalPointWithSixSignificantDigits() {
        let rows: [[Table.Cell]] = [
            [.text("cb497a1170bc3272441f4b47b20d0d62"), .text("completed"), .number(0.478562_25)],
            [.text("72168e87ee4821b919a3efa9efcde520"), .text("completed"), .number(0.0193513689)],
        ]
        XCTAssertEqual(
            Table(headers: ["id", "status", "min objective"], rows: rows).render(),
            """
            id                                status       min objective
            --------------------------------  ---------  ---------------
            cb497a1170bc3272441f4b47b20d0d62  completed        0.478562
            72168e87ee4821b919a3efa9efcde520  completed        0.0193514
            """
        )
        let mixed: [[Table.Cell]] = [
            [.text("bd1c63e7b823bfa93967ff3341aad557"), .text("broken")],
            [.text("33fdd438eda1eb970310826af3262be0"), .text("completed"), .number(123456.789)],
            [.text("93bec945df48d042d89fd19a6cf8598d"), .text("completed"), .number(1e-07)],
            [.text("21961c332b05bdd2948d239bb0fa42c7"), .text("interrupted")],
        ]
        XCTAssertEqual(
            Table(headers: ["id", "status", "min loss"], rows: mixed).render(),
            """
            id                                status         min loss
            --------------------------------  -----------  ----------
            bd1c63e7b823bfa93967ff3341aad557  broken
            33fdd438eda1eb970310826af3262be0  completed    123457
            93bec945df48d042d89fd19a6cf8598d  completed         1e-07
            21961c332b05bdd2948d239bb0fa42c7  interrupted
            """
        )
    }

    func testColumnsFollowTheLongestRowAndAnEmptyColumnIsText() {
        XCTAssertEqual(
            Table(headers: ["id", "status", "best objective"], rows: [[.text("empty"), .missing, .missing]]).render(),
            "id     status    best objective\n-----  --------  ----------------\nempty"
        )
        XCTAssertEqual(
            Table(headers: ["id", "status", "best objective"], rows: [[.text("a1"), .text("new")]]).render(),
            "id    status\n----  --------\na1    new"
        )
    }

    func testAfterPointFollowsTabulate() {
        XCTAssertEqual(Table.afterPoint("3"), -1)
        XCTAssertEqual(Table.afterPoint("0.5"), 1)
        XCTAssertEqual(Table.afterPoint("1e-07"), 3)
        XCTAssertEqual(Table.afterPoint("nan"), -1)
        XCTAssertEqual(Table.afterPoint(""), -1)
    }
}
