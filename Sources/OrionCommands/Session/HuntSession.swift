import ArgumentParser
import Foundation
import OrionAlgorithms
import OrionCore
import OrionPostgres
import OrionSQLite
import OrionWorker
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The command-line side of `orion hunt` once its arguments are parsed: resolve the configuration and the user's
/// command into an `ExperimentRequest`, hand it to `HuntRunner` (working directories, create or resume, the worker),
/// show progress, forward signals, print the outcome and choose the exit code.
struct HuntSession {
    var options: ExperimentOptions
    var huntOptions: HuntOptions
    var userArguments: [String]
    var environment = ProcessInfo.processInfo.environment
    var currentDirectory = FileManager.default.currentDirectoryPath

    func run() async throws {
        try OpenFileLimit.checkFloor()
        try Self.checkCurrentDirectoryExists()
        let signals = SignalForwarder.exitingUntilTheHunt()
        defer { signals.cancel() }
        let context = try CommandContext(options: options, huntOptions: huntOptions)
        try await context.closingStorage { try await run(in: context, signals: signals) }
    }

    /// The hunt; `signals` end `orion` until the workers start, then interrupt them.
    private func run(in context: CommandContext, signals: SignalForwarder) async throws {
        let configuration = context.configuration
        let pythonClient = try usesPythonClient()
        if let note = OpenFileLimit.note(workers: configuration.worker.nWorkers) {
            StandardStream.emit(note + "\n", to: 2)
        }
        // An unknown option swallows what follows it (`orion hunt --bogus -n x ./script.py`): say so before
        // complaining about a missing name.
        var arguments = userArguments.map(OrionCommand.unescapingTripleDash)
        // Only empty words (a job script's empty "$ARGS"): no command line, as in Oríon, which resumes the stored one.
        if arguments.allSatisfy({ $0.allSatisfy(\.isWhitespace) }) { arguments = [] }
        if arguments.first == "--" {
            arguments.removeFirst()
        } else if let first = arguments.first, first.hasPrefix("-") {
            throw UsageError(
                "unknown option '\(first)' for orion hunt (see orion hunt --help); the script comes after the options"
            )
        }
        guard let name = configuration.experiment.name else {
            throw UsageError("an experiment name is required: orion hunt -n NAME ./script.py ...")
        }
        let version = try await context.resolvedVersion(
            of: name,
            context.configuration.experiment.version
        )
        // What relative paths of the command line (the script, its --config file) are relative to.
        var commandDirectory = currentDirectory
        // Where the scripts run: here, except for a stored command line given elsewhere (below), with the note that
        // says so once the trials are about to run.
        var runDirectory: String?
        var runDirectoryNote: String?
        var configOption = configuration.worker.userScriptConfig
        var storedConfigText: String?
        /// The experiment `--branch-from` names (with version control on), with its name and version for messages;
        /// `nil` without the flag.
        func branchSource() async throws -> (name: String, version: Int?, stored: Experiment?)? {
            guard configuration.evc.enable, let from = configuration.evc.branchFrom else { return nil }
            let source = BranchingRequest.parseSource(from)
            let sourceVersion = try BranchingRequest.parentVersion(
                of: source.name,
                given: source.version,
                requested: version,
                advice: "--branch-from"
            )
            let stored = try await context.storage.experiment(named: source.name, version: sourceVersion)
            return (source.name, sourceVersion, stored)
        }
        if arguments.isEmpty {
            // Resume with the stored command line, as Oríon does for `orion hunt -n NAME`, its relative paths
            // read from the directory it was given in (Oríon stores them absolute): a job script may start anywhere.
            // Its configuration file is the stored copy and its option the stored one, as Oríon's parser state.
            // A new experiment branched from another (`--branch-from`) takes that one's command line, as in Oríon.
            var stored = try await context.storage.experiment(named: name, version: version)
            if stored == nil, let source = try await branchSource() {
                guard let parent = source.stored else {
                    // The parent is what is missing, not the new experiment (it said "no experiment named NEW yet").
                    throw UsageError(
                        "no experiment '\(source.name)'\(source.version.map { " version \($0)" } ?? "") to branch from;"
                            + " run `orion list` to see the stored ones"
                    )
                }
                stored = parent
            }
            guard let stored else {
                // `--branch-from` without version control: that is what to fix (probe p44a: adding the script led
                // to this error only then).
                try Self.checkBranchingIsEnabled(configuration.evc)
                throw UsageError("no experiment named '\(name)' yet: give the script and its priors after the options")
            }
            arguments = stored.metadata.userArgs
            commandDirectory = stored.metadata.startDirectory ?? currentDirectory
            (runDirectory, runDirectoryNote) = Self.runDirectory(forStored: commandDirectory, here: currentDirectory)
            storedConfigText = stored.metadata.scriptConfigText
            if !context.overridesStoredExperiment("worker.user_script_config", localFile: options.config),
                let option = stored.metadata.configOption
            {
                configOption = option
            }
        }
        func parse(
            _ rule: UserCommand.ValuesAfterAPrior,
            _ arguments: [String],
            in directory: String,
            config: String?
        ) throws -> UserCommand {
            try UserCommand(
                arguments: arguments,
                currentDirectory: directory,
                environmentPath: environment["PATH"],
                configOption: configOption,
                storedConfigText: config,
                valuesAfterAPrior: rule
            )
        }
        var command = try parse(.keepPrior, arguments, in: commandDirectory, config: storedConfigText)
        // An experiment Oríon created (imported with scripts/import-orion.py) from a command line with a word after
        // a prior (`--a~'uniform(0, 1)' extra`) has no such dimension: Oríon read the option as a list. Its own
        // command line gives its space only when read Oríon's way: this one is then read that way too, so that it
        // resumes instead of being refused as changed (an experiment of ours keeps our reading).
        let existing = try await context.storage.experiment(named: name, version: version)
        if let existing, (try? Space(priors: command.priors)) != existing.space {
            func space(_ rule: UserCommand.ValuesAfterAPrior) -> Space? {
                let stored = try? parse(
                    rule,
                    existing.metadata.userArgs,
                    in: existing.metadata.startDirectory ?? commandDirectory,
                    config: existing.metadata.scriptConfigText
                )
                return stored.flatMap { try? Space(priors: $0.priors) }
            }
            if space(.keepPrior) != existing.space, space(.orionList) == existing.space {
                command = try parse(.orionList, arguments, in: commandDirectory, config: storedConfigText)
            }
        }
        for note in command.notes { StandardStream.emit("note: \(note)\n", to: 2) }
        guard !command.priors.isEmpty else {
            throw UsageError(
                "no prior in the command line: mark a searched argument with a tilde, e.g. -x~'uniform(0, 1)'"
            )
        }
        let space = try Space(priors: command.priors)
        let branching = try Self.branching(configuration.evc, markers: command.markers)
        let scriptDirectory = ((command.script ?? command.executable) as NSString).deletingLastPathComponent
        let signatures = try command.configTemplate?.signatures()
        let metadata = ExperimentMetadata(
            user: configuration.experiment.user ?? ExperimentMetadata.currentUser(environment: environment),
            userScript: command.script,
            userArgs: arguments,
            startDirectory: commandDirectory,
            // Recorded with version control off or --ignore-code-changes too (not compared then): a run that does
            // not branch stores the code and the file's values it ran with, as Oríon, so that a later run with
            // version control on compares with them (it branched from the code of the first run).
            vcs: CodeVersion.git(at: scriptDirectory),
            scriptConfig: signatures?.current,
            scriptConfigText: command.configTemplate?.text,
            configOption: configOption,
            legacyScriptConfig: signatures?.legacy
        )
        // A stored experiment keeps its own values unless a flag or the -c file gives them (Oríon's precedence).
        let isStored = existing != nil
        if !isStored, configuration.evc.enable, !configuration.evc.ignoreCodeChanges, metadata.vcs == nil {
            // As Oríon warns (at every run; here once, when the experiment is made): version control then sees the
            // priors and the configuration, not the code.
            StandardStream.emit(
                "note: the script's directory \(scriptDirectory) is not in a git repository (or git is not"
                    + " installed): version control does not see changes to its code\n",
                to: 2
            )
        }
        if isStored, configuration.evc.enable, let source = configuration.evc.branchFrom {
            // The name is the parent once it exists (a resubmitted job resumes it): say that the flag is not used.
            StandardStream.emit(
                "note: --branch-from \(source) is not used: experiment '\(name)' exists, and this run resumes it (or"
                    + " makes its next version); give a new name with -n to branch from \(source)\n",
                to: 2
            )
        }
        // A new experiment branched from a stored one (`--branch-from`) keeps the parent's values the same way, as
        // `-n PARENT -b NEW` does (Oríon reads both as one request): the global file's and the environment's
        // configure new experiments, not children.
        let branchesFromStored = isStored ? false : try await branchSource()?.stored != nil
        func given<T>(_ key: String, _ value: T?) -> T? {
            !(isStored || branchesFromStored) || context.overridesStoredExperiment(key, localFile: options.config)
                ? value : nil
        }
        let request = ExperimentRequest(
            name: name,
            version: version,
            space: space,
            algorithm: given("experiment.algorithm", configuration.experiment.algorithm),
            maxTrials: given("experiment.max_trials", configuration.experiment.maxTrials),
            maxBroken: given("experiment.max_broken", context.explicitMaxBroken),
            workingDir: given("experiment.working_dir", configuration.experiment.workingDir).map { directory in
                // Given here to a command line that runs where it was first given: relative to here, and stored
                // absolute (later runs resolve a stored relative one where the command line runs).
                runDirectory == nil || directory.isEmpty || directory.hasPrefix("/")
                    ? directory : (currentDirectory as NSString).appendingPathComponent(directory)
            },
            metadata: metadata,
            branching: branching
        )
        // A stored relative working directory follows the stored command line: when that runs where it was first
        // given (``runDirectory(forStored:here:)``), so do its trials' directories (they went to a new directory here,
        // splitting the experiment's trials between two places). One given now is relative to here.
        let runner = HuntRunner(
            storage: context.storage,
            factory: AlgorithmRegistry.standard,
            environment: environment,
            currentDirectory: context.overridesStoredExperiment("experiment.working_dir", localFile: options.config)
                ? currentDirectory : runDirectory ?? currentDirectory
        )
        let executorKind = try HuntExecutorKind(configuration.worker.executor)
        if let note = HuntExecutorKind.note(
            for: configuration.worker.executor,
            source: configuration.sources["worker.executor"]
        ) {
            StandardStream.emit("note: \(note)\n", to: 2)
        }
        let slurm = configuration.worker.slurm.jobOptions
        if let workers = huntOptions.slurmArray, workers < 1 || workers > 100_000 {
            throw UsageError("--slurm-array must be a number of workers from 1 to 100000, not \(workers)")
        }
        let prepared: ExperimentBuilder.Outcome
        do {
            prepared = try await runner.prepare(request)
        } catch let error as AlgorithmError where request.algorithm != nil {
            throw Self.located(error, sources: configuration.sources)
        }
        let experiment = prepared.experiment
        for change in prepared.changes { StandardStream.emit("note: \(change)\n", to: 2) }
        if prepared.created, experiment.refers?.parentID == nil,
            let note = Self.markersNote(command.markers, experiment: experiment.displayName)
        {
            StandardStream.emit(note + "\n", to: 2)
        }
        if prepared.created, experiment.algorithm.name.lowercased() == "auto" {
            // The default picks an algorithm once, from the space and the budget: say which, since `orion info`
            // shows only `auto`.
            let choice = AutoSearch.choose(
                for: AlgorithmContext(space: experiment.space, maxTrials: experiment.maxTrials)
            )
            StandardStream.emit(
                "note: the default algorithm (auto) runs \(choice.rawValue) for this space and budget "
                    + "(docs/algorithms/auto.md); an orion `-c FILE` with `experiment: {algorithm: NAME}` picks another\n",
                to: 2
            )
        }
        if huntOptions.initOnly { return }
        if let workers = huntOptions.slurmArray {
            if let sqlite = context.storage as? SQLiteStorage {
                // Every task opens this file: on another node it is not there (or is on NFS, whose locks SQLite
                // cannot trust).
                StandardStream.emit(
                    "note: the tasks share the SQLite file \(sqlite.path): they must all run on this machine "
                        + "(--slurm-args --nodelist=\(ProcessInfo.processInfo.hostName)); across nodes use "
                        + "--storage postgresql://... (docs/distributed.md)\n",
                    to: 2
                )
            }
            // An interrupt while `sbatch` submits lets it finish, so that the job array it may submit is printed
            // (with what cancels it) rather than orphaned unseen; a second one ends `orion` at once.
            let interrupted = Mutex(false)
            signals.replaceHandler { force, _ in
                guard force else { return interrupted.withLock { $0 = true } }
                SignalForwarder.exitInterrupted()
            }
            try await submitArray(
                workers,
                experiment: experiment,
                runner: runner,
                options: slurm,
                configuration: configuration
            )
            if interrupted.withLock({ $0 }) {
                StandardStream.emit(
                    "note: interrupted while sbatch submitted the job array, which is submitted (above): scancel its"
                        + " id to stop it\n",
                    to: 2
                )
                print("Orion is interrupted.")
                throw ExitCode(130)
            }
            return
        }

        // A live line needs the terminal to itself: stdout piped on (`| tee log`, `| head`) reaches the same terminal
        // out of the line's sight, glued to it (probe p44h); then log lines, as off a terminal.
        var output = stat()
        let stdoutIsPipe = fstat(1, &output) == 0 && (output.st_mode & S_IFMT) == S_IFIFO
        let reporter = ProgressReporter(
            experiment: experiment,
            interactive: isatty(2) == 1 && !stdoutIsPipe,
            outputIsTerminal: isatty(1) == 1,
            heartbeat: configuration.worker.heartbeatDuration
        )
        await reporter.start(storage: context.storage)
        signals.replaceHandler { force, signal in
            runner.interrupt(force: force)
            if !force { reporter.noteStopping(signal: signal) }
        }
        let ticker = reporter.startTicking()
        let outcome: HuntOutcome
        do {
            defer {
                ticker?.cancel()
                signals.cancel()
                reporter.finish()
            }
            let workerConfiguration = WorkerConfiguration(
                concurrency: configuration.worker.executor.lowercased() == "singleexecutor"
                    ? 1 : configuration.worker.nWorkers,
                poolSize: configuration.worker.poolSize,
                maxTrials: configuration.worker.maxTrials,
                maxBroken: configuration.worker.maxBroken,
                idleTimeout: configuration.worker.idleTimeoutDuration,
                heartbeat: configuration.worker.heartbeatDuration
            )
            if let runDirectoryNote { StandardStream.emit(runDirectoryNote + "\n", to: 2) }
            // With version control on, each trial starts only with the code its version was made with (Oríon's
            // worker checks it before each trial): a commit during the hunt stops it instead of running new code here.
            let checkingCode =
                configuration.evc.enable && !configuration.evc.ignoreCodeChanges
                ? experiment.metadata.vcs.map { CodeCheck(directory: scriptDirectory, expected: $0) } : nil
            switch executorKind {
            case .pool:
                outcome = try await runner.run(
                    experiment,
                    command: command,
                    interruptCode: configuration.worker.interruptSignalCode,
                    trialTimeout: configuration.worker.trialTimeout,
                    pythonClient: pythonClient,
                    echo: reporter.echo,
                    configuration: workerConfiguration,
                    retention: retention(for: experiment, configuration: configuration),
                    startDirectory: runDirectory,
                    checkingCode: checkingCode,
                    onEvent: { reporter.handle($0) }
                )
            case .slurm:
                let executor = SlurmExecutor(
                    command: command,
                    startDirectory: runDirectory ?? currentDirectory,
                    options: slurm,
                    environment: try runner.trialEnvironment(pythonClient: pythonClient),
                    interruptCode: configuration.worker.interruptSignalCode,
                    trialTimeout: configuration.worker.trialTimeout
                )
                outcome = try await runner.run(
                    experiment,
                    executor: executor,
                    configuration: workerConfiguration,
                    retention: retention(for: experiment, configuration: configuration),
                    checkingCode: checkingCode,
                    onEvent: { reporter.handle($0) }
                )
            }
        } catch let interrupted as InterruptedHunt {
            for unsaved in interrupted.report.unsavedResults {
                StandardStream.emit("Warning: \(unsaved)\n", to: 2)
            }
            if interrupted.abandonedStorageCall {
                StandardStream.emit(
                    "note: a call still waiting (on the database, locked or unreachable, or on Slurm's controller) was"
                        + " abandoned; a trial it held goes back to the other workers\n",
                    to: 2
                )
            }
            if let failure = interrupted.summaryError {
                StandardStream.emit("note: the hunt's summary could not be read: \(failure)\n", to: 2)
            }
            print("Orion is interrupted.")
            throw ExitCode(130)
        } catch let error as StorageError where error.code == .notFound {
            // The experiment was removed under the hunt (`orion db rm`): say so, instead of an unknown id.
            guard (try? await context.storage.experiment(id: experiment.id)) ?? nil == nil else {
                // It is there again: replaced (`orion db load --resolve overwrite`) while the hunt ran.
                throw StorageError(
                    .notFound,
                    "experiment '\(experiment.name)' v\(experiment.version) changed under this hunt (replaced by"
                        + " `orion db load --resolve overwrite`, or trials removed): \(error.message); the hunt"
                        + " stopped, and results of trials that were running are not stored: run it again to go on"
                )
            }
            throw StorageError(
                .notFound,
                "experiment '\(experiment.name)' v\(experiment.version) was removed while this hunt ran (orion db rm?); "
                    + "the hunt stopped, and results of trials that were running are not stored"
            )
        }
        try printSummary(outcome, configuration: configuration)
    }

    /// The directory the scripts of a stored command line run in.
    ///
    /// Given where it was first given (`stored`) and the current directory: `stored` when it differs and exists
    /// here, so that the relative paths among its arguments (a data file, an output directory) mean what they meant
    /// then, as its script and `--config` file do; `nil` (the current directory) otherwise. With the note that says
    /// so, for when the trials are about to run (an error before that is the only line).
    static func runDirectory(forStored stored: String, here: String) -> (directory: String?, note: String?) {
        guard stored != here else { return (nil, nil) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: stored, isDirectory: &isDirectory), isDirectory.boolValue else {
            return (
                nil,
                "note: the stored command line was given in \(stored), which is not here: its scripts run in \(here)"
            )
        }
        return (
            stored,
            "note: the stored command line runs in \(stored), where it was given, so that its relative paths resolve"
                + " as they did then"
        )
    }

    /// Which trial directories the hunt keeps: everything with `--keep-all-trial-dirs`; else the last
    /// `worker.keep_trial_dirs` completed ones (and the best, and every broken or interrupted one) when it is given;
    /// else 100 of them in the default working directory, and everything in a working directory the user chose
    /// (Oríon keeps them all).
    func retention(for experiment: Experiment, configuration: OrionConfiguration) -> TrialDirectoryRetention {
        if huntOptions.keepAllTrialDirs { return .keepAll }
        if let keep = configuration.worker.keepTrialDirs { return TrialDirectoryRetention(keepCompleted: keep) }
        if let directory = experiment.workingDir, !directory.isEmpty { return .keepAll }
        return TrialDirectoryRetention(keepCompleted: TrialDirectoryRetention.defaultKeepCompleted)
    }

    /// Submits `workers` copies of this hunt as one Slurm job array, prints its job id and where its script and
    /// logs are, and returns (the workers run the trials).
    private func submitArray(
        _ workers: Int,
        experiment: Experiment,
        runner: HuntRunner,
        options: SlurmJobOptions,
        configuration: OrionConfiguration
    ) async throws {
        let directory = runner.workingDirectory(for: experiment)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw SlurmError("cannot create the working directory \(directory) for the job array's script: \(error)")
        }
        let array = SlurmArray(
            workers: workers,
            command: [Self.executablePath()] + SlurmArray.workerArguments(Array(CommandLine.arguments.dropFirst())),
            directory: currentDirectory,
            jobName: "orion-\(experiment.name)",
            outputPattern: directory + "/slurm-array-%A_%a.log",
            options: options
        )
        // Named after the experiment: two experiments given one `--working-dir` wrote one script, and resubmitting
        // the path printed for the first started workers of the second.
        let scriptPath = directory + "/slurm-array-\(experiment.name)-v\(experiment.version).sh"
        let jobID = try await array.submit(scriptPath: scriptPath, environment: environment)
        print(
            "Submitted \(workers) worker\(workers == 1 ? "" : "s") of '\(experiment.name)' as the Slurm job array "
                + jobID
        )
        print("  script: \(scriptPath)")
        print("  logs:   \(directory)/slurm-array-\(jobID)_<task>.log")
        print(
            "Follow them with `squeue -j \(jobID)` and "
                + "`\(statusCommand(for: experiment, configuration: configuration))`."
        )
    }

    /// `orion status` for the experiment, with this hunt's `--storage` or `-c` file when the storage came from
    /// them, so that the hint finds the same storage.
    func statusCommand(for experiment: Experiment, configuration: OrionConfiguration) -> String {
        (["orion", "status", "-n", Self.shellWord(experiment.name)] + locationArguments(configuration))
            .joined(separator: " ")
    }

    /// The arguments a command printed for the user needs to find this hunt's storage: its `--storage`, or its `-c`
    /// file when that file named the storage (the environment and the global file are there for the next command
    /// too); shell-quoted, a URL's password as `***` (printed, it would end in logs).
    func locationArguments(_ configuration: OrionConfiguration) -> [String] {
        var words: [String] = []
        if let storage = options.storage {
            words = ["--storage", PostgresAddress.redacted(storage)]
        } else if let config = options.config, let source = configuration.sources["storage.address"],
            source.hasPrefix("file \(config):") || source == "file \(config)"
        {
            words = ["-c", config]
        }
        return words.map(Self.shellWord)
    }

    /// Throws when the current directory was removed after the shell entered it.
    ///
    /// The scripts run there and failed one after the other ("getcwd: cannot access parent directories"), breaking
    /// trials up to the experiment's limit.
    static func checkCurrentDirectoryExists() throws {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) == nil, errno == ENOENT else { return }
        throw UsageError(
            "the current directory no longer exists (it was removed after this shell entered it): the scripts would "
                + "run there; cd to an existing directory and run orion hunt again"
        )
    }

    /// `word` as typed in a shell: as is when it has no character the shell reads, else quoted.
    static func shellWord(_ word: String) -> String {
        let plain =
            !word.isEmpty
            && word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-./:=@%+,".contains($0)) }
        return plain ? word : SlurmExecutor.shellQuoted(word)
    }

    /// The absolute path of the running `orion` (`/proc/self/exe` on Linux), for the job array's tasks.
    static func executablePath() -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        let first = CommandLine.arguments.first ?? "orion"
        guard !first.hasPrefix("/"), first.contains("/") else { return first }
        return FileManager.default.currentDirectoryPath + "/" + first
    }

    /// Whether the trials get the light Python client: unless `--no-python-client`, or `ORION_PYTHON_CLIENT` is
    /// `false`, `0`, `no` or `off` (any case).
    ///
    /// - Throws: ``ConfigurationError`` naming the variable when its value is not a boolean (a typo such as `flase`
    ///   turned the client on).
    func usesPythonClient() throws -> Bool {
        if huntOptions.noPythonClient { return false }
        guard let text = environment["ORION_PYTHON_CLIENT"], !text.isEmpty else { return true }
        guard let value = ConfigurationLoader.boolean(text) else {
            throw ConfigurationError(
                "environment variable ORION_PYTHON_CLIENT must be true or false (or 1/0, yes/no, on/off), not"
                    + " '\(text)'; set e.g. ORION_PYTHON_CLIENT=false"
            )
        }
        return value
    }

    /// `error` with its place in the configuration file in front, when a file gave the algorithm: the line of the
    /// option the message is about (`orion.yaml:5:7: unknown option 'sed' for algorithm 'tpe'; ...`), else the
    /// algorithm's; as it is otherwise (a flag, the environment).
    ///
    /// The option is the configured one the message names first as `option 'NAME'` or `options 'NAME', ...` (a
    /// message names the wrong option before any suggestion: `... (did you mean 'seed'?)`), else the first configured
    /// option named as a word outside quotes (`tpe: parallel_strategy 'default_result' must be ...`); a quoted value
    /// that spells an option's name (`not 'seed'`) is not one. With none, the place is the algorithm's.
    static func located(_ error: AlgorithmError, sources: [String: String]) -> AlgorithmError {
        let prefix = ConfigurationLoader.algorithmOptionPrefix
        let options = sources.filter { $0.key.hasPrefix(prefix) }.map {
            (String($0.key.dropFirst(prefix.count)), $0.value)
        }
        let message = error.message
        func first(_ position: (String) -> String.Index?) -> String? {
            options.compactMap { name, source in position(name).map { ($0, source) } }.min { $0.0 < $1.0 }?.1
        }
        let named = first { name in
            [message.range(of: "option '\(name)'"), message.range(of: "options '\(name)'")].compactMap {
                $0?.lowerBound
            }
            .min()
        }
        let mentioned = first { name in Self.unquotedWord(name, in: message) }
        guard let source = named ?? mentioned ?? sources["experiment.algorithm"], source.hasPrefix("file ") else {
            return error
        }
        return AlgorithmError(error.code, String(source.dropFirst("file ".count)) + ": " + message)
    }

    /// Where `word` first stands in `text` as a word of its own outside quotes (not `'word'`, not part of a longer
    /// name); `nil` when it does not.
    private static func unquotedWord(_ word: String, in text: String) -> String.Index? {
        func isNamePart(_ character: Character?) -> Bool {
            guard let character else { return false }
            return character.isLetter || character.isNumber || character == "_" || character == "'" || character == "-"
        }
        var start = text.startIndex
        while let range = text.range(of: word, range: start..<text.endIndex) {
            let before = range.lowerBound > text.startIndex ? text[text.index(before: range.lowerBound)] : nil
            let after = range.upperBound < text.endIndex ? text[range.upperBound] : nil
            if !isNamePart(before) && !isNamePart(after) { return range.lowerBound }
            start = range.upperBound
        }
        return nil
    }

    /// - Throws: `BranchingError` `.disabled` (a usage error) when `--branch-to` or `--branch-from` is given
    ///   without `--enable-evc`.
    static func checkBranchingIsEnabled(_ evc: OrionConfiguration.EVCSection) throws {
        guard !evc.enable, evc.branchTo != nil || evc.branchFrom != nil else { return }
        throw BranchingError(
            .disabled,
            "--branch-to and --branch-from need experiment version control: add --enable-evc"
                + " (or ORION_EVC_ENABLE=true, or evc: {enable: true} in the configuration file)"
        )
    }

    /// The experiment version control request of the `evc` settings and the command line's markers; `nil` when
    /// version control is disabled.
    ///
    /// - Throws: `BranchingError` `.disabled` (a usage error) when `--branch-to` or `--branch-from` is given
    ///   without `--enable-evc`.
    static func branching(
        _ evc: OrionConfiguration.EVCSection,
        markers: BranchingMarkers
    ) throws -> BranchingRequest? {
        guard evc.enable else {
            try checkBranchingIsEnabled(evc)
            return nil
        }
        let source = evc.branchFrom.map(BranchingRequest.parseSource)
        return BranchingRequest(
            policy: BranchingPolicy(
                markers: markers,
                algorithmChange: evc.algorithmChange,
                codeChangeType: evc.codeChangeType,
                commandLineChangeType: evc.cliChangeType,
                configChangeType: evc.configChangeType,
                ignoreCodeChanges: evc.ignoreCodeChanges,
                nonMonitoredArguments: evc.nonMonitoredArguments,
                manualResolution: evc.manualResolution
            ),
            branchTo: evc.branchTo,
            branchFrom: source?.name,
            branchFromVersion: source?.version
        )
    }

    /// The note for removal and renaming markers (`--gone~-`, `--old~>new`) on an experiment made without a parent.
    ///
    /// They mark changes from a stored version, and there is none, so they change nothing (they vanished in silence,
    /// neither dimensions nor script arguments; hBH's probe).
    ///
    /// - Parameters:
    ///   - markers: the command line's markers.
    ///   - experiment: the new experiment's display name.
    /// - Returns: the note, or `nil` when there are no such markers.
    static func markersNote(_ markers: BranchingMarkers, experiment: String) -> String? {
        let written =
            markers.removals.keys.sorted().map { "'\(Conflict.flag($0))~-'" }
            + markers.renames.sorted(by: { $0.key < $1.key }).map { "'\(Conflict.marker($0.key, $0.value))'" }
        guard !written.isEmpty else { return nil }
        let (marks, does) = written.count == 1 ? ("marks a change", "it does") : ("mark changes", "they do")
        return
            "note: \(written.joined(separator: ", ")) \(marks) from a stored version, and \(experiment) is new: \(does)"
            + " nothing (not passed to the script)"
    }

    /// Checks the working directory as ``HuntRunner/checkWorkingDirectory(_:environment:currentDirectory:)`` does.
    ///
    /// - Throws: `HuntError` saying what is wrong with the directory and which setting to change.
    static func checkWorkingDirectory(_ configured: String?, environment: [String: String]) throws {
        try HuntRunner.checkWorkingDirectory(configured, environment: environment)
    }

    private func printSummary(_ outcome: HuntOutcome, configuration: OrionConfiguration) throws {
        var outcome = outcome
        // The experiment's limit reached as well (both are 3 by default): its way out is the one the next run needs;
        // the worker's advice, to run the hunt again, failed at once (hBO's probe).
        if outcome.report.stopReason == .workerMaxBroken,
            outcome.summary.stats.broken >= outcome.summary.experiment.maxBroken
        {
            outcome.report.stopReason = .experimentBroken
        }
        let report = outcome.report
        for unsaved in report.unsavedResults {
            StandardStream.emit("Warning: \(unsaved)\n", to: 2)
        }
        if report.stopReason == .interrupted {
            print("Orion is interrupted.")
            throw ExitCode(130)
        }
        // Why the hunt stopped is ours (Oríon does not say): on stderr, so that stdout is Oríon's text.
        let stats = outcome.summary.stats
        var why = "\(report.stopReason)"
        if report.stopReason == .experimentDone {
            // Which of the two it was.
            why =
                stats.reachedMaxTrials
                ? "the experiment is done: it has its max trials completed"
                : "the experiment is done: its algorithm has nothing left to suggest"
        }
        StandardStream.emit("Stopped: \(why).\n", to: 2)
        if report.stopReason == .experimentDone, stats.reachedMaxTrials, stats.inheritedCompleted > 0 {
            StandardStream.emit(
                "note: the \(stats.inheritedCompleted) completed trials of its parent versions count toward its max"
                    + " trials (\(stats.maxTrials.map(String.init) ?? "")), as in Oríon\n",
                to: 2
            )
        }
        print(Self.summaryText(outcome, location: locationArguments(configuration)), terminator: "")
        if report.stopReason == .cannotStart {
            StandardStream.emit("Error: \(report.lastFailure ?? "a trial could not be started")\n", to: 2)
            throw ExitCode(1)
        }
        if outcome.isFailure {
            let stats = outcome.summary.stats
            let experiment = outcome.summary.experiment
            let reason = report.lastFailure.map { ": last failure: \($0)" } ?? ""
            // A worker stopped by its own limit counts its own trials, and says how many the experiment has.
            let broke =
                report.stopReason == .workerMaxBroken
                ? "\(report.broken) \(report.broken == 1 ? "trial" : "trials") of this worker broke"
                    + " (\(stats.broken) in the experiment)"
                : "\(stats.broken) \(stats.broken == 1 ? "trial" : "trials") broke"
            StandardStream.emit(
                "Error: \(broke)\(reason);"
                    + " see `\(statusCommand(for: experiment, configuration: configuration)) --all`"
                    + " and the orion.stderr.log in each trial's directory"
                    + (report.lastFailureLog.map { " (the last one's: \($0))" } ?? "") + "\n",
                to: 2
            )
            switch report.stopReason {
            case .experimentBroken:
                // Oríon's users did not find the way out (Oríon issue #1128).
                let remove =
                    (["orion", "db", "rm", Self.shellWord(experiment.name), "-v", "\(experiment.version)"]
                    + locationArguments(configuration) + ["-s", "broken", "-f"]).joined(separator: " ")
                StandardStream.emit(
                    "note: once the cause is fixed, go on with `\(remove)` (removes the broken trials) or a higher"
                        + " --exp-max-broken (now \(experiment.maxBroken))\n",
                    to: 2
                )
            case .workerMaxBroken:
                StandardStream.emit(
                    "note: this worker's limit; once the cause is fixed, run the hunt again (or with a higher"
                        + " --worker-max-broken)\n",
                    to: 2
                )
            default: break
            }
            throw ExitCode(1)
        }
    }

    /// What `orion hunt` prints on stdout at the end, as Oríon's `hunt`: the outcome's first line (`Search finished
    /// successfully`, or why the workers stopped), the `Stats` block, the `Hints` with the `orion info` command and,
    /// when the experiment is not done, the `orion status` commands.
    ///
    /// - Parameters:
    ///   - outcome: how the hunt ended.
    ///   - location: the arguments the commands need to find the experiment's storage (``locationArguments(_:)``).
    /// - Returns: the text.
    static func summaryText(_ outcome: HuntOutcome, location: [String] = []) -> String {
        let experiment = outcome.summary.experiment
        let stats = outcome.summary.stats
        let done = outcome.report.stopReason == .experimentDone || outcome.summary.isDone
        let which = (["--name", shellWord(experiment.name), "--version", "\(experiment.version)"] + location)
            .joined(separator: " ")
        var text = ""
        switch outcome.report.stopReason {
        case .workerMaxBroken: text += "Worker has reached broken trials threshold\n"
        case .experimentBroken: text += "Trials failed too many times\n"
        case .experimentDone: text += "Search finished successfully\n"
        case .workerMaxTrials, .idle, .stalled, .interrupted, .cannotStart: break
        }
        text += "\n" + Formatting.stats(stats, done: done) + "\n\n"
        text += "Hints\n=====\n\nInfo\n----\n\nTo get more information on the experiment, run the command\n\n"
        text += "orion info \(which)\n\n\n"
        if !done {
            text += "Status\n------\n\nTo get the status of the trials, run the command\n\n"
            text += "orion status \(which)\n\n\n"
            text += "For a detailed view with status of each trial listed, use the argument `--all`\n\n"
            text += "orion status \(which) --all\n\n\n"
        }
        return text
    }
}
