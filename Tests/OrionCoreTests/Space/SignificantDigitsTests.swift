import XCTest

@testable import OrionCore

final class SignificantDigitsTests: XCTestCase {
    /// Expected values from `float(numpy.format_float_scientific(value, precision=digits - 1))` (numpy 2.4).
    func testRoundingMatchesNumpy() {
        let cases: [(Double, Int, Double)] = [
            (12345.678, 4, 12350.0),
            (1.2345678e-05, 4, 1.235e-05),
            (0.99996, 4, 1.0),
            (0.125, 2, 0.12),
            (2.5, 1, 2.0),
            (3.5, 1, 4.0),
            (0.0001234567, 3, 0.000123),
            (-12345.678, 4, -12350.0),
            (123456789.0, 2, 120000000.0),
            (0.15, 1, 0.1),
            (0.25, 1, 0.2),
            (0.35, 1, 0.3),
            (1.0005, 4, 1.0),
            (9.9995, 4, 9.999),
        ]
        for (value, digits, expected) in cases {
            XCTAssertEqual(SignificantDigits.round(value, digits: digits), expected, "\(value) to \(digits) digits")
        }
        XCTAssertEqual(SignificantDigits.round(0.1 + 0.2, digits: 17), 0.1 + 0.2)
        XCTAssertEqual(SignificantDigits.round(0.0, digits: 4), 0.0)
    }

    /// The digits are read from C's `%e` written on the stack, no longer through Foundation's `String(format:)` (130 µs
    /// a value); the mantissa and exponent are those of `String(format:)`'s text for values of every magnitude and
    /// sign, ties included.
    func testTheDecimalIsThatOfTheScientificFormat() {
        var generator = SeededGenerator(seed: 17)
        var values: [Double] = [0, -0.0, 0.5, 2.5, -2.5, 0.125, 9.9995, 1e-300, -1.7e308, 5e-324, 123456789012345678]
        for _ in 0..<20_000 {
            let magnitude = Double.random(in: -30...30, using: &generator)
            let value = pow(10, magnitude) * (Bool.random(using: &generator) ? 1 : -1)
            // Every fourth one has few digits, so that ties to even come up.
            values.append(Int.random(in: 0..<4, using: &generator) == 0 ? (value * 1000).rounded() / 8 : value)
        }
        for value in values {
            for digits in [1, 2, 4, 7, 16] {
                let text = String(format: "%.\(digits - 1)e", value)
                let marker = text.firstIndex(of: "e") ?? text.endIndex
                let power = Int(text[text.index(after: marker)...]) ?? 0
                let mantissa = Int(text[..<marker].filter { $0 != "." }) ?? 0
                let decimal = SignificantDigits.decimal(value, digits: digits)
                XCTAssertEqual(decimal?.mantissa, mantissa, "\(value) to \(digits) digits")
                XCTAssertEqual(decimal?.exponent, power - (digits - 1), "\(value) to \(digits) digits")
            }
        }
        XCTAssertNil(SignificantDigits.decimal(.nan, digits: 4))
        XCTAssertNil(SignificantDigits.decimal(.infinity, digits: 4))
    }

    func testRoundingStaysInside() {
        // 0.99996 rounds to 1.0, above the bound: the 4-digit neighbour inside is 0.9999.
        XCTAssertEqual(SignificantDigits.round(0.99996, digits: 4, inside: 0.5, 0.99999), 0.9999)
        // 0.123455 rounds to 0.1235 > 0.123456: step down to 0.1234.
        XCTAssertEqual(SignificantDigits.round(0.123455, digits: 4, inside: 0, 0.123456), 0.1234)
        // Below a negative lower bound: -1.23456 → -1.235 < -1.2346; step towards zero to -1.234.
        XCTAssertEqual(SignificantDigits.round(-1.23456, digits: 4, inside: -1.23458, 0), -1.234)
        // Below a positive lower bound.
        XCTAssertEqual(SignificantDigits.round(2.00004, digits: 4, inside: 2.00001, 3), 2.001)
        // No 4-digit decimal inside: the value is kept unrounded.
        XCTAssertEqual(SignificantDigits.round(1.000015, digits: 4, inside: 1.00001, 1.00002), 1.000015)
        XCTAssertEqual(SignificantDigits.round(0.5, digits: 4, inside: 0, 1), 0.5)
    }

    func testCountOfDecimals() {
        XCTAssertEqual(SignificantDigits.count(from: 1e-5, to: 1, digits: 4), 45001)
        XCTAssertEqual(SignificantDigits.count(from: 1, to: 10, digits: 4), 9001)
        XCTAssertEqual(SignificantDigits.count(from: 2, to: 5, digits: 4), 3001)
        XCTAssertEqual(SignificantDigits.count(from: 0.001, to: 1, digits: 2), 271)
        XCTAssertEqual(SignificantDigits.count(from: 0.1, to: 0.3, digits: 1), 3)
        XCTAssertEqual(SignificantDigits.count(from: 1.5, to: 1.5, digits: 2), 1)
        XCTAssertNil(SignificantDigits.count(from: 0, to: 1, digits: 4))
    }
}
