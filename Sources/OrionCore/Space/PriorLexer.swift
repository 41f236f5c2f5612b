/// Splits a prior expression into tokens: names, numbers, strings, punctuation and arithmetic operators.
///
/// Numbers follow Python: `3`, `-3` (the sign is a separate token), `1_000`, `.5`, `1.`, `1e-5`, `2.5E+3`.
/// Strings use single or double quotes with backslash escapes (`\\`, `\'`, `\"`, `\n`, `\t`, `\r`, `\0`,
/// `\xhh`, `\uhhhh`); an unknown escape keeps its backslash, as Python does.
///
/// The text is read as Unicode scalars, not as `Character`s: a combining mark after a quote or a digit must not
/// merge with it into one grapheme and hide it. Columns count scalars.
struct PriorLexer {
    private let characters: [Unicode.Scalar]
    private let dimension: String
    private var index = 0

    init(text: String, dimension: String) {
        self.characters = Array(text.unicodeScalars)
        self.dimension = dimension
    }

    /// All tokens, ending with `.end`.
    mutating func tokens() throws(SpaceError) -> [PriorToken] {
        var result: [PriorToken] = []
        while true {
            let token = try next()
            result.append(token)
            if token.kind == .end { return result }
        }
    }

    private func error(_ column: Int, _ detail: String) -> SpaceError {
        SpaceError(.syntax, dimension: dimension, column: column, detail)
    }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        index + offset < characters.count ? characters[index + offset] : nil
    }

    private mutating func next() throws(SpaceError) -> PriorToken {
        while let character = peek(), character.properties.isWhitespace { index += 1 }
        let column = index + 1
        guard let character = peek() else { return PriorToken(kind: .end, column: column) }
        if character == "_" || character.properties.isXIDStart {
            var name = ""
            while let next = peek(), next.properties.isXIDContinue {
                name.unicodeScalars.append(next)
                index += 1
            }
            return PriorToken(kind: .identifier(name), column: column)
        }
        if Self.isDigit(character) || character == "." && Self.isDigit(peek(1)) {
            return try number(column: column)
        }
        if character == "'" || character == "\"" { return try string(column: column) }
        if "()[]{},:=+-.".unicodeScalars.contains(character) {
            index += 1
            return PriorToken(kind: .punctuation(Character(character)), column: column)
        }
        if character == "*" || character == "/" || character == "%" {
            // `**` and `//` are one operator each.
            let doubled = character != "%" && peek(1) == character
            index += doubled ? 2 : 1
            let symbol = String(Character(character)) + (doubled ? String(Character(character)) : "")
            return PriorToken(kind: .arithmetic(symbol), column: column)
        }
        if character == ";" {
            throw error(column, "';' is not allowed in a prior; write a single expression such as uniform(0, 1)")
        }
        throw error(column, "unexpected character '\(character)'; a prior looks like uniform(0, 1)")
    }

    private mutating func digits(into text: inout String) {
        while let next = peek(), Self.isDigit(next) || next == "_" && Self.isDigit(peek(1)) {
            if next != "_" { text.unicodeScalars.append(next) }
            index += 1
        }
    }

    private mutating func number(column: Int) throws(SpaceError) -> PriorToken {
        var integerPart = ""
        digits(into: &integerPart)
        var fraction: String?
        var exponent: String?
        if peek() == "." {
            index += 1
            var text = ""
            digits(into: &text)
            fraction = text
        }
        if let marker = peek(), marker == "e" || marker == "E" {
            var text = ""
            var offset = 1
            if let sign = peek(1), sign == "+" || sign == "-" {
                text.unicodeScalars.append(sign)
                offset = 2
            }
            guard Self.isDigit(peek(offset)) else {
                throw error(index + 1, "malformed exponent in a number; write it like 1e-5")
            }
            index += offset
            digits(into: &text)
            exponent = text
        }
        if let next = peek(), next.properties.isXIDContinue || next == "." {
            throw error(index + 1, "unexpected '\(next)' after a number; separate arguments with ','")
        }
        if fraction == nil && exponent == nil {
            guard let value = Int(integerPart) else {
                throw error(column, "the integer \(integerPart) is too large")
            }
            return PriorToken(kind: .int(value), column: column)
        }
        let text =
            (integerPart.isEmpty ? "0" : integerPart) + "." + ((fraction ?? "").isEmpty ? "0" : fraction ?? "0")
            + (exponent.map { "e" + $0 } ?? "")
        guard let value = Double(text), value.isFinite else {
            throw error(column, "the number \(text) is too large")
        }
        return PriorToken(kind: .float(value), column: column)
    }

    private mutating func string(column: Int) throws(SpaceError) -> PriorToken {
        guard let quote = peek() else { throw error(column, "expected a string") }
        index += 1
        var value = ""
        while true {
            guard let character = peek() else {
                throw error(column, "unterminated string; close it with \(quote)")
            }
            index += 1
            if character == quote { return PriorToken(kind: .string(value), column: column) }
            guard character == "\\" else {
                value.unicodeScalars.append(character)
                continue
            }
            guard let escaped = peek() else { throw error(column, "unterminated string; close it with \(quote)") }
            index += 1
            switch escaped {
            case "\\", "'", "\"": value.unicodeScalars.append(escaped)
            case "n": value.append("\n")
            case "t": value.append("\t")
            case "r": value.append("\r")
            case "0": value.append("\0")
            case "x": value.unicodeScalars.append(try hexScalar(digits: 2, column: index - 1))
            case "u": value.unicodeScalars.append(try hexScalar(digits: 4, column: index - 1))
            default:
                value.append("\\")
                value.unicodeScalars.append(escaped)
            }
        }
    }

    private mutating func hexScalar(digits count: Int, column: Int) throws(SpaceError) -> Unicode.Scalar {
        var text = ""
        for _ in 0..<count {
            guard let next = peek(), next.isASCII, Character(next).isHexDigit else { break }
            text.unicodeScalars.append(next)
            index += 1
        }
        guard text.count == count, let code = UInt32(text, radix: 16), let scalar = Unicode.Scalar(code) else {
            throw error(column, "bad escape in a string; write \\x followed by 2 hex digits or \\u by 4")
        }
        return scalar
    }

    /// Whether `scalar` is an ASCII digit (Python's numbers take no other digits).
    private static func isDigit(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return ("0"..."9").contains(scalar)
    }
}
