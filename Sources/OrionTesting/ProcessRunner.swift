import Foundation

/// Runs built executables of this package, such as `orion`, as real child processes in tests.
public enum ProcessRunner {
    /// What a finished process left.
    public struct Output: Sendable {
        /// The exit status (or 128 + signal).
        public var status: Int32
        /// Everything written to stdout.
        public var stdout: String
        /// Everything written to stderr.
        public var stderr: String
    }

    /// The directory holding the package's built products (next to the running test bundle).
    public static var productsDirectory: URL {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("orion").path) { return url }
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    /// The path of a built executable, or `nil` when it was not built.
    public static func executable(_ name: String) -> String? {
        let path = productsDirectory.appendingPathComponent(name).path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// Starts `arguments[0]` and returns the running process (stdout and stderr captured to files).
    public static func start(
        _ arguments: [String],
        environment: [String: String]? = nil,
        currentDirectory: String? = nil,
        outputPrefix: String
    ) throws -> Process {
        let process = Process()
        if resetsSignals {
            // Every signal at its default, as a shell starts a command: a test process may have left one ignored (an
            // in-process test's handler), and a child inherits that (`orion` keeps an inherited ignore, as under
            // `nohup`): a hangup test then saw its hunt run on.
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["--default-signal", "--"] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: arguments[0])
            process.arguments = Array(arguments.dropFirst())
        }
        process.environment = environment ?? ProcessInfo.processInfo.environment
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        for suffix in [".out", ".err"]
        where !FileManager.default.createFile(atPath: outputPrefix + suffix, contents: nil) {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: outputPrefix + suffix])
        }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPrefix + ".out"))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPrefix + ".err"))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Whether `/usr/bin/env` resets signal dispositions (`--default-signal`, GNU coreutils 8.31 and later).
    static let resetsSignals: Bool = {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["--default-signal", "--", "/bin/true"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }()

    /// Waits for a process started by ``start(_:environment:currentDirectory:outputPrefix:)`` and reads its output.
    public static func wait(_ process: Process, outputPrefix: String, timeout: TimeInterval = 120) -> Output {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        process.waitUntilExit()
        let stdout = (try? String(contentsOfFile: outputPrefix + ".out", encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: outputPrefix + ".err", encoding: .utf8)) ?? ""
        let status =
            process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus : process.terminationStatus
        return Output(status: status, stdout: stdout, stderr: stderr)
    }

    /// Runs a command to completion.
    public static func run(
        _ arguments: [String],
        environment: [String: String]? = nil,
        currentDirectory: String? = nil,
        timeout: TimeInterval = 120
    ) throws -> Output {
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("orion-run-\(UUID().uuidString)")
            .path
        defer {
            try? FileManager.default.removeItem(atPath: prefix + ".out")
            try? FileManager.default.removeItem(atPath: prefix + ".err")
        }
        let process = try start(
            arguments,
            environment: environment,
            currentDirectory: currentDirectory,
            outputPrefix: prefix
        )
        return wait(process, outputPrefix: prefix, timeout: timeout)
    }

    /// Whether the process `pid` is still running (a zombie, dead but not yet reaped, is not), as `/proc` says.
    public static func isRunning(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        let state = stat[stat.index(after: close)...].split(separator: " ").first
        return state != "Z" && state != "X"
    }
}
