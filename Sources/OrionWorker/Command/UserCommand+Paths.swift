import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Programs and paths

extension UserCommand {
    /// What a path names on disk.
    enum FileKind {
        case file
        case directory
    }

    /// `python`, `python3`, `python3.12`, or a path ending in one of them.
    static func isPythonInterpreter(_ program: String) -> Bool {
        let name = program.split(separator: "/").last.map(String.init) ?? program
        guard name.hasPrefix("python") else { return false }
        return name.dropFirst("python".count).allSatisfy { $0.isNumber || $0 == "." }
    }

    /// The absolute path of a script given by path; it must exist, be a file and be executable.
    static func checkedScript(_ given: String, currentDirectory: String) throws(CommandError) -> String {
        let path = absolute(given, in: currentDirectory)
        switch fileKind(path) {
        case nil:
            throw CommandError(.scriptNotFound, notFoundMessage(given, currentDirectory))
        case .directory:
            throw CommandError(.notExecutable, "script '\(given)' is a directory: give the path of the file to run")
        case .file:
            let python = given.hasSuffix(".py") ? ", or run it as `python3 \(given)`" : ""
            guard access(path, X_OK) == 0 else {
                throw CommandError(
                    .notExecutable,
                    "script '\(given)' is not executable: run `chmod +x \(given)` (with a #! line)\(python)"
                )
            }
            guard !isTextWithoutShebang(path) else {
                // The kernel refuses it (ENOEXEC): every trial would break.
                throw CommandError(
                    .notExecutable,
                    "script '\(given)' has no #! line, so it cannot be run directly: add one as its first line (e.g."
                        + " #!/usr/bin/env python3)\(python)"
                )
            }
            return path
        }
    }

    /// Whether the file at `path` is text that does not start with `#!`: what the kernel cannot execute.
    ///
    /// Text: no NUL in its first 512 bytes (an empty file too). A binary (ELF, or a format the system was taught) is
    /// not.
    static func isTextWithoutShebang(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 512)) ?? Data()
        return !head.starts(with: Array("#!".utf8)) && !head.contains(0)
    }

    /// The absolute path of a program: by path if it has a `/`, else looked up on `searchPath`.
    static func resolveProgram(
        _ program: String,
        currentDirectory: String,
        searchPath: String
    ) throws(CommandError) -> String {
        if program.contains("/") { return try checkedScript(program, currentDirectory: currentDirectory) }
        guard let found = lookUp(program, searchPath: searchPath, currentDirectory: currentDirectory) else {
            throw CommandError(.scriptNotFound, "command '\(program)' not found on PATH (\(searchPath))")
        }
        return found
    }

    /// The first executable file named `program` in the directories of `searchPath` (empty entries mean the
    /// current directory, as for a shell).
    static func lookUp(_ program: String, searchPath: String, currentDirectory: String) -> String? {
        for directory in searchPath.split(separator: ":", omittingEmptySubsequences: false) {
            let base = directory.isEmpty ? currentDirectory : String(directory)
            let candidate = absolute(program, in: base.hasPrefix("/") ? base : absolute(base, in: currentDirectory))
            if fileKind(candidate) == .file, access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// The message for a script that does not exist.
    static func notFoundMessage(_ given: String, _ currentDirectory: String) -> String {
        given.hasPrefix("/")
            ? "script '\(given)' not found" : "script '\(given)' not found (looked in \(currentDirectory))"
    }

    /// Whether `path` is a file, a directory, or nothing (symbolic links followed).
    static func fileKind(_ path: String) -> FileKind? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        return isDirectory.boolValue ? .directory : .file
    }

    /// `path` made absolute against `directory`, with `.` and `..` components removed (lexically).
    static func absolute(_ path: String, in directory: String) -> String {
        let joined = path.hasPrefix("/") ? path : directory + "/" + path
        var components: [Substring] = []
        for component in joined.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }
}
