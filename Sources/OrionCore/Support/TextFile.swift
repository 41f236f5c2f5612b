import Foundation

/// Reads a whole text file handed to a command: a regular file, and also a pipe or a device (`-c <(...)`,
/// `-c /dev/null`), which `String(contentsOfFile:)` refuses.
public enum TextFile {
    /// Why a file could not be read, in words that complete "the file ...".
    public struct Problem: Error, Sendable, Equatable {
        /// `does not exist`, `is a directory`, `cannot be read: Permission denied`, `is not UTF-8 text`.
        public var reason: String
    }

    /// The largest file read (64 MiB): `-c /dev/zero` fails instead of filling the memory.
    public static let maxBytes = 64 * 1_048_576

    /// The file's text.
    ///
    /// - Parameter path: the file's path.
    /// - Returns: its content, decoded as UTF-8.
    /// - Throws: ``Problem`` saying what is wrong.
    public static func read(_ path: String) throws(Problem) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw Problem(reason: "does not exist")
        }
        if isDirectory.boolValue { throw Problem(reason: "is a directory") }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw Problem(reason: "cannot be read: " + String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            if data.count > maxBytes {
                throw Problem(reason: "is larger than \(maxBytes / 1_048_576) MiB (is it the right file?)")
            }
            let count = buffer.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw Problem(reason: "cannot be read: " + String(cString: strerror(errno)))
            }
            data.append(contentsOf: buffer[0..<count])
        }
        guard let text = String(data: data, encoding: .utf8) else { throw Problem(reason: "is not UTF-8 text") }
        return text
    }
}
