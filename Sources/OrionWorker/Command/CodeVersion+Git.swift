import Foundation
import OrionCore

extension CodeVersion {
    /// The git state of the repository holding `directory` (a script's directory), as Oríon records it: the
    /// commit, the branch, whether tracked files have uncommitted changes, and a digest of those changes.
    ///
    /// Runs `git` a few times (a few milliseconds); experiment version control asks for it only when it is enabled.
    ///
    /// - Parameter directory: a directory inside the repository.
    /// - Returns: the code version, or `nil` when `directory` is not in a git repository or git is not installed.
    public static func git(at directory: String) -> CodeVersion? {
        guard let head = runGit(["rev-parse", "HEAD"], in: directory), !head.isEmpty else { return nil }
        let branch = runGit(["rev-parse", "--abbrev-ref", "HEAD"], in: directory)
        let diff = runGit(["diff", "HEAD"], in: directory) ?? ""
        return CodeVersion(
            isDirty: !diff.isEmpty,
            headSHA: head,
            activeBranch: branch,
            diffSHA: diff.isEmpty ? nil : MD5.hex(diff)
        )
    }

    /// The trimmed standard output of `git -C directory arguments...`, or `nil` when it fails.
    private static func runGit(_ arguments: [String], in directory: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
