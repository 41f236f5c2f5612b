import OrionCore
import XCTest

@testable import OrionInsight

/// The samples a surrogate is fitted on (`SurrogateData`): which trials are kept, below and beyond the limit.
final class SurrogateDataTests: XCTestCase {
    private func trials(_ objectives: [Double], in experiment: Experiment) -> [Trial] {
        objectives.enumerated().map { index, objective in
            InsightFixtures.completed(["/x": .double(Double(index) / 100)], objective: objective, in: experiment)
        }
    }

    /// Below the limit every completed trial with a finite objective in the space is kept, in order; the others
    /// (not completed, a NaN objective, a value outside the space) are left out.
    func testBelowTheLimitEveryUsableTrialIsKept() throws {
        let experiment = try InsightFixtures.experiment(["/x": "uniform(0, 1)"])
        var all = trials([3, 1, 2, .nan, 5], in: experiment)
        all[4].status = .broken
        all.append(InsightFixtures.completed(["/x": .double(7)], objective: 0, in: experiment))
        var rng = SystemRandomNumberGenerator()
        let data = SurrogateData(trials: all, features: FeatureSpace(space: experiment.space), limit: 10, using: &rng)
        XCTAssertEqual(data.targets, [3, 1, 2])
        XCTAssertEqual(data.inputs.count, 3)
        XCTAssertEqual(data.bestIndex, 1)
    }

    /// Beyond the limit, `limit` trials are kept, in their order, the best one in the space always among them (a
    /// better one outside the space is skipped), and the subset depends only on the seed.
    func testBeyondTheLimitTheBestIsKeptAndTheSubsetIsSeeded() throws {
        let experiment = try InsightFixtures.experiment(["/x": "uniform(0, 1)"])
        var all = trials((0..<90).map { Double(100 - $0) }, in: experiment)
        all.append(InsightFixtures.completed(["/x": .double(7)], objective: -5, in: experiment))
        let features = FeatureSpace(space: experiment.space)
        func subset(_ seed: UInt64) -> SurrogateData {
            var rng = SeededGenerator(seed: seed)
            return SurrogateData(trials: all, features: features, limit: 12, using: &rng)
        }
        let first = subset(3)
        XCTAssertEqual(first.targets.count, 12)
        XCTAssertTrue(first.targets.contains(11), "the best trial in the space (objective 11) is kept")
        XCTAssertFalse(first.targets.contains(-5), "a trial outside the space is not")
        XCTAssertEqual(first.targets, first.targets.sorted(by: >), "kept in the trials' order")
        XCTAssertEqual(first.targets, subset(3).targets)
        XCTAssertNotEqual(first.targets, subset(4).targets)
    }
}
