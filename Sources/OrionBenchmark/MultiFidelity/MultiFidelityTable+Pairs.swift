import Foundation

/// Seed-by-seed comparison of swift-orion's runs of an algorithm with another framework's runs of the same algorithm
/// (Oríon 0.2.7's ASHA and Hyperband): issue 14's "match or beat at equal budget" as counts and a sign test.
///
/// Medians over ten seeds hide how often one side ends lower: two runs of the same seed face the same task noise
/// (learning_curve) or the same training shuffles (mlp_digits), so the paired counts are the sharper measure. The
/// exact sign test asks whether one side ends lower more often than a fair coin would say; it assumes nothing about
/// the regrets' distribution, which is skewed.
extension MultiFidelityTable {
    /// How often one side's regret is lower than the other's over the seeds both ran.
    public struct Tally: Sendable, Equatable {
        /// Seeds where swift-orion's regret is lower.
        public var lower: Int
        /// Seeds where both are equal (both without a full-fidelity trial included).
        public var equal: Int
        /// Seeds where swift-orion's regret is higher.
        public var higher: Int

        /// Creates a tally.
        public init(lower: Int, equal: Int, higher: Int) {
            self.lower = lower
            self.equal = equal
            self.higher = higher
        }

        /// The two-sided exact sign test's p-value, ties left out.
        ///
        /// The probability, were each side as likely to end lower, of a split at least this uneven; 1 when every
        /// seed is a tie.
        public var pValue: Double { MultiFidelityTable.signTestPValue(lower, higher) }
    }

    /// swift-orion's configuration against another framework's of the same algorithm on one task.
    public struct Pair: Sendable, Equatable {
        /// The algorithm (the files' `algorithm`), with ` (resume)` for budgets counted with resumption and ` ×w`
        /// for w workers.
        public var algorithm: String
        /// The other framework (`orion`).
        public var other: String
        /// The seeds both files ran.
        public var seeds: Int
        /// Regret once a third of the budget was spent.
        public var atThird: Tally
        /// Regret at the whole budget.
        public var atBudget: Tally
    }

    /// The pairs of `task`: for each file of another framework, swift-orion's file of the same algorithm,
    /// accounting, budget and workers, compared on the seeds both ran (pairs without a common seed are left out).
    ///
    /// A run without a full-fidelity trial within the budget counts as infinitely high regret (two such runs tie).
    ///
    /// - Parameter task: the task's name.
    /// - Returns: the pairs, in the other files' order.
    /// - Complexity: O(s log s) per pair for s seeds.
    public func pairs(of task: String) -> [Pair] {
        let taskFiles = files.filter { $0.task == task }
        return taskFiles.filter { $0.framework != "swift-orion" }.compactMap { other in
            guard
                let ours = taskFiles.first(where: {
                    $0.framework == "swift-orion" && $0.algorithm == other.algorithm
                        && $0.accounting == other.accounting && $0.budget == other.budget
                        && $0.workers == other.workers
                })
            else { return nil }
            let theirs = Dictionary(other.runs.map { ($0.seed, $0) }, uniquingKeysWith: { _, last in last })
            let common = ours.runs.compactMap { run in theirs[run.seed].map { (run, $0) } }
            guard !common.isEmpty else { return nil }
            func tally(at budget: Double) -> Tally {
                var tally = Tally(lower: 0, equal: 0, higher: 0)
                for (mine, their) in common {
                    let a = mine.regret(atBudget: budget, accounting: ours.accounting) ?? .infinity
                    let b = their.regret(atBudget: budget, accounting: other.accounting) ?? .infinity
                    if a < b {
                        tally.lower += 1
                    } else if a > b {
                        tally.higher += 1
                    } else {
                        tally.equal += 1
                    }
                }
                return tally
            }
            return Pair(
                algorithm: other.algorithm + (other.accounting == .resume ? " (resume)" : "")
                    + (other.workers > 1 ? " ×\(other.workers)" : ""),
                other: other.framework,
                seeds: common.count,
                atThird: tally(at: ours.budget / 3),
                atBudget: tally(at: ours.budget)
            )
        }
    }

    /// The markdown of ``pairs(of:)`` for `task`: a heading and one row per pair; no lines without a pair.
    func pairsMarkdown(of task: String) -> [String] {
        let pairs = pairs(of: task)
        guard !pairs.isEmpty else { return [] }
        func cells(_ tally: Tally) -> [String] {
            ["\(tally.lower) / \(tally.equal) / \(tally.higher)", String(format: "%.3g", tally.pValue)]
        }
        var lines = [
            "Paired by seed, swift-orion against another framework's same algorithm: seeds where ours ends lower /"
                + " equal / higher, and the two-sided sign test's p (ties left out).",
            "",
            "| algorithm | against | seeds | @budget/3: lower / equal / higher | p | @budget: lower / equal / higher"
                + " | p |",
            "|---|---|---|---|---|---|---|",
        ]
        for pair in pairs {
            let row = [pair.algorithm, pair.other, "\(pair.seeds)"] + cells(pair.atThird) + cells(pair.atBudget)
            lines.append("| " + row.joined(separator: " | ") + " |")
        }
        return lines + [""]
    }

    /// The two-sided exact sign test's p-value for `wins` against `losses` (ties already left out):
    /// `min(1, 2 · P(X ≤ min(wins, losses)))` for `X ~ Binomial(wins + losses, ½)`; 1 when both are 0.
    ///
    /// - Parameters:
    ///   - wins: the count of one sign.
    ///   - losses: the count of the other.
    /// - Returns: the p-value.
    /// - Complexity: O(min(wins, losses)).
    public static func signTestPValue(_ wins: Int, _ losses: Int) -> Double {
        let n = wins + losses
        guard n > 0 else { return 1 }
        let k = min(wins, losses)
        // Each term C(n, i) / 2ⁿ in logarithms, so that large counts do not underflow.
        let logHalf = Double(n) * log(0.5)
        var tail = 0.0
        for i in 0...k {
            tail += exp(lgamma(Double(n + 1)) - lgamma(Double(i + 1)) - lgamma(Double(n - i + 1)) + logHalf)
        }
        return min(1, 2 * tail)
    }
}
