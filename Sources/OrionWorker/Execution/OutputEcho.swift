import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the scripts' output is copied as it arrives: this process's stdout and stderr by default, or a writer that
/// shares the terminal with something else (`orion hunt`'s progress line, kept below the scripts' output).
public struct OutputEcho: Sendable {
    /// Writes bytes that a script wrote to its stdout (`1`) or stderr (`2`); returns `false` when that stream can
    /// no longer be written (the echo of that stream then stops; the trial goes on).
    public var write: @Sendable (_ stream: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool
    /// Called when a trial whose output on `stream` ended mid-line is over: ends that line if it is still the last
    /// thing where `stream` writes (`nil`: nothing is added).
    public var endLine: (@Sendable (_ stream: Int32) -> Void)?

    /// Creates an echo.
    ///
    /// - Parameters:
    ///   - write: writes a script's bytes for stream `1` (stdout) or `2` (stderr).
    ///   - endLine: ends the line where `stream` writes when a trial's output left it unfinished there.
    public init(
        write: @escaping @Sendable (_ stream: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool,
        endLine: (@Sendable (_ stream: Int32) -> Void)? = nil
    ) {
        self.write = write
        self.endLine = endLine
    }

    /// This process's stdout and stderr, as they are.
    public static let standard = OutputEcho { stream, bytes in writeAll(stream, bytes) }

    /// Writes all of `bytes` to `descriptor`, retrying on `EINTR`.
    ///
    /// - Parameters:
    ///   - descriptor: an open file descriptor.
    ///   - bytes: what to write.
    /// - Returns: `false` when the descriptor cannot be written any more (a closed pipe or terminal).
    @discardableResult
    public static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var offset = 0
        while offset < bytes.count {
            let written = systemWrite(descriptor, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }
}

/// The C library's `write(2)` (the name `write` is the member of ``OutputEcho`` inside it).
private func systemWrite(_ descriptor: Int32, _ base: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, base, count)
}
