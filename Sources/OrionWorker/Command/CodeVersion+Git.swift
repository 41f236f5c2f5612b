import Foundation
import OrionCore

extension CodeVersion {
    /// The git state of the repository holding `directory` (a script's directory), as Oríon records it: the
    /// commit, the branch, whether tracked files have uncommitted changes, and a digest of those changes.
    ///
    /// Runs `git` twice (a few milliseconds); experiment version control asks for it only when it is enabled, at the
    /// hunt's start and before each trial.
    ///
    /// - Parameter directory: a directory inside the repository.
    /// - Returns: the code version, or `nil` when `directory` is not in a git repository or git is not installed.
    public static func git(at directory: String) -> CodeVersion? {
        // One call for both: the commit's id, then the branch's name (`HEAD` when detached).
        guard let names = runGit(["rev-parse", "HEAD", "--abbrev-ref", "HEAD"], in: directory) else { return nil }
        let lines = names.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let head = lines.first, !head.isEmpty else { return nil }
        let branch = lines.count > 1 ? lines[1] : nil
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
