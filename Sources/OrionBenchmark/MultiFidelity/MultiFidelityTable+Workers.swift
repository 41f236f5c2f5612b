import Foundation

/// Runs with several simulated workers (`orion benchmark mf-run --workers`): the time to reach the target on the
/// simulated clock, the speed-up over one worker and how much of the workers' time went idle.
///
/// A trial lasts the epochs it trains (`SimulatedWorkers`), so with one worker the time is the fidelity spent; with
/// w workers, an algorithm that keeps every worker busy reaches a fidelity w times sooner, and one that makes workers
/// wait for a rung to complete (Oríon's Hyperband) loses part of that. ASHA's promise (Li et al. 2020) is that its
/// workers never wait; the idle column measures it.
extension MultiFidelityTable {
    /// One row of the workers' table.
    public struct TimeRow: Sendable, Equatable {
        /// `framework/algorithm`, with ` (resume)` and ` ×w`.
        public var label: String
        /// The workers each run simulated.
        public var workers: Int
        /// The number of runs.
        public var seeds: Int
        /// The median time at which the incumbent first reached the target (`+∞` when the median run did not).
        public var timeToTarget: Double
        /// How many runs reached the target.
        public var reached: Int
        /// The one-worker file's median time to the target over this one's, for the same framework, algorithm,
        /// accounting and budget; `nil` without such a file or when either median is infinite.
        public var speedUp: Double?
        /// The median time at which a run's last trial finished.
        public var makespan: Double
        /// The median fraction of the workers' time spent without a trial: `1 − trained / (workers × makespan)`.
        public var idle: Double
    }

    /// The rows of `task` when one of its files simulated several workers (none otherwise): every file of the task
    /// that has a one-worker or several-worker twin of the same framework, algorithm, accounting and budget, the
    /// one-worker files first.
    ///
    /// - Parameters:
    ///   - task: the task's name.
    ///   - target: the regret to reach.
    /// - Returns: the rows.
    public func timeRows(of task: String, target: Double) -> [TimeRow] {
        let taskFiles = files.filter { $0.task == task }
        guard taskFiles.contains(where: { $0.workers > 1 }) else { return [] }
        func twins(_ a: MultiFidelityResultFile, _ b: MultiFidelityResultFile) -> Bool {
            a.framework == b.framework && a.algorithm == b.algorithm && a.accounting == b.accounting
                && a.budget == b.budget
        }
        let compared = taskFiles.filter { file in taskFiles.contains { twins($0, file) && $0.workers != file.workers } }
        func timesToTarget(_ file: MultiFidelityResultFile) -> [Double?] {
            file.runs.map { $0.time(toReach: target, accounting: file.accounting) }
        }
        return compared.sorted { $0.workers < $1.workers }.map { file in
            let reach = timesToTarget(file)
            let time = Self.median(reach.map { $0 ?? .infinity })
            let single = taskFiles.first { twins($0, file) && $0.workers == 1 }.map { one in
                Self.median(timesToTarget(one).map { $0 ?? .infinity })
            }
            // A run's workers trained for its summed costs; it lasted until its last trial finished (one worker: the
            // same).
            let spans = file.runs.map { run in
                let busy = run.costs(file.accounting).reduce(0, +)
                return (busy: busy, makespan: run.times?.last ?? busy)
            }
            return TimeRow(
                label: file.label,
                workers: file.workers,
                seeds: file.runs.count,
                timeToTarget: time,
                reached: reach.compactMap { $0 }.count,
                speedUp: single.flatMap { $0.isFinite && time.isFinite && time > 0 ? $0 / time : nil },
                makespan: Self.median(spans.map(\.makespan)),
                idle: Self.median(
                    spans.map { $0.makespan > 0 ? 1 - $0.busy / (Double(file.workers) * $0.makespan) : 0 }
                )
            )
        }
    }

    /// The markdown of ``timeRows(of:target:)``: a heading and one row per file; no lines without rows.
    func timeMarkdown(of task: String, target: Double) -> [String] {
        let rows = timeRows(of: task, target: target)
        guard !rows.isEmpty else { return [] }
        var lines = [
            "Simulated workers: a trial lasts the epochs it trains; time to target and makespan are medians on that"
                + " clock, speed-up is the one-worker time to target over this one, idle the median fraction of the"
                + " workers' time without a trial.",
            "",
            "| framework/algo | workers | seeds | time to target | reached | speed-up | makespan | idle |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for row in rows {
            let cells = [
                row.label, "\(row.workers)", "\(row.seeds)", Self.format(row.timeToTarget),
                "\(row.reached)/\(row.seeds)", row.speedUp.map { String(format: "%.2f", $0) } ?? "-",
                Self.format(row.makespan), String(format: "%.3f", row.idle),
            ]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines + [""]
    }
}
