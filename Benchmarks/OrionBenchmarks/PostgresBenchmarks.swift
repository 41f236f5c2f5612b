import Foundation
import OrionAlgorithms
import OrionCore
import OrionPostgres
import OrionSQLite
import OrionWorker

/// (e) PostgreSQL: the per-trial storage cost as the experiment grows (1k, 10k, 100k trials: it must stay flat),
/// and aggregate trials/s of 1, 4, 16 and 64 workers in this process, against SQLite.
enum PostgresBenchmarks {
    /// Runs both parts on the server at `url` (each in a schema of its own, dropped afterwards).
    static func run(url: String, sizes: [Int], workers: [Int], loops: Int) async throws {
        try await growth(url: url, sizes: sizes)
        try await scaling(url: url, workers: workers, loops: loops)
    }

    /// A URL for a new schema on the server.
    static func freshURL(_ url: String, options: String = "") -> String {
        let schema = "bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        return url + (url.contains("?") ? "&" : "?") + "schema=\(schema)" + (options.isEmpty ? "" : "&" + options)
    }

    /// One worker's step without a script: produce one trial under the algorithm lock (random search), reserve
    /// it, complete it, as `ExperimentClient.suggest` and `observe` do; timed 500 times at each size.
    static func growth(url: String, sizes: [Int]) async throws {
        let storage = try PostgresStorage(url: freshURL(url))
        defer { Task { try? await storage.dropSchema() } }
        let client = try await ExperimentClient.build(
            name: "growth",
            space: ["/x": "uniform(-5, 10)", "/y": "uniform(-5, 10)"],
            algorithm: AlgorithmConfig(name: "random", options: ["seed": 1]),
            maxTrials: 10_000_000,
            storage: storage,
            factory: AlgorithmRegistry.standard
        )
        let experimentID = client.experiment.id
        let space = client.experiment.space
        var generator = SeededGenerator(seed: 11)
        var stored = 0
        let clock = ContinuousClock()
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        print("(e1) per-trial cost on PostgreSQL as the experiment grows (suggest + observe, random search)")
        var baseline: Double?
        for size in sizes {
            // Fill up to `size` with completed trials, 1,000 per call.
            let fillStart = clock.now
            while stored < size {
                var batch: [Trial] = []
                for _ in 0..<min(1000, size - stored) {
                    var trial = Trial(experimentID: experimentID, params: space.sample(using: &generator))
                    trial.submitTime = start.addingTimeInterval(Double(stored))
                    trial.status = .completed
                    trial.startTime = trial.submitTime
                    trial.endTime = trial.submitTime.addingTimeInterval(1)
                    trial.results = [.objective(Double(stored % 997))]
                    batch.append(trial)
                    stored += 1
                }
                try await storage.registerTrials(batch)
            }
            let fill = clock.now - fillStart
            // The first step after filling reads every new trial once (the algorithm observes them): not timed.
            if let trial = try await client.suggest() { try await client.observe(trial, objective: 0) }
            var samples: [Duration] = []
            for _ in 0..<500 {
                let begin = clock.now
                guard let trial = try await client.suggest() else { break }
                try await client.observe(trial, objective: 0)
                samples.append(clock.now - begin)
            }
            stored += samples.count + 1
            let average = mean(samples[...])
            baseline = baseline ?? average
            print(
                "    " + summarize("at \(size) trials", samples[...])
                    + String(
                        format: " (%.2fx the first; filled in %.1f s)",
                        average / (baseline ?? average),
                        fill.seconds
                    )
            )
            let summaryStart = clock.now
            _ = try await storage.summary(of: experimentID)
            _ = try await storage.countTrials(of: experimentID)
            print(
                String(
                    format: "    summary + countTrials at %d trials: %.3f ms",
                    size,
                    milliseconds(clock.now - summaryStart)
                )
            )
        }
    }

    /// Aggregate trials/s: `workers` tasks in this process, each looping `loops` times over produce (under the
    /// algorithm lock), reserve, complete; on PostgreSQL (one pool of `workers` connections, at most 64) and on
    /// SQLite.
    static func scaling(url: String, workers: [Int], loops: Int) async throws {
        print("(e2) aggregate trials/s of W in-process workers (produce under the lock + reserve + complete)")
        for backend in ["PostgreSQL", "SQLite"] {
            for count in workers {
                let directory = FileManager.default.temporaryDirectory.path + "/orion-scale-\(getpid())-\(count)"
                let storage: any Storage
                if backend == "PostgreSQL" {
                    storage = try PostgresStorage(url: freshURL(url, options: "pool_size=\(min(count + 2, 64))"))
                } else {
                    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                    storage = try SQLiteStorage(path: directory + "/orion.db")
                }
                let experiment = Experiment(
                    name: "scale",
                    space: try Space(priors: ["/x": "uniform(0, 1)"]),
                    algorithm: AlgorithmConfig(name: "random")
                )
                try await storage.createExperiment(experiment)
                let clock = ContinuousClock()
                let begin = clock.now
                let done = try await withThrowingTaskGroup(of: Int.self) { group in
                    for worker in 0..<count {
                        group.addTask {
                            try await loop(storage, experiment: experiment, worker: "w\(worker)", times: loops)
                        }
                    }
                    return try await group.reduce(0, +)
                }
                let elapsed = clock.now - begin
                let completed = try await storage.countTrials(of: experiment.id)[.completed] ?? 0
                print(
                    String(
                        format: "    %@, %2d workers: %5d trials in %.2f s, %.0f trials/s%@",
                        backend,
                        count,
                        done,
                        elapsed.seconds,
                        Double(done) / elapsed.seconds,
                        completed == done ? "" : " (MISMATCH: \(completed) completed)"
                    )
                )
                if let storage = storage as? PostgresStorage { try? await storage.dropSchema() }
                try? await storage.close()
                try? FileManager.default.removeItem(atPath: directory)
            }
        }
    }

    /// One worker: `times` rounds of produce one trial, reserve one, complete it; returns the trials completed.
    static func loop(_ storage: any Storage, experiment: Experiment, worker: String, times: Int) async throws -> Int {
        var completed = 0
        var generator = SeededGenerator(seed: UInt64(abs(worker.hashValue) % 100_000))
        for _ in 0..<times {
            let params = experiment.space.sample(using: &generator)
            try await storage.withAlgorithmLock(of: experiment.id, timeout: .seconds(60)) { snapshot in
                AlgorithmUpdate(
                    state: Data("{\"n\":\(snapshot.stateVersion)}".utf8),
                    newTrials: [Trial(experimentID: experiment.id, params: params)],
                    output: ()
                )
            }
            guard let reservation = try await storage.reserveTrial(of: experiment.id, worker: worker, at: Date())
            else { continue }
            var trial = reservation.trial
            trial.status = .completed
            trial.endTime = Date()
            trial.results = [.objective(0)]
            if try await storage.updateTrial(trial, holding: reservation.token) { completed += 1 }
        }
        return completed
    }
}
