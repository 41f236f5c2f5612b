import Foundation
import OrionCore

/// `orion hunt --slurm-array N`: the same hunt started N times as the tasks of one Slurm job array, each task an
/// ordinary worker on the shared storage (no master: they cooperate through the database like any other workers).
///
/// The batch script runs `orion` with the hunt's own arguments (less `--slurm-array`) in the directory the hunt was
/// started from; `sbatch` passes the environment on (`--export=ALL`), so the storage address, however it was given,
/// is the same in every task. The storage must therefore be reachable from the compute nodes: an SQLite file on a
/// file system they share with this machine (one machine at a time; see docs/distributed.md) or a PostgreSQL URL.
public struct SlurmArray: Sendable, Equatable {
    /// The number of workers (array tasks).
    public var workers: Int
    /// The `orion` executable and the hunt's arguments, as each task runs them.
    public var command: [String]
    /// Where each task starts (the hunt's current directory).
    public var directory: String
    /// The job name.
    public var jobName: String
    /// Where each task's output goes (`%A` is the array's job id, `%a` the task's index).
    public var outputPattern: String
    /// The tasks' resources.
    public var options: SlurmJobOptions

    /// Describes a job array.
    ///
    /// - Parameters:
    ///   - workers: the number of tasks, at least 1.
    ///   - command: the `orion` executable and the hunt's arguments.
    ///   - directory: where each task starts.
    ///   - jobName: the job's name.
    ///   - outputPattern: where each task's output goes.
    ///   - options: the tasks' resources.
    public init(
        workers: Int,
        command: [String],
        directory: String,
        jobName: String,
        outputPattern: String,
        options: SlurmJobOptions = SlurmJobOptions()
    ) {
        self.workers = workers
        self.command = command
        self.directory = directory
        self.jobName = jobName
        self.outputPattern = outputPattern
        self.options = options
    }

    /// The hunt's arguments without `--slurm-array N` (or `--slurm-array=N`), so that each task runs the hunt itself.
    ///
    /// - Parameter arguments: the arguments after `orion`, e.g. `["hunt", "--slurm-array", "4", "-n", "x", ...]`.
    /// - Returns: the arguments without the option; those after the script (or `--`) are left as they are.
    public static func workerArguments(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            if argument == "--" {
                result += arguments[index...]
                break
            }
            if argument == "--slurm-array" {
                index += 2
                continue
            }
            if !argument.hasPrefix("--slurm-array=") { result.append(argument) }
            index += 1
        }
        return result
    }

    /// The batch script: `#SBATCH` lines for the array and its resources, then `exec orion hunt ...`.
    public var script: String {
        var lines = [
            "#!/bin/sh",
            "# Written by orion hunt --slurm-array: \(workers) workers of one hunt, sharing its storage.",
            "#SBATCH --job-name=\(jobName)",
            "#SBATCH --array=0-\(workers - 1)",
            "#SBATCH --output=\(outputPattern)",
            "#SBATCH --chdir=\(directory)",
            "#SBATCH --export=ALL",
        ]
        lines += options.sbatchArguments.map { "#SBATCH \($0)" }
        lines.append("exec " + command.map(SlurmExecutor.shellQuoted).joined(separator: " "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the script to `path` and submits it with `sbatch --parsable`.
    ///
    /// - Parameters:
    ///   - path: where the batch script is written (kept, for `sbatch` again later).
    ///   - environment: the environment `sbatch` runs with, and passes on to the tasks.
    /// - Returns: the array's job id.
    /// - Throws: `SlurmError` when the script cannot be written or `sbatch` refuses it.
    public func submit(scriptPath path: String, environment: [String: String]) async throws -> String {
        // Its command line may hold a database password (`--storage postgresql://user:secret@...`): readable by its
        // owner only (who submits it) from its creation, then moved into place.
        let staging = path + ".writing-\(getpid())"
        unlink(staging)
        let file = open(staging, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        let bytes = Array(script.utf8)
        let written = file >= 0 ? bytes.withUnsafeBytes { write(file, $0.baseAddress, $0.count) } : -1
        let failure = errno
        if file >= 0 { close(file) }
        guard written == bytes.count, rename(staging, path) == 0 else {
            let code = written == bytes.count ? errno : failure
            unlink(staging)
            throw SlurmError("cannot write the job array's script \(path): \(String(cString: strerror(code)))")
        }
        let output = await SlurmCommand.run(["sbatch", "--parsable", path], environment: environment)
        guard output.status == 0,
            let jobID = output.stdout.split(separator: "\n").last?.split(separator: ";").first.map(String.init),
            !jobID.isEmpty
        else {
            // One line, and not "refused" when sbatch is missing or the controller did not answer.
            let failure = output.failure.split(whereSeparator: \.isNewline).joined(separator: "; ")
            throw SlurmError("sbatch could not submit the job array \(path): \(failure)")
        }
        return jobID
    }
}

/// Slurm refused a job, or is not there.
public struct SlurmError: OrionError {
    /// What failed, with Slurm's own message.
    public var message: String

    /// Creates the error.
    ///
    /// - Parameter message: what failed and how to fix it.
    public init(_ message: String) {
        self.message = message
    }

    /// Always ``ErrorKind/unavailable``: Slurm, not the request, is the problem.
    public var kind: ErrorKind { .unavailable }
}
