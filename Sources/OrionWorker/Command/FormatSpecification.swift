import Foundation
import OrionCore

/// A Python format specification, the part after `:` in a template of the command (`{exp.version:03d}`,
/// `{trial.params[/lr]:.3e}`), as Oríon's `str.format` reads it.
///
/// `[[fill]align][sign][#][0][width][,|_][.precision][type]`, for strings (`s`), integers (`d`, `b`, `o`, `x`, `X`;
/// `e`, `f`, `g`, `%` convert them to floats) and floats (`e`, `E`, `f`, `F`, `g`, `G`, `%`, or none: the shortest
/// repr, or `g` with the precision). A value of another type than the specification's is an error, as in Python.
struct FormatSpecification: Sendable, Equatable {
    var fill: Character = " "
    /// `<`, `>`, `^` or `=`; `nil`: the type's default (left for text, right for numbers).
    var align: Character?
    /// `+`, `-` or ` `.
    var sign: Character = "-"
    var alternate = false
    /// The `0` before the width: zeros after the sign for numbers, after the text for text, unless aligned.
    var zeroPadded = false
    /// Whether the specification is empty (`{exp.version:}`): a boolean then prints as `True`, not `1`.
    var isEmpty = false
    var width = 0
    /// `,` or `_` between groups of three digits.
    var grouping: Character?
    var precision: Int?
    var type: Character?

    /// Parses `text`, the specification without its `:`.
    ///
    /// - Throws: ``CommandError`` `.invalidArgument` naming the specification and the template.
    init(_ text: String, in template: String) throws(CommandError) {
        func fail(_ why: String) -> CommandError {
            CommandError(.invalidArgument, "invalid format '\(text)' in template '{\(template)}': \(why)")
        }
        isEmpty = text.isEmpty
        var rest = Substring(text)
        let aligns: Set<Character> = ["<", ">", "^", "="]
        if rest.count >= 2, aligns.contains(rest[rest.index(after: rest.startIndex)]) {
            fill = rest.removeFirst()
            align = rest.removeFirst()
        } else if let first = rest.first, aligns.contains(first) {
            align = rest.removeFirst()
        }
        if let first = rest.first, "+- ".contains(first) { sign = rest.removeFirst() }
        if rest.first == "#" {
            alternate = true
            rest.removeFirst()
        }
        if rest.first == "0" {
            rest.removeFirst()
            zeroPadded = align == nil
        }
        let widthDigits = rest.prefix { $0.isASCII && $0.isNumber }
        rest = rest.dropFirst(widthDigits.count)
        width = Int(widthDigits) ?? 0
        if let first = rest.first, first == "," || first == "_" { grouping = rest.removeFirst() }
        if rest.first == "." {
            rest.removeFirst()
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else { throw fail("no precision after '.'") }
            rest = rest.dropFirst(digits.count)
            precision = Int(digits)
        }
        if let first = rest.first {
            guard "sdboxXeEfFgG%".contains(first) else { throw fail("unknown format code '\(first)'") }
            type = rest.removeFirst()
        }
        guard rest.isEmpty else { throw fail("unexpected '\(rest)'") }
        guard width <= 10_000, (precision ?? 0) <= 1_000 else { throw fail("width or precision too large") }
    }

    /// `value` formatted, or `nil` when its type does not take this specification (Python's `ValueError`).
    func format(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): return formatText(text)
        case .null: return isEmpty ? "None" : nil
        case .bool(let flag): return isEmpty ? (flag ? "True" : "False") : formatInteger(flag ? 1 : 0)
        case .int(let number): return formatInteger(number)
        case .double(let number): return formatFloat(number)
        case .array, .object: return type == nil || type == "s" ? formatText(value.pythonString) : nil
        }
    }

    private func formatText(_ text: String) -> String? {
        guard type == nil || type == "s", sign == "-", grouping == nil, !alternate, align != "=" else { return nil }
        let body = precision.map { String(text.prefix($0)) } ?? text
        return pad(body, sign: "", defaultAlign: "<", number: false)
    }

    private func formatInteger(_ number: Int) -> String? {
        guard let type, "eEfFgG%".contains(type) else {
            guard precision == nil, grouping == nil || type == nil || type == "d" else { return nil }
            let magnitude = number.magnitude
            let digits: String
            switch type {
            case "b": digits = (alternate ? "0b" : "") + String(magnitude, radix: 2)
            case "o": digits = (alternate ? "0o" : "") + String(magnitude, radix: 8)
            case "x": digits = (alternate ? "0x" : "") + String(magnitude, radix: 16)
            case "X": digits = (alternate ? "0X" : "") + String(magnitude, radix: 16).uppercased()
            case "s": return nil
            default: digits = group(String(magnitude))
            }
            return pad(digits, sign: signText(negative: number < 0), defaultAlign: ">", number: true)
        }
        return formatFloat(Double(number))
    }

    private func formatFloat(_ number: Double) -> String? {
        guard type != "s", type != "d", type != "b", type != "o", type != "x", type != "X" else { return nil }
        let magnitude = abs(number)
        var body: String
        if magnitude.isNaN || magnitude.isInfinite {
            body = magnitude.isNaN ? "nan" : "inf"
            if let type, type.isUppercase { body = body.uppercased() }
        } else {
            let flags = alternate ? "#" : ""
            switch type {
            case .some(let code) where "eEfF".contains(code):
                body = String(format: "%\(flags).*\(code)", precision ?? 6, magnitude)
            case .some(let code) where "gG".contains(code):
                body = String(format: "%\(flags).*\(code)", max(precision ?? 6, 1), magnitude)
            case "%":
                body = String(format: "%.*f", precision ?? 6, magnitude * 100) + "%"
            default:
                // No type: Python's repr, or `g` with the precision keeping a digit after the point.
                if let precision {
                    body = String(format: "%.*g", max(precision, 1), magnitude)
                    if !body.contains(where: { $0 == "." || $0 == "e" || $0 == "n" || $0 == "i" }) { body += ".0" }
                } else {
                    body = PythonFloat.repr(magnitude)
                }
            }
            if grouping != nil {
                let integer = body.prefix { $0.isNumber }
                body = group(String(integer)) + body.dropFirst(integer.count)
            }
        }
        return pad(
            body,
            sign: signText(negative: number.sign == .minus && !number.isNaN),
            defaultAlign: ">",
            number: true
        )
    }

    private func signText(negative: Bool) -> String {
        negative ? "-" : sign == "+" ? "+" : sign == " " ? " " : ""
    }

    /// `digits` with the grouping separator every three digits from the right.
    private func group(_ digits: String) -> String {
        guard let grouping, digits.count > 3 else { return digits }
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(grouping) }
            result.append(digit)
        }
        return result
    }

    private func pad(_ body: String, sign: String, defaultAlign: Character, number: Bool) -> String {
        let length = sign.count + body.count
        guard width > length else { return sign + body }
        let padding = String(repeating: zeroPadded ? "0" : fill, count: width - length)
        switch zeroPadded ? (number ? "=" : "<") : align ?? defaultAlign {
        case "<": return sign + body + padding
        case "^":
            let left = (width - length) / 2
            return String(padding.prefix(left)) + sign + body + String(padding.dropFirst(left))
        case "=": return sign + padding + body
        default: return padding + sign + body
        }
    }
}
