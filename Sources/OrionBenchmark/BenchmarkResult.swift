import Foundation
import OrionCore

/// The runs of `earlier` and `later` in one list, in seed order (the seeds of one configuration run by several
/// commands); a seed in both keeps `later`'s run.
func runsJoinedBySeed<Run>(_ earlier: [Run], _ later: [Run], seed: (Run) -> Int) -> [Run] {
    var bySeed = Dictionary(earlier.map { (seed($0), $0) }, uniquingKeysWith: { _, last in last })
    for run in later { bySeed[seed(run)] = run }
    return bySeed.keys.sorted().compactMap { bySeed[$0] }
}

/// One run of one algorithm on one task with one seed: what `shared/bench/results` files hold in `runs`.
public struct BenchmarkRun: Codable, Sendable, Equatable {
    /// The seed given to the algorithm.
    public var seed: Int
    /// Wall-clock seconds of the whole run: creating the experiment, every suggestion, evaluation and report.
    public var wallSeconds: Double
    /// The objective values in the order the trials completed (`nil` where a peer recorded a failed trial).
    public var values: [Double?]
    /// The best value so far after each trial.
    public var bestSoFar: [Double]
    /// The parameters of the best trial, by dimension name.
    public var bestParams: [String: JSONValue]
    /// The number of trials completed.
    public var trialCount: Int
    /// The number of concurrent workers (absent in the peers' files: 1).
    public var workers: Int?

    /// Creates a run from its values, computing ``bestSoFar`` and ``trialCount``.
    ///
    /// - Parameters:
    ///   - seed: the seed.
    ///   - wallSeconds: the run's wall time.
    ///   - values: the objective values in completion order.
    ///   - bestParams: the best trial's parameters.
    ///   - workers: the number of concurrent workers.
    public init(seed: Int, wallSeconds: Double, values: [Double], bestParams: [String: JSONValue], workers: Int? = nil)
    {
        self.seed = seed
        self.wallSeconds = wallSeconds
        self.values = values
        self.bestSoFar = Self.bestSoFar(values)
        self.bestParams = bestParams
        self.trialCount = values.count
        self.workers = workers
    }

    /// The running minimum of `values` (`+∞` before the first value), as `peers/common.py`'s `best_so_far`.
    ///
    /// - Parameter values: objective values; `nil` entries keep the previous best.
    /// - Returns: one entry per value.
    public static func bestSoFar(_ values: [Double?]) -> [Double] {
        var current = Double.infinity
        return values.map { value in
            if let value, value < current { current = value }
            return current
        }
    }

    enum CodingKeys: String, CodingKey {
        case seed, values, workers
        case wallSeconds = "wall_s"
        case bestSoFar = "best_so_far"
        case bestParams = "best_params"
        case trialCount = "n_trials"
    }
}

/// A result file: every run of one algorithm configuration on one problem, in the schema of
/// `shared/bench/results/<framework>_<algorithm>_<problem>.json` that `peers/summarize.py` and `orion benchmark
/// table` read.
public struct BenchmarkResultFile: Codable, Sendable, Equatable {
    /// `swift-orion` for ours; `optuna`, `orion`, `hebo` for the peers.
    public var framework: String
    /// The algorithm's label (`random`, `tpe`, `random-w4` for 4 concurrent workers).
    public var algorithm: String
    /// The problem's name.
    public var problem: String
    /// The problem's known minimum (`nil` when unknown).
    public var optimum: Double?
    /// The number of trials per run.
    public var budget: Int
    /// The seeds of ``runs``, in order.
    public var seeds: [Int]
    /// Versions of the software that ran (`swift-orion`, and the algorithm configuration).
    public var versions: [String: String]
    /// The machine: `cpus` and `machine`.
    public var host: Host
    /// How the runs were made (algorithm options, storage, workers).
    public var notes: String
    /// When the file was written, `YYYY-MM-DDTHH:MM:SS` in UTC.
    public var writtenAt: String
    /// The runs, by seed.
    public var runs: [BenchmarkRun]

    /// The machine a result file was measured on.
    public struct Host: Codable, Sendable, Equatable {
        /// Logical CPUs.
        public var cpus: Int
        /// The architecture (`x86_64`, `aarch64`).
        public var machine: String

        /// Creates a host description.
        public init(cpus: Int, machine: String) {
            self.cpus = cpus
            self.machine = machine
        }

        /// This machine.
        public static var current: Host {
            var info = utsname()
            uname(&info)
            let machine = withUnsafeBytes(of: &info.machine) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            return Host(cpus: ProcessInfo.processInfo.activeProcessorCount, machine: machine)
        }
    }

    /// Creates a result file, sorting the runs by seed.
    public init(
        framework: String = "swift-orion",
        algorithm: String,
        problem: String,
        optimum: Double?,
        budget: Int,
        versions: [String: String] = ["swift-orion": OrionVersion.current],
        host: Host = .current,
        notes: String,
        writtenAt: Date = Date(),
        runs: [BenchmarkRun]
    ) {
        self.framework = framework
        self.algorithm = algorithm
        self.problem = problem
        self.optimum = optimum
        self.budget = budget
        self.runs = runs.sorted { $0.seed < $1.seed }
        self.seeds = self.runs.map(\.seed)
        self.versions = versions
        self.host = host
        self.notes = notes
        self.writtenAt = Self.timestamp(writtenAt)
    }

    /// The file name of this configuration: `<framework>_<algorithm>_<problem>.json`, the algorithm's label and the
    /// problem through ``SafeName`` (a label with other characters than letters, digits and `- _ . = +`, or longer
    /// than 120 bytes, is a slug and a hash of it).
    public var fileName: String {
        "\(framework)_\(SafeName.of(algorithm))_\(SafeName.of(problem, maximumLength: 80)).json"
    }

    /// `date` as `YYYY-MM-DDTHH:MM:SS` in UTC.
    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(c.year ?? 1970)-\(two(c.month))-\(two(c.day))T\(two(c.hour)):\(two(c.minute)):\(two(c.second))"
    }

    /// Reads a result file.
    ///
    /// - Parameter path: the file's path.
    /// - Returns: the decoded file.
    /// - Throws: ``BenchmarkError`` `.badResultFile` when it cannot be read or does not follow the schema.
    public static func read(from path: String) throws -> BenchmarkResultFile {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return try JSONDecoder().decode(BenchmarkResultFile.self, from: data)
        } catch {
            throw BenchmarkError(
                .badResultFile,
                "\(path) is not a benchmark result file (\(error)); give files written by `orion benchmark run`"
                    + " or by shared/bench/peers"
            )
        }
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

    enum CodingKeys: String, CodingKey {
        case framework, algorithm, problem, optimum, budget, seeds, versions, host, notes, runs
        case writtenAt = "written_at"
    }
}
