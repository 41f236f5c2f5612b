import XCTest

@testable import OrionCore

final class JSONValueTests: XCTestCase {
    /// Expected values are Python 3's `repr(float)`.
    func testFloatReprMatchesPython() {
        let cases: [(Double, String)] = [
            (0.1, "0.1"),
            (1e-05, "1e-05"),
            (12350.0, "12350.0"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (0.0001, "0.0001"),
            (0.00001234, "1.234e-05"),
            (1e22, "1e+22"),
            (1.5e-7, "1.5e-07"),
            (Double.leastNonzeroMagnitude, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (9007199254740992.0, "9007199254740992.0"),
            (0.30000000000000004, "0.30000000000000004"),
            (100.0, "100.0"),
            (1234567890123456.7, "1234567890123456.8"),
            (-4.504, "-4.504"),
            (0.09233, "0.09233"),
            (2.5, "2.5"),
            (-1e-300, "-1e-300"),
        ]
        for (value, expected) in cases {
            XCTAssertEqual(PythonFloat.repr(value), expected, "repr(\(value))")
        }
        XCTAssertEqual(PythonFloat.repr(.nan), "nan")
        XCTAssertEqual(PythonFloat.repr(.infinity), "inf")
        XCTAssertEqual(PythonFloat.repr(-.infinity), "-inf")
    }

    /// Expected values are Python 3's `repr(str)`.
    func testStringQuotingMatchesPython() {
        XCTAssertEqual(PythonFloat.quote("abc"), "'abc'")
        XCTAssertEqual(PythonFloat.quote("it's"), "\"it's\"")
        XCTAssertEqual(PythonFloat.quote("it's \"x\""), "'it\\'s \"x\"'")
        XCTAssertEqual(PythonFloat.quote("a\\b"), "'a\\\\b'")
        XCTAssertEqual(PythonFloat.quote("line\nnext\ttab\r\n"), "'line\\nnext\\ttab\\r\\n'")
        XCTAssertEqual(PythonFloat.quote("a\u{0}b\u{7f}\u{85}é"), "'a\\x00b\\x7f\\x85é'")
    }

    func testPythonReprAndStr() {
        let value: JSONValue = [1, 2.5, "a", true, nil, ["x": 1.0]]
        XCTAssertEqual(value.pythonRepr, "[1, 2.5, 'a', True, None, {'x': 1.0}]")
        XCTAssertEqual(value.pythonString, value.pythonRepr)
        XCTAssertEqual(JSONValue.string("relu").pythonString, "relu")
        XCTAssertEqual(JSONValue.string("relu").pythonRepr, "'relu'")
        XCTAssertEqual(JSONValue.double(1e-05).pythonString, "1e-05")
        XCTAssertEqual(JSONValue.int(7).pythonString, "7")
        XCTAssertEqual(JSONValue.object(["b": 2, "a": 1]).pythonRepr, "{'a': 1, 'b': 2}")
    }

    func testAccessors() {
        XCTAssertEqual(JSONValue.int(3).doubleValue, 3)
        XCTAssertEqual(JSONValue.double(3).intValue, 3)
        XCTAssertNil(JSONValue.double(3.5).intValue)
        XCTAssertNil(JSONValue.bool(true).doubleValue)
        XCTAssertEqual(JSONValue.string("s").stringValue, "s")
    }

    func testCodableKeepsIntegersAndDoublesApart() throws {
        let value: JSONValue = ["i": 3, "d": 2.5, "l": [true, nil, "s"]]
        let data = try JSONEncoder().encode(value)
        XCTAssertEqual(try JSONDecoder().decode(JSONValue.self, from: data), value)
    }

    /// Found by fuzzing: `-0.0` is written `-0`, which read back as the integer 0 and lost its sign.
    func testNegativeZeroKeepsItsSignThroughCodable() throws {
        let data = try JSONEncoder().encode(JSONValue.array([.double(-0.0), .int(0), .double(0)]))
        let decoded = try JSONDecoder().decode(JSONValue.self, from: data)
        XCTAssertEqual(decoded.pythonRepr, "[-0.0, 0, 0]")
        let result = try JSONDecoder().decode(TrialResult.self, from: JSONEncoder().encode(TrialResult.objective(-0.0)))
        XCTAssertEqual(result.value.doubleValue?.sign, .minus)
    }

    func testSameStoredValueComparesNumbersByValueAndNonFiniteDoublesWithTheirStoredNames() {
        XCTAssertTrue(JSONValue.int(1).sameStoredValue(as: .double(1.0)))
        XCTAssertTrue(JSONValue.double(1.0).sameStoredValue(as: .int(1)))
        XCTAssertFalse(JSONValue.int(1).sameStoredValue(as: .double(1.5)))
        XCTAssertFalse(JSONValue.int(1).sameStoredValue(as: .string("1")))
        XCTAssertFalse(JSONValue.int(Int.max).sameStoredValue(as: .double(Double(Int.max))))
        XCTAssertTrue(JSONValue.double(.nan).sameStoredValue(as: .string("NaN")))
        XCTAssertTrue(JSONValue.double(.nan).sameStoredValue(as: .double(.nan)))
        XCTAssertTrue(JSONValue.double(-.infinity).sameStoredValue(as: .string("-Infinity")))
        XCTAssertFalse(JSONValue.double(.infinity).sameStoredValue(as: .string("-Infinity")))
        let configured: JSONValue = ["prior_weight": 1.0, "gamma": 0.25, "nested": [["a": 2.0], [1, 2]]]
        let stored: JSONValue = ["prior_weight": 1, "gamma": 0.25, "nested": [["a": 2], [1.0, 2]]]
        XCTAssertTrue(configured.sameStoredValue(as: stored))
        XCTAssertFalse(configured.sameStoredValue(as: ["prior_weight": 1, "gamma": 0.25]))
        XCTAssertFalse(
            configured.sameStoredValue(as: ["prior_weight": 1, "gamma": 0.5, "nested": [["a": 2], [1, 2]]])
        )
    }
}
