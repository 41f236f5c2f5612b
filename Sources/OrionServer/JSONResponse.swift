import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OrionCore

/// JSON bodies: `content-type: application/json`, keys sorted so that answers are stable.
enum JSONResponse {
    /// The response carrying `value` as JSON.
    ///
    /// - Parameters:
    ///   - value: the body.
    ///   - status: the status (200 unless given).
    /// - Returns: the response.
    static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        text(encode(value), status: status, contentType: "application/json")
    }

    /// A response with a text body.
    ///
    /// - Parameters:
    ///   - text: the body.
    ///   - status: the status.
    ///   - contentType: its media type.
    /// - Returns: the response.
    static func text(_ text: String, status: HTTPResponse.Status = .ok, contentType: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text))
        )
    }

    /// `value` as JSON text, numbers as Oríon's server writes them (Python's `json.dumps`).
    ///
    /// A double always has its decimal point or exponent (`1.0`, `1e-05`, `0.0`), an integer none; keys are
    /// sorted so that answers are stable. NaN and the infinities, which JSON cannot hold (Python writes bare `NaN`, which `JSON.parse`
    /// refuses), are the strings `"NaN"`, `"Infinity"`, `"-Infinity"`, as stored.
    static func encode(_ value: JSONValue) -> String {
        var text = ""
        write(value, into: &text)
        return text
    }

    private static func write(_ value: JSONValue, into text: inout String) {
        switch value {
        case .null: text += "null"
        case .bool(let flag): text += flag ? "true" : "false"
        case .int(let number): text += String(number)
        case .double(let number) where !number.isFinite: writeString(JSONValue.nonFiniteName(number), into: &text)
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
