import ArgumentParser
import Foundation
import OrionAlgorithms
import OrionCore
import OrionWorker

#if canImport(Glibc)
    import Glibc
#endif

/// Everything `orion hunt` does once its arguments are parsed: resolve the configuration, open the storage,
/// create or resume the experiment, run the worker, print the summary and choose the exit code.
struct HuntSession {
    var options: ExperimentOptions
    var huntOptions: HuntOptions
    var userArguments: [String]
    var environment = ProcessInfo.processInfo.environment
    var currentDirectory = FileManager.default.currentDirectoryPath

    func run() async throws {
        let context = try CommandContext(options: options, huntOptions: huntOptions)
        try await context.closingStorage { try await run(in: context) }
    }

    private func run(in context: CommandContext) async throws {
        let configuration = context.configuration
        guard let name = configuration.experiment.name else {
            throw UsageError("an experiment name is required: orion hunt -n NAME ./script.py ...")
        }
        var arguments = userArguments
        if arguments.first == "--" {
            arguments.removeFirst()
        } else if let first = arguments.first, first.hasPrefix("-") {
            throw UsageError(
                "unknown option '\(first)' for orion hunt (see orion hunt --help); the script comes after the options"
            )
        }
        if arguments.isEmpty {
            // Resume with the stored command line, as Oríon does for `orion hunt -n NAME`.
            guard let stored = try await context.storage.experiment(named: name, version: options.version) else {
                throw UsageError("no experiment named '\(name)' yet: give the script and its priors after the options")
            }
            arguments = stored.metadata.userArgs
        }
        let command = try UserCommand(
            arguments: arguments,
            currentDirectory: currentDirectory,
            environmentPath: environment["PATH"]
        )
        guard !command.priors.isEmpty else {
            throw UsageError(
                "no prior in the command line: mark a searched argument with a tilde, e.g. -x~'uniform(0, 1)'"
            )
        }
        let space = try Space(priors: command.priors)
        let metadata = ExperimentMetadata(
            user: options.user ?? environment["USER"] ?? "unknown",
            userScript: command.script,
            userArgs: arguments,
            startDirectory: currentDirectory
        )
        let request = ExperimentRequest(
            name: name,
            version: options.version,
            space: space,
            algorithm: configuration.experiment.algorithm,
            maxTrials: configuration.experiment.maxTrials,
            maxBroken: context.explicitMaxBroken,
            workingDir: configuration.experiment.workingDir,
            metadata: metadata
        )
        // Check the working directory before the experiment exists, so a bad one leaves nothing behind.
        try Self.checkWorkingDirectory(configuration.experiment.workingDir, environment: environment)
        let outcome = try await ExperimentBuilder.build(
            request,
            storage: context.storage,
            factory: AlgorithmRegistry.standard
        )
        let experiment = outcome.experiment
        if configuration.experiment.workingDir == nil, experiment.workingDir != nil {
            // A resumed experiment's stored directory: checked too, before any trial runs.
            try Self.checkWorkingDirectory(experiment.workingDir, environment: environment)
        }
        for change in outcome.changes { StandardStream.emit("note: \(change)\n", to: 2) }
        if huntOptions.initOnly { return }

        let workingDirectory = Self.workingDirectory(for: experiment, environment: environment)
        let executor = ProcessExecutor(
            command: command,
            environment: environment,
            interruptCode: configuration.worker.interruptSignalCode,
            trialTimeout: configuration.worker.trialTimeout
        )
        let reporter = ProgressReporter(experiment: experiment, interactive: isatty(1) == 1)
        let worker = Worker(
            experiment: experiment,
            storage: context.storage,
            factory: AlgorithmRegistry.standard,
            executor: executor,
            configuration: WorkerConfiguration(
                concurrency: configuration.worker.nWorkers,
                poolSize: configuration.worker.poolSize,
                maxTrials: configuration.worker.maxTrials,
                maxBroken: configuration.worker.maxBroken,
                idleTimeout: configuration.worker.idleTimeoutDuration,
                heartbeat: configuration.worker.heartbeatDuration
            ),
            workingDirectory: workingDirectory,
            onEvent: { reporter.handle($0) }
        )
        await reporter.start(storage: context.storage)
        let signals = SignalForwarder { force in worker.interrupt(force: force) }
        let ticker = reporter.startTicking()
        let report: WorkerReport
        do {
            defer {
                ticker?.cancel()
                signals.cancel()
                reporter.finish()
            }
            report = try await worker.run()
        }
        try await printSummary(report: report, experiment: experiment, storage: context.storage)
    }

    /// The experiment's working directory: the configured one (made absolute; trials go in `<dir>/<trial id>` as in
    /// Oríon), else `$TMPDIR/orion-$USER/<name>-v<version>` (per user, so that users sharing a machine do not share
    /// a directory).
    static func workingDirectory(for experiment: Experiment, environment: [String: String]) -> String {
        if let directory = experiment.workingDir, !directory.isEmpty {
            let absolute =
                directory.hasPrefix("/")
                ? directory : FileManager.default.currentDirectoryPath + "/" + directory
            return absolute  // trials in <working_dir>/<trial id>, as in Oríon
        }
        let temporary = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        let user = environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? String(getuid())
        return temporary + "/orion-" + user + "/" + experiment.displayName
    }

    /// Checks that trials can get directories under `directory` (the configured working directory, or the default
    /// one's parent): it, or its nearest existing ancestor, must be a directory this user can write to.
    ///
    /// - Throws: ``UsageError`` saying what is wrong with the directory and which setting to change.
    static func checkWorkingDirectory(_ configured: String?, environment: [String: String]) throws {
        let directory: String
        let setting: String
        if let configured, !configured.isEmpty {
            directory =
                configured.hasPrefix("/") ? configured : FileManager.default.currentDirectoryPath + "/" + configured
            setting = "the working directory"
        } else {
            directory = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
            setting = "the default working directory's parent ($TMPDIR)"
        }
        let fix = "give a writable directory with --working-dir, experiment.working_dir or ORION_WORKING_DIR"
        let standardized = URL(fileURLWithPath: directory).standardizedFileURL.path
        var existing = standardized
        var isDirectory: ObjCBool = false
        while !FileManager.default.fileExists(atPath: existing, isDirectory: &isDirectory) {
            existing = (existing as NSString).deletingLastPathComponent
        }
        guard isDirectory.boolValue else {
            let what =
                existing == standardized ? "is a file, not a directory" : "cannot be created: \(existing) is a file"
            throw UsageError("\(setting) \(standardized) \(what); \(fix)")
        }
        guard access(existing, W_OK | X_OK) == 0 else {
            let what = existing == standardized ? "is not writable" : "cannot be created: \(existing) is not writable"
            throw UsageError("\(setting) \(standardized) \(what) by this user; \(fix)")
        }
    }

    private func printSummary(report: WorkerReport, experiment: Experiment, storage: any Storage) async throws {
        let stats = ExperimentStats(experiment: experiment, summary: try await storage.summary(of: experiment.id))
        var lines: [String] = []
        for unsaved in report.unsavedResults {
            StandardStream.emit("Warning: \(unsaved)\n", to: 2)
        }
        switch report.stopReason {
        case .interrupted:
            print("Orion is interrupted.")
            throw ExitCode(130)
        case .workerMaxBroken:
            lines.append("Worker has reached broken trials threshold")
        case .experimentBroken:
            lines.append("Trials failed too many times")
        case .experimentDone:
            lines.append("Search finished successfully")
        case .workerMaxTrials, .idle:
            break
        }
        lines.append("Stopped: \(report.stopReason).")
        lines.append("")
        lines.append(Formatting.stats(stats, experiment: experiment))
        lines.append("Hints / Info".underlined)
        lines.append("orion info --name \(experiment.name) --version \(experiment.version)")
        if report.stopReason != .experimentDone {
            lines.append("")
            lines.append("Status".underlined)
            lines.append("orion status --name \(experiment.name) --version \(experiment.version)")
            lines.append("orion status --name \(experiment.name) --version \(experiment.version) --all")
        }
        print(lines.joined(separator: "\n"))
        if report.stopReason == .workerMaxBroken || report.stopReason == .experimentBroken {
            let reason = report.lastFailure.map { ": last failure: \($0)" } ?? ""
            StandardStream.emit(
                "Error: \(stats.broken) trials broke\(reason); see `orion status -n \(experiment.name) --all`"
                    + " and the stderr.log in each trial's directory\n",
                to: 2
            )
            throw ExitCode(1)
        }
    }
}
