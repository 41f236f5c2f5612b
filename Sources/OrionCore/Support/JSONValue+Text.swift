import Foundation

extension JSONValue {
    /// The value as JSON text, numbers as Python's `json.dumps` writes them: what Oríon's server answers and what
    /// plotly.py's figure JSON holds.
    ///
    /// A double always has its decimal point or exponent (`1.0`, `1e-05`, `0.0`: Python's `repr`), an integer none,
    /// so that a client sees the types Oríon's clients see (`isinstance(x, float)`). Keys are sorted and there are
    /// no spaces, so that the text is stable. NaN and the infinities, which JSON cannot hold (Python writes bare
    /// `NaN`, which `JSON.parse` refuses), are the strings `"NaN"`, `"Infinity"`, `"-Infinity"`, as stored.
    public var pythonJSON: String {
        var text = ""
        Self.write(self, into: &text)
        return text
    }

    /// ``pythonJSON`` with every character beyond ASCII written `\uXXXX` (a surrogate pair above U+FFFF), as
    /// Python's `json.dumps` writes text by default (`ensure_ascii`): what Oríon's server answers (`"caf\u00e9"`).
    ///
    /// Outside strings JSON holds only ASCII, so the text is rewritten as a whole; a parser reads the same value.
    public var asciiPythonJSON: String {
        var text = ""
        for scalar in pythonJSON.unicodeScalars {
            if scalar.value < 0x7F {
                text.unicodeScalars.append(scalar)
            } else {
                for unit in String(scalar).utf16 { text += "\\u" + String(format: "%04x", unit) }
            }
        }
        return text
    }

    private static func write(_ value: JSONValue, into text: inout String) {
        switch value {
        case .null: text += "null"
        case .bool(let flag): text += flag ? "true" : "false"
        case .int(let number): text += String(number)
        case .double(let number) where !number.isFinite: writeString(nonFiniteName(number), into: &text)
        case .double(let number): text += PythonFloat.repr(number)
        case .string(let string): writeString(string, into: &text)
        case .array(let elements):
            text += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { text += "," }
                write(element, into: &text)
            }
            text += "]"
        case .object(let members):
            text += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { text += "," }
                writeString(key, into: &text)
                text += ":"
                write(members[key] ?? .null, into: &text)
            }
            text += "}"
        }
    }

    private static func writeString(_ string: String, into text: inout String) {
        text += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "\u{08}": text += "\\b"
            case "\u{0C}": text += "\\f"
            case _ where scalar.value < 0x20: text += String(format: "\\u%04x", scalar.value)
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
