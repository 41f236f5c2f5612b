import Foundation

/// The regret tables of `shared/bench/results/summary.md`, computed from result files of any framework: ours
/// (`orion benchmark run`) and the peers' side by side.
///
/// The numbers and their formatting follow `peers/summarize.py` exactly, so that a table made from the peers'
/// files alone is byte for byte the one summarize.py writes: simple regret at k trials is
/// `best_so_far[min(k, n) − 1] − optimum` clipped at 0; mean and median over seeds (the median of an even count is
/// the mean of the middle two); per problem and checkpoint, configurations are ranked by median regret (ties share
/// the average rank); the last table averages the ranks over the problems of problems.json, as summarize.py, and
/// another one over the other tasks found in the files, when there are any. Problems come in the order of
/// problems.json, then any other task found in the files, by name. A cell at k trials of a configuration whose runs
/// are shorter than k (summarize.py then takes the last trial's value) is marked `*`, with a note under the table.
public struct BenchmarkTable: Sendable {
    /// The tasks a table knows by name: the nine problems, Oríon's tasks, the scikit-learn tasks and the held-out and
    /// fresh sets (their headers showed no dimensions).
    public static var knownTasks: [BenchmarkTask] {
        BenchmarkTasks.all + SklearnTasks.all() + syntheticProblemSets.flatMap { $0.all }
    }

    /// The numbers of trials at which regret is reported.
    public static let checkpoints = [25, 50, 100]

    /// The result files, one per (problem, framework/algorithm): files of the same problem and configuration are
    /// joined by seed (see ``init(files:tasks:)``).
    public private(set) var files: [BenchmarkResultFile]
    /// The known tasks, for the optimum and the dimensions of each problem.
    public var tasks: [BenchmarkTask]
    /// One line for each file left out for a later file of its configuration with another budget.
    public private(set) var notes: [String]

    /// Creates a table of `files`.
    ///
    /// - Parameters:
    ///   - files: result files; for the same problem and `framework/algorithm` with the same budget, the runs are
    ///     joined by seed (a seed in both: the later file's run), as when the seeds of one configuration ran in
    ///     several commands; with another budget the later file replaces the earlier (``notes`` says so). A file
    ///     without runs is left
    ///     out: it has no median to rank (``load(directories:skipping:)`` says which it left out).
    ///   - tasks: the known tasks (``knownTasks`` by default: a scikit-learn task's regret is measured against its
    ///     reference value).
    public init(files: [BenchmarkResultFile], tasks: [BenchmarkTask] = BenchmarkTable.knownTasks) {
        var byKey: [String: Int] = [:]
        var kept: [BenchmarkResultFile] = []
        var notes: [String] = []
        for file in files where !file.runs.isEmpty {
            let key = file.problem + "\u{0}" + Self.label(file)
            if let index = byKey[key] {
                if kept[index].budget != file.budget {
                    notes.append(
                        "\(Self.label(file)) on \(file.problem): the runs of \(kept[index].budget) trials are left"
                            + " out for those of \(file.budget) trials of a later file (one budget per configuration)"
                    )
                }
                kept[index] = kept[index].budget == file.budget ? Self.joined(kept[index], file) : file
            } else {
                byKey[key] = kept.count
                kept.append(file)
            }
        }
        self.files = kept
        self.tasks = tasks
        self.notes = notes
    }

    /// Reads every `*.json` result file of `directories` (in name order, directory by directory); JSON files
    /// without `runs` and `mf_*.json` files (`orion benchmark mf-table`'s) are skipped, and so is a result file
    /// whose `runs` is empty, with a note.
    ///
    /// - Parameters:
    ///   - directories: directories holding result files.
    ///   - skipping: called with one line naming each result file left out because it holds no run.
    /// - Returns: the files, each with at least one run.
    /// - Throws: ``BenchmarkError`` `.badResultFile` for a directory that cannot be listed, a file that is not JSON
    ///   (a run cut off while writing, an edit) or a result file that does not follow the schema.
    public static func load(
        directories: [String],
        skipping: (String) -> Void = { _ in }
    ) throws -> [BenchmarkResultFile] {
        var files: [BenchmarkResultFile] = []
        for directory in directories {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }
            } catch {
                throw BenchmarkError(
                    .badResultFile,
                    "cannot list \(directory): give a directory of result files written by `orion benchmark run`"
                )
            }
            for name in names.sorted() where !name.hasPrefix("mf_") {
                let path = (directory as NSString).appendingPathComponent(name)
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw BenchmarkError(.badResultFile, "cannot read \(path)")
                }
                guard let parsed = try? JSONSerialization.jsonObject(with: data) else {
                    throw BenchmarkError(
                        .badResultFile,
                        "\(path) is not JSON (cut off while it was written, or edited): run its configuration again,"
                            + " or move the file away"
                    )
                }
                guard let object = parsed as? [String: Any], object["runs"] != nil else { continue }
                let file = try BenchmarkResultFile.read(from: path)
                guard !file.runs.isEmpty else {
                    skipping("\(path) holds no run (\"runs\": []): left out; run its configuration again, or remove it")
                    continue
                }
                files.append(file)
            }
        }
        return files
    }

    /// `framework/algorithm`, the row label.
    static func label(_ file: BenchmarkResultFile) -> String { file.framework + "/" + file.algorithm }

    /// The median as the table computes it (the mean of the middle two of an even count); `nan` when empty.
    ///
    /// - Parameter values: the values.
    /// - Returns: their median.
    public static func median(_ values: [Double]) -> Double { Statistics.median(values) }

    /// `earlier`'s runs and `later`'s in one file, by seed: a seed in both keeps `later`'s run; the rest of the file is
    /// `later`'s.
    public static func joined(_ earlier: BenchmarkResultFile, _ later: BenchmarkResultFile) -> BenchmarkResultFile {
        var joined = later
        joined.runs = runsJoinedBySeed(earlier.runs, later.runs, seed: \.seed)
        joined.seeds = joined.runs.map(\.seed)
        return joined
    }

    /// One configuration on one problem.
    public struct Row: Sendable, Equatable {
        /// `framework/algorithm`.
        public var label: String
        /// The number of runs.
        public var seeds: Int
        /// Mean regret over seeds at each checkpoint.
        public var mean: [Int: Double]
        /// Median regret over seeds at each checkpoint.
        public var median: [Int: Double]
        /// Rank of the median regret among the problem's rows at each checkpoint.
        public var rank: [Int: Double]
        /// Median wall seconds per run.
        public var wallSeconds: Double
        /// The checkpoints past the length of some run (its last trial's value stands for them).
        public var short: Set<Int> = []
    }

    /// One problem's section.
    public struct Section: Sendable, Equatable {
        /// The problem's name.
        public var problem: String
        /// Its known minimum or, when none is known (``optimumIsKnown``), the best value any run found, which the
        /// regrets are then measured against.
        public var optimum: Double
        /// Whether ``optimum`` is the problem's known minimum.
        public var optimumIsKnown = true
        /// Its dimensions as summarize.py lists them.
        public var dimensions: String
        /// The rows, best median regret at the last checkpoint first.
        public var rows: [Row]
    }

    /// The problems in table order: the known tasks' order, then the others by name.
    private var problems: [String] {
        let present = Set(files.map(\.problem))
        let known = tasks.map(\.name).filter { present.contains($0) }
        return known + present.subtracting(known).sorted()
    }

    /// The sections, one per problem with at least one result file.
    public var sections: [Section] {
        let labels = Set(files.map(Self.label)).sorted()
        return problems.map { problem in
            let task = tasks.first { $0.name == problem } ?? (try? OrionTasks.task(problem)) ?? nil
            let known = task?.optimum ?? files.first { $0.problem == problem }?.optimum
            // Without a known minimum (EggHolder in 3 dimensions), regrets are measured against the best value any
            // configuration found: ranks stay meaningful, and no row reads 0 where it is not at the minimum.
            let bestFound = files.filter { $0.problem == problem }.flatMap(\.runs).compactMap { $0.bestSoFar.min() }
                .filter(\.isFinite).min()
            let optimum = known ?? bestFound ?? 0
            var rows: [Row] = []
            for label in labels {
                guard let file = files.first(where: { $0.problem == problem && Self.label($0) == label }) else {
                    continue
                }
                var mean: [Int: Double] = [:]
                var median: [Int: Double] = [:]
                let shortest = file.runs.map(\.bestSoFar.count).min() ?? 0
                for k in Self.checkpoints {
                    let regrets = file.runs.map { run -> Double in
                        let curve = run.bestSoFar
                        guard !curve.isEmpty else { return .infinity }
                        return max(curve[min(k, curve.count) - 1] - optimum, 0)
                    }
                    mean[k] = Statistics.mean(regrets)
                    median[k] = Statistics.median(regrets)
                }
                let wall = Statistics.median(file.runs.map(\.wallSeconds))
                rows.append(
                    Row(
                        label: label,
                        seeds: file.runs.count,
                        mean: mean,
                        median: median,
                        rank: [:],
                        wallSeconds: wall,
                        short: Set(Self.checkpoints.filter { $0 > shortest })
                    )
                )
            }
            for k in Self.checkpoints {
                let ranks = Statistics.ranks(rows.map { $0.median[k] ?? .infinity })
                for index in rows.indices { rows[index].rank[k] = ranks[index] }
            }
            let order = rows.indices.sorted { left, right in
                let a = rows[left].median[100] ?? .infinity
                let b = rows[right].median[100] ?? .infinity
                return a < b || (a == b && left < right)
            }
            return Section(
                problem: problem,
                optimum: optimum,
                optimumIsKnown: known != nil,
                dimensions: task?.dimensionsSummary ?? "",
                rows: order.map { rows[$0] }
            )
        }
    }

    /// The mean rank over problems of one configuration.
    public struct MeanRank: Sendable, Equatable {
        /// `framework/algorithm`.
        public var label: String
        /// The number of problems it ran on.
        public var problems: Int
        /// The mean of its ranks at each checkpoint.
        public var rank: [Int: Double]
    }

    /// Mean ranks over the problems of problems.json (the nine), best (lowest at the last checkpoint) first, as
    /// summarize.py ranks them.
    public var meanRanks: [MeanRank] {
        let nine = Set(BenchmarkProblems.all.map(\.name))
        return Self.meanRanks(of: sections.filter { nine.contains($0.problem) }, labels: Set(files.map(Self.label)))
    }

    /// Mean ranks over the other tasks found in the files (Oríon's, the held-out and fresh sets, the
    /// scikit-learn tasks), best first; empty when there is none.
    public var otherMeanRanks: [MeanRank] {
        let nine = Set(BenchmarkProblems.all.map(\.name))
        return Self.meanRanks(of: sections.filter { !nine.contains($0.problem) }, labels: Set(files.map(Self.label)))
    }

    private static func meanRanks(of sections: [Section], labels: Set<String>) -> [MeanRank] {
        let labels = labels.sorted()
        let ranks = labels.map { label in
            let rows = sections.compactMap { section in section.rows.first { $0.label == label } }
            var mean: [Int: Double] = [:]
            for k in Self.checkpoints { mean[k] = Statistics.mean(rows.map { $0.rank[k] ?? 0 }) }
            return MeanRank(label: label, problems: rows.count, rank: mean)
        }
        let order = ranks.indices.sorted { left, right in
            let a = ranks[left].problems > 0 ? ranks[left].rank[100] ?? 99 : 99
            let b = ranks[right].problems > 0 ? ranks[right].rank[100] ?? 99 : 99
            return a < b || (a == b && left < right)
        }
        return order.map { ranks[$0] }.filter { $0.problems > 0 }
    }

    /// The whole table as markdown, the text summarize.py writes to summary.md.
    public var markdown: String {
        var lines = [
            "# Anchor regret tables", "",
            "simple regret = best-so-far - known optimum (minimization); mean / median over seeds.",
            "rank@k = rank of the algorithm's MEDIAN regret at k trials among the algorithms on that problem.",
            "",
        ]
        for section in sections {
            lines += [
                "## \(section.problem)  (\(section.optimumText); dims \(section.dimensions))",
                "",
                "| framework/algo | seeds | mean@25 | med@25 | mean@50 | med@50 | mean@100 | med@100 | rank@100 | median wall s/run |",
                "|---|---|---|---|---|---|---|---|---|---|",
            ]
            for row in section.rows {
                var cells = [row.label, String(row.seeds)]
                for k in Self.checkpoints {
                    let mark = row.short.contains(k) ? "\\*" : ""
                    cells += [Self.format(row.mean[k] ?? .nan) + mark, Self.format(row.median[k] ?? .nan) + mark]
                }
                cells += [
                    Self.format("%g", row.rank[100] ?? .nan) + (row.short.contains(100) ? "\\*" : ""),
                    Self.format("%.2f", row.wallSeconds),
                ]
                lines.append("| " + cells.joined(separator: " | ") + " |")
            }
            lines.append("")
        }
        let ranked: [(title: String, ranks: [MeanRank])] = [
            ("## Mean rank over problems (by median regret; lower is better)", meanRanks),
            ("## Mean rank over the other tasks (by median regret; lower is better)", otherMeanRanks),
        ]
        for (title, ranks) in ranked where !ranks.isEmpty || title.contains("over problems") {
            lines += [
                title, "",
                "| framework/algo | problems | mean rank@25 | mean rank@50 | mean rank@100 |",
                "|---|---|---|---|---|",
            ]
            for entry in ranks {
                let cells = Self.checkpoints.map { Self.format("%.2f", entry.rank[$0] ?? .nan) }
                lines.append("| \(entry.label) | \(entry.problems) | " + cells.joined(separator: " | ") + " |")
            }
            lines.append("")
        }
        if sections.contains(where: { $0.rows.contains { !$0.short.isEmpty } }) {
            lines += [
                "\\* some runs of this configuration are shorter than k trials: the value is their last trial's.", "",
            ]
        }
        return lines.joined(separator: "\n")
    }

    /// A regret as summarize.py's `fmt`: `0`, 3 significant digits in scientific notation at or above 1000 and
    /// below 0.001, else 4 significant digits.
    ///
    /// - Parameter value: the regret.
    /// - Returns: its text.
    public static func format(_ value: Double) -> String {
        if value == 0 { return "0" }
        if abs(value) >= 1000 || abs(value) < 1e-3 { return format("%.2e", value) }
        return format("%.4g", value)
    }

    /// `value` through a C format (`%.2e`, `%.4g`, `%g`, `%.2f`), with Python's spelling of non-finite values.
    static func format(_ pattern: String, _ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        return String(format: pattern, value)
    }
}

/// Means, medians and ranks computed as Python's `statistics` module and summarize.py's `rankdata` compute them.
enum Statistics {
    /// The mean, from the correctly rounded sum (Shewchuk's exact partial sums, as `math.fsum`); `nan` when
    /// empty.
    static func mean(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        return exactSum(values) / Double(values.count)
    }

    /// The sum of `values` correctly rounded, by exact non-overlapping partial sums.
    static func exactSum(_ values: [Double]) -> Double {
        var partials: [Double] = []
        for value in values {
            guard value.isFinite else { return values.reduce(0, +) }
            var x = value
            var kept = 0
            for y in partials {
                var (big, small) = (x, y)
                if abs(big) < abs(small) { swap(&big, &small) }
                let high = big + small
                let low = small - (high - big)
                if low != 0 {
                    partials[kept] = low
                    kept += 1
                }
                x = high
            }
            partials.removeSubrange(kept...)
            partials.append(x)
        }
        // Add the partials from the largest, with the half-way correction of math.fsum.
        guard var index = partials.indices.last else { return 0 }
        var high = partials[index]
        var low = 0.0
        while index > 0 {
            index -= 1
            let x = high
            let y = partials[index]
            high = x + y
            low = y - (high - x)
            if low != 0 { break }
        }
        if index > 0 && ((low < 0 && partials[index - 1] < 0) || (low > 0 && partials[index - 1] > 0)) {
            let y = low * 2
            let x = high + y
            if y == x - high { high = x }
        }
        return high
    }

    /// The median: the middle value, or the mean of the middle two; `nan` when empty.
    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Ranks from 1 (smallest); equal values share the average of their ranks; `nan` ranks as `+∞` (last), so
    /// that one undefined value cannot scramble the others' order.
    static func ranks(_ values: [Double]) -> [Double] {
        let values = values.map { $0.isNaN ? Double.infinity : $0 }
        let order = values.indices.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
        var ranks = [Double](repeating: 0, count: values.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && values[order[j + 1]] == values[order[i]] { j += 1 }
            for k in i...j { ranks[order[k]] = Double(i + j) / 2 + 1 }
            i = j + 1
        }
        return ranks
    }
}

extension BenchmarkTable.Section {
    /// `optimum X`, or `optimum unknown: regret against the best value found, X`.
    public var optimumText: String {
        let value = BenchmarkTable.format("%.10g", optimum)
        return optimumIsKnown ? "optimum \(value)" : "optimum unknown: regret against the best value found, \(value)"
    }
}
