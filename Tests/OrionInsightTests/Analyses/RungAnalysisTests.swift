import OrionCore
import XCTest

@testable import OrionInsight

final class RungAnalysisTests: XCTestCase {
    func testGroupsTrialsByFidelity() throws {
        let experiment = try InsightFixtures.experiment(["/x": "uniform(0, 1)", "/epochs": "fidelity(1, 9, base=3)"])
        var trials = [
            InsightFixtures.completed(["/x": 0.1, "/epochs": 1], objective: 5, in: experiment, submitted: 0),
            InsightFixtures.completed(["/x": 0.2, "/epochs": 1], objective: 3, in: experiment, submitted: 1),
            InsightFixtures.completed(["/x": 0.3, "/epochs": 1], objective: 4, in: experiment, submitted: 2),
            InsightFixtures.completed(["/x": 0.2, "/epochs": 3], objective: 2, in: experiment, submitted: 3),
        ]
        var pending = Trial(
            experimentID: experiment.id,
            params: experiment.space.params(from: ["/x": 0.2, "/epochs": 9])
        )
        pending.status = .reserved
        trials.append(pending)
        let rungs = try RungAnalysis(trials: trials, space: experiment.space)
        XCTAssertEqual(rungs.fidelityName, "/epochs")
        XCTAssertEqual(rungs.rungs.map(\.fidelity), [1, 3, 9])
        XCTAssertEqual(rungs.rungs.map(\.trials), [3, 1, 1])
        XCTAssertEqual(rungs.rungs.map(\.completed), [3, 1, 0])
        XCTAssertEqual(rungs.rungs.map(\.best), [3, 2, nil])
        XCTAssertEqual(rungs.rungs[0].bestTrialID, trials[1].id)
    }

    func testWithoutFidelityIsAUsageError() throws {
        let experiment = try InsightFixtures.experiment(["/x": "uniform(0, 1)"])
        XCTAssertThrowsError(try RungAnalysis(trials: [], space: experiment.space)) { error in
            XCTAssertEqual((error as? InsightError)?.code, .notApplicable)
            XCTAssertEqual((error as? InsightError)?.exitCode, 2)
        }
    }
}
