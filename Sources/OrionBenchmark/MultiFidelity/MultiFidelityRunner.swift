import Foundation
import OrionAlgorithms
import OrionCore
import OrionWorker

/// Runs algorithms on multi-fidelity tasks with a budget of total fidelity, through the library's real path.
///
/// Each run builds an experiment with `ExperimentClient.build` on an `InMemoryStorage` and loops: reserve the next
/// trial, stop if its cost would take the total past the budget (the trial is released), evaluate it, report it.
/// A script task gets a scratch directory per run (deleted afterwards) with a working directory per trial, where
/// the script keeps its checkpoint; a trial with a parent is given the parent's directory. The script runs either
/// as `orion hunt` runs it, one process per trial through `ProcessExecutor` (argv with the trial's values, the
/// `ORION_*` environment, the results file), or, for a script that `serves`, as one long-lived
/// `python script --serve` process per run (``PythonLineEvaluator``) that does per request what the process does.
public struct MultiFidelityRunner: Sendable {
    /// The algorithms available.
    public var factory: AlgorithmRegistry
    /// Whether a script that serves still runs one process per trial (`ProcessExecutor`), as `orion hunt` does.
    public var processPerTrial: Bool

    /// Creates a runner.
    ///
    /// - Parameters:
    ///   - factory: the algorithms available (`AlgorithmRegistry.standard`).
    ///   - processPerTrial: run every trial of a script task as its own process, even when the script serves.
    public init(factory: AlgorithmRegistry = .standard, processPerTrial: Bool = false) {
        self.factory = factory
        self.processPerTrial = processPerTrial
    }

    /// Runs `algorithm` on `task` once.
    ///
    /// - Parameters:
    ///   - algorithm: the algorithm; its `seed` option, when unset, is the run's seed.
    ///   - task: the task.
    ///   - budget: the total fidelity the run may spend.
    ///   - accounting: how the budget is counted: every trial from scratch (Oríon's convention), or a trial with a
    ///     parent for the fidelity beyond its parent's.
    ///   - seed: the run's seed (also the task's noise or training seed).
    ///   - workers: how many workers are simulated (``SimulatedWorkers``): 1 runs the trials one after the other.
    /// - Returns: the run.
    /// - Throws: ``BenchmarkError`` for a bad budget or worker count, a broken trial or a run without any trial; the
    ///   algorithm's, the storage's and the command's errors.
    public func run(
        _ algorithm: AlgorithmConfig,
        on task: MultiFidelityTask,
        budget: Double,
        accounting: MultiFidelityAccounting = .scratch,
        seed: Int,
        workers: Int = 1
    ) async throws -> MultiFidelityRun {
        guard workers >= 1 else {
            throw BenchmarkError(.invalidConfiguration, "the number of workers must be at least 1, not \(workers)")
        }
        guard budget >= task.maxFidelity else {
            throw BenchmarkError(
                .invalidConfiguration,
                "the fidelity budget (\(budget)) must cover at least one trial at full fidelity (\(task.maxFidelity))"
            )
        }
        let seeded = try BenchmarkRunner(factory: factory).seeded(algorithm, seed: seed)
        let evaluate: @Sendable (Trial, ExperimentClient) async throws -> MultiFidelityTask.Evaluation
        var priors = task.priors
        var scratch: String?
        var server: PythonLineEvaluator?
        defer {
            server?.close()
            if let scratch {
                try? FileManager.default.removeItem(atPath: scratch)
                ScratchFiles.forget(scratch)
            }
        }
        switch task.objective {
        case .function(let function):
            evaluate = { trial, _ in try function(trial.params, seed) }
        case .script(let arguments, let serves):
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "orion-mf-\(UUID().uuidString)"
            ).path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            scratch = directory
            ScratchFiles.add(directory)
            let command = try UserCommand(
                arguments: arguments + ["--seed", String(seed)],
                currentDirectory: FileManager.default.currentDirectoryPath,
                environmentPath: ProcessInfo.processInfo.environment["PATH"]
            )
            priors = command.priors
            if serves && !processPerTrial, arguments.count >= 2 {
                let evaluator = try PythonLineEvaluator(python: arguments[0], script: arguments[1])
                server = evaluator
                evaluate = { trial, _ in
                    try Self.serve(trial, task: task, evaluator: evaluator, directory: directory, seed: seed)
                }
            } else {
                let executor = ProcessExecutor(command: command, echoOutput: false)
                evaluate = { trial, client in
                    try await Self.execute(trial, task: task, executor: executor, client: client, directory: directory)
                }
            }
        }
        guard let fidelity = try Space(priors: priors).fidelity else {
            throw BenchmarkError(.invalidConfiguration, "task '\(task.name)' has no fidelity dimension")
        }
        let clock = ContinuousClock()
        let start = clock.now
        let client = try await ExperimentClient.build(
            name: SafeName.of("mf-\(task.name)-\(algorithm.name)-\(seed)", maximumLength: ExperimentName.maximumLength),
            space: priors,
            algorithm: seeded,
            maxBroken: 1,
            storage: InMemoryStorage(),
            factory: factory
        )
        var trials = SimulatedWorkers(workers: workers, budget: budget, accounting: accounting)
        try await trials.run(client: client, fidelity: fidelity.name, task: task, evaluate: evaluate)
        let elapsed = clock.now - start
        guard !trials.values.isEmpty else {
            throw BenchmarkError(.incompleteRun, "\(algorithm.name) on \(task.name) (seed \(seed)) ran no trial")
        }
        return MultiFidelityRun(
            seed: seed,
            wallSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
            fidelities: trials.fidelities,
            values: trials.values,
            regrets: trials.regrets,
            paid: trials.paid,
            times: workers > 1 ? trials.times : nil
        )
    }

    /// The fidelity a trial at `level` trains when it continues from a parent that completed `parentLevel`: the
    /// difference, or the whole level without a parent (or with one above it, whose checkpoint cannot be used).
    ///
    /// - Parameters:
    ///   - level: the trial's fidelity.
    ///   - parentLevel: the parent's fidelity, `nil` without a completed parent.
    /// - Returns: the fidelity trained.
    public static func increment(level: Double, parentLevel: Double?) -> Double {
        guard let parentLevel, parentLevel <= level else { return level }
        return level - parentLevel
    }

    /// One trial through the script's `--serve` process: the request carries the trial's values (the fidelity's
    /// included), the run's seed, the trial's working directory and its parent's.
    static func serve(
        _ trial: Trial,
        task: MultiFidelityTask,
        evaluator: PythonLineEvaluator,
        directory: String,
        seed: Int
    ) throws -> MultiFidelityTask.Evaluation {
        let workingDirectory = directory + "/" + trial.id
        try FileManager.default.createDirectory(atPath: workingDirectory, withIntermediateDirectories: true)
        var params: [String: JSONValue] = [:]
        for param in trial.params {
            params[param.name.hasPrefix("/") ? String(param.name.dropFirst()) : param.name] = param.value
        }
        let request = JSONValue.object([
            "params": .object(params),
            "seed": .int(seed),
            "working_dir": .string(workingDirectory),
            "parent_working_dir": trial.parent.map { .string(directory + "/" + $0) } ?? .null,
        ])
        let reply: JSONValue
        do {
            reply = try evaluator.evaluate(request)
        } catch {
            throw BenchmarkError(.incompleteRun, "\(task.name): trial \(trial.params) failed in the script: \(error)")
        }
        guard case .object(let fields) = reply, let value = fields["objective"]?.doubleValue else {
            throw BenchmarkError(.incompleteRun, "\(task.name): the script's reply has no objective: \(reply)")
        }
        return MultiFidelityTask.Evaluation(value: value, clean: value, trained: fields["trained_epochs"]?.doubleValue)
    }

    /// One trial as its own process, as `orion hunt` runs it.
    static func execute(
        _ trial: Trial,
        task: MultiFidelityTask,
        executor: ProcessExecutor,
        client: ExperimentClient,
        directory: String
    ) async throws -> MultiFidelityTask.Evaluation {
        let workingDirectory = directory + "/" + trial.id
        try FileManager.default.createDirectory(atPath: workingDirectory, withIntermediateDirectories: true)
        let context = TrialContext(
            experiment: client.experiment,
            trial: trial,
            workingDirectory: workingDirectory,
            experimentWorkingDirectory: directory
        )
        switch await executor.execute(context) {
        case .completed(let results):
            guard let value = results.first(where: { $0.type == .objective })?.value.doubleValue else {
                throw BenchmarkError(.incompleteRun, "\(task.name): trial \(trial.id) reported no objective")
            }
            let trained = results.first { $0.name == "trained_epochs" }?.value.doubleValue
            return MultiFidelityTask.Evaluation(value: value, clean: value, trained: trained)
        case .broken(let reason, _, let detail):
            throw BenchmarkError(
                .incompleteRun,
                "\(task.name): trial \(trial.params) broke: \(reason)\(detail.map { " (\($0))" } ?? "");"
                    + " check the interpreter (--python) and the scripts (--scripts)"
            )
        case .interrupted, .requeued, .notStarted:
            throw BenchmarkError(.incompleteRun, "\(task.name): trial \(trial.id) was interrupted")
        }
    }

    /// Runs `algorithm` on `task` once per seed and gathers the runs in a result file.
    ///
    /// - Parameters:
    ///   - algorithm: the algorithm.
    ///   - label: its label in the result file; its name when `nil`.
    ///   - task: the task.
    ///   - budget: the total fidelity per run; the task's ``MultiFidelityTask/budget`` when `nil`.
    ///   - accounting: how the budget is counted.
    ///   - seeds: the seeds.
    ///   - workers: how many workers each run simulates.
    ///   - progress: called after each run.
    /// - Returns: the result file (not written).
    /// - Throws: what ``run(_:on:budget:accounting:seed:workers:)`` throws.
    public func runAll(
        _ algorithm: AlgorithmConfig,
        label: String? = nil,
        on task: MultiFidelityTask,
        budget: Double? = nil,
        accounting: MultiFidelityAccounting = .scratch,
        seeds: [Int],
        workers: Int = 1,
        progress: (MultiFidelityRun) -> Void = { _ in }
    ) async throws -> MultiFidelityResultFile {
        let budget = budget ?? task.budget
        var runs: [MultiFidelityRun] = []
        for seed in seeds {
            let run = try await run(
                algorithm,
                on: task,
                budget: budget,
                accounting: accounting,
                seed: seed,
                workers: workers
            )
            progress(run)
            runs.append(run)
        }
        let options = try factory.resolve(algorithm).options
        let counted = accounting == .scratch ? "from scratch" : "with resumption"
        let rendered = options.keys.sorted().map { key in
            "\(key): \(key == "seed" && algorithm.options["seed"] == nil ? "seed" : (options[key] ?? .null).pythonRepr)"
        }
        return Self.resultFile(
            algorithm,
            label: label,
            on: task,
            budget: budget,
            accounting: accounting,
            workers: workers,
            notes: "swift-orion \(algorithm.name) {\(rendered.joined(separator: ", "))}; in-memory storage;"
                + (workers == 1
                    ? " 1 worker;"
                    : " \(workers) simulated workers (a trial lasts the epochs it trains, results in finishing order);")
                + " a trial that would pass the budget (counted \(counted)) is not run",
            runs: runs
        )
    }

    /// The result file of `algorithm` on `task` holding `runs` (parameters as ``runAll(_:label:on:budget:accounting:
    /// seeds:workers:progress:)`` takes them); without runs, the file a stored one is checked against before anything
    /// runs (``ResultFileWriter/check(_:)``).
    public static func resultFile(
        _ algorithm: AlgorithmConfig,
        label: String? = nil,
        on task: MultiFidelityTask,
        budget: Double? = nil,
        accounting: MultiFidelityAccounting = .scratch,
        workers: Int = 1,
        notes: String = "",
        runs: [MultiFidelityRun] = []
    ) -> MultiFidelityResultFile {
        MultiFidelityResultFile(
            algorithm: label ?? algorithm.name,
            task: task.name,
            optimum: task.optimum,
            maxFidelity: task.maxFidelity,
            budget: budget ?? task.budget,
            accounting: accounting,
            workers: workers,
            notes: notes,
            runs: runs
        )
    }
}
