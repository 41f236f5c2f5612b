import Foundation
import OrionCore
import XCTest

/// JSON text as Oríon's server and plotly.py write it (Python's `json.dumps`): a double keeps its decimal point.
final class JSONValueTextTests: XCTestCase {
    func testDoublesKeepTheirDecimalPointAndIntegersDoNot() {
        let value: JSONValue = .array([
            .double(1), .double(0), .double(1e-5), .double(12_350), .double(1e16), .double(-0.5), .int(3), .int(-2),
        ])
        XCTAssertEqual(value.pythonJSON, "[1.0,0.0,1e-05,12350.0,1e+16,-0.5,3,-2]")
    }

    func testNonFiniteNumbersAreTheirStoredNames() {
        let value: JSONValue = .array([.double(.nan), .double(.infinity), .double(-.infinity)])
        XCTAssertEqual(value.pythonJSON, #"["NaN","Infinity","-Infinity"]"#)
    }

    func testStringsAreEscapedAndObjectsSorted() throws {
        let value: JSONValue = .object([
            "b": .string("quote \" backslash \\ slash / line\nend\t\u{01} é"), "a": .null, "c": .bool(true),
        ])
        let text = value.pythonJSON
        XCTAssertEqual(text, #"{"a":null,"b":"quote \" backslash \\ slash / line\nend\t\u0001 é","c":true}"#)
        let decoded = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        XCTAssertEqual(decoded?["b"] as? String, "quote \" backslash \\ slash / line\nend\t\u{01} é")
    }

    /// `asciiPythonJSON` writes text beyond ASCII as Python's `json.dumps` does by default (`ensure_ascii`): DEL
    /// and up as `\uXXXX`, a surrogate pair above U+FFFF.
    func testASCIITextEscapesAsPython() throws {
        let value: JSONValue = .object(["k é": .string("café ☕ 😀 \u{7F} / < ok")])
        let text = value.asciiPythonJSON
        XCTAssertEqual(text, #"{"k \u00e9":"caf\u00e9 \u2615 \ud83d\ude00 \u007f / < ok"}"#)
        let decoded = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]
        XCTAssertEqual(decoded, ["k é": "café ☕ 😀 \u{7F} / < ok"])
    }
}
