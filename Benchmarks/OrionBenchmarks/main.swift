// Benchmarks of swift-orion's own overhead (not tests: run them on a quiet machine and compare ratios).
//
//   swift build -c release --product OrionBenchmarks --product orion
//   .build/release/OrionBenchmarks [--trials 1000] [--hunt-trials 200] [--noop ../shared/compat/noop.sh]
//
// (a) in-process: suggest + register + reserve + complete on SQLite with a no-op objective, per trial, for
//     trials 1–100 and 900–1,000;
// (b) `orion hunt` on noop.sh versus spawning noop.sh directly the same number of times.
import Foundation
import OrionAlgorithms
import OrionCore
import OrionSQLite
import OrionWorker

struct Options {
    var trials = 1000
    var huntTrials = 200
    var noop: String?

    init(arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--trials": trials = iterator.next().flatMap(Int.init) ?? trials
            case "--hunt-trials": huntTrials = iterator.next().flatMap(Int.init) ?? huntTrials
            case "--noop": noop = iterator.next()
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
    print("    " + summarize("all", samples[...]))
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
            "sqlite://\(directory)/orion.db", "--working-dir", directory + "/work", noop, "-x~uniform(0, 1)",
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

let options = Options(arguments: CommandLine.arguments)
try await inProcess(trials: options.trials, inMemory: false)
try await inProcess(trials: options.trials, inMemory: true)
try await storageOperations(count: 500)
let noop =
    options.noop
    ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path + "/shared/compat/noop.sh"
try hunt(trials: options.huntTrials, noop: noop)
