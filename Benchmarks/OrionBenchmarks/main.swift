// Benchmarks of swift-orion's own overhead (not tests: run them on a quiet machine and compare ratios).
//
//   swift build -c release --product OrionBenchmarks --product orion
//   .build/release/OrionBenchmarks [--trials 1000] [--hunt-trials 200] [--noop Tests/Fixtures/noop.sh]
//                                  [--summary-trials 1000000] [--only a,b,c,d,e]
//                                  [--scaling-workers 1,4,16,64] [--scaling-trials 2000]
//
// (a) in-process: suggest + register + reserve + complete on SQLite with a no-op objective, per trial, for
//     trials 1–100 and 900–1,000, and with --trials 100000 for trials 1–1,000 against 99,001–100,000 (the cost
//     per trial must stay flat as the experiment grows);
// (b) `orion hunt` on noop.sh versus spawning noop.sh directly the same number of times;
// (c) single storage operations;
// (d) with --summary-trials N: `orion status` and `orion info` on an experiment of N stored trials;
// (e) scaling on SQLite: W `orion hunt` processes at once on one new file share --scaling-trials trials of
//     noop.sh; aggregate trials per second for each W of --scaling-workers (not part of the default set).
// (f) with --only f --postgres URL (e.g. the URL scripts/services/postgres.sh prints): per-trial cost on PostgreSQL at
//     --pg-sizes 1000,10000,100000 trials, and trials/s of --pg-workers 1,4,16,64 in-process workers doing
//     --pg-loops 100 rounds each, against SQLite (PostgresBenchmarks.swift).
// (g) with --only g: the saved state of --state-algorithms asha,hyperband,bohb,dehb (one trial per round, each completed)
//     at --state-trials 100,1000 trials: its size in bytes and the time `AlgorithmDriver.encodedState` takes
//     (median of the saves after each of the last 21 trials), the cost every production pays (StateBenchmarks.swift).
// (h) with --only h: a new version's start at the end of a chain of --chain-depths 50,100,200 versions of
//     --chain-trials 5 completed trials each: the trials it inherits and what `orion status --collapse` reads
//     (VersionChainBenchmarks.swift).
import Foundation
import OrionAlgorithms
import OrionCore
import OrionSQLite
import OrionWorker

struct Options {
    var trials = 1000
    var huntTrials = 200
    var noop: String?
    var summaryTrials = 0
    var only: Set<String> = ["a", "b", "c", "d"]
    var scalingWorkers = [1, 4, 16, 64]
    var scalingTrials = 2000
    var postgres: String?
    var pgSizes = [1000, 10_000, 100_000]
    var pgWorkers = [1, 4, 16, 64]
    var pgLoops = 100
    var stateTrials = [100, 1000]
    var stateAlgorithms = ["asha", "hyperband", "bohb", "dehb"]
    var chainDepths = [50, 100, 200]
    var chainTrials = 5

    init(arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--trials": trials = iterator.next().flatMap(Int.init) ?? trials
            case "--hunt-trials": huntTrials = iterator.next().flatMap(Int.init) ?? huntTrials
            case "--noop": noop = iterator.next()
            case "--summary-trials": summaryTrials = iterator.next().flatMap(Int.init) ?? summaryTrials
            case "--postgres": postgres = iterator.next()
            case "--pg-sizes": pgSizes = (iterator.next() ?? "").split(separator: ",").compactMap { Int($0) }
            case "--pg-workers": pgWorkers = (iterator.next() ?? "").split(separator: ",").compactMap { Int($0) }
            case "--pg-loops": pgLoops = iterator.next().flatMap(Int.init) ?? pgLoops
            case "--state-trials": stateTrials = (iterator.next() ?? "").split(separator: ",").compactMap { Int($0) }
            case "--state-algorithms": stateAlgorithms = (iterator.next() ?? "").split(separator: ",").map(String.init)
            case "--chain-depths": chainDepths = (iterator.next() ?? "").split(separator: ",").compactMap { Int($0) }
            case "--chain-trials": chainTrials = iterator.next().flatMap(Int.init) ?? chainTrials
            case "--only": only = Set((iterator.next() ?? "").split(separator: ",").map(String.init))
            case "--scaling-workers":
                scalingWorkers = (iterator.next() ?? "").split(separator: ",").compactMap { Int($0) }
            case "--scaling-trials": scalingTrials = iterator.next().flatMap(Int.init) ?? scalingTrials
            default: print("unknown argument \(argument)")
            }
        }
    }
}

func milliseconds(_ duration: Duration) -> Double { duration.seconds * 1000 }

func summarize(_ label: String, _ samples: ArraySlice<Duration>) -> String {
    let values = samples.map(milliseconds).sorted()
    let mean = values.reduce(0, +) / Double(values.count)
    let median = values[values.count / 2]
    let p90 = values[Int(Double(values.count - 1) * 0.9)]
    return String(format: "%@: mean %.3f ms, median %.3f ms, p90 %.3f ms per trial", label, mean, median, p90)
}

func inProcess(trials: Int, inMemory: Bool) async throws {
    let directory = FileManager.default.temporaryDirectory.path + "/orion-bench-\(getpid())"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let storage: any Storage = inMemory ? InMemoryStorage() : try SQLiteStorage(path: directory + "/orion.db")
    let client = try await ExperimentClient.build(
        name: "bench",
        space: ["/x": "uniform(-5, 10)", "/y": "uniform(-5, 10)"],
        algorithm: AlgorithmConfig(name: "random", options: ["seed": 1]),
        maxTrials: trials,
        storage: storage,
        factory: AlgorithmRegistry.standard
    )
    var samples: [Duration] = []
    let clock = ContinuousClock()
    for _ in 0..<trials {
        let start = clock.now
        guard let trial = try await client.suggest() else { break }
        try await client.observe(trial, objective: 0)
        samples.append(clock.now - start)
    }
    print("(a) in-process on \(inMemory ? "InMemoryStorage" : "SQLite"), random search, \(samples.count) trials")
    print("    " + summarize("trials 1-100", samples.prefix(100)))
    if samples.count >= 1000 { print("    " + summarize("trials 900-1000", samples[899..<1000])) }
    if samples.count >= 10000 {
        let first = samples.prefix(1000)
        let last = samples.suffix(1000)
        print("    " + summarize("trials 1-1000", first))
        print("    " + summarize("trials \(samples.count - 999)-\(samples.count)", last))
        print(String(format: "    last 1000 / first 1000, mean: %.2fx", mean(last) / mean(first)))
    }
    print("    " + summarize("all", samples[...]))
}

func mean(_ samples: ArraySlice<Duration>) -> Double {
    samples.map(milliseconds).reduce(0, +) / Double(max(1, samples.count))
}

/// (d) `orion status` and `orion info` on an experiment of `count` trials stored in SQLite: 90 % completed with
/// an objective, the rest broken, reserved and new, as a long-running experiment looks.
func summaries(count: Int) async throws {
    let executableDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
    let orion = executableDirectory + "/orion"
    guard FileManager.default.isExecutableFile(atPath: orion) else {
        print("(d) skipped: \(orion) not built (swift build -c release --product orion)")
        return
    }
    let directory = FileManager.default.temporaryDirectory.path + "/orion-summary-bench-\(getpid())"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/orion.db"
    let storage = try SQLiteStorage(path: path)
    let space = try Space(priors: ["/x": "uniform(-5, 10)", "/y": "uniform(-5, 10)"])
    let experiment = Experiment(
        name: "big",
        space: space,
        algorithm: AlgorithmConfig(name: "random", options: ["seed": 1])
    )
    try await storage.createExperiment(experiment)
    let clock = ContinuousClock()
    let fillStart = clock.now
    var generator = SeededGenerator(seed: 7)
    let batch = 10_000
    let start = Date(timeIntervalSince1970: 1_700_000_000)
    for first in stride(from: 0, to: count, by: batch) {
        var trials: [Trial] = []
        for index in first..<min(count, first + batch) {
            var trial = Trial(experimentID: experiment.id, params: space.sample(using: &generator))
            trial.submitTime = start.addingTimeInterval(Double(index))
            switch index % 20 {
            case 0:
                trial.status = .broken
                trial.failure = "the script exited with code 1"
            case 1: trial.status = .new
            default:
                trial.status = .completed
                trial.startTime = trial.submitTime
                trial.endTime = trial.submitTime.addingTimeInterval(1)
                trial.results = [.objective(Double.random(in: 0..<100, using: &generator), name: "loss")]
            }
            trials.append(trial)
        }
        try await storage.registerTrials(trials)
    }
    try await storage.close()
    let fill = clock.now - fillStart
    print("(d) an experiment of \(count) trials in SQLite (filled in \(String(format: "%.1f", fill.seconds)) s)")
    for command in [["status", "-n", "big"], ["info", "-n", "big"]] {
        var samples: [Duration] = []
        for _ in 0..<3 {
            let begin = clock.now
            let status = try run(
                [orion] + command + ["--storage", "sqlite://" + path],
                environment: ProcessInfo.processInfo.environment
            )
            samples.append(clock.now - begin)
            guard status == 0 else {
                print("    orion \(command[0]) exited with \(status)")
                return
            }
        }
        let best = samples.map(\.seconds).min() ?? 0
        print(String(format: "    orion %@: best of 3 %.3f s", command[0], best))
    }
}

/// (c) The cost of each storage operation on its own, to see where (a) spends its time.
func storageOperations(count: Int) async throws {
    let directory = FileManager.default.temporaryDirectory.path + "/orion-ops-\(getpid())"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let storage = try SQLiteStorage(path: directory + "/orion.db")
    let space = try Space(priors: ["/x": "uniform(0, 1)"])
    let experiment = Experiment(
        name: "ops",
        space: space,
        algorithm: AlgorithmConfig(name: "random", options: ["seed": 1])
    )
    try await storage.createExperiment(experiment)
    let clock = ContinuousClock()
    func measure(_ label: String, _ body: (Int) async throws -> Void) async throws {
        var samples: [Duration] = []
        for index in 0..<count {
            let start = clock.now
            try await body(index)
            samples.append(clock.now - start)
        }
        print("    " + summarize(label, samples[...]).replacingOccurrences(of: "per trial", with: "per call"))
    }
    print("(c) storage operations on SQLite, \(count) calls each")
    try await measure("registerTrials(1)") { index in
        let trial = Trial(
            experimentID: experiment.id,
            params: [.init(name: "/x", type: .real, value: .double(Double(index)))]
        )
        try await storage.registerTrials([trial])
    }
    try await measure("countTrials") { _ in _ = try await storage.countTrials(of: experiment.id) }
    var reserved: [Reservation] = []
    try await measure("reserveTrial") { _ in
        if let reservation = try await storage.reserveTrial(of: experiment.id, worker: "bench", at: Date()) {
            reserved.append(reservation)
        }
    }
    try await measure("updateTrial (complete)") { index in
        var trial = reserved[index].trial
        trial.status = .completed
        trial.results = [.objective(0)]
        _ = try await storage.updateTrial(trial, holding: reserved[index].token)
    }
    let encoder = JSONEncoder()
    let decoder = JSONDecoder()
    let sample = reserved[0].trial
    try await measure("JSON encode + decode of a trial") { _ in
        _ = try decoder.decode(Trial.self, from: try encoder.encode(sample))
    }
    try await measure("withAlgorithmLock (empty body)") { _ in
        _ = try await storage.withAlgorithmLock(of: experiment.id, timeout: .seconds(10)) { _ in
            AlgorithmUpdate(state: Data("{}".utf8), newTrials: [], output: 0)
        }
    }
}

func run(_ argv: [String], environment: [String: String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: argv[0])
    process.arguments = Array(argv.dropFirst())
    process.environment = environment
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}

func hunt(trials: Int, noop: String) throws {
    let executableDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
    let orion = executableDirectory + "/orion"
    guard FileManager.default.isExecutableFile(atPath: orion) else {
        print("(b) skipped: \(orion) not built (swift build -c release --product orion)")
        return
    }
    let directory = FileManager.default.temporaryDirectory.path + "/orion-hunt-bench-\(getpid())"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var environment = ProcessInfo.processInfo.environment
    let clock = ContinuousClock()

    let bareStart = clock.now
    let results = directory + "/results.json"
    environment["ORION_RESULTS_PATH"] = results
    for index in 0..<trials {
        _ = try run([noop, "-x", String(Double(index) / Double(trials))], environment: environment)
    }
    let bare = clock.now - bareStart

    let huntStart = clock.now
    let status = try run(
        [
            orion, "hunt", "-n", "bench", "--exp-max-trials", String(trials), "--storage",
            "sqlite://\(directory)/orion.db", "--working-dir", directory + "/work",
            "--config", try randomSearchConfig(in: directory), noop, "-x~uniform(0, 1)",
        ],
        environment: ProcessInfo.processInfo.environment
    )
    let huntTime = clock.now - huntStart
    print("(b) \(trials) trials of \(noop)")
    print(
        String(
            format: "    bare spawning: %.3f s (%.2f ms per trial)",
            bare.seconds,
            milliseconds(bare) / Double(trials)
        )
    )
    print(
        String(
            format: "    orion hunt:    %.3f s (%.2f ms per trial), exit %d",
            huntTime.seconds,
            milliseconds(huntTime) / Double(trials),
            status
        )
    )
    print(String(format: "    ratio hunt / bare: %.2f", huntTime.seconds / bare.seconds))
}

/// Writes a configuration file naming random search and returns its path: the hunts measure the framework's own
/// overhead against Oríon's `orion hunt`, whose default algorithm is random search, so they do not use ours (`auto`).
func randomSearchConfig(in directory: String) throws -> String {
    let path = directory + "/random.yaml"
    try "experiment:\n  algorithm:\n    random:\n      seed: 1\n".write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// (e): `workers` hunts at once on one new SQLite file, `trials` trials of `noop` in all; aggregate trials per second.
func scaling(workers counts: [Int], trials: Int, noop: String) throws {
    let executableDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
    let orion = executableDirectory + "/orion"
    guard FileManager.default.isExecutableFile(atPath: orion) else {
        print("(e) skipped: \(orion) not built (swift build -c release --product orion)")
        return
    }
    print("(e) scaling on SQLite: W orion hunt processes sharing \(trials) trials of \(noop)")
    for workers in counts {
        let directory = FileManager.default.temporaryDirectory.path + "/orion-scaling-bench-\(getpid())-\(workers)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let arguments = [
            "hunt", "-n", "scaling", "--exp-max-trials", String(trials), "--storage", "sqlite://\(directory)/orion.db",
            "--working-dir", directory + "/work", "--idle-timeout", "60",
            "--config", try randomSearchConfig(in: directory), noop, "-x~uniform(0, 1)",
        ]
        let start = ContinuousClock.now
        let processes = try (0..<workers).map { _ in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: orion)
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            return process
        }
        var failed = 0
        for process in processes {
            process.waitUntilExit()
            if process.terminationStatus != 0 { failed += 1 }
        }
        let elapsed = (ContinuousClock.now - start).seconds
        print(
            String(
                format: "    %3d workers: %.2f s, %.0f trials/s%@",
                workers,
                elapsed,
                Double(trials) / elapsed,
                failed > 0 ? " (\(failed) exited with an error)" as NSString : "" as NSString
            )
        )
    }
}

let options = Options(arguments: CommandLine.arguments)
if options.only.contains("a") {
    try await inProcess(trials: options.trials, inMemory: false)
    try await inProcess(trials: options.trials, inMemory: true)
}
if options.only.contains("c") { try await storageOperations(count: 500) }
if options.only.contains("b") {
    let noop =
        options.noop
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path + "/Tests/Fixtures/noop.sh"
    try hunt(trials: options.huntTrials, noop: noop)
}
if options.only.contains("d"), options.summaryTrials > 0 { try await summaries(count: options.summaryTrials) }
if options.only.contains("e") {
    let noop =
        options.noop
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path + "/Tests/Fixtures/noop.sh"
    try scaling(workers: options.scalingWorkers, trials: options.scalingTrials, noop: noop)
}

// (gp) with --only gp: the Gaussian-process algorithm's cost. One suggestion with 1,000 completed trials in 6
//      dimensions (the first fit, with restarts, then warm-started ones), and 100-trial runs on Hartmann-6.
func gaussianProcess() throws {
    let clock = ContinuousClock()
    let priors = Dictionary(uniqueKeysWithValues: (1...6).map { ("/x\($0)", "uniform(0, 1)") })
    let space = try Space(priors: priors)
    let context = AlgorithmContext(space: space)
    func hartmann6(_ params: Parameters) -> Double {
        let a: [[Double]] = [
            [10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14],
        ]
        let p: [[Double]] = [
            [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
            [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
        ]
        let alpha: [Double] = [1, 1.2, 3, 3.2]
        let x = params.compactMap { $0.value.doubleValue }
        var sum = 0.0
        for i in 0..<4 {
            var exponent = 0.0
            for j in 0..<6 { exponent += a[i][j] * (x[j] - p[i][j]) * (x[j] - p[i][j]) }
            sum += alpha[i] * exp(-exponent)
        }
        return -sum
    }
    func completed(_ params: Parameters) -> Trial {
        var trial = Trial(experimentID: "bench", params: params)
        trial.status = .completed
        trial.results = [.objective(hartmann6(params))]
        return trial
    }
    let config = AlgorithmConfig(name: "gp", options: ["seed": 1])
    var algorithm = try AlgorithmRegistry.standard.makeAlgorithm(config, space: space, maxTrials: nil)
    var generator = SeededGenerator(seed: 1)
    algorithm.observe((0..<1000).map { _ in completed(space.sample(using: &generator)) }, context: context)
    // The thread's CPU time too: on a machine shared with other jobs, the wall time overstates the cost.
    func threadCPUMilliseconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) * 1e3 + Double(time.tv_nsec) / 1e6
    }
    var samples: [Duration] = []
    var cpu: [Double] = []
    for _ in 0..<3 {
        let start = clock.now
        let cpuStart = threadCPUMilliseconds()
        let suggestions = algorithm.suggest(count: 1, context: context)
        cpu.append(threadCPUMilliseconds() - cpuStart)
        samples.append(clock.now - start)
        algorithm.observe(suggestions.map { completed($0.parameters) }, context: context)
    }
    print("(gp) one suggestion with 1,000 completed trials in 6 dimensions (wall, and CPU time of the thread)")
    print(String(format: "    first (fit with restarts): %.0f ms (CPU %.0f ms)", milliseconds(samples[0]), cpu[0]))
    print(
        String(
            format: "    next two (warm-started):   %.0f ms, %.0f ms (CPU %.0f ms, %.0f ms)",
            milliseconds(samples[1]),
            milliseconds(samples[2]),
            cpu[1],
            cpu[2]
        )
    )
    var runs: [Double] = []
    var bests: [Double] = []
    for seed in 0..<5 {
        var run = try AlgorithmRegistry.standard.makeAlgorithm(
            AlgorithmConfig(name: "gp", options: ["seed": .int(seed)]),
            space: space,
            maxTrials: 100
        )
        var best = Double.infinity
        let start = clock.now
        for _ in 0..<100 {
            let trials = run.suggest(count: 1, context: context).map { completed($0.parameters) }
            best = min(best, trials.compactMap(\.objective).min() ?? best)
            run.observe(trials, context: context)
        }
        runs.append(milliseconds(clock.now - start))
        bests.append(best + 3.322_368_011_415_514)
    }
    print(
        String(
            format: "    100-trial runs on Hartmann-6 (5 seeds): median %.0f ms per run, median regret %.3g",
            runs.sorted()[2],
            bests.sorted()[2]
        )
    )
}
if options.only.contains("gp") { try gaussianProcess() }
if options.only.contains("f"), let url = options.postgres {
    try await PostgresBenchmarks.run(
        url: url,
        sizes: options.pgSizes,
        workers: options.pgWorkers,
        loops: options.pgLoops
    )
}
if options.only.contains("g") {
    try StateBenchmarks.run(algorithms: options.stateAlgorithms, trials: options.stateTrials)
}
if options.only.contains("h") {
    try await VersionChainBenchmarks.run(depths: options.chainDepths, trials: options.chainTrials)
}
