import Foundation

/// A JSON-shaped value: the type of parameter values, result values and algorithm options.
///
/// Integers and doubles are distinct cases so that `randint` values stay integers and real values keep their
/// decimal point when they are rendered for a user's script (Python's `str()` conventions, see ``pythonString``).
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The numeric value of an `.int` or `.double`, else `nil`.
    public var doubleValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// The value of an `.int`, or of a `.double` with no fractional part; else `nil`.
    public var intValue: Int? {
        switch self {
        case .int(let value): value
        case .double(let value): Int(exactly: value)
        default: nil
        }
    }

    /// The value of a `.string`, else `nil`.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The value of a `.bool`, else `nil`.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The elements of an `.array`, else `nil`.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The members of an `.object`, else `nil`.
    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }
}

extension JSONValue: Codable {
    /// Decodes any JSON value; numbers without a fractional part that fit in `Int` decode as `.int`.
    ///
    /// A JSON string is always a `.string`, even when the decoder reads `"NaN"` or `"Infinity"` as numbers (its
    /// non-conforming float strategy): the category `"NaN"` stays text. Numeric results turn such strings back into
    /// numbers themselves (``TrialResult``).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Int.self) {
            // `-0` decodes as the integer 0; it was written for the double -0.0, whose sign is kept.
            let negativeZero = value == 0 && (try? container.decode(Double.self))?.sign == .minus
            self = negativeZero ? .double(-0.0) : .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Encodes the value as the matching JSON value.
    ///
    /// JSON has no literal for NaN and the infinities, and `JSONEncoder` throws on them by default: a non-finite
    /// `.double` is written as the string `"NaN"`, `"Infinity"` or `"-Infinity"` whatever the encoder's strategy
    /// (the strings storages use), and ``TrialResult`` reads those strings back as numbers.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value) where !value.isFinite: try container.encode(JSONValue.nonFiniteName(value))
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue {
    /// The string that stands for a non-finite double in stored JSON: `"NaN"`, `"Infinity"` or `"-Infinity"`.
    ///
    /// - Parameter value: NaN or an infinity.
    /// - Returns: the string Python's `json` module writes for it (without quotes there).
    public static func nonFiniteName(_ value: Double) -> String {
        value.isNaN ? "NaN" : value < 0 ? "-Infinity" : "Infinity"
    }

    /// The non-finite double a string written by ``nonFiniteName(_:)`` stands for, else `nil`.
    ///
    /// - Parameter name: `"NaN"`, `"Infinity"` or `"-Infinity"`.
    /// - Returns: the double, or `nil` for any other string.
    public static func nonFiniteValue(named name: String) -> Double? {
        switch name {
        case "NaN": .nan
        case "Infinity": .infinity
        case "-Infinity": -.infinity
        default: nil
        }
    }

    /// The value with every string that stands for a non-finite double (``nonFiniteName(_:)``), also inside
    /// arrays and objects, turned back into that `.double`.
    public func restoringNonFiniteNumbers() -> JSONValue {
        switch self {
        case .string(let text): JSONValue.nonFiniteValue(named: text).map(JSONValue.double) ?? self
        case .array(let values): .array(values.map { $0.restoringNonFiniteNumbers() })
        case .object(let members): .object(members.mapValues { $0.restoringNonFiniteNumbers() })
        default: self
        }
    }
}

extension JSONValue: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    /// Creates an `.int`.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// Creates a `.double`.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// Creates a `.string`.
    public init(stringLiteral value: String) { self = .string(value) }
    /// Creates a `.bool`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// Creates an `.array`.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// Creates an `.object`.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    /// Creates `.null`.
    public init(nilLiteral: ()) { self = .null }
}

extension JSONValue {
    /// The value as Python's `str()` prints it: how Oríon renders values on a script's command line.
    ///
    /// Floats follow Python's `repr` (`0.0`, `1e-05`, `12350.0`, `1e+16`), strings are bare at the top level and
    /// quoted with single quotes inside lists, booleans are `True`/`False`, null is `None`.
    public var pythonString: String {
        if case .string(let value) = self { return value }
        return pythonRepr
    }

    /// The value as Python's `repr()` prints it (strings quoted), used inside lists and for trial hashes.
    public var pythonRepr: String {
        switch self {
        case .null: return "None"
        case .bool(let value): return value ? "True" : "False"
        case .int(let value): return String(value)
        case .double(let value): return PythonFloat.repr(value)
        case .string(let value): return PythonFloat.quote(value)
        case .array(let values): return "[" + values.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .object(let members):
            let body = members.sorted { $0.key < $1.key }.map { member in
                "\(PythonFloat.quote(member.key)): \(member.value.pythonRepr)"
            }
            return "{" + body.joined(separator: ", ") + "}"
        }
    }
}

/// Python's formatting of floats and strings, reproduced exactly.
public enum PythonFloat {
    /// Python's `repr(float)`: the shortest round-trip digits, in scientific notation when the decimal exponent is
    /// below -4 or at least 16.
    public static func repr(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        // Swift's description gives the shortest round-trip digits; re-lay them out the Python way.
        let (negative, digits, exponent) = shortestDigits(value)
        var text = negative ? "-" : ""
        if exponent < -4 || exponent >= 16 {
            text += digits.prefix(1)
            if digits.count > 1 { text += "." + digits.dropFirst() }
            text += exponent < 0 ? "e-" : "e+"
            let magnitude = String(abs(exponent))
            text += magnitude.count < 2 ? "0" + magnitude : magnitude
        } else if exponent < 0 {
            text += "0." + String(repeating: "0", count: -exponent - 1) + digits
        } else if digits.count <= exponent + 1 {
            text += digits + String(repeating: "0", count: exponent + 1 - digits.count) + ".0"
        } else {
            text += digits.prefix(exponent + 1) + "." + digits.dropFirst(exponent + 1)
        }
        return text
    }

    /// Python's `repr(str)`: single quotes unless the string holds a single quote and no double quote.
    public static func quote(_ text: String) -> String {
        let useDouble = text.contains("'") && !text.contains("\"")
        let quoteChar: Character = useDouble ? "\"" : "'"
        var out = String(quoteChar)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar == quoteChar.unicodeScalars.first: out += "\\" + String(quoteChar)
            case _ where isControl(scalar):
                let code = String(scalar.value, radix: 16)
                out += "\\x" + (code.count < 2 ? "0" + code : code)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out.append(quoteChar)
        return out
    }

    /// Whether Python's `repr` writes the scalar as a `\xhh` escape (C0 controls, DEL and C1 controls).
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7f...0xa0).contains(scalar.value)
    }

    /// The sign, significant digits (no leading or trailing zeros) and decimal exponent of the shortest
    /// representation that round-trips.
    static func shortestDigits(_ value: Double) -> (negative: Bool, digits: String, exponent: Int) {
        // `description` of Double is shortest round-trip (Swift's Errol/SwiftDtoa); parse its mantissa/exponent.
        var text = abs(value).description
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let integerPart = String(parts[0])
        let fractionPart = parts.count > 1 ? String(parts[1]) : ""
        var digits = integerPart + fractionPart
        var pointPosition = integerPart.count + exponent  // digits before the decimal point
        while digits.first == "0" && digits.count > 1 {
            digits.removeFirst()
            pointPosition -= 1
        }
        while digits.last == "0" && digits.count > 1 { digits.removeLast() }
        return (value < 0, digits, pointPosition - 1)
    }
}

extension JSONValue {
    /// Whether two values mean the same JSON once stored: numbers compare by value whatever their case (`.int(1)`
    /// and `.double(1.0)` are the same number, as after a JSON round trip), a non-finite double matches the string
    /// storages write for it (``nonFiniteName(_:)``), and arrays and objects compare member by member.
    ///
    /// `==` stays exact (it tells `.int(1)` from `.double(1.0)`, which a user's script sees as `1` and `1.0`).
    ///
    /// - Parameter other: the value to compare with.
    /// - Returns: `true` when both would read back from stored JSON as the same value.
    public func sameStoredValue(as other: JSONValue) -> Bool {
        switch (self, other) {
        case (.int(let left), .int(let right)):
            return left == right
        case (.int, .double), (.double, .int), (.double, .double):
            guard let left = doubleValue, let right = other.doubleValue else { return false }
            if left.isNaN || right.isNaN { return left.isNaN && right.isNaN }
            if case .int(let integer) = self { return Int(exactly: right) == integer }
            if case .int(let integer) = other { return Int(exactly: left) == integer }
            return left == right
        case (.double(let value), .string(let name)) where !value.isFinite,
            (.string(let name), .double(let value)) where !value.isFinite:
            return JSONValue.nonFiniteName(value) == name
        case (.array(let left), .array(let right)):
            return left.count == right.count && zip(left, right).allSatisfy { $0.sameStoredValue(as: $1) }
        case (.object(let left), .object(let right)):
            return left.count == right.count
                && left.allSatisfy { key, value in right[key].map { value.sameStoredValue(as: $0) } ?? false }
        default:
            return self == other
        }
    }
}
