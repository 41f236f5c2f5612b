import Foundation
import XCTest

@testable import OrionCore

final class OptionsEncoderTests: XCTestCase {
    private struct Inner: Codable {
        var weights: [Double] = [1, 0.5]
        var label: String?
    }

    private struct Outer: Codable {
        enum Mode: String, Codable { case fast }
        var count: UInt8 = 3
        var ratio: Float = 2
        var mode = Mode.fast
        var inner = Inner()
        var list: [Int?] = [1, nil]
        var raw: JSONValue = ["a": [1, "b"]]
        var table: [String: Int] = ["x": 1]
    }

    func testNilsAreWrittenAndDoublesStayDoubles() throws {
        XCTAssertEqual(
            try OptionsEncoder.encode(Outer()),
            [
                "count": 3, "ratio": .double(2), "mode": "fast",
                "inner": ["weights": [.double(1), 0.5], "label": nil],
                "list": [1, nil], "raw": ["a": [1, "b"]], "table": ["x": 1],
            ]
        )
        XCTAssertEqual(try OptionsEncoder.encode(Int?.none), nil)
        XCTAssertEqual(try OptionsEncoder.encode(4.0), .double(4))
    }

    func testUnsignedIntegersBeyondIntFail() {
        XCTAssertEqual(try OptionsEncoder.encode(UInt64(7)), 7)
        XCTAssertThrowsError(try OptionsEncoder.encode(UInt64.max)) { error in
            guard case EncodingError.invalidValue = error else { return XCTFail("\(error)") }
        }
    }
}
