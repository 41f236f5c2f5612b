import Foundation
import OrionCore

/// Where `orion benchmark` writes: the result directory of `run` and `mf-run`, the table file of `table` and
/// `mf-table`. A path that cannot take what is written is one line naming it and saying why (exit code 2), not the
/// file system's error dump.
extension BenchmarkPlan {
    /// Refuses an output directory that cannot hold the result files, before anything runs; creates it (and its
    /// parents) when missing.
    ///
    /// - Parameter out: `--out`.
    /// - Throws: ``UsageError`` naming the directory and what is wrong.
    static func checkOutputDirectory(_ out: String) throws {
        guard !out.isEmpty else { throw UsageError("--out is empty: give a directory for the result files") }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw UsageError("--out \(out) is a file: give a directory for the result files")
        }
        try createDirectory(out)
        // A file created and removed, not only the permission bits: root passes `access` on a read-only file system
        // or /sys, and the first result file then failed after its run.
        let probe = (out as NSString).appendingPathComponent(".orion-write-check-\(getpid())")
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw UsageError(
                "--out \(out) is not writable: a file cannot be created in it (\(String(cString: strerror(errno))));"
                    + " give a directory you may write to"
            )
        }
        close(descriptor)
        unlink(probe)
    }

    /// Writes a table to `out` atomically, creating its directory (and parents) when missing, as `run --out` does.
    ///
    /// - Parameters:
    ///   - text: the table.
    ///   - out: `--out`, a file.
    /// - Throws: ``UsageError`` naming the path and what is wrong (a directory, a parent that is a file, no
    ///   permission).
    static func writeTable(_ text: String, to out: String) throws {
        guard !out.isEmpty else { throw UsageError("--out is empty: give a file for the table") }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), isDirectory.boolValue {
            let example = (out as NSString).appendingPathComponent("summary.md")
            throw UsageError("--out \(out) is a directory: give a file for the table (\(example))")
        }
        if let parent = parent(of: out) { try createDirectory(parent, of: out) }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
        } catch {
            throw UsageError("cannot write --out \(out): \(TextFile.whyNotWritable(out) ?? reason(error))")
        }
    }

    /// Creates `directory` with its parents.
    ///
    /// - Parameters:
    ///   - directory: the directory.
    ///   - out: `--out`, named in the message (`directory` itself when `nil`).
    /// - Throws: ``UsageError`` naming the ancestor that is a file, or why the directory cannot be created.
    private static func createDirectory(_ directory: String, of out: String? = nil) throws {
        let named = "--out \(out ?? directory)"
        var isDirectory: ObjCBool = false
        var ancestor: String? = directory
        while let path = ancestor {
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else {
                    throw UsageError("\(named) cannot be created: \(path) is a file, not a directory")
                }
                break
            }
            ancestor = parent(of: path)
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw UsageError("\(named) cannot be created: \(reason(error))")
        }
    }

    /// `path` without its last component (`a/b/` and `a/b` give `a`), `nil` for a single component or `/`.
    ///
    /// Plain string work: `NSString.deletingLastPathComponent` traps on some relative paths (`x`) on Linux.
    static func parent(of path: String) -> String? {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return nil }
        let parent = trimmed[..<slash]
        return parent.isEmpty ? (trimmed == "/" ? nil : "/") : String(parent)
    }

    /// The system's reason for a file error (`Permission denied`), without Foundation's error dump.
    private static func reason(_ error: any Error) -> String {
        let error = error as NSError
        let posix = (error.userInfo[NSUnderlyingErrorKey] as? NSError) ?? error
        if posix.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(posix.code))) }
        return (error.userInfo[NSFilePathErrorKey] as? String).map { "cannot write \($0)" } ?? "the write failed"
    }
}
