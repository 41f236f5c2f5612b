import OrionCore
import XCTest

@testable import OrionWorker

/// Python format specifications in the command's templates (`{exp.version:03d}`), as Oríon's `str.format` applies
/// them. The expected texts are CPython 3.11's `format(value, spec)`.
final class FormatSpecificationTests: XCTestCase {
    func testFormatsAsPythonDoes() throws {
        let cases: [(String, JSONValue, String)] = [
            ("03d", .int(7), "007"),
            ("03", .int(7), "007"),
            ("d", .int(-42), "-42"),
            ("+d", .int(5), "+5"),
            (" d", .int(5), " 5"),
            (",", .int(1234567), "1,234,567"),
            ("_d", .int(1234567), "1_234_567"),
            (">6", .int(12), "    12"),
            ("<6", .int(12), "12    "),
            ("^7", .int(12), "  12   "),
            ("*^7", .int(12), "**12***"),
            ("=+8", .int(-3), "-      3"),
            ("x", .int(255), "ff"),
            ("#x", .int(255), "0xff"),
            ("X", .int(255), "FF"),
            ("#b", .int(5), "0b101"),
            ("o", .int(8), "10"),
            (".2f", .int(3), "3.00"),
            (".1e", .int(1234), "1.2e+03"),
            (".3f", .double(0.1234567), "0.123"),
            (".2e", .double(1.5e-05), "1.50e-05"),
            ("g", .double(1234567.0), "1.23457e+06"),
            (".3g", .double(0.00012345), "0.000123"),
            ("", .double(0.1), "0.1"),
            (".2", .double(0.1), "0.1"),
            (".3", .double(1234.5), "1.23e+03"),
            ("10.4f", .double(-3.14159), "   -3.1416"),
            ("%", .double(0.25), "25.000000%"),
            (".1%", .double(0.12345), "12.3%"),
            ("e", .double(0.0), "0.000000e+00"),
            ("#.3g", .double(1.0), "1.00"),
            (",.2f", .double(1234567.891), "1,234,567.89"),
            ("F", .double(.infinity), "INF"),
            ("f", .double(.nan), "nan"),
            ("", .string("abc"), "abc"),
            ("s", .string("abc"), "abc"),
            ("5", .string("ab"), "ab   "),
            (">5", .string("ab"), "   ab"),
            ("^6", .string("ab"), "  ab  "),
            (".2", .string("abcdef"), "ab"),
            ("*<5", .string("ab"), "ab***"),
            ("", .null, "None"),
            ("", .bool(true), "True"),
            ("d", .bool(true), "1"),
            ("08.3f", .double(3.14159), "0003.142"),
            ("+.1f", .double(2.25), "+2.2"),
            ("05", .string("ab"), "ab000"),
        ]
        for (text, value, expected) in cases {
            let specification = try FormatSpecification(text, in: "x:" + text)
            XCTAssertEqual(specification.format(value), expected, "format(\(value.pythonRepr), '\(text)')")
        }
    }

    /// Where Python raises `ValueError` (a type that does not take the specification), there is no text.
    func testATypeThatDoesNotTakeTheSpecificationHasNoText() throws {
        let cases: [(String, JSONValue)] = [
            ("d", .string("abc")), ("f", .string("abc")), (".2", .int(7)), ("x", .double(1.5)), ("=5", .string("ab")),
            ("+", .string("ab")), (",x", .int(255)), ("d", .double(1.5)), ("s", .int(7)), ("5", .null),
        ]
        for (text, value) in cases {
            XCTAssertNil(try FormatSpecification(text, in: "x:" + text).format(value), "\(value.pythonRepr), '\(text)'")
        }
    }

    func testAMalformedSpecificationIsAnErrorNamingIt() {
        for text in ["03q", ".", "5.x", "d5"] {
            XCTAssertThrowsError(try FormatSpecification(text, in: "exp.version:" + text)) { error in
                XCTAssertTrue(
                    (error as? CommandError)?.message.contains("'{exp.version:\(text)}'") ?? false,
                    "\(error)"
                )
            }
        }
    }

    /// In the command: `{exp.version:03d}` and `{trial.params[/lr]:.2e}` are formatted; a value that does not take
    /// its format is an error naming the template.
    func testTemplatesWithAFormatInTheCommand() throws {
        let context = TemplateContext(
            trialID: "t",
            trialWorkingDir: "/w/t",
            trialHashParams: "h",
            trialLegacyID: "l",
            experimentID: "e",
            experimentName: "exp",
            experimentVersion: 2,
            experimentWorkingDir: "/w",
            trialParams: Parameters([Trial.Param(name: "/lr", type: .real, value: .double(0.00123))])
        )
        XCTAssertEqual(
            try TemplateContext.expand("run-v{exp.version:03d}-lr{trial.params[/lr]:.2e}", with: context),
            "run-v002-lr1.23e-03"
        )
        XCTAssertEqual(try TemplateContext.expand("{exp.name:>5}", with: context), "  exp")
        XCTAssertThrowsError(try TemplateContext.expand("{exp.name:d}", with: context)) { error in
            XCTAssertTrue((error as? CommandError)?.message.contains("'{exp.name:d}'") ?? false, "\(error)")
        }
        XCTAssertThrowsError(try TemplateContext.expand("{exp.version:03q}", with: nil))
        // Known before any trial: the name is text, the version an integer.
        XCTAssertThrowsError(try TemplateContext.expand("{exp.name:d}", with: nil)) { error in
            XCTAssertTrue((error as? CommandError)?.message.contains("its value, text,") ?? false, "\(error)")
        }
        XCTAssertThrowsError(try TemplateContext.expand("{exp.version:s}", with: nil))
        XCTAssertEqual(try TemplateContext.expand("{exp.version:03d}-{trial.params[/lr]:.2e}", with: nil), "-")
    }
}
