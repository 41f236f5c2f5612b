import Foundation

/// Pieces of pretty-printed JSON put together: `JSONEncoder`'s `.prettyPrinted` text of a value nested in a larger
/// document, without encoding the whole document at once.
public enum PrettyJSON {
    /// `text` with two spaces per `depth` before each of its lines (the first only when `first`), except the empty
    /// lines: `JSONEncoder` writes an empty array or object as an empty line between its brackets, unindented.
    ///
    /// JSON escapes a newline inside a string, so every newline byte of encoded JSON ends a line.
    ///
    /// - Parameters:
    ///   - text: pretty-printed JSON (or lines of it).
    ///   - depth: how deep it is nested.
    ///   - first: whether the first line is indented too (it is not when it follows a key on its line).
    /// - Returns: the indented text.
    public static func indented(_ text: Data, depth: Int, first: Bool) -> Data {
        let newline = UInt8(ascii: "\n")
        let space = UInt8(ascii: " ")
        let width = 2 * depth
        guard width > 0 else { return text }
        return text.withUnsafeBytes { (source: UnsafeRawBufferPointer) -> Data in
            let bytes = source.bindMemory(to: UInt8.self)
            var lines = 1
            for byte in bytes where byte == newline { lines += 1 }
            var result = Data(count: bytes.count + lines * width)
            let written = result.withUnsafeMutableBytes { (target: UnsafeMutableRawBufferPointer) -> Int in
                let output = target.bindMemory(to: UInt8.self)
                var position = 0
                var atLineStart = first
                for byte in bytes {
                    if atLineStart, byte != newline {
                        for offset in 0..<width { output[position + offset] = space }
                        position += width
                    }
                    atLineStart = byte == newline
                    output[position] = byte
                    position += 1
                }
                return position
            }
            result.removeSubrange(written...)
            return result
        }
    }
}
