import Foundation
import XCTest

@testable import OrionServer

final class PythonTextTests: XCTestCase {
    func testDatetimeMatchesPythonsStr() {
        XCTAssertEqual(PythonText.datetime(Date(timeIntervalSince1970: 1_700_000_000)), "2023-11-14 22:13:20")
        XCTAssertEqual(PythonText.datetime(Date(timeIntervalSince1970: 1_700_000_000.25)), "2023-11-14 22:13:20.250000")
        XCTAssertEqual(PythonText.datetimeOrNone(nil), "None")
    }

    func testTimedeltaMatchesPythonsStr() {
        XCTAssertEqual(PythonText.timedelta(0), "0:00:00")
        XCTAssertEqual(PythonText.timedelta(27), "0:00:27")
        XCTAssertEqual(PythonText.timedelta(3723.5), "1:02:03.500000")
        XCTAssertEqual(PythonText.timedelta(86_400 + 61), "1 day, 0:01:01")
        XCTAssertEqual(PythonText.timedelta(3 * 86_400), "3 days, 0:00:00")
    }
}
