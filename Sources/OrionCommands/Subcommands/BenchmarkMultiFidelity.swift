import ArgumentParser
import Foundation
import OrionAlgorithms
import OrionBenchmark
import OrionCore

/// `orion benchmark mf-run`: multi-fidelity algorithms against random search at full fidelity, with a budget of
/// total fidelity.
struct BenchmarkMultiFidelityRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mf-run",
        abstract: "Run algorithms on the multi-fidelity tasks with a fidelity budget; one mf_*.json file per pair."
    )

    @Option(help: "Algorithms, comma-separated (names of `orion hunt`'s algorithms).")
    var algorithms: String?

    @Option(
        name: .customLong("algorithm"),
        help: "One algorithm with options, as JSON (repeatable), e.g. '{\"pbt\": {\"population_size\": 20}}'."
    )
    var algorithmsWithOptions: [String] = []

    @Option(
        help: "Tasks, comma-separated: learning_curve (synthetic), sgd_digits, mlp_digits (scikit-learn, real scripts)."
    )
    var tasks = "learning_curve"

    // `.unconditional`: a negative value is read as the value and refused with what is allowed, not taken for a flag.
    @Option(parsing: .unconditional, help: "Seeds: a range 0-4, a list 0,3,5, or both.")
    var seeds = "0-4"

    @Option(
        parsing: .unconditional,
        help: "Random search's trials at full fidelity, which set the budget; each task's default when not given."
    )
    var randomTrials: Int?

    @Option(help: "How the budget is counted: scratch (every trial its whole fidelity, as Oríon) or resume.")
    var accounting = MultiFidelityAccounting.scratch

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Simulated workers, comma-separated: one configuration per count (e.g. 1,4). Each trial lasts the epochs"
                + " it trains, free workers start trials at once, results arrive in finishing order (mf-table then"
                + " shows the time to target and the idle time)."
        )
    )
    var workers = "1"

    @Option(help: "The Python interpreter for sgd_digits and mlp_digits (it needs scikit-learn).")
    var python = "python3"

    @Option(help: "The directory of the tasks' scripts (<task>.py).")
    var scripts = "Benchmarks/multifidelity"

    @Flag(help: "Run every trial of mlp_digits as its own process, as orion hunt does (default: one --serve process).")
    var processPerTrial = false

    @Option(help: "Directory for the result files (mf_<framework>_<algorithm>_<task>[_resume][_w<workers>].json).")
    var out: String

    @Flag(name: .shortAndLong, help: "Print the chain of causes of an error.")
    var verbose = false

    func run() async throws {
        try await CommandRunner.run(verbose: verbose) {
            // Ctrl-C (or SIGTERM, SIGHUP, SIGUSR1, SIGUSR2) removes the scratch databases and directories of the runs
            // in progress; the result files written so far stay.
            let signals = SignalForwarder { _, signal in BenchmarkPlan.stopOnSignal(signal) }
            defer { signals.cancel() }
            if let randomTrials, randomTrials < 1 {
                throw UsageError("--random-trials must be at least 1, got \(randomTrials)")
            }
            let counts = try BenchmarkPlan.workerCounts(workers, example: "1,4")
            let names = BenchmarkPlan.list(algorithms ?? (algorithmsWithOptions.isEmpty ? "random,asha,hyperband" : ""))
            var configs = try names.map { name in
                let config = AlgorithmConfig(
                    name: try AlgorithmRegistry.standard.resolve(AlgorithmConfig(name: name)).name
                )
                return (config: config, label: config.name)
            }
            for text in algorithmsWithOptions {
                let config: AlgorithmConfig
                do {
                    config = try JSONDecoder().decode(AlgorithmConfig.self, from: Data(text.utf8))
                } catch {
                    throw UsageError(
                        "--algorithm takes JSON with one algorithm name and its options, e.g."
                            + " '{\"pbt\": {\"population_size\": 20}}', got '\(text)'"
                    )
                }
                _ = try AlgorithmRegistry.standard.resolve(config)
                let options = config.options.keys.sorted().map { "\($0)=\(config.options[$0]?.pythonString ?? "")" }
                configs.append((config, ([config.name] + options).joined(separator: "-")))
            }
            guard !configs.isEmpty else {
                throw UsageError("--algorithms is empty; give e.g. --algorithms random,asha")
            }
            let taskList = try BenchmarkPlan.list(tasks).map { name in
                try MultiFidelityTasks.task(
                    name,
                    python: python,
                    scripts: RepositoryPath.resolve(scripts),
                    randomTrials: randomTrials
                )
            }
            guard !taskList.isEmpty else { throw UsageError("--tasks is empty; give e.g. --tasks learning_curve") }
            let seedList = try BenchmarkPlan.seeds(seeds)
            try BenchmarkPlan.checkOutputDirectory(out)
            // A stored file a configuration cannot join (or replace) is refused before anything runs, as in `run`.
            for task in taskList {
                for (config, label) in configs {
                    for count in counts {
                        try ResultFileWriter<MultiFidelityResultFile>(directory: out, seeds: seedList).check(
                            MultiFidelityRunner.resultFile(
                                config,
                                label: label,
                                on: task,
                                accounting: accounting,
                                workers: count
                            )
                        )
                    }
                }
            }
            let runner = MultiFidelityRunner(processPerTrial: processPerTrial)
            for task in taskList {
                for (config, label) in configs {
                    for count in counts {
                        // Written after each seed and joined by seed with the file of the same configuration and
                        // budget in --out, as `run` does.
                        var writer = ResultFileWriter<MultiFidelityResultFile>(directory: out, seeds: seedList)
                        let written = try await writer.runEachSeed(seedList, note: BenchmarkPlan.note) { seed in
                            try await runner.runAll(
                                config,
                                label: label,
                                on: task,
                                accounting: accounting,
                                seeds: [seed],
                                workers: count
                            )
                        }
                        guard let (file, path) = written else { continue }
                        let regrets = file.runs.map { $0.finalRegret ?? .infinity }
                        StandardStream.emit(
                            "\(file.label) on \(task.name): \(file.runs.count) run\(file.runs.count == 1 ? "" : "s")"
                                + " of budget \(Int(file.budget)),"
                                + " median final regret \(BenchmarkTable.format(MultiFidelityTable.median(regrets)))"
                                + " -> \(path)\n"
                        )
                    }
                }
            }
        }
    }
}

/// `orion benchmark mf-table`: the multi-fidelity comparison of result files, ours and Oríon's.
struct BenchmarkMultiFidelityTableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mf-table",
        abstract: "Fidelity spent to reach random search's final regret, and regret at equal budget, per task."
    )

    @Argument(
        help: ArgumentHelp(
            "Directories of mf_*.json result files; files of the same name are joined by seed (a seed in both: the"
                + " later directory's run)."
        )
    )
    var directories: [String]

    @Option(help: "Also write the table to this file.")
    var out: String?

    @Flag(name: .shortAndLong, help: "Print the chain of causes of an error.")
    var verbose = false

    func run() async throws {
        try await CommandRunner.run(verbose: verbose) {
            let files = try MultiFidelityResultFile.load(directories: directories)
            guard !files.isEmpty else {
                throw UsageError(
                    "no mf_*.json files in \(directories.joined(separator: ", ")); write some with orion benchmark mf-run"
                )
            }
            let text = MultiFidelityTable(files: files).markdown
            if let out { try BenchmarkPlan.writeTable(text, to: out) }
            StandardStream.emit(text)
        }
    }
}
extension MultiFidelityAccounting: ExpressibleByArgument {}
