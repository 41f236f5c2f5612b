import Foundation
import OrionCore

/// A long-lived Python process that evaluates requests one JSON line at a time: `python SCRIPT ARGS... --serve`.
///
/// Starting Python with scikit-learn takes seconds, far more than one evaluation of a small task, so a benchmark run
/// keeps one process and sends it every evaluation. The protocol: one JSON object per line on the script's standard
/// input, one JSON object per line back on its standard output (anything else the script prints goes to standard
/// error, of which the last few kilobytes are kept for error messages). A reply `{"error": "message"}` is a failed
/// evaluation.
///
/// ```swift
/// let evaluator = try PythonLineEvaluator(python: "python3", script: "Benchmarks/sklearn/tasks.py")
/// let reply = try evaluator.evaluate(["task": "svc_digits", "params": ["C": 1.0]])
/// ```
///
/// Calls are serialized, so one evaluator may be shared by the concurrent workers of a run.
public final class PythonLineEvaluator: @unchecked Sendable {
    /// Why an evaluation failed.
    public enum Failure: Error, CustomStringConvertible, Equatable {
        /// The process could not be started.
        case launch(String)
        /// The script replied `{"error": message}`.
        case script(String)
        /// The process exited (or closed its output) before replying; with the end of its standard error.
        case exited(status: Int32, stderr: String)
        /// The reply line is not a JSON object.
        case malformedReply(String)

        /// One line for the user: what failed and the script's own words.
        public var description: String {
            switch self {
            case .launch(let message): "cannot start the Python evaluator: \(message)"
            case .script(let message): "the Python evaluator failed: \(message)"
            case .exited(let status, let stderr):
                // A traceback's last line names the exception (`ModuleNotFoundError: No module named 'sklearn'`).
                "the Python evaluator exited (status \(status)) before replying"
                    + (stderr.split(whereSeparator: \.isNewline).last.map { ": \($0)" } ?? "")
            case .malformedReply(let line):
                "the Python evaluator replied with a line that is not a JSON object: \(line)"
            }
        }
    }

    private let process = Process()
    private let input: FileHandle
    private let output: FileHandle
    private let errors = StderrTail()
    private let lock = NSLock()
    private var pending = Data()
    private var closed = false

    /// Starts `python script arguments... --serve`.
    ///
    /// - Parameters:
    ///   - python: the interpreter, a path or a name looked up on `PATH`.
    ///   - script: the script's path.
    ///   - arguments: arguments before `--serve`.
    /// - Throws: ``Failure/launch(_:)`` when the process cannot be started.
    public init(python: String, script: String, arguments: [String] = []) throws {
        // A write to a script that has just died must fail with EPIPE, not kill this process (`orion` ignores
        // SIGPIPE already; a test runner or a library user may not).
        signal(SIGPIPE, SIG_IGN)
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script] + arguments + ["--serve"]
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            throw Failure.launch("\(python) \(script): \(error)")
        }
        input = stdin.fileHandleForWriting
        output = stdout.fileHandleForReading
        let errorHandle = stderr.fileHandleForReading
        let tail = errors
        let reader = Thread {
            while true {
                let chunk = errorHandle.availableData
                if chunk.isEmpty { break }
                tail.append(chunk)
            }
        }
        reader.start()
    }

    deinit { close() }

    /// Sends `request` and waits for the reply.
    ///
    /// - Parameter request: the request, a JSON object the script understands.
    /// - Returns: the reply object.
    /// - Throws: a ``Failure``: the script's error reply, the process's exit, or a reply that is not a JSON object.
    public func evaluate(_ request: JSONValue) throws -> JSONValue {
        lock.lock()
        defer { lock.unlock() }
        guard !closed, process.isRunning else { throw exitFailure() }
        var line = try JSONEncoder().encode(request)
        line.append(0x0A)
        do {
            try input.write(contentsOf: line)
        } catch {
            throw exitFailure()
        }
        guard let replyLine = try readLine() else { throw exitFailure() }
        guard let reply = try? JSONDecoder().decode(JSONValue.self, from: replyLine), reply.objectValue != nil else {
            throw Failure.malformedReply(String(decoding: replyLine.prefix(200), as: UTF8.self))
        }
        if let message = reply.objectValue?["error"]?.stringValue { throw Failure.script(message) }
        return reply
    }

    /// Closes the script's standard input and waits for it to exit.
    ///
    /// Further evaluations fail; called on deinit too.
    public func close() {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        closed = true
        try? input.close()
        if process.isRunning { process.waitUntilExit() }
    }

    /// The next line of the script's output, without its newline; `nil` at the end of the output.
    private func readLine() throws -> Data? {
        while true {
            if let newline = pending.firstIndex(of: 0x0A) {
                let line = pending[pending.startIndex..<newline]
                pending = Data(pending[pending.index(after: newline)...])
                return Data(line)
            }
            let chunk = output.availableData
            if chunk.isEmpty { return nil }
            pending.append(chunk)
        }
    }

    /// The failure for a process that is gone: its status once it has exited, and its standard error's end.
    private func exitFailure() -> Failure {
        if !closed { process.waitUntilExit() }
        let status = process.isRunning ? -1 : process.terminationStatus
        return .exited(status: status, stderr: errors.text)
    }
}

/// The last few kilobytes of a process's standard error, appended from a reader thread.
private final class StderrTail: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private let limit = 4096

    func append(_ chunk: Data) {
        lock.lock()
        defer { lock.unlock() }
        data.append(chunk)
        if data.count > limit { data = Data(data.suffix(limit)) }
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
