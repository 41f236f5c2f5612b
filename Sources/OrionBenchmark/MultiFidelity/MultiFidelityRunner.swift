import Foundation
import OrionAlgorithms
import OrionCore
import OrionWorker

/// Runs algorithms on multi-fidelity tasks with a budget of total fidelity, through the library's real path.
///
/// Each run builds an experiment with `ExperimentClient.build` on an `InMemoryStorage` and loops: reserve the next
/// trial, stop if its fidelity would take the total past the budget (the trial is released), evaluate it, report
/// it. A script task runs each trial as `orion hunt` does, through `ProcessExecutor` (argv with the trial's values,
/// the `ORION_*` environment, a working directory per trial, the results file), in a scratch directory deleted
/// afterwards.
public struct MultiFidelityRunner: Sendable {
    /// The algorithms available.
    public var factory: AlgorithmRegistry

    /// Creates a runner.
    ///
    /// - Parameter factory: the algorithms available (`AlgorithmRegistry.standard`).
    public init(factory: AlgorithmRegistry = .standard) {
        self.factory = factory
    }

    /// Runs `algorithm` on `task` once.
    ///
    /// - Parameters:
    ///   - algorithm: the algorithm; its `seed` option, when unset, is the run's seed.
    ///   - task: the task.
    ///   - budget: the total fidelity the run may spend.
    ///   - seed: the run's seed (also the task's noise or training seed).
    /// - Returns: the run.
    /// - Throws: ``BenchmarkError`` for a bad budget, a broken trial or a run without any trial; the algorithm's,
    ///   the storage's and the command's errors.
    public func run(
        _ algorithm: AlgorithmConfig,
        on task: MultiFidelityTask,
        budget: Double,
        seed: Int
    ) async throws -> MultiFidelityRun {
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
        defer { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }
        switch task.objective {
        case .function(let function):
            evaluate = { trial, _ in try function(trial.params, seed) }
        case .script(let arguments):
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "orion-mf-\(UUID().uuidString)"
            ).path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            scratch = directory
            let command = try UserCommand(
                arguments: arguments + ["--seed", String(seed)],
                currentDirectory: FileManager.default.currentDirectoryPath,
                environmentPath: ProcessInfo.processInfo.environment["PATH"]
            )
            priors = command.priors
            let executor = ProcessExecutor(command: command, echoOutput: false)
            evaluate = { trial, client in
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
                    return MultiFidelityTask.Evaluation(value: value, clean: value)
                case .broken(let reason, _, let detail):
                    throw BenchmarkError(
                        .incompleteRun,
                        "\(task.name): trial \(trial.params) broke: \(reason)\(detail.map { " (\($0))" } ?? "");"
                            + " check the interpreter (--python) and the script (--script)"
                    )
                case .interrupted:
                    throw BenchmarkError(.incompleteRun, "\(task.name): trial \(trial.id) was interrupted")
                }
            }
        }
        guard let fidelity = try Space(priors: priors).fidelity else {
            throw BenchmarkError(.invalidConfiguration, "task '\(task.name)' has no fidelity dimension")
        }
        let clock = ContinuousClock()
        let start = clock.now
        let client = try await ExperimentClient.build(
            name: "mf-\(task.name)-\(algorithm.name)-\(seed)",
            space: priors,
            algorithm: seeded,
            maxBroken: 1,
            storage: InMemoryStorage(),
            factory: factory
        )
        var fidelities: [Double] = []
        var values: [Double] = []
        var regrets: [Double?] = []
        var spent = 0.0
        while let trial = try await client.suggest() {
            guard let cost = trial.params[fidelity.name]?.doubleValue else {
                throw BenchmarkError(.badPoint, "trial \(trial.id) of \(task.name) has no fidelity '\(fidelity.name)'")
            }
            if spent + cost > budget + 1e-9 {
                try await client.release(trial)
                break
            }
            let evaluation = try await evaluate(trial, client)
            try await client.observe(trial, objective: evaluation.value)
            spent += cost
            fidelities.append(cost)
            values.append(evaluation.value)
            regrets.append(cost >= task.maxFidelity - 1e-9 ? evaluation.clean - task.optimum : nil)
        }
        let elapsed = clock.now - start
        guard !values.isEmpty else {
            throw BenchmarkError(.incompleteRun, "\(algorithm.name) on \(task.name) (seed \(seed)) ran no trial")
        }
        return MultiFidelityRun(
            seed: seed,
            wallSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
            fidelities: fidelities,
            values: values,
            regrets: regrets
        )
    }

    /// Runs `algorithm` on `task` once per seed and gathers the runs in a result file.
    ///
    /// - Parameters:
    ///   - algorithm: the algorithm.
    ///   - label: its label in the result file; its name when `nil`.
    ///   - task: the task.
    ///   - budget: the total fidelity per run; the task's ``MultiFidelityTask/budget`` when `nil`.
    ///   - seeds: the seeds.
    ///   - progress: called after each run.
    /// - Returns: the result file (not written).
    /// - Throws: what ``run(_:on:budget:seed:)`` throws.
    public func runAll(
        _ algorithm: AlgorithmConfig,
        label: String? = nil,
        on task: MultiFidelityTask,
        budget: Double? = nil,
        seeds: [Int],
        progress: (MultiFidelityRun) -> Void = { _ in }
    ) async throws -> MultiFidelityResultFile {
        let budget = budget ?? task.budget
        var runs: [MultiFidelityRun] = []
        for seed in seeds {
            let run = try await run(algorithm, on: task, budget: budget, seed: seed)
            progress(run)
            runs.append(run)
        }
        let options = try factory.resolve(algorithm).options
        let rendered = options.keys.sorted().map { key in
            "\(key): \(key == "seed" && algorithm.options["seed"] == nil ? "seed" : "\(options[key] ?? .null)")"
        }
        return MultiFidelityResultFile(
            algorithm: label ?? algorithm.name,
            task: task.name,
            optimum: task.optimum,
            maxFidelity: task.maxFidelity,
            budget: budget,
            notes: "swift-orion \(algorithm.name) {\(rendered.joined(separator: ", "))}; in-memory storage; 1 worker;"
                + " a trial that would pass the budget is not run",
            runs: runs
        )
    }
}
