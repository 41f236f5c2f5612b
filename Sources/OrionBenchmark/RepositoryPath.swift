import Foundation

/// Paths of the repository's benchmark scripts (`Benchmarks/...`), which the commands name relative to the
/// repository's root.
public enum RepositoryPath {
    /// `relative` as it is when it exists from the current directory; else the same path under the first directory
    /// above the running executable that has it (the repository a `.build/debug/orion` was built in); else
    /// `relative` unchanged (the caller then says it is missing).
    ///
    /// - Parameter relative: a path relative to the repository's root, such as `Benchmarks/sklearn/tasks.py`.
    /// - Returns: a path that exists, when one is found.
    public static func resolve(_ relative: String) -> String {
        let manager = FileManager.default
        guard !relative.hasPrefix("/"), !manager.fileExists(atPath: relative) else { return relative }
        let executable = URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments[0])
            .resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent(relative).path
            if manager.fileExists(atPath: candidate) { return candidate }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { break }
            directory = parent
        }
        return relative
    }
}
