import Foundation
import OrionCore
import XCTest

@testable import OrionInsight

final class RegretAnalysisTests: XCTestCase {
    func testBestSoFarIsMonotoneAndNamesItsTrial() throws {
        let experiment = try InsightFixtures.experiment(["/x": "uniform(0, 1)"])
        let trials = InsightFixtures.sampled(60, in: experiment) { point in
            sin(20 * (point["/x"] ?? 0)) + (point["/x"] ?? 0)
        }
        let regret = RegretAnalysis(trials: trials)
        XCTAssertEqual(regret.points.count, 60)
        XCTAssertEqual(regret.objectiveName, "loss")
        let bests = regret.points.compactMap(\.best)
        XCTAssertEqual(bests.count, 60)
        for (previous, next) in zip(bests, bests.dropFirst()) { XCTAssertLessThanOrEqual(next, previous) }
        let objectives = Dictionary(uniqueKeysWithValues: trials.map { ($0.id, $0.objective ?? .nan) })
        for (index, point) in regret.points.enumerated() {
            let soFar = regret.points[...index].map(\.objective).min()
            XCTAssertEqual(point.best, soFar)
            XCTAssertEqual(point.bestTrialID.flatMap { objectives[$0] }, point.best)
        }
    }

    func testOrderByEachTimeAndElapsed() throws {
        let experiment = try InsightFixtures.experiment(["/x": "uniform(0, 10)"])
        // Submitted a, b, c; completed c, a, b.
        let a = InsightFixtures.completed(["/x": 1.0], objective: 3, in: experiment, submitted: 0, start: 5, end: 50)
        let b = InsightFixtures.completed(["/x": 2.0], objective: 1, in: experiment, submitted: 1, start: 4, end: 60)
        let c = InsightFixtures.completed(["/x": 3.0], objective: 2, in: experiment, submitted: 2, start: 3, end: 40)
        var pending = Trial(experimentID: experiment.id, params: experiment.space.params(from: ["/x": 4.0]))
        pending.status = .reserved
        let trials = [b, pending, c, a]
        XCTAssertEqual(RegretAnalysis(trials: trials, order: .suggested).points.map(\.trialID), [a.id, b.id, c.id])
        XCTAssertEqual(RegretAnalysis(trials: trials, order: .reserved).points.map(\.trialID), [c.id, b.id, a.id])
        let completed = RegretAnalysis(trials: trials, order: .completed)
        XCTAssertEqual(completed.points.map(\.trialID), [c.id, a.id, b.id])
        XCTAssertEqual(completed.points.map(\.best), [2, 2, 1])
        XCTAssertEqual(completed.points.map(\.elapsed), [0, 10, 20])
    }

    func testNaNNeverBecomesTheBest() throws {
        let experiment = try InsightFixtures.experiment(["/x": "uniform(0, 10)"])
        let trials = [
            InsightFixtures.completed(["/x": 1.0], objective: .nan, in: experiment, submitted: 0),
            InsightFixtures.completed(["/x": 2.0], objective: 4, in: experiment, submitted: 1),
            InsightFixtures.completed(["/x": 3.0], objective: .nan, in: experiment, submitted: 2),
        ]
        let points = RegretAnalysis(trials: trials).points
        XCTAssertEqual(points.map(\.best), [nil, 4, 4])
        XCTAssertEqual(points.last?.bestTrialID, trials[1].id)
    }
}
