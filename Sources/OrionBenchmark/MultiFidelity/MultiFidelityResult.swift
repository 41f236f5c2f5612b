import Foundation
import OrionCore

/// How the fidelity a trial costs is counted.
public enum MultiFidelityAccounting: String, Codable, Sendable, CaseIterable {
    /// Every trial trains from scratch and costs its whole fidelity (Oríon's convention).
    case scratch
    /// A trial that continues from its parent's checkpoint costs only the fidelity it trains beyond the parent's
    /// (what a user whose script checkpoints pays).
    case resume
}

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
    /// The fidelity each trial paid when it continued from its parent's checkpoint (its fidelity when it had none);
    /// `nil` in files that do not record it (then equal to ``fidelities``).
    public var paid: [Double]?
    /// Each trial's finishing time on the simulated clock of several workers (`SimulatedWorkers`: a trial lasts
    /// the epochs it trains); `nil` for one worker, whose clock is the fidelity spent (``costs(_:)`` summed).
    public var times: [Double]?

    /// Creates a run.
    ///
    /// - Parameters:
    ///   - seed: the seed.
    ///   - wallSeconds: the wall time.
    ///   - fidelities: each trial's fidelity.
    ///   - values: each trial's observed value.
    ///   - regrets: each full-fidelity trial's regret, `nil` for the others.
    ///   - paid: each trial's fidelity beyond its parent's checkpoint; `nil` when not recorded.
    ///   - times: each trial's finishing time with several simulated workers; `nil` for one worker.
    public init(
        seed: Int,
        wallSeconds: Double,
        fidelities: [Double],
        values: [Double],
        regrets: [Double?],
        paid: [Double]? = nil,
        times: [Double]? = nil
    ) {
        self.seed = seed
        self.wallSeconds = wallSeconds
        self.fidelities = fidelities
        self.values = values
        self.regrets = regrets
        self.paid = paid
        self.times = times
    }

    /// Each trial's cost under `accounting`.
    ///
    /// - Parameter accounting: from scratch (the trial's fidelity) or with resumption (``paid``).
    /// - Returns: one cost per trial.
    public func costs(_ accounting: MultiFidelityAccounting) -> [Double] {
        switch accounting {
        case .scratch: fidelities
        case .resume: paid ?? fidelities
        }
    }

    /// The total fidelity spent, every trial from scratch.
    public var spent: Double { fidelities.reduce(0, +) }

    /// After each trial: the total fidelity spent so far, every trial from scratch, and the incumbent's regret
    /// (`nil` before the first full-fidelity trial).
    public var curve: [(spent: Double, regret: Double?)] { curve(.scratch) }

    /// After each trial: the total fidelity spent so far under `accounting` and the incumbent's regret (`nil`
    /// before the first full-fidelity trial).
    ///
    /// - Parameter accounting: how a trial's cost is counted.
    /// - Returns: one point per trial.
    public func curve(_ accounting: MultiFidelityAccounting) -> [(spent: Double, regret: Double?)] {
        let costs = costs(accounting)
        var total = 0.0
        var best = Double.infinity
        var regret: Double?
        var points: [(spent: Double, regret: Double?)] = []
        for index in costs.indices {
            total += costs[index]
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
    /// - Parameters:
    ///   - target: the regret to reach.
    ///   - accounting: how a trial's cost is counted.
    /// - Returns: the fidelity spent, or `nil` when the run never reached it.
    public func fidelity(toReach target: Double, accounting: MultiFidelityAccounting = .scratch) -> Double? {
        curve(accounting).first { point in point.regret.map { $0 <= target } ?? false }?.spent
    }

    /// The incumbent's regret once no more than `budget` fidelity was spent.
    ///
    /// - Parameters:
    ///   - budget: the total fidelity.
    ///   - accounting: how a trial's cost is counted.
    /// - Returns: the regret, or `nil` when no full-fidelity trial had completed within it.
    public func regret(atBudget budget: Double, accounting: MultiFidelityAccounting = .scratch) -> Double? {
        curve(accounting).last { $0.spent <= budget + 1e-9 }?.regret ?? nil
    }

    /// The incumbent's regret at the end of the run.
    public var finalRegret: Double? { curve.last?.regret ?? nil }

    /// After each trial: its finishing time and the incumbent's regret; the time is ``times``' or, for one worker,
    /// the fidelity spent under `accounting` (one worker trains the trials one after the other).
    ///
    /// - Parameter accounting: how a trial's duration is counted, as the run's budget was.
    /// - Returns: one point per trial.
    public func timeCurve(_ accounting: MultiFidelityAccounting) -> [(time: Double, regret: Double?)] {
        let points = curve(accounting)
        guard let times, times.count == points.count else { return points.map { ($0.spent, $0.regret) } }
        return zip(times, points).map { ($0, $1.regret) }
    }

    /// The time when the incumbent's regret first reached `target` or less, `nil` when it never did.
    ///
    /// - Parameters:
    ///   - target: the regret to reach.
    ///   - accounting: how a trial's duration is counted.
    /// - Returns: the time.
    public func time(toReach target: Double, accounting: MultiFidelityAccounting) -> Double? {
        timeCurve(accounting).first { point in point.regret.map { $0 <= target } ?? false }?.time
    }

    enum CodingKeys: String, CodingKey {
        case seed, fidelities, values, regrets, paid, times
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
    /// How the budget was counted: from scratch (Oríon's convention; files without the key) or with resumption.
    public var accounting: MultiFidelityAccounting
    /// How many workers each run simulated (1 in files without the key).
    public var workers: Int
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
        accounting: MultiFidelityAccounting = .scratch,
        workers: Int = 1,
        notes: String,
        writtenAt: Date = Date(),
        runs: [MultiFidelityRun]
    ) {
        self.accounting = accounting
        self.workers = workers
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

    /// `mf_<framework>_<algorithm>_<task>.json`, with `_resume` before `.json` for a budget counted with
    /// resumption and `_w<workers>` for several workers; the algorithm's label and the task go through
    /// ``SafeName`` (a label with braces, quotes or spaces, or a long one, is a slug and a hash of it).
    public var fileName: String {
        "mf_\(framework)_\(SafeName.of(algorithm))_\(SafeName.of(task, maximumLength: 80))"
            + "\(accounting == .resume ? "_resume" : "")"
            + "\(workers > 1 ? "_w\(workers)" : "").json"
    }

    /// `framework/algorithm`, with ` (resume)` for a budget counted with resumption and ` ×w` for w workers.
    public var label: String {
        "\(framework)/\(algorithm)\(accounting == .resume ? " (resume)" : "")\(workers > 1 ? " ×\(workers)" : "")"
    }

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

    /// Every `mf_*.json` file in `directories`; files of the same name (framework, algorithm, task and accounting)
    /// are joined by seed, as when the seeds of one configuration ran in several commands (a seed in both: the later
    /// directory's run).
    ///
    /// - Parameter directories: the directories.
    /// - Returns: the files, ordered by task, framework and algorithm.
    /// - Throws: ``BenchmarkError`` `.badResultFile` for a file that does not decode, or for two files of the same
    ///   name whose budgets, optima or maximum fidelities differ (their runs do not compare).
    public static func load(directories: [String]) throws -> [MultiFidelityResultFile] {
        var files: [String: MultiFidelityResultFile] = [:]
        for directory in directories {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for name in names.sorted() where name.hasPrefix("mf_") && name.hasSuffix(".json") {
                let path = (directory as NSString).appendingPathComponent(name)
                let file = try read(from: path)
                files[file.fileName] = try files[file.fileName].map { try $0.joined(with: file, from: path) } ?? file
            }
        }
        return files.values.sorted {
            ($0.task, $0.framework, $0.algorithm, $0.accounting.rawValue, $0.workers)
                < ($1.task, $1.framework, $1.algorithm, $1.accounting.rawValue, $1.workers)
        }
    }

    /// Reads a multi-fidelity result file.
    ///
    /// - Parameter path: the file's path.
    /// - Returns: the decoded file.
    /// - Throws: ``BenchmarkError`` `.badResultFile` when it cannot be read or does not follow the schema.
    public static func read(from path: String) throws(BenchmarkError) -> MultiFidelityResultFile {
        do {
            return try JSONDecoder().decode(Self.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw BenchmarkError(
                .badResultFile,
                "\(path) is not a multi-fidelity result file (\(error)); give files written by"
                    + " `orion benchmark mf-run` or Benchmarks/peers/multifidelity_orion.py"
            )
        }
    }

    /// This file's runs and `later`'s (read from `path`) in one file, by seed; a seed in both keeps `later`'s run,
    /// and the file keeps `later`'s notes and time.
    ///
    /// - Throws: ``BenchmarkError`` `.badResultFile` when the budgets, optima or maximum fidelities differ.
    func joined(with later: Self, from path: String) throws(BenchmarkError) -> Self {
        guard budget == later.budget, optimum == later.optimum, maxFidelity == later.maxFidelity else {
            throw BenchmarkError(
                .badResultFile,
                "\(path) holds \(label) on \(task) with budget \(later.budget), optimum \(later.optimum) and maximum"
                    + " fidelity \(later.maxFidelity), but an earlier \(fileName) has \(budget), \(optimum) and"
                    + " \(maxFidelity); their runs do not compare: give them to separate `orion benchmark mf-table` commands"
            )
        }
        return Self.joined(self, later)
    }

    enum CodingKeys: String, CodingKey {
        case framework, algorithm, task, optimum, budget, accounting, workers, seeds, notes, runs
        case maxFidelity = "max_fidelity"
        case writtenAt = "written_at"
    }

    /// Decodes a file; one without `accounting` was counted from scratch, one without `workers` ran one worker.
    ///
    /// - Throws: `DecodingError` for a missing or mistyped key.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        framework = try container.decode(String.self, forKey: .framework)
        algorithm = try container.decode(String.self, forKey: .algorithm)
        task = try container.decode(String.self, forKey: .task)
        optimum = try container.decode(Double.self, forKey: .optimum)
        maxFidelity = try container.decode(Double.self, forKey: .maxFidelity)
        budget = try container.decode(Double.self, forKey: .budget)
        accounting = try container.decodeIfPresent(MultiFidelityAccounting.self, forKey: .accounting) ?? .scratch
        workers = try container.decodeIfPresent(Int.self, forKey: .workers) ?? 1
        seeds = try container.decode([Int].self, forKey: .seeds)
        notes = try container.decode(String.self, forKey: .notes)
        writtenAt = try container.decode(String.self, forKey: .writtenAt)
        runs = try container.decode([MultiFidelityRun].self, forKey: .runs)
    }
}
