import Foundation
import OrionCore
import OrionSQLite
import OrionWorker

/// (h) What a new version reads when it starts, at the end of a long version chain.
///
/// The trials it inherits through a chain of `depth` versions on
/// SQLite (`ExperimentTree.inherited`, once per worker) and what `orion status --collapse` reads
/// (`ExperimentTree.trialsSeen`), with `trials` completed trials per version. Two chains: each version widening
/// the prior of its parent (every level changes the space: the trials above it are checked again), and each
/// version changing only the algorithm (the trials above it carry over as they are).
enum VersionChainBenchmarks {
    static func run(depths: [Int], trials: Int) async throws {
        print("(h) a version chain on SQLite, \(trials) completed trials per version: median of 3 reads")
        for widening in [true, false] {
            for depth in depths {
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                    "orion-bench-chain-\(ProcessInfo.processInfo.processIdentifier)-\(depth)-\(widening)"
                )
                try? FileManager.default.removeItem(at: directory)
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: directory) }
                let storage = try SQLiteStorage(path: directory.appendingPathComponent("chain.db").path)
                let chain = try await makeChain(storage: storage, depth: depth, trials: trials, widening: widening)
                let clock = ContinuousClock()
                var inherited: [Double] = []
                var seen: [Double] = []
                var count = 0
                for _ in 0..<3 {
                    let start = clock.now
                    count = try await ExperimentTree.inherited(of: chain[chain.count - 1], storage: storage).trials
                        .count
                    inherited.append(milliseconds(clock.now - start))
                    let middle = clock.now
                    _ = try await ExperimentTree.trialsSeen(from: chain[chain.count - 1], in: chain, storage: storage)
                    seen.append(milliseconds(clock.now - middle))
                }
                print(
                    String(
                        format: "    %@ depth %4d: inherited %.1f ms (%d trials), status --collapse reads %.1f ms",
                        (widening ? "widened priors  " : "algorithm change") as NSString,
                        depth,
                        inherited.sorted()[1],
                        count,
                        seen.sorted()[1]
                    )
                )
            }
        }
    }

    /// A chain of `depth` versions of one experiment, each with `trials` completed trials.
    private static func makeChain(
        storage: SQLiteStorage,
        depth: Int,
        trials: Int,
        widening: Bool
    ) async throws -> [Experiment] {
        var chain: [Experiment] = []
        var generator = SeededGenerator(seed: 1)
        for version in 1...depth {
            let prior = "uniform(0, \(widening ? version : 1))"
            let adapters: [Adapter] =
                chain.isEmpty
                ? []
                : widening
                    ? [.dimensionPriorChange(name: "/x", oldPrior: "uniform(0, \(version - 1))", newPrior: prior)]
                    : [.algorithmChange]
            let experiment = Experiment(
                name: "chain",
                version: version,
                space: try Space(priors: ["/x": prior, "/y": "uniform(-1, 1)"]),
                algorithm: AlgorithmConfig(name: "random", options: ["seed": .int(version)]),
                refers: chain.last.map { ExperimentRefers(rootID: chain[0].id, parentID: $0.id, adapters: adapters) }
            )
            try await storage.createExperiment(experiment)
            try await storage.registerTrials(
                (0..<trials).map { _ in
                    var trial = Trial(experimentID: experiment.id, params: experiment.space.sample(using: &generator))
                    trial.status = .completed
                    trial.results = [.objective(1)]
                    return trial
                }
            )
            chain.append(experiment)
        }
        return chain
    }
}
