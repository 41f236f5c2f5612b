import Foundation
import XCTest

@testable import OrionCore

final class ExperimentStatsTests: XCTestCase {
    private func stats(_ objectives: [Double], status: TrialStatus = .completed) throws -> ExperimentStats {
        let experiment = Experiment(
            name: "stats",
            space: try Space(priors: ["/x": "uniform(0, 100)"]),
            algorithm: AlgorithmConfig(name: "random")
        )
        let trials = objectives.enumerated().map { index, objective in
            var trial = Trial(experimentID: experiment.id, params: [.init(name: "/x", type: .real, value: .int(index))])
            trial.status = status
            trial.results = [.objective(objective)]
            return trial
        }
        return ExperimentStats(experiment: experiment, trials: trials)
    }

    func testANaNObjectiveIsNeverTheBestWhereverItComes() throws {
        for objectives in [[.nan, 3, 2], [3, .nan, 2], [3, 2, .nan], [.nan, .infinity]] as [[Double]] {
            let best = try stats(objectives).bestTrial?.objective
            XCTAssertEqual(best, objectives.filter { !$0.isNaN }.min(), "\(objectives)")
        }
        XCTAssertNil(try stats([.nan, .nan]).bestTrial)
        XCTAssertEqual(try stats([.nan, .nan]).completed, 2)
    }

    func testInfinityIsTheWorstAndMinusInfinityTheBest() throws {
        XCTAssertEqual(try stats([.infinity, 5, .infinity]).bestTrial?.objective, 5)
        XCTAssertEqual(try stats([.infinity]).bestTrial?.objective, .infinity)
        XCTAssertEqual(try stats([5, -.infinity, .nan, -1e308]).bestTrial?.objective, -.infinity)
    }

    func testOnlyCompletedTrialsCanBeTheBest() throws {
        XCTAssertNil(try stats([1, 2], status: .broken).bestTrial)
        XCTAssertEqual(try stats([1, 2], status: .broken).broken, 2)
    }
}
