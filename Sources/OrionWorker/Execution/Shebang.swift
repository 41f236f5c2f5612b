import Foundation

/// The `#!` line of a script, read to explain why the script cannot start: the kernel answers "not found" (or
/// `env` exits 127) when the *interpreter* is missing, although the script itself exists.
enum Shebang {
    /// Why the interpreter named on the first line of `script` cannot run, or `nil` when that is not the problem.
    ///
    /// - Parameters:
    ///   - script: the program that was started.
    ///   - searchPath: the `PATH` the script was given (where `#!/usr/bin/env NAME` looks for NAME).
    /// - Returns: one line saying what is wrong with the `#!` line and how to fix it.
    static func problem(script: String, searchPath: String?) -> String? {
        guard let line = firstLine(of: script), line.hasPrefix("#!") else { return nil }
        let interpreter = String(line.dropFirst(2))
        let shown = interpreter.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\r", with: "\\r")
        if interpreter.contains("\r") {
            return "the interpreter '\(shown)' named on the first line of \(script) was not found "
                + "(the file has Windows line endings: convert it with `dos2unix \(script)`)"
        }
        let words = interpreter.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let program = words.first else {
            return "the first line of \(script) is '#!' without an interpreter: write e.g. #!/usr/bin/env python3"
        }
        guard FileManager.default.isExecutableFile(atPath: program) else {
            return "the interpreter '\(shown)' named on the first line of \(script) was not found: "
                + "fix its #! line (e.g. #!/usr/bin/env python3)"
        }
        guard program.hasSuffix("/env"), let name = words.dropFirst().first(where: { !$0.hasPrefix("-") }),
            !name.contains("=")
        else { return nil }
        if isFound(name, searchPath: searchPath) { return nil }
        return "the interpreter '\(name)' named on the first line of \(script) (#!\(shown)) was not found on PATH: "
            + "install it or fix the #! line"
    }

    /// The first line of `path` without its `\n` (a `\r` before it is kept), or `nil` when it cannot be read.
    private static func firstLine(of path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: 512) else { return nil }
        let bytes = data.prefix { $0 != UInt8(ascii: "\n") }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func isFound(_ name: String, searchPath: String?) -> Bool {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) }
        let directories = (searchPath ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        return directories.contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
    }
}
