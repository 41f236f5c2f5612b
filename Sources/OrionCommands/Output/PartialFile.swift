import Foundation
import OrionCore

/// A file written piece by piece beside its final name and renamed into place once complete, so that a failed
/// or interrupted write leaves the previous file (or none), never a partial one.
///
/// `Data.write(to:options: .atomic)` does the same for text that is whole in memory; this one takes the text as
/// it is made (`orion db dump` of a large database).
final class PartialFile {
    /// The final path.
    let path: String
    /// The path written until ``commit()``.
    let partialPath: String
    private var descriptor: Int32

    /// Creates an empty file beside `path`, with the permissions a new file gets (0666 less the umask).
    ///
    /// - Parameter path: the file to write.
    /// - Throws: `UsageError` `cannot write PATH: why` when the directory does not take it.
    init(replacing path: String) throws {
        if let reason = TextFile.whyNotWritable(path) { throw UsageError("cannot write \(path): \(reason)") }
        self.path = path
        let url = URL(fileURLWithPath: path)
        let name = ".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).partial"
        partialPath = url.deletingLastPathComponent().appendingPathComponent(name).path
        descriptor = open(partialPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw UsageError("cannot write \(path): \(TextFile.whyNotWritable(path) ?? reason)")
        }
    }

    deinit { discard() }

    /// Appends `data`.
    ///
    /// - Throws: ``WriteFailure`` `cannot write PATH: why` (a full disk).
    func write(_ data: Data) throws {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let count = Foundation.write(descriptor, base + offset, bytes.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    throw WriteFailure(message: "cannot write \(path): " + String(cString: strerror(errno)))
                }
                offset += count
            }
        }
    }

    /// Closes the file and renames it to its final path, replacing any file there.
    ///
    /// - Throws: ``WriteFailure`` when the close or the rename fails (the partial file is then removed).
    func commit() throws {
        let closed = close(descriptor)
        descriptor = -1
        guard closed == 0, rename(partialPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(partialPath)
            throw WriteFailure(message: "cannot write \(path): \(TextFile.whyNotWritable(path) ?? reason)")
        }
    }

    /// A write that failed once the file was open (a full disk): exit code 1, not the usage error's 2 (the command
    /// line was right; hBL's probe).
    struct WriteFailure: OrionError {
        let message: String
        var kind: ErrorKind { .failure }
    }

    /// Closes and removes the partial file, if it is still there.
    func discard() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
        unlink(partialPath)
    }
}
