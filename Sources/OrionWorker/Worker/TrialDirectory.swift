import Foundation

/// A trial's working directory, made before its script runs.
enum TrialDirectory {
    /// The files of the worker's own in a trial's directory, not copied into a child's: the script's captured
    /// output and its results file (made anew for every run).
    static let workerFiles: Set<String> = [
        "orion.stdout.log", stderrLogName, resultsFileName, unsavedResultsFileName,
    ]

    /// The script's standard error, captured by the worker.
    static let stderrLogName = "orion.stderr.log"

    /// The worker's logs before 2026-12-05, left out of a copy of the directory of a trial run then (one without
    /// `orion.stdout.log`); in a later trial's directory they are the script's own.
    static let earlierLogs = ["stdout.log", "stderr.log"]

    /// The results file the script gets as `ORION_RESULTS_PATH`: hidden, so that a script's own `results.json` in
    /// `$ORION_WORKING_DIR` (a common name for its metrics) is not read as its results (Oríon names it
    /// `results_<random>.log`).
    static let resultsFileName = ".orion-results.json"

    /// The results of a completed run that the storage did not take (a full disk, a lost database), moved aside by
    /// the worker that gave up storing them: the trial's next run stores them instead of running the script again
    /// (which would overwrite the results file).
    static let unsavedResultsFileName = ".orion-unsaved-results.json"

    /// Whether `error` comes from the file system as a whole (full, over quota, read-only, failing), which every
    /// trial would meet, rather than from one trial's directory.
    static func isFileSystemWide(_ error: any Error) -> Bool {
        if let code = posixCode(of: error) { return isFileSystemWide(code: code) }
        // Foundation's own codes for a full or read-only volume, without the system's.
        let error = error as NSError
        return error.domain == NSCocoaErrorDomain
            && [NSFileWriteOutOfSpaceError, NSFileWriteVolumeReadOnlyError].contains(error.code)
    }

    /// Whether the `errno` value `code` says the file system as a whole fails (``isFileSystemWide(_:)``), or
    /// `orion`'s own resources do (``resourceShortage(_:)``).
    static func isFileSystemWide(code: Int32) -> Bool {
        [ENOSPC, EDQUOT, EROFS, EIO].contains(code) || resourceShortage(code) != nil
    }

    /// What `orion`'s own resources lack when `code` is `EMFILE`, `ENFILE`, `EAGAIN` (from `fork`) or `ENOMEM`, and
    /// what to do: every trial would fail the same way, so the trial is put back and the hunt stops; `nil` otherwise.
    ///
    /// Such a failure used to break the trial: at `ulimit -n 32` with four workers, trials broke until the
    /// experiment's max broken trials, which then had to be removed before it could go on.
    static func resourceShortage(_ code: Int32) -> String? {
        switch code {
        case EMFILE:
            var limit = rlimit()
            let soft = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 ? " \(limit.rlim_cur)" : ""
            return "orion has as many files open as its limit allows (ulimit -n\(soft)): raise the limit, or run "
                + "fewer workers (--n-workers)"
        case ENFILE: return "the system's table of open files is full: close other programs, or raise fs.file-max"
        case EAGAIN:
            return "the system refused a new process (too many processes for this user, ulimit -u, or for the "
                + "system): raise the limit, or run fewer workers (--n-workers)"
        case ENOMEM: return "there is not enough memory"
        default: return nil
        }
    }

    /// `strerror(code)`, or ``resourceShortage(_:)``'s explanation when there is one.
    static func describe(_ code: Int32) -> String {
        resourceShortage(code) ?? String(cString: strerror(code))
    }

    /// The file system's reason for `error`, as `strerror` says it ("No space left on device"), instead of
    /// Foundation's error dump.
    static func reason(_ error: any Error) -> String {
        posixCode(of: error).map(describe) ?? (error as NSError).localizedDescription
    }

    /// The system's `errno` value behind `error`: its own, or its underlying error's (Foundation wraps it).
    private static func posixCode(of error: any Error) -> Int32? {
        let error = error as NSError
        if error.domain == NSPOSIXErrorDomain { return Int32(error.code) }
        guard let underlying = (error.userInfo[NSUnderlyingErrorKey] as? any Error).map({ $0 as NSError }),
            underlying.domain == NSPOSIXErrorDomain
        else { return nil }
        return Int32(underlying.code)
    }

    /// Makes `directory` for a trial's run: kept as it is when it exists (a resumed trial), otherwise a copy of
    /// `parentDirectory` when the trial has a parent whose directory exists, otherwise empty.
    ///
    /// Oríon 0.2.7 starts a trial with a parent (a promotion, a population-based child) in a copy of the parent's
    /// working directory, so an unchanged script resumes from the checkpoint it finds in `$ORION_WORKING_DIR`; the
    /// parent's directory is also given as `$ORION_PARENT_WORKING_DIR`. The copy leaves out ``workerFiles`` and is
    /// made in a sibling staging directory that is renamed into place, so a worker killed during the copy leaves no
    /// half copy for the trial's next run (the staging directory is removed by the next attempt: the trial is
    /// reserved by one worker at a time).
    ///
    /// - Parameters:
    ///   - directory: the trial's directory.
    ///   - parentDirectory: the parent trial's directory, for a trial with a parent.
    /// - Returns: how the directory was found or made.
    /// - Throws: ``ParentCopyError`` when the parent's directory cannot be copied; the file system's error when the
    ///   directory cannot be made.
    @discardableResult
    static func prepare(_ directory: String, parentDirectory: String?) throws -> Start {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue { return .kept }
        guard let parentDirectory, manager.fileExists(atPath: parentDirectory, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return parentDirectory == nil ? .empty : .parentMissing
        }
        let staging = directory + ".copying"
        if manager.fileExists(atPath: staging) { try manager.removeItem(atPath: staging) }
        do {
            try copyTree(parentDirectory, to: staging)
        } catch {
            // Not left half made beside the trial's directory (a `.copying` directory per attempt was).
            try? manager.removeItem(atPath: staging)
            throw ParentCopyError(parent: parentDirectory, underlying: error)
        }
        let ranBefore = !manager.fileExists(atPath: parentDirectory + "/orion.stdout.log")
        for name in workerFiles.union(ranBefore ? earlierLogs : [])
        where manager.fileExists(atPath: staging + "/" + name) {
            try manager.removeItem(atPath: staging + "/" + name)
        }
        guard rename(staging, directory) == 0 else {
            let error = errno
            try? manager.removeItem(atPath: staging)
            if manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue { return .kept }
            throw POSIXError(POSIXErrorCode(rawValue: error) ?? .EIO)
        }
        return .copied
    }

    /// How ``prepare(_:parentDirectory:)`` found or made a trial's directory.
    enum Start: Equatable {
        /// It was there: a run of the trial made it (a resume).
        case kept
        /// A copy of the parent's directory.
        case copied
        /// Made empty: the trial has no parent.
        case empty
        /// Made empty: the trial has a parent, but its directory is gone (no checkpoint to start from).
        case parentMissing
    }

    /// Copies the tree at `source` to `destination`, which must not exist.
    ///
    /// Directories keep their permission bits, regular files their attributes, symbolic links are copied as links.
    /// FIFOs, sockets and devices are left out: they hold no checkpoint, and opening a FIFO to copy it blocked the
    /// hunt for ever (hBK's probe; a socket cannot be copied at all).
    ///
    /// - Parameters:
    ///   - source: the tree to copy.
    ///   - destination: where the copy goes.
    ///
    /// - Throws: the file system's error, naming the path (`NSFilePathErrorKey`) it failed on.
    static func copyTree(_ source: String, to destination: String) throws {
        var info = stat()
        guard lstat(source, &info) == 0 else { throw pathError(errno, source) }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            guard mkdir(destination, 0o700) == 0 else { throw pathError(errno, destination) }
            let entries: [String]
            do {
                entries = try FileManager.default.contentsOfDirectory(atPath: source)
            } catch {
                throw pathError(posixCode(of: error) ?? EACCES, source, underlying: error)
            }
            for entry in entries {
                try copyTree(source + "/" + entry, to: destination + "/" + entry)
            }
            chmod(destination, info.st_mode & 0o7777)
        case S_IFREG:
            try FileManager.default.copyItem(atPath: source, toPath: destination)
        case S_IFLNK:
            let target = try FileManager.default.destinationOfSymbolicLink(atPath: source)
            try FileManager.default.createSymbolicLink(atPath: destination, withDestinationPath: target)
        default:
            break
        }
    }

    /// An error for `code` that names `path`, as Foundation's own do.
    private static func pathError(_ code: Int32, _ path: String, underlying: (any Error)? = nil) -> NSError {
        var info: [String: Any] = [NSFilePathErrorKey: path]
        if let underlying { info[NSUnderlyingErrorKey] = underlying }
        return NSError(domain: NSPOSIXErrorDomain, code: Int(code), userInfo: info)
    }
}

/// The copy of a parent trial's directory failed (a file in it this user cannot read, a full disk): every child of
/// that parent would meet it.
struct ParentCopyError: Error {
    /// The parent's directory.
    var parent: String
    /// The file system's error.
    var underlying: any Error

    /// The file the copy failed on, when the file system's error names it.
    var file: String? { (underlying as NSError).userInfo[NSFilePathErrorKey] as? String }
}
