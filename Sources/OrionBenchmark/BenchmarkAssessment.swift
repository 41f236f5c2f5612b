import Foundation

/// Oríon's assessments (`orion.benchmark.assessment`): how runs of several algorithms on one task are compared.
///
/// Oríon draws plots; these compute the numbers behind them from result files, as markdown tables with one row per
/// configuration and one column per checkpoint (a number of completed trials).
/// - ``averageResult``: Oríon's `AverageResult` (its `regrets` plot): the best objective so far, mean and standard
///   deviation over repetitions (seeds).
/// - ``averageRank``: Oríon's `AverageRank` (its `rankings` plot): for each seed run by every configuration, the
///   configurations ranked by best objective so far (ties share the average rank), averaged over those seeds.
/// - ``parallelAssessment``: Oríon's `ParallelAssessment` (`n_workers=(1, 2, 4)`; its `parallel_assessment`,
///   `durations` and `regrets` plots): one algorithm with several numbers of concurrent workers, its best so far
///   and its wall time per run for each count.
public enum BenchmarkAssessment: String, Sendable, CaseIterable {
    /// Mean best objective so far over repetitions.
    case averageResult = "AverageResult"
    /// Mean rank of the configurations over repetitions.
    case averageRank = "AverageRank"
    /// Best so far and wall time per number of concurrent workers.
    case parallelAssessment = "ParallelAssessment"

    /// The worker counts of Oríon's `ParallelAssessment`.
    public static let parallelWorkers = [1, 2, 4]

    /// The assessment called `name` (Oríon's class name, case-insensitive).
    ///
    /// - Parameter name: e.g. `AverageResult`.
    /// - Returns: the assessment.
    /// - Throws: ``BenchmarkError`` `.invalidConfiguration`, listing the valid names.
    public static func named(_ name: String) throws(BenchmarkError) -> BenchmarkAssessment {
        guard let assessment = allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
            throw BenchmarkError(
                .invalidConfiguration,
                "unknown assessment '\(name)'; valid assessments: \(allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        return assessment
    }

    /// One row of an assessment table.
    public struct Row: Sendable, Equatable {
        /// `framework/algorithm`.
        public var label: String
        /// The value at each checkpoint (mean best so far, or mean rank).
        public var values: [Double]
        /// The standard deviation at each checkpoint (``averageResult`` and ``parallelAssessment``; empty for
        /// ranks).
        public var deviations: [Double]
        /// The number of runs averaged.
        public var runs: Int
        /// Median wall seconds per run.
        public var wallSeconds: Double
        /// The checkpoints past the length of some run counted (its last trial's value stands for them).
        public var short: Set<Int> = []
    }

    /// The rows of this assessment for one problem's result files.
    ///
    /// - Parameters:
    ///   - files: result files of one problem.
    ///   - checkpoints: numbers of completed trials (1-based; a run shorter than a checkpoint counts at its end).
    /// - Returns: one row per file, in label order (``parallelAssessment``: by algorithm, then worker count).
    public func rows(_ files: [BenchmarkResultFile], checkpoints: [Int]) -> [Row] {
        let sorted = files.sorted { Self.order($0) < Self.order($1) }
        switch self {
        case .averageResult, .parallelAssessment:
            return sorted.map { file in
                let curves = file.runs.map(\.bestSoFar).filter { !$0.isEmpty }
                var means: [Double] = []
                var deviations: [Double] = []
                for k in checkpoints {
                    let values = curves.map { $0[min(k, $0.count) - 1] }
                    means.append(Statistics.mean(values))
                    deviations.append(Self.deviation(values))
                }
                return Row(
                    label: BenchmarkTable.label(file),
                    values: means,
                    deviations: deviations,
                    runs: curves.count,
                    wallSeconds: Statistics.median(file.runs.map(\.wallSeconds)),
                    short: Set(checkpoints.filter { k in curves.contains { $0.count < k } })
                )
            }
        case .averageRank:
            let bySeed = sorted.map { file in
                Dictionary(file.runs.map { ($0.seed, $0.bestSoFar) }, uniquingKeysWith: { first, _ in first })
            }
            let common = bySeed.dropFirst().reduce(Set(bySeed.first?.keys ?? [:].keys)) { $0.intersection($1.keys) }
            let seeds = common.filter { seed in bySeed.allSatisfy { !($0[seed] ?? []).isEmpty } }.sorted()
            var sums = [[Double]](repeating: [Double](repeating: 0, count: checkpoints.count), count: sorted.count)
            for seed in seeds {
                for (column, k) in checkpoints.enumerated() {
                    let bests = bySeed.map { curves -> Double in
                        let curve = curves[seed] ?? []
                        return curve[min(k, curve.count) - 1]
                    }
                    for (row, rank) in Statistics.ranks(bests).enumerated() { sums[row][column] += rank }
                }
            }
            return sorted.enumerated().map { index, file in
                Row(
                    label: BenchmarkTable.label(file),
                    values: sums[index].map { seeds.isEmpty ? .nan : $0 / Double(seeds.count) },
                    deviations: [],
                    runs: seeds.count,
                    wallSeconds: Statistics.median(file.runs.map(\.wallSeconds)),
                    short: Set(checkpoints.filter { k in seeds.contains { (bySeed[index][$0]?.count ?? 0) < k } })
                )
            }
        }
    }

    /// This assessment over every problem of `files`, as markdown: one section per problem.
    ///
    /// - Parameters:
    ///   - files: result files.
    ///   - checkpoints: numbers of completed trials; when `nil`, 10 evenly spaced ones up to the largest budget.
    /// - Returns: the text.
    public func markdown(_ files: [BenchmarkResultFile], checkpoints: [Int]? = nil) -> String {
        let table = BenchmarkTable(files: files)
        var lines = ["# \(rawValue)", "", Self.explanation[self] ?? "", ""]
        for section in table.sections {
            let ofProblem = table.files.filter { $0.problem == section.problem }
            let budget = ofProblem.map(\.budget).max() ?? 1
            let marks = checkpoints ?? Self.defaultCheckpoints(budget: budget)
            let header = marks.map { "@\($0)" }
            lines += ["## \(section.problem)  (\(section.optimumText))", ""]
            let computed = rows(ofProblem, checkpoints: marks)
            // Notes go above or below the table, never inside it (a line there ends a markdown table).
            if self == .averageRank, computed.contains(where: { $0.runs == 0 }) {
                lines += [
                    "No seed ran with every configuration of \(section.problem) (ranks compare runs of one seed), so"
                        + " there is nothing to rank: run them with the same --seeds.", "",
                ]
                continue
            }
            lines += [
                "| framework/algo | runs | " + header.joined(separator: " | ") + " | median wall s/run |",
                "|---|---|" + String(repeating: "---|", count: marks.count) + "---|",
            ]
            for row in computed {
                let cells = row.values.indices.map { index -> String in
                    let mark = row.short.contains(marks[index]) ? "\\*" : ""
                    let value =
                        self == .averageRank
                        ? BenchmarkTable.format("%.2f", row.values[index]) : BenchmarkTable.format(row.values[index])
                    guard index < row.deviations.count else { return value + mark }
                    return value + " ± " + BenchmarkTable.format(row.deviations[index]) + mark
                }
                lines.append(
                    "| \(row.label) | \(row.runs) | " + cells.joined(separator: " | ")
                        + " | \(BenchmarkTable.format("%.3f", row.wallSeconds)) |"
                )
            }
            lines.append("")
            if computed.contains(where: { !$0.short.isEmpty }) {
                lines += [
                    "\\* some runs of this configuration are shorter than k trials: the value is their last trial's"
                        + " (in a rank, as if that run had stopped improving).", "",
                ]
            }
            let common = computed.first?.runs ?? 0
            if self == .averageRank, ofProblem.contains(where: { $0.runs.count > common }) {
                // Those with the fewest runs limit the ranking (a deterministic algorithm's one run, as Oríon's).
                let fewest = ofProblem.map(\.runs.count).min() ?? 0
                let limiting = ofProblem.filter { $0.runs.count == fewest }.map(BenchmarkTable.label).sorted()
                lines += [
                    "Ranked over the \(common) seed\(common == 1 ? "" : "s") every configuration of"
                        + " \(section.problem) ran; the other seeds' runs are left out (fewest runs:"
                        + " \(limiting.joined(separator: ", ")), \(fewest)).", "",
                ]
            }
        }
        return lines.joined(separator: "\n")
    }

    /// 10 evenly spaced checkpoints up to `budget` (every trial when the budget is 10 or less).
    public static func defaultCheckpoints(budget: Int) -> [Int] {
        let count = min(10, max(budget, 1))
        return (1...count).map { Int((Double($0) * Double(budget) / Double(count)).rounded()) }
    }

    private static let explanation: [BenchmarkAssessment: String] = [
        .averageResult: "Best objective so far after @k trials: mean ± standard deviation over seeds.",
        .averageRank: "Rank of each configuration by best objective so far after @k trials (1 = best), averaged over"
            + " the seeds every configuration ran.",
        .parallelAssessment: "Best objective so far after @k completed trials with each count of concurrent workers"
            + " (labels -wN; none for one): mean ± standard deviation over seeds; and the wall time per run.",
    ]

    /// Sorting key: the algorithm's name, then the worker count, then the label.
    private static func order(_ file: BenchmarkResultFile) -> String {
        let workers = file.runs.first?.workers ?? 1
        let base = file.algorithm.replacingOccurrences(of: "-w\(workers)", with: "")
        return "\(file.framework)/\(base)\u{0}\(String(format: "%04d", workers))\u{0}\(file.algorithm)"
    }

    /// The sample standard deviation (n − 1), 0 for fewer than two values.
    private static func deviation(_ values: [Double]) -> Double {
        guard values.count > 1 else { return 0 }
        var mean = Statistics.mean(values)
        mean += Statistics.exactSum(values.map { $0 - mean }) / Double(values.count)  // equal values: exactly 0
        let squares = values.map { ($0 - mean) * ($0 - mean) }
        return (Statistics.exactSum(squares) / Double(values.count - 1)).squareRoot()
    }
}
