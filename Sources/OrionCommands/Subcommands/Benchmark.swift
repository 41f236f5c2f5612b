import ArgumentParser
import Foundation
import OrionAlgorithms
import OrionBenchmark
import OrionCore

/// `orion benchmark`: run algorithms on the comparison problems and Oríon's tasks, and tabulate the results with
/// the peers' (Oríon's `orion.benchmark`, as commands).
struct Benchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run algorithms on benchmark tasks and compare them with the peers' results.",
        discussion: """
            orion benchmark run --algorithms random --problems branin,hartmann6 --budget 100 --seeds 0-9 --out DIR
            orion benchmark table DIR ../shared/bench/results --out summary.md
            orion benchmark assess DIR --assessment AverageRank
            orion benchmark list
            orion benchmark mf-run --algorithms random,asha,hyperband --tasks learning_curve --seeds 0-4 --out DIR
            orion benchmark mf-table DIR
            """,
        subcommands: [
            BenchmarkRunCommand.self, BenchmarkTableCommand.self, BenchmarkAssessCommand.self,
            BenchmarkListCommand.self, BenchmarkMultiFidelityRunCommand.self, BenchmarkMultiFidelityTableCommand.self,
        ]
    )
}

/// `orion benchmark run`: tasks × algorithms × worker counts, each over seeds, one result file per configuration.
struct BenchmarkRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run algorithms on tasks in process; write one result file per algorithm, task and worker count."
    )

    @Option(help: "Algorithms, comma-separated (names of `orion hunt`'s algorithms).")
    var algorithms: String?

    @Option(
        name: .customLong("algorithm"),
        help:
            "An algorithm with options, as JSON: '{\"random\": {\"seed\": 1}}' (repeatable; its label lists the options)."
    )
    var algorithmsWithOptions: [String] = []

    @Option(
        help:
            "Tasks, comma-separated: comparison problems (branin, ...) or Oríon's (RosenBrock:dim=3); all nine problems by default."
    )
    var problems: String?

    // `.unconditional`: a negative value (`--budget -3`) is read as the value and refused with what is allowed,
    // not taken for a flag ("Missing value for '--budget <budget>'").
    @Option(
        parsing: .unconditional,
        help: "Trials per run; each task's default (100 for the problems, 20 for Oríon's tasks) when not given."
    )
    var budget: Int?

    @Option(parsing: .unconditional, help: "Seeds: a range 0-9, a list 0,3,5, or both (0-4,7).")
    var seeds = "0-9"

    @Option(
        parsing: .unconditional,
        help: "Concurrent workers per run, comma-separated: one configuration per count (e.g. 1,2,4)."
    )
    var workers = "1"

    @Option(help: "Where each run keeps its experiment: memory or sqlite (a fresh file per run).")
    var storage: BenchmarkStorage = .memory

    @Option(help: "Directory for the result files (<framework>_<algorithm>_<task>.json).")
    var out: String

    @Option(help: "The Python interpreter (with scikit-learn) of the scikit-learn tasks (--problems sklearn).")
    var python = "python3"

    @Option(help: "The script that evaluates the scikit-learn tasks.")
    var sklearnScript = SklearnTasks.defaultScript

    @Flag(name: .shortAndLong, help: "Print the chain of causes of an error.")
    var verbose = false

    func run() async throws {
        try await CommandRunner.run(verbose: verbose) {
            // The default script is the repository's, found from another directory too (above the executable).
            // Ctrl-C (or SIGTERM, SIGHUP, SIGUSR1, SIGUSR2) removes the scratch databases and directories of the runs
            // in progress; the result files written so far stay.
            let signals = SignalForwarder { _, signal in BenchmarkPlan.stopOnSignal(signal) }
            defer { signals.cancel() }
            let environment = SklearnTasks.Environment(python: python, script: RepositoryPath.resolve(sklearnScript))
            var plan = try BenchmarkPlan(
                algorithms: algorithms ?? (algorithmsWithOptions.isEmpty ? "random" : ""),
                algorithmsWithOptions: algorithmsWithOptions,
                problems: problems,
                budget: budget,
                seeds: seeds,
                workers: workers,
                storage: storage,
                sklearn: environment
            )
            let sklearnNames = Set(SklearnTasks.definitions.map(\.name))
            if plan.configurations.contains(where: { sklearnNames.contains($0.task.name) }),
                let reason = SklearnTasks.unavailability(environment)
            {
                plan.configurations.removeAll { sklearnNames.contains($0.task.name) }
                StandardStream.emit("skipping the scikit-learn tasks: \(reason)\n", to: 2)
                guard !plan.configurations.isEmpty else { throw UsageError("nothing to run: \(reason)") }
            }
            try BenchmarkPlan.checkOutputDirectory(out)
            // A stored file a configuration cannot join is refused before anything runs.
            let stored = try plan.configurations.map { configuration in
                try ResultFileWriter<BenchmarkResultFile>(directory: out, seeds: plan.seeds).check(
                    BenchmarkRunner.resultFile(configuration)
                )
            }
            for note in plan.notes { StandardStream.emit("note: \(note)\n", to: 2) }
            let runner = BenchmarkRunner()
            for (configuration, file) in zip(plan.configurations, stored) {
                let seeds = try runner.seedsToRun(configuration, of: plan.seeds)
                // A deterministic algorithm's one run stands for every seed: a stored one of this budget is kept.
                if try runner.isDeterministic(configuration), let file, file.budget == configuration.budget,
                    let run = file.runs.first
                {
                    StandardStream.emit(
                        "note: \(configuration.label) on \(configuration.task.name) is deterministic: its stored run"
                            + " (seed \(run.seed)) stands for every seed; nothing to run\n",
                        to: 2
                    )
                    continue
                }
                if seeds.count < plan.seeds.count {
                    StandardStream.emit(
                        "note: \(configuration.label) has no seed: one run on \(configuration.task.name) stands for"
                            + " every seed, as Oríon runs a deterministic algorithm once\n",
                        to: 2
                    )
                }
                // Written after each seed, joined by seed with the file a run of the same configuration and budget
                // left there: seeds run in several commands (or before an interrupt) are kept.
                var writer = ResultFileWriter<BenchmarkResultFile>(directory: out, seeds: plan.seeds)
                let written = try await writer.runEachSeed(seeds, note: BenchmarkPlan.note) { seed in
                    try await runner.runAll(configuration, seeds: [seed])
                }
                if let written { StandardStream.emit(BenchmarkPlan.line(for: written.file, path: written.path) + "\n") }
            }
        }
    }
}

/// `orion benchmark table`: the markdown regret tables of result files, ours and the peers' merged.
struct BenchmarkTableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "table",
        abstract: "Merge result files (ours and the peers') into the markdown regret tables of summarize.py."
    )

    @Argument(
        help: ArgumentHelp(
            "Directories of result files (*.json); files of one configuration and budget are joined by seed (a seed"
                + " in both: the later directory's run)."
        )
    )
    var directories: [String]

    @Option(help: "Also write the table to this file.")
    var out: String?

    @Flag(name: .shortAndLong, help: "Print the chain of causes of an error.")
    var verbose = false

    func run() async throws {
        try await CommandRunner.run(verbose: verbose) {
            let table = BenchmarkTable(
                files: try BenchmarkTable.load(directories: directories, skipping: BenchmarkPlan.note)
            )
            for note in table.notes { BenchmarkPlan.note(note) }
            guard !table.files.isEmpty else {
                throw UsageError(
                    "no result files in \(directories.joined(separator: ", ")); write some with orion benchmark run --out DIR"
                )
            }
            let text = table.markdown
            if let out { try BenchmarkPlan.writeTable(text, to: out) }
            StandardStream.emit(text)
        }
    }
}

/// `orion benchmark assess`: Oríon's assessments of result files, as markdown tables per problem.
struct BenchmarkAssessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",
        abstract: "Oríon's assessments (AverageResult, AverageRank, ParallelAssessment) of result files, as tables."
    )

    @Argument(help: "Directories of result files (*.json).")
    var directories: [String]

    @Option(help: "AverageResult (mean best so far), AverageRank (mean rank per seed) or ParallelAssessment (workers).")
    var assessment = "AverageResult"

    @Option(
        parsing: .unconditional,
        help: "Numbers of completed trials to report, comma-separated; 10 evenly spaced up to the budget by default."
    )
    var checkpoints: String?

    @Flag(name: .shortAndLong, help: "Print the chain of causes of an error.")
    var verbose = false

    func run() async throws {
        try await CommandRunner.run(verbose: verbose) {
            let kind = try BenchmarkAssessment.named(assessment)
            let marks = try checkpoints.map { text in
                try BenchmarkPlan.list(text).map { part in
                    guard let value = Int(part), value >= 1 else {
                        throw UsageError("--checkpoints takes trial counts of at least 1 (10,50,100), got '\(part)'")
                    }
                    return value
                }
            }
            let files = try BenchmarkTable.load(directories: directories, skipping: BenchmarkPlan.note)
            guard !files.isEmpty else {
                throw UsageError(
                    "no result files in \(directories.joined(separator: ", ")); write some with orion benchmark run --out DIR"
                )
            }
            for note in BenchmarkTable(files: files).notes { BenchmarkPlan.note(note) }
            StandardStream.emit(kind.markdown(files, checkpoints: marks))
        }
    }
}

/// `orion benchmark list`: the tasks and algorithms `orion benchmark run` accepts.
struct BenchmarkListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the benchmark tasks (with their optimum and default budget) and the algorithms."
    )

    func run() {
        var lines = ["tasks:"]
        // Each set after the nine and Oríon's tasks, under a header naming its `--problems` value.
        let sets: [(header: String, tasks: [BenchmarkTask])] = [
            ("held-out tasks (--problems \(HeldOutProblems.setName) runs them all):", HeldOutProblems.all),
            ("fresh tasks (--problems \(FreshProblems.setName) runs them all):", FreshProblems.all),
            ("third fresh set (--problems \(FreshProblems3.setName) runs them all):", FreshProblems3.all),
            ("fourth fresh set (--problems \(FreshProblems4.setName) runs them all):", FreshProblems4.all),
            ("fifth fresh set (--problems \(FreshProblems5.setName) runs them all):", FreshProblems5.all),
            ("sixth fresh set (--problems \(FreshProblems6.setName) runs them all):", FreshProblems6.all),
            ("seventh fresh set (--problems \(FreshProblems7.setName) runs them all):", FreshProblems7.all),
            ("eighth fresh set (--problems \(FreshProblems8.setName) runs them all):", FreshProblems8.all),
            ("ninth fresh set (--problems \(FreshProblems9.setName) runs them all):", FreshProblems9.all),
            ("tenth fresh set (--problems \(FreshProblems10.setName) runs them all):", FreshProblems10.all),
            ("eleventh fresh set (--problems \(FreshProblems11.setName) runs them all):", FreshProblems11.all),
            ("twelfth fresh set (--problems \(FreshProblems12.setName) runs them all):", FreshProblems12.all),
            ("thirteenth fresh set (--problems \(FreshProblems13.setName) runs them all):", FreshProblems13.all),
            ("fourteenth fresh set (--problems \(FreshProblems14.setName) runs them all):", FreshProblems14.all),
            ("fifteenth fresh set (--problems \(FreshProblems15.setName) runs them all):", FreshProblems15.all),
            ("sixteenth fresh set (--problems \(FreshProblems16.setName) runs them all):", FreshProblems16.all),
            (
                "scikit-learn tasks (--problems \(SklearnTasks.setName); Python with scikit-learn, --python):",
                SklearnTasks.all()
            ),
        ]
        let tasks = BenchmarkTasks.all + sets.flatMap(\.tasks)
        let headers = Dictionary(
            sets.compactMap { set in set.tasks.first.map { ($0.name, set.header) } },
            uniquingKeysWith: { first, _ in first }
        )
        let width = tasks.map(\.name.count).max() ?? 0
        for task in tasks {
            if let header = headers[task.name] { lines.append(header) }
            let optimum = task.optimum.map { PythonFloat.repr($0) } ?? "unknown"
            lines.append(
                "  \(task.name.padding(toLength: width, withPad: " ", startingAt: 0))  budget \(task.defaultBudget),"
                    + " optimum \(optimum): \(task.summary)"
            )
        }
        lines.append("algorithms: " + AlgorithmRegistry.standard.names.joined(separator: ", "))
        print(lines.joined(separator: "\n"))
    }
}

extension BenchmarkStorage: ExpressibleByArgument {}

/// The configurations of one `orion benchmark run`, checked before anything runs.
struct BenchmarkPlan {
    var configurations: [BenchmarkConfiguration]
    var seeds: [Int]
    /// What the user should know before the runs (a fixed seed that makes every seed's run the same, a budget within
    /// an algorithm's random start).
    var notes: [String] = []

    init(
        algorithms: String,
        algorithmsWithOptions: [String] = [],
        problems: String?,
        budget: Int?,
        seeds: String,
        workers: String,
        storage: BenchmarkStorage,
        sklearn: SklearnTasks.Environment = SklearnTasks.Environment()
    ) throws {
        var configs = try Self.list(algorithms).map { name in
            (
                algorithm: AlgorithmConfig(
                    name: try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: name)).name
                ), label: String?.none
            )
        }
        for text in algorithmsWithOptions {
            let algorithm: AlgorithmConfig
            do {
                algorithm = try JSONDecoder().decode(AlgorithmConfig.self, from: Data(text.utf8))
            } catch {
                throw UsageError(
                    "--algorithm takes JSON with one algorithm name and its options, e.g. '{\"random\": {\"seed\": 1}}',"
                        + " got '\(text)'"
                )
            }
            _ = try AlgorithmRegistry.standard.resolve(algorithm)
            let options = algorithm.options.keys.sorted().map { "\($0)=\(algorithm.options[$0]?.pythonString ?? "")" }
            configs.append((algorithm, options.isEmpty ? nil : ([algorithm.name] + options).joined(separator: "-")))
            if let seed = algorithm.options["seed"], seed != .null {
                notes.append(
                    "--algorithm '\(text)' sets its seed (\(seed.pythonString)): every one of --seeds runs the same;"
                        + " leave the seed out to let --seeds set it"
                )
            }
        }
        guard !configs.isEmpty else { throw UsageError("--algorithms is empty; give e.g. --algorithms random,tpe") }
        if let budget, budget < 1 { throw UsageError("--budget must be at least 1, got \(budget)") }
        let tasks = try problems.map { try Self.tasks($0, budget: budget, sklearn: sklearn) } ?? BenchmarkProblems.all
        guard !tasks.isEmpty else { throw UsageError("--problems is empty; give e.g. --problems branin,hartmann6") }
        self.seeds = try Self.seeds(seeds)
        let counts = try Self.workerCounts(workers, example: "1,2,4")
        var configurations: [BenchmarkConfiguration] = []
        var planned: Set<String> = []
        for task in tasks {
            for (algorithm, label) in configs {
                // The same algorithm on the same task can run only once: it has one result file.
                guard planned.insert(task.name + "\u{0}" + (label ?? algorithm.name)).inserted else { continue }
                do {
                    let space = try task.space()
                    _ = try AlgorithmRegistry.standard.makeAlgorithm(algorithm, space: space, maxTrials: budget)
                } catch let error as AlgorithmError {
                    guard !error.message.contains("fidelity") else {
                        throw UsageError(
                            "cannot run \(algorithm.name) on \(task.name): it needs a fidelity; run it on the"
                                + " multi-fidelity tasks with `orion benchmark mf-run --algorithms \(algorithm.name)`"
                        )
                    }
                    throw UsageError("cannot run \(algorithm.name) on \(task.name): \(error.message)")
                }
                let trials = budget ?? task.defaultBudget
                if let initial = try AlgorithmRegistry.standard.resolve(algorithm).options["n_initial_points"]?
                    .intValue,
                    initial >= trials
                {
                    let note =
                        "\(label ?? algorithm.name)'s first \(initial) points come before any model"
                        + " (n_initial_points): runs of \(trials) trials never use one; raise --budget, or lower"
                        + " n_initial_points with --algorithm"
                    if !notes.contains(note) { notes.append(note) }
                }
                for count in counts {
                    configurations.append(
                        BenchmarkConfiguration(
                            algorithm: algorithm,
                            name: label,
                            task: task,
                            budget: budget,
                            workers: count,
                            storage: storage
                        )
                    )
                }
            }
        }
        self.configurations = configurations
    }

    /// The tasks of `--problems`, each once: a task named twice runs once, but two tasks that get the same name
    /// (and so one result file) with different budgets are refused.
    ///
    /// - Parameters:
    ///   - problems: the comma-separated specifications.
    ///   - budget: `--budget`, which overrides each task's default.
    ///   - sklearn: where the scikit-learn tasks are evaluated.
    /// - Returns: the tasks, in order.
    /// - Throws: ``UsageError`` for two tasks of one name and different budgets; ``BenchmarkError`` for an unknown
    ///   task.
    static func tasks(
        _ problems: String,
        budget: Int?,
        sklearn: SklearnTasks.Environment
    ) throws -> [BenchmarkTask] {
        var tasks: [(specification: String, task: BenchmarkTask)] = []
        for specification in list(problems) {
            for task in try BenchmarkTasks.tasks(specification, sklearn: sklearn) {
                guard let earlier = tasks.first(where: { $0.task.name == task.name }) else {
                    tasks.append((specification, task))
                    continue
                }
                let (first, second) = (earlier.task.defaultBudget, task.defaultBudget)
                guard budget != nil || first == second else {
                    throw UsageError(
                        "--problems gives two tasks named \(task.name): \(earlier.specification) (\(first) trials) and"
                            + " \(specification) (\(second) trials), whose results would share one file: give one of"
                            + " them, or set --budget"
                    )
                }
            }
        }
        return tasks.map(\.task)
    }

    /// Prints `text` on standard error as a note.
    static func note(_ text: String) {
        StandardStream.emit("note: \(text)\n", to: 2)
    }

    /// Stops `run` or `mf-run` on `signal` (Ctrl-C, SIGTERM...): says what is kept, removes the scratch databases and
    /// directories of the runs in progress and exits with 128 + the signal's number (130 for Ctrl-C, 143 for SIGTERM).
    static func stopOnSignal(_ signal: Int32) -> Never {
        StandardStream.emit(
            "interrupted: each configuration's result file keeps the seeds it finished; run the others again with"
                + " --seeds\n",
            to: 2
        )
        ScratchFiles.removeAllAndExit(128 + signal)
    }

    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// `--workers`: counts of at least 1, in order, each once (a count named twice runs once).
    ///
    /// - Parameters:
    ///   - text: the comma-separated counts.
    ///   - example: a valid value for the message.
    /// - Returns: the counts.
    /// - Throws: ``UsageError`` for a count that is not an integer of at least 1, or none.
    static func workerCounts(_ text: String, example: String) throws -> [Int] {
        var counts: [Int] = []
        for part in list(text) {
            guard let count = Int(part), count >= 1 else {
                throw UsageError("--workers takes counts of at least 1 separated by commas (\(example)), got '\(part)'")
            }
            if !counts.contains(count) { counts.append(count) }
        }
        guard !counts.isEmpty else { throw UsageError("--workers is empty; give e.g. --workers \(example)") }
        return counts
    }

    /// `0-9`, `0,3,5` or `0-4,7`: the seeds, in order, without repeats.
    ///
    /// - Throws: ``UsageError`` for a part that is not a non-negative integer or range, or a reversed range.
    static func seeds(_ text: String) throws -> [Int] {
        var seeds: [Int] = []
        let usage = "--seeds takes a range 0-9, a list 0,3,5 or both (0-4,7) of non-negative integers, got '\(text)'"
        for part in list(text) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count <= 2, let low = Int(bounds[0]), low >= 0 else { throw UsageError(usage) }
            let high = bounds.count == 2 ? Int(bounds[1]) : low
            if let high, high < low {
                throw UsageError("--seeds range \(part) is reversed: write it \(high)-\(low)")
            }
            guard let high, high - low < 100_000 else { throw UsageError(usage) }
            for seed in low...high where !seeds.contains(seed) { seeds.append(seed) }
        }
        guard !seeds.isEmpty else { throw UsageError(usage) }
        return seeds
    }

    /// One line per written file: the configuration, the trials run, the median final regret and the median wall
    /// time.
    ///
    /// Without a known optimum, the median final best value instead of the regret. The trials are the budget, or
    /// what the runs completed when that differs (grid search runs out of points): `16 trials (budget 20)`, or a
    /// range `12-16 trials (budget 20)`.
    static func line(for file: BenchmarkResultFile, path: String) -> String {
        let finals = file.runs.compactMap { $0.bestSoFar.last }.map { best in
            file.optimum.map { max(best - $0, 0) } ?? best
        }
        let value = finals.isEmpty ? "-" : BenchmarkTable.format(BenchmarkTable.median(finals))
        let what = file.optimum == nil ? "median best value (optimum unknown)" : "median regret"
        let wall = file.runs.isEmpty ? 0 : BenchmarkTable.median(file.runs.map(\.wallSeconds))
        let runs = file.runs.count == 1 ? "1 run" : "\(file.runs.count) runs"
        let counts = file.runs.map(\.trialCount)
        var trials = file.budget == 1 ? "1 trial" : "\(file.budget) trials"
        if let low = counts.min(), let high = counts.max(), low != file.budget || high != file.budget {
            trials = (low == high ? "\(low)" : "\(low)-\(high)") + " trials (budget \(file.budget))"
        }
        return "\(file.algorithm) on \(file.problem): \(runs) of \(trials),"
            + " \(what) \(value), median wall \(String(format: "%.3f", wall)) s -> \(path)"
    }
}
