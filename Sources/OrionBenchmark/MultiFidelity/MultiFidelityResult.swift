import Foundation
import OrionCore

/// One run of the multi-fidelity benchmark: every trial's fidelity and value in completion order, and the regret of
/// those run at full fidelity.
///
/// The incumbent after a trial is the full-fidelity trial with the best observed value so far; its regret is its
/// noise-free value minus the task's reference. Before any full-fidelity trial there is no incumbent.
public struct MultiFidelityRun: Codable, Sendable, Equatable {
    /// The run's seed (the algorithm's, and the task's noise or training seed).
    public var seed: Int
    /// Wall-clock seconds of the run.
    public var wallSeconds: Double
    /// The fidelity of each trial, in completion order.
    public var fidelities: [Double]
    /// The observed objective of each trial.
    public var values: [Double]
    /// For each trial at full fidelity, its noise-free value minus the reference; `nil` below full fidelity.
    public var regrets: [Double?]

    /// Creates a run.
    ///
    /// - Parameters:
    ///   - seed: the seed.
    ///   - wallSeconds: the wall time.
    ///   - fidelities: each trial's fidelity.
    ///   - values: each trial's observed value.
    ///   - regrets: each full-fidelity trial's regret, `nil` for the others.
    public init(seed: Int, wallSeconds: Double, fidelities: [Double], values: [Double], regrets: [Double?]) {
        self.seed = seed
        self.wallSeconds = wallSeconds
        self.fidelities = fidelities
        self.values = values
        self.regrets = regrets
    }

    /// The total fidelity spent.
    public var spent: Double { fidelities.reduce(0, +) }

    /// After each trial: the total fidelity spent so far and the incumbent's regret (`nil` before the first
    /// full-fidelity trial).
    public var curve: [(spent: Double, regret: Double?)] {
        var total = 0.0
        var best = Double.infinity
        var regret: Double?
        var points: [(spent: Double, regret: Double?)] = []
        for index in fidelities.indices {
            total += fidelities[index]
            if index < regrets.count, let trialRegret = regrets[index], values[index] < best {
                best = values[index]
                regret = trialRegret
            }
            points.append((total, regret))
        }
        return points
    }

    /// The total fidelity spent when the incumbent's regret first reached `target` or less.
    ///
    /// - Parameter target: the regret to reach.
    /// - Returns: the fidelity spent, or `nil` when the run never reached it.
    public func fidelity(toReach target: Double) -> Double? {
        curve.first { point in point.regret.map { $0 <= target } ?? false }?.spent
    }

    /// The incumbent's regret once no more than `budget` fidelity was spent.
    ///
    /// - Parameter budget: the total fidelity.
    /// - Returns: the regret, or `nil` when no full-fidelity trial had completed within it.
    public func regret(atBudget budget: Double) -> Double? {
        curve.last { $0.spent <= budget + 1e-9 }?.regret ?? nil
    }

    /// The incumbent's regret at the end of the run.
    public var finalRegret: Double? { curve.last?.regret ?? nil }

    enum CodingKeys: String, CodingKey {
        case seed, fidelities, values, regrets
        case wallSeconds = "wall_s"
    }
}

/// The runs of one algorithm on one multi-fidelity task: `mf_<framework>_<algorithm>_<task>.json`, written by
/// `orion benchmark mf-run` and by `Benchmarks/peers/multifidelity_orion.py` for Oríon 0.2.7.
public struct MultiFidelityResultFile: Codable, Sendable, Equatable {
    /// `swift-orion`, or `orion` for Oríon 0.2.7.
    public var framework: String
    /// The algorithm's label (`asha`, `hyperband`, `random`).
    public var algorithm: String
    /// The task's name.
    public var task: String
    /// The task's reference value for regret.
    public var optimum: Double
    /// The fidelity prior's upper bound.
    public var maxFidelity: Double
    /// The total fidelity each run could spend.
    public var budget: Double
    /// The seeds of ``runs``.
    public var seeds: [Int]
    /// How the runs were made.
    public var notes: String
    /// When the file was written, `YYYY-MM-DDTHH:MM:SS` in UTC.
    public var writtenAt: String
    /// The runs, by seed.
    public var runs: [MultiFidelityRun]

    /// Creates a result file, sorting the runs by seed.
    public init(
        framework: String = "swift-orion",
        algorithm: String,
        task: String,
        optimum: Double,
        maxFidelity: Double,
        budget: Double,
        notes: String,
        writtenAt: Date = Date(),
        runs: [MultiFidelityRun]
    ) {
        self.framework = framework
        self.algorithm = algorithm
        self.task = task
        self.optimum = optimum
        self.maxFidelity = maxFidelity
        self.budget = budget
        self.runs = runs.sorted { $0.seed < $1.seed }
        self.seeds = self.runs.map(\.seed)
        self.notes = notes
        self.writtenAt = BenchmarkResultFile.timestamp(writtenAt)
    }

    /// `mf_<framework>_<algorithm>_<task>.json`.
    public var fileName: String { "mf_\(framework)_\(algorithm)_\(task).json" }

    /// Writes the file as JSON to `directory/fileName`, atomically.
    ///
    /// - Parameter directory: the directory, created if needed.
    /// - Returns: the path written.
    /// - Throws: the file system's errors.
    @discardableResult
    public func write(to directory: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let path = (directory as NSString).appendingPathComponent(fileName)
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
        return path
    }

    /// Every `mf_*.json` file in `directories`; a later file of the same framework, algorithm and task replaces
    /// an earlier one.
    ///
    /// - Parameter directories: the directories.
    /// - Returns: the files, ordered by task, framework and algorithm.
    /// - Throws: ``BenchmarkError`` `.badResultFile` for a file that does not decode.
    public static func load(directories: [String]) throws -> [MultiFidelityResultFile] {
        var files: [String: MultiFidelityResultFile] = [:]
        for directory in directories {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for name in names.sorted() where name.hasPrefix("mf_") && name.hasSuffix(".json") {
                let path = (directory as NSString).appendingPathComponent(name)
                let file: MultiFidelityResultFile
                do {
                    file = try JSONDecoder().decode(Self.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
                } catch {
                    throw BenchmarkError(
                        .badResultFile,
                        "\(path) is not a multi-fidelity result file (\(error)); give files written by"
                            + " `orion benchmark mf-run` or Benchmarks/peers/multifidelity_orion.py"
                    )
                }
                files[file.fileName] = file
            }
        }
        return files.values.sorted { ($0.task, $0.framework, $0.algorithm) < ($1.task, $1.framework, $1.algorithm) }
    }

    enum CodingKeys: String, CodingKey {
        case framework, algorithm, task, optimum, budget, seeds, notes, runs
        case maxFidelity = "max_fidelity"
        case writtenAt = "written_at"
    }
}
