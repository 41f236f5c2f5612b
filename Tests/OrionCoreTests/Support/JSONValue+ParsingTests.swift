import Foundation
import XCTest

@testable import OrionCore

/// Expected values are what Python 3's `json.loads` returns for the same text.
final class JSONValueParsingTests: XCTestCase {
    private func parse(_ text: String) throws -> JSONValue {
        try JSONValue(parsingJSON: Array(text.utf8))
    }

    private func parseError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> JSONParseError? {
        do {
            let value = try JSONValue(parsingJSON: Array(text.utf8))
            XCTFail("\(text.prefix(40)) parsed as \(value.pythonRepr.prefix(40))", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    func testReadsStrictJSON() throws {
        XCTAssertEqual(
            try parse(#" {"a": [1, -2.5, 1e3, true, false, null, "x\"\\\/\b\f\n\r\t\u00e9"], "b": {}} "#),
            ["a": [1, -2.5, 1000.0, true, false, nil, "x\"\\/\u{8}\u{c}\n\r\té"], "b": .object([:])]
        )
        XCTAssertEqual(try parse("[]"), .array([]))
        XCTAssertEqual(try parse("-0"), .int(0))
        XCTAssertEqual(try parse("-0.0"), .double(-0.0))
        XCTAssertEqual(try parse("1E+2"), .double(100))
        XCTAssertEqual(try parse("\"\\ud83d\\ude00\""), .string("😀"))
        XCTAssertEqual(try parse("\u{FEFF}[1]"), [1])
    }

    func testReadsPythonsNonFiniteNumbers() throws {
        let value = try parse("[NaN, Infinity, -Infinity, 1e400, -1e400]")
        let numbers = value.arrayValue?.compactMap(\.doubleValue) ?? []
        XCTAssertEqual(numbers.count, 5)
        XCTAssertTrue(numbers[0].isNaN)
        XCTAssertEqual(Array(numbers[1...]), [.infinity, -.infinity, .infinity, -.infinity])
    }

    func testIntegersThatDoNotFitBecomeDoubles() throws {
        XCTAssertEqual(try parse("9223372036854775807"), .int(Int.max))
        XCTAssertEqual(try parse("12345678901234567890"), .double(1.2345678901234567e19))
    }

    func testADuplicateKeyKeepsTheLastValue() throws {
        XCTAssertEqual(try parse(#"{"a": 1, "b": 0, "a": 2}"#), ["a": 2, "b": 0])
    }

    func testALoneSurrogateBecomesTheReplacementCharacter() throws {
        XCTAssertEqual(try parse(#""a\ud800b""#), .string("a\u{FFFD}b"))
        XCTAssertEqual(try parse(#""\udc00""#), .string("\u{FFFD}"))
    }

    func testRejectsWhatPythonRejectsWithAPlace() {
        let cases: [(String, String, Int, Int)] = [
            ("", "expected a value", 1, 1),
            ("[1,]", "expected a value", 1, 4),
            ("[1 2]", "expected ',' or ']'", 1, 4),
            ("{\"a\" 1}", "expected ':'", 1, 6),
            ("{'a': 1}", "expected a key in double quotes", 1, 2),
            ("{\"a\": 1,}", "expected a key", 1, 9),
            ("[1]\n x", "extra data", 2, 2),
            ("[01]", "expected ',' or ']'", 1, 3),
            ("[1.]", "after the decimal point", 1, 4),
            ("[1e]", "in the exponent", 1, 4),
            ("[-]", "expected a digit", 1, 3),
            ("[nan]", "expected a value", 1, 2),
            ("[-Inf]", "expected a value", 1, 2),
            ("\"abc", "unterminated string", 1, 1),
            ("\"a\tb\"", "control character", 1, 3),
            ("\"\\q\"", "invalid escape", 1, 2),
            ("\"\\u12\"", "4 hexadecimal digits", 1, 4),
            ("[\"é\", x]", "expected a value", 1, 7),
        ]
        for (text, expected, line, column) in cases {
            guard let error = parseError(text) else { continue }
            XCTAssertTrue(error.detail.contains(expected), "\(text): \(error)")
            XCTAssertEqual([error.line, error.column], [line, column], "\(text): \(error)")
        }
    }

    func testRejectsInvalidUTF8() {
        XCTAssertThrowsError(try JSONValue(parsingJSON: [0x22, 0xFF, 0x22])) { error in
            XCTAssertTrue("\(error)".contains("invalid UTF-8"), "\(error)")
        }
    }

    func testNestingIsLimitedWithoutExhaustingTheStack() throws {
        let depth = JSONValue.maxParsingDepth
        let deepest = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        XCTAssertNoThrow(try parse(deepest))
        for count in [depth + 1, 20_000, 1_000_000] {
            let text = String(repeating: "[", count: count) + String(repeating: "]", count: count)
            XCTAssertTrue(parseError(text)?.detail.contains("nested more than \(depth) levels") ?? false)
            XCTAssertNotNil(parseError(String(repeating: "{\"a\":", count: count)))
        }
    }

    func testNonFiniteDoublesEncodeWithAPlainEncoderAndStayTextInJSONValue() throws {
        let value: JSONValue = [.double(.nan), .double(.infinity), ["x": .double(-.infinity)], "NaN"]
        let text = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        XCTAssertEqual(text, #"["NaN","Infinity",{"x":"-Infinity"},"NaN"]"#)
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        XCTAssertEqual(decoded, ["NaN", "Infinity", ["x": "-Infinity"], "NaN"])
        let restored = decoded.restoringNonFiniteNumbers()
        XCTAssertTrue(restored.arrayValue?[0].doubleValue?.isNaN ?? false)
        XCTAssertEqual(restored.arrayValue?[1], .double(.infinity))
        XCTAssertEqual(restored.arrayValue?[2], ["x": .double(-.infinity)])
    }
}
