import Foundation
import Synchronization

/// The scratch databases and directories of the benchmark runs in progress, so that an interrupted command
/// (`orion benchmark run` or `mf-run` stopped with Ctrl-C) removes them instead of leaving them in the temporary
/// directory.
public enum ScratchFiles {
    private static let paths = Mutex<Set<String>>([])

    /// Registers a scratch file or directory until ``forget(_:)``.
    static func add(_ path: String) { _ = paths.withLock { $0.insert(path) } }

    /// Forgets a scratch path its run removed itself.
    static func forget(_ path: String) { _ = paths.withLock { $0.remove(path) } }

    /// Removes every registered path and exits with `code` (an interrupted command: 130).
    public static func removeAllAndExit(_ code: Int32) -> Never {
        removeAll()
        exit(code)
    }

    /// Removes every registered path (a database with its `-wal`, `-shm` and `-journal` files, a directory with its
    /// content).
    public static func removeAll() {
        let all = paths.withLock { paths in
            defer { paths = [] }
            return paths
        }
        for path in all {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                try? FileManager.default.removeItem(atPath: path + suffix)
            }
        }
    }
}
