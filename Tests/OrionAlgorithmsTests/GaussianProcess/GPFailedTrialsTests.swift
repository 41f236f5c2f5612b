import Foundation
import OrionCore
import OrionTesting
import XCTest

@testable import OrionAlgorithms

/// `gp` learns from trials that failed (broken, or a non-finite objective) as from the worst completed one, as `tpe`
/// and `cmaes` rank them: a region where the script fails is a bad region, not an unexplored one.
final class GPFailedTrialsTests: XCTestCase {
    /// A sphere centred at 0.55 in [0, 1]³ whose script fails where `fails` says (by default x0 > 0.6, 40% of the
    /// space): `how` marks the failing trials. Returns, per seed, the share of the 60 trials that failed and the best
    /// value.
    private func run(
        _ algorithm: String,
        fails: (Trial, [Double]) -> Bool = { _, x in x[0] > 0.6 },
        failing how: (inout AlgorithmHarness, Trial) -> Void
    ) throws -> [(failed: Double, best: Double)] {
        try (0..<3).map { seed in
            var harness = try seededHarness(
                algorithm,
                ["/x0": "uniform(0, 1)", "/x1": "uniform(0, 1)", "/x2": "uniform(0, 1)"],
                seed: seed
            )
            var failed = 0
            while harness.trials.count < 60 {
                for trial in try harness.produce(count: 1) {
                    let x = ["/x0", "/x1", "/x2"].map { trial.params[$0]?.doubleValue ?? .nan }
                    if fails(trial, x) {
                        failed += 1
                        how(&harness, trial)
                    } else {
                        harness.complete(trial.id, objective: x.reduce(0) { $0 + ($1 - 0.55) * ($1 - 0.55) })
                    }
                }
            }
            return (Double(failed) / 60, harness.bestObjective ?? .infinity)
        }
    }

    /// Before, `auto` (`gp` here) sent most suggestions to the failing region once it had seen it (83–94% of the
    /// trials in hC2's runs, against random search's 40%; 85–88% here): the region stayed unexplored to the model.
    func testBrokenTrialsRepelLaterSuggestions() throws {
        let runs = try run("auto") { harness, trial in harness.setStatus(trial.id, .broken) }
        for (seed, run) in runs.enumerated() {
            XCTAssertLessThan(run.failed, 0.3, "seed \(seed): share of trials in the failing region")
            XCTAssertLessThan(run.best, 0.01, "seed \(seed)")
        }
    }

    /// The same with a NaN objective (a diverged training) instead of a broken trial, with `gp`'s defaults and with
    /// `turbo`, whose trust region also shrinks on failed trials.
    func testNaNObjectivesRepelLaterSuggestions() throws {
        for algorithm in ["auto", "gp", "turbo"] {
            let runs = try run(algorithm) { harness, trial in harness.complete(trial.id, objective: .nan) }
            for (seed, run) in runs.enumerated() {
                XCTAssertLessThan(run.failed, 0.3, "\(algorithm), seed \(seed): share of trials in the failing region")
                if algorithm == "auto" { XCTAssertLessThan(run.best, 0.01, "seed \(seed)") }
            }
        }
    }

    /// `tpe` ranks a -inf or NaN objective last too: the region that reports one draws fewer trials than random
    /// search would put there (40%); -inf ranked first drew 77% of them (probe hC3).
    func testTPEAvoidsARegionReportingMinusInfinityOrNaN() throws {
        for value in [-Double.infinity, .nan] {
            let runs = try run("tpe") { harness, trial in harness.complete(trial.id, objective: value) }
            for (seed, run) in runs.enumerated() {
                XCTAssertLessThan(run.failed, 0.35, "\(value), seed \(seed): share of trials in the failing region")
            }
        }
    }

    /// Failures anywhere (a fifth of the trials, by their id: a node lost, a full disk) are not a region: `gp` and
    /// `auto` refine as without them. Fitted at the worst value they marked good points as bad, and `gp` ended 10⁴
    /// times worse than before the change (probe hC3's C3-1).
    func testTransientFailuresDoNotMarkGoodRegionsAsBad() throws {
        for algorithm in ["gp", "auto", "turbo"] {
            let runs = try run(algorithm, fails: { trial, _ in Self.digit(trial) % 5 == 0 }) {
                harness,
                trial in harness.setStatus(trial.id, .broken)
            }
            for (seed, run) in runs.enumerated() {
                // `turbo` refines less in 60 trials, with or without failures (2.2e-3 on seed 2 before the change).
                XCTAssertLessThan(run.best, algorithm == "turbo" ? 1e-2 : 1e-3, "\(algorithm), seed \(seed)")
            }
        }
    }

    /// Half of the trials failing anywhere: half of a failed trial's neighbours failed too, which is no failing
    /// region at that rate (probe hC5: with half of the neighbours as the only test, `gp` ended 10⁴ times worse).
    func testAHighRateOfFailuresAnywhereIsNoRegion() throws {
        let runs = try run("gp", fails: { trial, _ in Self.digit(trial) < 8 }) { harness, trial in
            harness.setStatus(trial.id, .broken)
        }
        for (seed, run) in runs.enumerated() { XCTAssertLessThan(run.best, 1e-3, "seed \(seed)") }
    }

    /// The binomial tail that decides a failing region: 3 failures of 5 neighbours are a region when trials fail at
    /// 10% overall, not at 30%; 5 of 5 are one at 50%, not at 60% (the rate the rule uses is capped at 50%).
    func testTheNeighbourhoodMustFailMoreThanTheRunDoes() {
        XCTAssertLessThan(FailingRegion.upperTail(3, of: 5, rate: 0.1), 0.05)
        XCTAssertGreaterThan(FailingRegion.upperTail(3, of: 5, rate: 0.3), 0.05)
        XCTAssertLessThan(FailingRegion.upperTail(5, of: 5, rate: 0.5), 0.05)
        XCTAssertGreaterThan(FailingRegion.upperTail(5, of: 5, rate: 0.6), 0.05)
        XCTAssertEqual(FailingRegion.upperTail(0, of: 5, rate: 0.3), 1)
        XCTAssertEqual(FailingRegion.upperTail(2, of: 5, rate: 0.5), 26.0 / 32, accuracy: 1e-12)
        let region = FailingRegion.contains(
            [[0.9, 0.9], [0.1, 0.1]],
            among: [
                ([0.9, 0.9], true), ([0.91, 0.9], true), ([0.9, 0.92], true), ([0.88, 0.9], true), ([0.9, 0.87], true),
                ([0.93, 0.93], true), ([0.1, 0.1], true), ([0.12, 0.1], false), ([0.1, 0.12], false),
                ([0.08, 0.1], false), ([0.1, 0.08], false), ([0.3, 0.3], false), ([0.5, 0.5], false),
                ([0.4, 0.6], false), ([0.6, 0.4], false), ([0.2, 0.7], false),
            ]
        )
        XCTAssertEqual(
            region,
            [true, false],
            "a failure among five failures is in a region, one among successes is not"
        )
    }

    /// A failed trial outside a failing region is pending to the model, so the next suggestions do not return to it
    /// with a real nudged. A penalty × solver space as scikit-learn's LogisticRegression, where 3 of the 9 pairs
    /// break: `auto` repeated a broken pair up to 12 times in a row with only `C` moved by 1% (probe hD5). Here, seeds
    /// 0–2, before the change: 4, 5 and 6 broken in a row, 12, 7 and 14 broken of 50; after: 1, 2 and 3; 5, 6 and 7.
    func testABrokenPairIsNotSuggestedAgainAndAgain() throws {
        let broken: Set<String> = ["l1/lbfgs", "elasticnet/lbfgs", "elasticnet/liblinear"]
        let offsets = ["l1": 0.02, "l2": 0.0, "elasticnet": 0.01, "lbfgs": 0.0, "liblinear": 0.03, "saga": 0.01]
        for seed in 0..<3 {
            var harness = try seededHarness(
                "auto",
                [
                    "/C": "loguniform(1e-6, 100)", "/penalty": "choices(['l1', 'l2', 'elasticnet'])",
                    "/solver": "choices(['lbfgs', 'liblinear', 'saga'])",
                ],
                seed: seed
            )
            var longest = 0
            var streak = 0
            var failed = 0
            while harness.trials.count < 50 {
                for trial in try harness.produce(count: 1) {
                    let penalty = trial.params["/penalty"]?.stringValue ?? ""
                    let solver = trial.params["/solver"]?.stringValue ?? ""
                    if broken.contains("\(penalty)/\(solver)") {
                        harness.setStatus(trial.id, .broken)
                        streak += 1
                        failed += 1
                        longest = max(longest, streak)
                    } else {
                        let c = log10(trial.params["/C"]?.doubleValue ?? 1)
                        let value =
                            0.1 + 0.01 * (c - 0.5) * (c - 0.5) + (offsets[penalty] ?? 0) + (offsets[solver] ?? 0)
                        harness.complete(trial.id, objective: value)
                        streak = 0
                    }
                }
            }
            XCTAssertLessThanOrEqual(longest, 3, "seed \(seed): broken trials in a row")
            XCTAssertLessThan(failed, 10, "seed \(seed): broken trials of 50")
        }
    }

    /// Only failed trials of a category combination with no completed trial are believed as no improvement; none in
    /// a space without categories, where the suggestions are the same as before.
    func testOnlyFailuresOfAnUntriedCombinationAreBelieved() throws {
        typealias Record = GPBO.Record
        let mixed = GPBO.transform(
            AlgorithmContext(space: try Space(priors: ["/m": "choices(['a', 'b'])", "/x": "uniform(0, 1)"]))
        )
        // Coordinates: m = a, m = b (one-hot), then x.
        let records = [
            Record(id: "1", vector: [1, 0, 0.2], kind: .completed, objective: 1),
            Record(id: "2", vector: [1, 0, 0.7], kind: .failed),
            Record(id: "3", vector: [0, 1, 0.4], kind: .failed),
            Record(id: "4", vector: [0, 1, 0.9], kind: .pending),
        ]
        let learned = GPBO.learnedRecords(records)
        XCTAssertEqual(GPBO.unlearnedFailures(records, learned: learned, transform: mixed), [[0, 1, 0.4]])
        let inRegion = learned + [Record(id: "3", vector: [0, 1, 0.4], kind: .completed, objective: 1)]
        XCTAssertEqual(GPBO.unlearnedFailures(records, learned: inRegion, transform: mixed), [], "learned already")
        let reals = GPBO.transform(AlgorithmContext(space: try Space(priors: ["/x": "uniform(0, 1)"])))
        let realRecords = [
            Record(id: "1", vector: [0.2], kind: .completed, objective: 1),
            Record(id: "2", vector: [0.7], kind: .failed),
        ]
        XCTAssertEqual(
            GPBO.unlearnedFailures(realRecords, learned: GPBO.learnedRecords(realRecords), transform: reals),
            []
        )
    }

    /// The first hexadecimal digit of a trial's id: a deterministic draw of whether it fails.
    private static func digit(_ trial: Trial) -> Int {
        Int(String(trial.id.prefix(1)), radix: 16) ?? 0
    }
}
