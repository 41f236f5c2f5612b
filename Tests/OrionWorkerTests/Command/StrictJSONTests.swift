import XCTest

@testable import OrionWorker

/// The check of `.json` configuration files against what Python's `json.loads` takes (hBB's re-check: YAML's
/// reading let a trailing comma, single quotes and comments through, and every trial broke in the script).
final class StrictJSONTests: XCTestCase {
    func testWhatPythonReadsIsAccepted() {
        for text in [
            "{}", "[]", " {\"a\": 1}\n", "3", "\"x\"", "null", "[1, -0, 2.5e-3, 1E+2, -3.5]",
            "{\"s\": \"a\\u00e9\\n\\\"\\\\/\", \"t\": [true, false, null]}", "[NaN, Infinity, -Infinity]",
            "{\"a\": {\"b\": [{}, []]}}", "{\"é\": \"ü\"}",
        ] {
            XCTAssertNoThrow(try StrictJSON.check(text), text)
        }
    }

    func testWhatPythonRefusesIsRefusedWithItsPlace() {
        let cases: [(String, Int, Int, String)] = [
            ("{\"a\": 1,}", 1, 9, "expected a key in double quotes, found '}'"),
            ("[1, 2,]", 1, 7, "expected a value, found ']'"),
            ("{'a': 1}", 1, 2, "expected a key in double quotes, found '''"),
            ("{\"a\": 1 /* c */}", 1, 9, "expected ',' or '}', found '/'"),
            ("{\"a\": 1}\n// trailing\n", 2, 1, "extra data after the JSON value, found '/'"),
            ("{\"a\": 01}", 1, 8, "expected ',' or '}', found '1'"),
            ("{\"a\": .5}", 1, 7, "expected a value, found '.'"),
            ("{\"a\": \"x\\q\"}", 1, 10, "invalid escape, found 'q'"),
            ("{\"a\": tru}", 1, 7, "expected a value, found 't'"),
            ("{\"a\": \"x", 1, 9, "unterminated string, found the end"),
            ("", 1, 1, "expected a value, found the end"),
        ]
        for (text, line, column, message) in cases {
            XCTAssertThrowsError(try StrictJSON.check(text), text) { error in
                XCTAssertEqual(
                    error as? StrictJSON.Problem,
                    StrictJSON.Problem(line: line, column: column, message: message),
                    text
                )
            }
        }
    }
}
