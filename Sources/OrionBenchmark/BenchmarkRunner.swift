import Foundation
import OrionAlgorithms
import OrionCore
import OrionSQLite
import OrionWorker
import Synchronization

/// Where a benchmark run keeps its experiment.
public enum BenchmarkStorage: String, Sendable, CaseIterable, Codable {
    /// `InMemoryStorage`: measures the algorithm and the driver, not the disk.
    case memory
    /// A fresh SQLite file per run (WAL), deleted afterwards: the storage `orion hunt` uses.
    case sqlite
}

/// One algorithm configuration on one task: what a result file holds.
public struct BenchmarkConfiguration: Sendable {
    /// The algorithm and its options; a `seed` option, when the algorithm has one and it is not given, is set to
    /// each run's seed.
    public var algorithm: AlgorithmConfig
    /// The algorithm's label in result files; its name when `nil`.
    public var name: String?
    /// The task.
    public var task: BenchmarkTask
    /// Trials per run.
    public var budget: Int
    /// Concurrent workers, each its own `ExperimentClient` on the shared storage.
    public var workers: Int
    /// Where the experiment is kept.
    public var storage: BenchmarkStorage
    /// The directory for SQLite files; the temporary directory when `nil`.
    public var scratchDirectory: String?

    /// Creates a configuration.
    ///
    /// - Parameters:
    ///   - algorithm: the algorithm and its options.
    ///   - name: the algorithm's label in result files (its name by default).
    ///   - task: the task.
    ///   - budget: trials per run; the task's default when `nil`.
    ///   - workers: concurrent workers (1 by default).
    ///   - storage: in memory (the default) or SQLite.
    ///   - scratchDirectory: where SQLite files go.
    public init(
        algorithm: AlgorithmConfig,
        name: String? = nil,
        task: BenchmarkTask,
        budget: Int? = nil,
        workers: Int = 1,
        storage: BenchmarkStorage = .memory,
        scratchDirectory: String? = nil
    ) {
        self.algorithm = algorithm
        self.name = name
        self.task = task
        self.budget = budget ?? task.defaultBudget
        self.workers = workers
        self.storage = storage
        self.scratchDirectory = scratchDirectory
    }

    /// The algorithm's label in result files: ``name`` (or the algorithm's name), with `-w<n>` for more than one
    /// worker and `-sqlite` on SQLite.
    public var label: String {
        (name ?? algorithm.name) + (workers > 1 ? "-w\(workers)" : "") + (storage == .sqlite ? "-sqlite" : "")
    }
}

/// Runs algorithms on benchmark tasks in process, through the library's real path.
///
/// An experiment is built by `ExperimentClient.build` on a real storage, trials are produced by the
/// `AlgorithmDriver` under the storage's algorithm lock, reserved with owner tokens and reported by
/// `ExperimentClient.observe`, exactly as a user's `workon` loop does. With several workers, each is its own client on the shared storage, running concurrently.
public struct BenchmarkRunner: Sendable {
    /// The algorithms available.
    public var factory: AlgorithmRegistry

    /// Creates a runner.
    ///
    /// - Parameter factory: the algorithms available (`AlgorithmRegistry.standard`).
    public init(factory: AlgorithmRegistry = .standard) {
        self.factory = factory
    }

    /// The algorithm configuration of one run: `seed` set to `seed` when the algorithm has that option and the
    /// configuration leaves it unset.
    ///
    /// - Parameters:
    ///   - algorithm: the configuration as given.
    ///   - seed: the run's seed.
    /// - Returns: the configuration to run.
    /// - Throws: `AlgorithmError` for an unknown algorithm or option.
    public func seeded(_ algorithm: AlgorithmConfig, seed: Int) throws -> AlgorithmConfig {
        let resolved = try factory.resolve(algorithm)
        guard resolved.options.keys.contains("seed"),
            algorithm.options["seed"] == nil || algorithm.options["seed"] == .null
        else { return algorithm }
        var options = algorithm.options
        options["seed"] = .int(seed)
        return AlgorithmConfig(name: algorithm.name, options: options)
    }

    /// Whether every seed's run of `configuration` is the same.
    ///
    /// That is an algorithm without a `seed` option (grid search) with one worker. Oríon's benchmark runs such a
    /// deterministic algorithm once per task; so does ours.
    ///
    /// - Parameter configuration: the algorithm, task and workers.
    /// - Returns: true when one run stands for every seed.
    /// - Throws: `AlgorithmError` for an unknown algorithm.
    public func isDeterministic(_ configuration: BenchmarkConfiguration) throws -> Bool {
        let seeded = try factory.resolve(configuration.algorithm).options.keys.contains("seed")
        return configuration.workers == 1 && !seeded
    }

    /// The seeds to run of `seeds`: the first only when ``isDeterministic(_:)``, else all of them.
    ///
    /// - Parameters:
    ///   - configuration: the algorithm, task and workers.
    ///   - seeds: the seeds asked for.
    /// - Returns: the seeds to run.
    /// - Throws: `AlgorithmError` for an unknown algorithm.
    public func seedsToRun(_ configuration: BenchmarkConfiguration, of seeds: [Int]) throws -> [Int] {
        try isDeterministic(configuration) ? Array(seeds.prefix(1)) : seeds
    }

    /// Runs `configuration` once with `seed`.
    ///
    /// - Parameters:
    ///   - configuration: the algorithm, task, budget, workers and storage.
    ///   - seed: the seed.
    /// - Returns: the run: values in completion order, best so far, wall time, best parameters.
    /// - Throws: ``BenchmarkError`` for a bad configuration or a run that stopped early; the algorithm's, the
    ///   storage's and the task's errors.
    public func run(_ configuration: BenchmarkConfiguration, seed: Int) async throws -> BenchmarkRun {
        guard configuration.budget >= 1, configuration.workers >= 1 else {
            throw BenchmarkError(
                .invalidConfiguration,
                "budget (\(configuration.budget)) and workers (\(configuration.workers)) must be at least 1"
            )
        }
        let algorithm = try seeded(configuration.algorithm, seed: seed)
        let task = configuration.task
        var databasePath: String?
        let storage: any Storage
        switch configuration.storage {
        case .memory:
            storage = InMemoryStorage()
        case .sqlite:
            let directory = configuration.scratchDirectory ?? FileManager.default.temporaryDirectory.path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let path = (directory as NSString).appendingPathComponent("orion-benchmark-\(UUID().uuidString).db")
            databasePath = path
            ScratchFiles.add(path)
            // Removed on purpose when the run is interrupted (``ScratchFiles``): a write meanwhile saves no copy.
            storage = try SQLiteStorage(path: path, savesWhenRemoved: false)
        }
        defer {
            if let databasePath {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    try? FileManager.default.removeItem(atPath: databasePath + suffix)
                }
                ScratchFiles.forget(databasePath)
            }
        }
        let recorder = Recorder()
        // Opened before the clock starts: an interpreter's start-up is not the algorithm's cost.
        let evaluator = try task.makeEvaluator()
        defer { evaluator.close() }
        let clock = ContinuousClock()
        let start = clock.now
        let client = try await ExperimentClient.build(
            // Internal, and valid whatever the label holds (nested options: braces, quotes; many options).
            name: SafeName.of(
                "benchmark-\(task.name)-\(configuration.label)-\(seed)",
                maximumLength: ExperimentName.maximumLength
            ),
            space: task.priors,
            algorithm: algorithm,
            maxTrials: configuration.budget,
            maxBroken: configuration.budget,
            storage: storage,
            factory: factory
        )
        if configuration.workers == 1 {
            try await Self.work(client, evaluator: evaluator, recorder: recorder)
        } else {
            let host = WorkerConfiguration.defaultWorkerName()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<configuration.workers {
                    let worker = ExperimentClient(
                        experiment: client.experiment,
                        storage: storage,
                        factory: factory,
                        workerName: "\(host)#\(index)"
                    )
                    group.addTask { try await Self.work(worker, evaluator: evaluator, recorder: recorder) }
                }
                try await group.waitForAll()
            }
        }
        let elapsed = clock.now - start
        let (values, best) = recorder.snapshot()
        guard !values.isEmpty else {
            throw BenchmarkError(
                .incompleteRun,
                "\(configuration.label) on \(task.name) (seed \(seed)) completed no trial; check the algorithm's options"
            )
        }
        return BenchmarkRun(
            seed: seed,
            wallSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
            values: values,
            bestParams: best,
            workers: configuration.workers
        )
    }

    /// Runs `configuration` once per seed (once in all for a deterministic algorithm: ``seedsToRun(_:of:)``), one
    /// after the other, and gathers the runs in a result file.
    ///
    /// - Parameters:
    ///   - configuration: the algorithm, task, budget, workers and storage.
    ///   - seeds: the seeds.
    ///   - progress: called after each run.
    /// - Returns: the result file (not written).
    /// - Throws: what ``run(_:seed:)`` throws.
    public func runAll(
        _ configuration: BenchmarkConfiguration,
        seeds: [Int],
        progress: (BenchmarkRun) -> Void = { _ in }
    ) async throws -> BenchmarkResultFile {
        var runs: [BenchmarkRun] = []
        for seed in try seedsToRun(configuration, of: seeds) {
            let run = try await run(configuration, seed: seed)
            progress(run)
            runs.append(run)
        }
        let options = try factory.resolve(configuration.algorithm).options
        let rendered = options.keys.sorted().map { key in
            "\(key): \(key == "seed" && configuration.algorithm.options["seed"] == nil ? "seed" : (options[key] ?? .null).pythonRepr)"
        }
        return Self.resultFile(
            configuration,
            notes: "swift-orion \(configuration.algorithm.name) {\(rendered.joined(separator: ", "))};"
                + " \(configuration.storage.rawValue) storage; \(configuration.workers) worker(s);"
                + " ExperimentClient suggest/observe; \(configuration.task.precisionNote)",
            runs: runs
        )
    }

    /// The result file of `configuration` holding `runs`; without runs, the file a stored one is checked against
    /// before anything runs (``ResultFileWriter/check(_:)``).
    public static func resultFile(
        _ configuration: BenchmarkConfiguration,
        notes: String = "",
        runs: [BenchmarkRun] = []
    ) -> BenchmarkResultFile {
        BenchmarkResultFile(
            algorithm: configuration.label,
            problem: configuration.task.name,
            optimum: configuration.task.optimum,
            budget: configuration.budget,
            versions: ["swift-orion": OrionVersion.current, "algorithm": configuration.algorithm.name],
            notes: notes,
            runs: runs
        )
    }

    /// One worker's loop: reserve, evaluate, report, until the experiment is done.
    private static func work(
        _ client: ExperimentClient,
        evaluator: any BenchmarkEvaluator,
        recorder: Recorder
    ) async throws {
        while let trial = try await client.suggest() {
            let value = try evaluator.evaluate(trial.params)
            try await client.observe(trial, objective: value)
            recorder.record(value, trial.params)
        }
    }
}

/// The values reported by the workers of one run, in completion order, and the best trial's parameters.
private final class Recorder: Sendable {
    private struct State {
        var values: [Double] = []
        var best = Double.infinity
        var bestParams: [String: JSONValue] = [:]
    }

    private let state = Mutex(State())

    func record(_ value: Double, _ params: Parameters) {
        state.withLock { state in
            state.values.append(value)
            if value < state.best || state.values.count == 1 {
                state.best = value
                state.bestParams = Dictionary(uniqueKeysWithValues: params.map { ($0.name, $0.value) })
            }
        }
    }

    func snapshot() -> (values: [Double], best: [String: JSONValue]) {
        state.withLock { ($0.values, $0.bestParams) }
    }
}
