/// A check of JSON text as Python's `json` module reads it (RFC 8259, plus `NaN`, `Infinity` and `-Infinity`):
/// YAML, which parses the script's `.json` configuration files, also takes a trailing comma, single quotes and
/// comments, which the script's `json.load` then refuses in every trial.
enum StrictJSON {
    /// Where the text stops being JSON, and why.
    struct Problem: Error, Equatable {
        var line: Int
        var column: Int
        var message: String
    }

    /// Checks `text`.
    ///
    /// - Throws: ``Problem`` at the first character that is not JSON (line and column from 1).
    static func check(_ text: String) throws(Problem) {
        var reader = Reader(Array(text.utf8))
        reader.skipSpace()
        try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.atEnd else { throw reader.problem("extra data after the JSON value") }
    }

    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { position >= bytes.count }
        var current: UInt8? { atEnd ? nil : bytes[position] }

        func problem(_ message: String) -> Problem {
            var line = 1
            var column = 1
            for byte in bytes[..<min(position, bytes.count)] {
                if byte == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {
                    column += 1
                }
            }
            let found = current.map { "'\(Character(Unicode.Scalar($0)))'" } ?? "the end"
            return Problem(line: line, column: column, message: "\(message), found \(found)")
        }

        mutating func skipSpace() {
            while let byte = current, [0x20, 0x09, 0x0A, 0x0D].contains(byte) { position += 1 }
        }

        mutating func expect(_ word: String) -> Bool {
            let utf8 = Array(word.utf8)
            guard position + utf8.count <= bytes.count, Array(bytes[position..<position + utf8.count]) == utf8 else {
                return false
            }
            position += utf8.count
            return true
        }

        mutating func value(depth: Int) throws(Problem) {
            guard depth < 512 else { throw problem("nested too deep") }
            switch current {
            case UInt8(ascii: "{"):
                try elements(of: true, depth: depth)
            case UInt8(ascii: "["):
                try elements(of: false, depth: depth)
            case UInt8(ascii: "\""):
                try string()
            default:
                for word in ["true", "false", "null", "NaN", "Infinity", "-Infinity"] where expect(word) { return }
                try number()
            }
        }

        /// An object's members (`object`) or an array's values, separated by commas, from the opening bracket to
        /// the closing one.
        mutating func elements(of object: Bool, depth: Int) throws(Problem) {
            let closing = UInt8(ascii: object ? "}" : "]")
            position += 1
            skipSpace()
            if current == closing {
                position += 1
                return
            }
            while true {
                if object {
                    guard current == UInt8(ascii: "\"") else { throw problem("expected a key in double quotes") }
                    try string()
                    skipSpace()
                    guard current == UInt8(ascii: ":") else { throw problem("expected ':'") }
                    position += 1
                    skipSpace()
                }
                try value(depth: depth + 1)
                skipSpace()
                if current == UInt8(ascii: ",") {
                    position += 1
                    skipSpace()
                    continue
                }
                guard current == closing else {
                    throw problem("expected ',' or '\(Character(Unicode.Scalar(closing)))'")
                }
                position += 1
                return
            }
        }

        mutating func string() throws(Problem) {
            position += 1
            while let byte = current {
                position += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return
                case UInt8(ascii: "\\"):
                    guard let escaped = current else { throw problem("unterminated string") }
                    position += 1
                    if escaped == UInt8(ascii: "u") {
                        for _ in 0..<4 {
                            guard let hex = current, Character(Unicode.Scalar(hex)).isHexDigit else {
                                throw problem("expected four hexadecimal digits after \\u")
                            }
                            position += 1
                        }
                    } else if !Array("\"\\/bfnrt".utf8).contains(escaped) {
                        position -= 1
                        throw problem("invalid escape")
                    }
                case 0..<0x20:
                    position -= 1
                    throw problem("a control character in a string")
                default:
                    continue
                }
            }
            throw problem("unterminated string")
        }

        mutating func number() throws(Problem) {
            let start = position
            if current == UInt8(ascii: "-") { position += 1 }
            func digits() -> Int {
                var count = 0
                while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                    position += 1
                    count += 1
                }
                return count
            }
            if current == UInt8(ascii: "0") {
                position += 1
            } else if digits() == 0 {
                position = start
                throw problem("expected a value")
            }
            if current == UInt8(ascii: ".") {
                position += 1
                guard digits() > 0 else { throw problem("expected a digit after '.'") }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                position += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
                guard digits() > 0 else { throw problem("expected a digit in the exponent") }
            }
        }
    }
}
