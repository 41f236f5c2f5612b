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
        if text.utf8.count >= MemoryTrim.heavyResponseBytes { MemoryTrim.soon() }
        return Response(
            status: status,
            headers: [.contentType: contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text))
        )
    }

    /// `value` as JSON text, numbers and text as Oríon's server writes them (``JSONValue/asciiPythonJSON``: `1.0`
    /// for a double, `"caf\u00e9"`).
    static func encode(_ value: JSONValue) -> String { value.asciiPythonJSON }
}
