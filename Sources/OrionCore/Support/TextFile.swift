import Foundation

/// Reads a whole text file handed to a command: a regular file, and also a pipe or a device (`-c <(...)`,
/// `-c /dev/null`), which `String(contentsOfFile:)` refuses.
public enum TextFile {
    /// Why a file could not be read, in words that complete "the file ...".
    public struct Problem: Error, Sendable, Equatable {
        /// `does not exist`, `is a directory`, `cannot be read: Permission denied`, `is not UTF-8 text`.
        public var reason: String
    }

    /// Why there is no file to read at `path`, in words that complete "the file ...": `does not exist`, `is a
    /// directory`; `nil` when there is one (reading it may still fail).
    ///
    /// - Parameter path: the file's path.
    /// - Returns: the reason, or `nil`.
    public static func whyNotReadable(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "does not exist" }
        return isDirectory.boolValue ? "is a directory" : nil
    }

    /// Why a file cannot be written at `path`, in words that complete "cannot write PATH: ", or `nil` when
    /// nothing about its place says so (the write's own error then tells).
    ///
    /// - Parameter path: where the file would be written.
    /// - Returns: `it is a directory`, `its directory /x does not exist`, `its directory /x is not writable`, ...
    public static func whyNotWritable(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return "it is a directory"
        }
        let parent = (path as NSString).deletingLastPathComponent
        let directory = parent.isEmpty ? "." : parent
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            return "its directory \(directory) does not exist"
        }
        guard isDirectory.boolValue else { return "\(directory) is not a directory" }
        guard access(directory, W_OK | X_OK) == 0 else { return "its directory \(directory) is not writable" }
        return nil
    }

    /// The largest file read (64 MiB): `-c /dev/zero` fails instead of filling the memory.
    public static let maxBytes = 64 * 1_048_576

    /// The file's text.
    ///
    /// - Parameter path: the file's path.
    /// - Returns: its content, decoded as UTF-8.
    /// - Throws: ``Problem`` saying what is wrong.
    public static func read(_ path: String) throws(Problem) -> String {
        if let reason = whyNotReadable(path) { throw Problem(reason: reason) }
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
