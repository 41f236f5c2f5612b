import Foundation

/// The multi-fidelity comparison: per task, how much fidelity each algorithm spends to reach random search's final
/// regret, and its regret at equal budget.
///
/// The target of a task is the median, over seeds, of the final regret of swift-orion's `random` (at full
/// fidelity, the whole budget); with no such file, of any framework's `random`. Per configuration:
/// - `to target`: the median over seeds of the fidelity spent when the incumbent first reached the target (a run
///   that never did counts as infinite), and how many runs reached it;
/// - `/ budget`: that median as a fraction of the budget (the bar is at most 1/3 for ASHA and Hyperband);
/// - the same two with resumption: a trial that continued from its parent's checkpoint counts only the fidelity it
///   trained (what a user whose script checkpoints pays);
/// - regret at a third of the budget and at the whole budget, the budget counted as the run's was (from scratch,
///   or with resumption for a `(resume)` row): median over seeds of the incumbent's regret (`-` when the median
///   run had no full-fidelity trial yet).
///
/// Below a task's table come the runs with several simulated workers (``timeRows(of:target:)``,
/// `MultiFidelityTable+Workers.swift`), and swift-orion's runs compared seed by seed with another framework's runs
/// of the same algorithm (``pairs(of:)``, `MultiFidelityTable+Pairs.swift`).
public struct MultiFidelityTable: Sendable {
    /// The result files.
    public var files: [MultiFidelityResultFile]

    /// Creates the table of `files`.
    public init(files: [MultiFidelityResultFile]) {
        self.files = files
    }

    /// One row of the table.
    public struct Row: Sendable, Equatable {
        /// `framework/algorithm`.
        public var label: String
        /// The number of runs.
        public var seeds: Int
        /// The median fidelity spent to reach the target, every trial from scratch (`+∞` when the median run did
        /// not reach it).
        public var fidelityToTarget: Double
        /// The same with resumption: a trial that continued from its parent counts the fidelity it trained.
        public var resumedFidelityToTarget: Double
        /// How many runs reached the target.
        public var reached: Int
        /// The median regret at a third of the budget (`+∞` when undefined).
        public var regretAtThird: Double
        /// The median regret at the whole budget (`+∞` when undefined).
        public var regretAtBudget: Double
        /// The median number of trials per run.
        public var trials: Double
        /// The median wall seconds per run.
        public var wallSeconds: Double
    }

    /// The target regret of `task`: the median final regret of random search, or `nil` without a random file.
    ///
    /// - Parameter task: the task's name.
    /// - Returns: the target.
    public func target(of task: String) -> Double? {
        let randoms = files.filter { $0.task == task && $0.algorithm == "random" && $0.accounting == .scratch }
        guard let reference = randoms.first(where: { $0.framework == "swift-orion" }) ?? randoms.first else {
            return nil
        }
        return Self.median(reference.runs.map { $0.finalRegret ?? .infinity })
    }

    /// The rows of `task`, in file order.
    ///
    /// - Parameters:
    ///   - task: the task's name.
    ///   - target: the regret to reach.
    /// - Returns: one row per file of the task.
    public func rows(of task: String, target: Double) -> [Row] {
        files.filter { $0.task == task }.map { file in
            let reach = file.runs.map { $0.fidelity(toReach: target) }
            let resumed = file.runs.map { $0.fidelity(toReach: target, accounting: .resume) }
            let accounting = file.accounting
            return Row(
                label: file.label,
                seeds: file.runs.count,
                fidelityToTarget: Self.median(reach.map { $0 ?? .infinity }),
                resumedFidelityToTarget: Self.median(resumed.map { $0 ?? .infinity }),
                reached: reach.compactMap { $0 }.count,
                regretAtThird: Self.median(
                    file.runs.map { $0.regret(atBudget: file.budget / 3, accounting: accounting) ?? .infinity }
                ),
                regretAtBudget: Self.median(
                    file.runs.map { $0.regret(atBudget: file.budget, accounting: accounting) ?? .infinity }
                ),
                trials: Self.median(file.runs.map { Double($0.values.count) }),
                wallSeconds: Self.median(file.runs.map(\.wallSeconds))
            )
        }
    }

    /// The markdown tables, one per task.
    public var markdown: String {
        var lines = [
            "fidelity to target = total fidelity (epochs) spent when the incumbent (best full-fidelity trial) first"
                + " reached random search's median final regret; median over seeds (inf: the median run never did).",
            "resumed = the same when a trial that continues from its parent's checkpoint counts only the epochs it"
                + " trains. (resume): a run whose budget was counted that way.",
            "",
        ]
        let tasks = files.map(\.task).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        for task in tasks {
            let taskFiles = files.filter { $0.task == task }
            let budget = taskFiles.map(\.budget).max() ?? 0
            guard let target = target(of: task) else {
                lines += ["## \(task)", "", "no `random` result file: no target regret", ""]
                continue
            }
            lines += [
                "## \(task)  (budget \(Self.format(budget)) fidelity; target regret \(BenchmarkTable.format(target)))",
                "",
                "| framework/algo | seeds | fidelity to target | reached | / budget | resumed | / budget"
                    + " | regret@budget/3 | regret@budget | trials | median wall s/run |",
                "|---|---|---|---|---|---|---|---|---|---|---|",
            ]
            for row in rows(of: task, target: target) {
                let fraction = { (value: Double) in value.isFinite ? String(format: "%.2f", value / budget) : "-" }
                let cells = [
                    row.label, "\(row.seeds)", Self.format(row.fidelityToTarget), "\(row.reached)/\(row.seeds)",
                    fraction(row.fidelityToTarget), Self.format(row.resumedFidelityToTarget),
                    fraction(row.resumedFidelityToTarget), Self.regret(row.regretAtThird),
                    Self.regret(row.regretAtBudget), Self.format(row.trials),
                    String(format: "%.2f", row.wallSeconds),
                ]
                lines.append("| " + cells.joined(separator: " | ") + " |")
            }
            lines.append("")
            lines += timeMarkdown(of: task, target: target)
            lines += pairsMarkdown(of: task)
        }
        return lines.joined(separator: "\n")
    }

    /// The median of `values` (the mean of the two middle ones for an even count); `+∞` for none.
    ///
    /// - Parameter values: the values; `+∞` for a run without a result.
    /// - Returns: the median.
    public static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .infinity }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "inf" }
        return value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    static func regret(_ value: Double) -> String {
        value.isFinite ? BenchmarkTable.format(value) : "-"
    }
}
