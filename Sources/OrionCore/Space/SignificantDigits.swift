import COrionDecimal
import Foundation

/// Rounding to significant digits, as Oríon does with numpy's `format_float_scientific(value, precision=N-1)`.
enum SignificantDigits {
    /// `value` rounded to `digits` significant digits (correctly rounded from the exact binary value, ties to
    /// even, like numpy's Dragon4).
    static func round(_ value: Double, digits: Int) -> Double {
        guard let (mantissa, exponent) = decimal(value, digits: digits) else { return value }
        return Double("\(mantissa)e\(exponent)") ?? value
    }

    /// `value` rounded to `digits` significant digits and kept inside `[low, high]`.
    ///
    /// When rounding crosses a bound, the neighbouring `digits`-digit decimal on the inside is used; when the
    /// interval holds no such decimal near `value`, `value` is returned unrounded (it is inside already).
    static func round(_ value: Double, digits: Int, inside low: Double, _ high: Double) -> Double {
        guard let (mantissa, exponent) = decimal(value, digits: digits),
            let rounded = Double("\(mantissa)e\(exponent)")
        else { return value }
        if rounded >= low && rounded <= high { return rounded }
        // Step one unit in the last digit towards the interior, keeping `digits` digits when the magnitude drops
        // a decade (1.000 → 0.9999 rather than 0.999).
        let towardsZero = (rounded > high) == (mantissa > 0)
        var stepMantissa = mantissa
        var stepExponent = exponent
        if towardsZero && abs(mantissa) == power(of: digits - 1) {
            stepMantissa *= 10
            stepExponent -= 1
        }
        stepMantissa += rounded > high ? -1 : 1
        if let stepped = Double("\(stepMantissa)e\(stepExponent)"), stepped >= low && stepped <= high {
            return stepped
        }
        return value
    }

    /// The signed integer mantissa of `digits` digits and the exponent with `value == mantissa × 10^exponent`
    /// after rounding; `nil` when no rounding applies (non-finite value, or `digits` outside 1...16).
    ///
    /// The digits are C's `%.{digits-1}e` (exact binary value, correctly rounded), written by `snprintf` into a
    /// buffer on the stack (``orion_format_scientific``): Foundation's `String(format:)` cost about 130 µs a value, so
    /// that observing the 200,000 reals of a 100,000-trial experiment took half a minute.
    static func decimal(_ value: Double, digits: Int) -> (mantissa: Int, exponent: Int)? {
        guard value.isFinite, digits >= 1, digits <= 16 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer -> (Int, Int)? in
            guard let base = buffer.baseAddress else { return nil }
            let length = orion_format_scientific(base, 64, Int32(digits - 1), value)
            guard length > 0, length < 64 else { return nil }
            // `-d.ddde±xx`: the sign, the digits around the decimal point (whatever the locale writes for it), the
            // exponent.
            var mantissa = 0
            var negative = false
            var index = 0
            while index < Int(length), base[index] != CChar(UInt8(ascii: "e")) {
                let character = UInt8(bitPattern: base[index])
                if character == UInt8(ascii: "-") {
                    negative = true
                } else if character >= UInt8(ascii: "0"), character <= UInt8(ascii: "9") {
                    mantissa = mantissa * 10 + Int(character - UInt8(ascii: "0"))
                }
                index += 1
            }
            index += 1
            guard index < Int(length) else { return nil }
            var power = 0
            var negativePower = false
            while index < Int(length) {
                let character = UInt8(bitPattern: base[index])
                if character == UInt8(ascii: "-") {
                    negativePower = true
                } else if character >= UInt8(ascii: "0"), character <= UInt8(ascii: "9") {
                    power = power * 10 + Int(character - UInt8(ascii: "0"))
                } else if character != UInt8(ascii: "+") {
                    return nil
                }
                index += 1
            }
            return (negative ? -mantissa : mantissa, (negativePower ? -power : power) - (digits - 1))
        }
    }

    /// `10^exponent` for small non-negative exponents.
    static func power(of exponent: Int) -> Int {
        (0..<max(exponent, 0)).reduce(1) { result, _ in result * 10 }
    }

    /// The number of decimals with `digits` significant digits in `[low, high]`, `0 < low <= high`; `nil` when
    /// the bounds or the digits make the count meaningless.
    static func count(from low: Double, to high: Double, digits: Int) -> Double? {
        guard low > 0, low <= high, high.isFinite, digits >= 1, digits <= 15 else { return nil }
        let smallest = Double(power(of: digits - 1))
        let largest = Double(power(of: digits)) - 1
        let lowOrder = Int(log10(low).rounded(.down))
        let highOrder = Int(log10(high).rounded(.down))
        var total = 0.0
        for order in (lowOrder - 1)...(highOrder + 1) {
            // Values of this decade are m × 10^(order - digits + 1) with smallest <= m <= largest.
            let scaleExponent = order - digits + 1
            let lowMantissa = max(smallest, (scaled(low, by: -scaleExponent) * (1 - 1e-12)).rounded(.up))
            let highMantissa = min(largest, (scaled(high, by: -scaleExponent) * (1 + 1e-12)).rounded(.down))
            if highMantissa >= lowMantissa { total += highMantissa - lowMantissa + 1 }
        }
        return total
    }

    /// `value × 10^exponent`, dividing by an exact power of ten for negative exponents to limit the error.
    private static func scaled(_ value: Double, by exponent: Int) -> Double {
        exponent >= 0 ? value * pow(10, Double(exponent)) : value / pow(10, Double(-exponent))
    }
}
