import Foundation
import OrionBenchmark
import XCTest

final class MultiFidelityTablePairsTests: XCTestCase {
    /// Reference p-values of scipy 1.16's `binomtest(k, n, 0.5).pvalue` (two-sided), large counts included.
    func testSignTestMatchesSciPy() {
        let cases: [(wins: Int, losses: Int, p: Double)] = [
            (2, 8, 0.109375), (8, 2, 0.109375), (0, 10, 0.001953125), (5, 5, 1), (4, 6, 0.75390625),
            (20, 10, 0.09873714670538905), (1, 0, 1), (480, 520, 0.2174482932041415),
            (3000, 4000, 5.7143006822603136e-33),
        ]
        for (wins, losses, p) in cases {
            let value = MultiFidelityTable.signTestPValue(wins, losses)
            XCTAssertEqual(value, p, accuracy: 1e-9 * max(p, 1e-30), "\(wins) against \(losses)")
        }
        XCTAssertEqual(MultiFidelityTable.signTestPValue(0, 0), 1)
    }

    /// Seeds both frameworks ran are compared at a third of the budget and at the whole budget; a seed only one side
    /// ran is left out, a run without a full-fidelity trial counts as infinitely high, and the pairs and their row
    /// are printed below the task's table.
    func testPairsCountSeedsWhereOursEndsLower() {
        let ours = fixtureFile(
            "asha",
            runs: [
                fixtureRun(0, [27, 27, 27], [0.3, 0.1, 0.2]),  // 0.3 at 27 (a third), 0.1 at the end
                fixtureRun(1, [27, 27, 27], [0.4, 0.2, 0.3]),  // 0.4 at 27, 0.2 at the end
                fixtureRun(2, [27, 27], [0.5, 0.5]),
                fixtureRun(3, [27], [0.01]),  // Oríon did not run seed 3
            ]
        )
        let orion = fixtureFile(
            "asha",
            framework: "orion",
            runs: [
                fixtureRun(0, [27, 27, 27], [0.2, 0.2, 0.2]),  // ours higher at a third, lower at the end
                fixtureRun(1, [27, 27, 27], [0.4, 0.4, 0.1]),  // ours equal at a third, higher at the end
                fixtureRun(2, [3, 9, 27], [nil, nil, 0.6]),  // no full-fidelity trial at a third: ours lower at both
                fixtureRun(4, [27], [0.01]),
            ]
        )
        let random = fixtureFile("random", runs: [fixtureRun(0, [27, 27, 27], [0.3, 0.3, 0.3])])
        // No swift-orion/hyperband: no pair.
        let hyperband = fixtureFile("hyperband", framework: "orion", runs: [fixtureRun(0, [27], [0.3])])
        let table = MultiFidelityTable(files: [ours, orion, random, hyperband])
        let pairs = table.pairs(of: "t")
        XCTAssertEqual(pairs.count, 1)
        XCTAssertEqual(pairs[0].algorithm, "asha")
        XCTAssertEqual(pairs[0].other, "orion")
        XCTAssertEqual(pairs[0].seeds, 3)
        XCTAssertEqual(pairs[0].atThird, MultiFidelityTable.Tally(lower: 1, equal: 1, higher: 1))
        XCTAssertEqual(pairs[0].atBudget, MultiFidelityTable.Tally(lower: 2, equal: 0, higher: 1))
        XCTAssertEqual(pairs[0].atBudget.pValue, 1)
        XCTAssertTrue(table.markdown.contains("| asha | orion | 3 | 1 / 1 / 1 | 1 | 2 / 0 / 1 | 1 |"), table.markdown)
        XCTAssertTrue(MultiFidelityTable(files: [ours, random]).pairs(of: "t").isEmpty)
        XCTAssertFalse(MultiFidelityTable(files: [ours, random]).markdown.contains("Paired by seed"))
    }
}
