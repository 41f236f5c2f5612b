import Foundation
import OrionCore
import XCTest

/// The in-memory selection of a page, which every backend's pages are checked against
/// (`StorageConformance.checkTrialPages`).
final class TrialPagingTests: XCTestCase {
    func testObjectiveOrderPutsTrialsWithoutOneLast() {
        let experimentID = "e"
        func trial(_ x: Int, _ status: TrialStatus, _ objective: Double?) -> Trial {
            var trial = Trial(
                experimentID: experimentID,
                params: Parameters([Trial.Param(name: "x", type: .integer, value: .int(x))]),
                submitTime: Date(timeIntervalSince1970: Double(x))
            )
            trial.status = status
            if let objective {
                trial.results = [TrialResult(name: "loss", type: .objective, value: .double(objective))]
            }
            return trial
        }
        let trials = [
            trial(0, .new, nil), trial(1, .completed, 3), trial(2, .completed, .nan), trial(3, .completed, -1),
        ]
        for descending in [false, true] {
            let page = TrialPage.select(from: trials, query: TrialPageQuery(sort: .objective, descending: descending))
            // NaN counts as no objective: those trials come last, in submission order (reversed when descending).
            XCTAssertEqual(
                page.trials.map { $0.params["x"] },
                descending ? [.int(1), .int(3), .int(2), .int(0)] : [.int(3), .int(1), .int(0), .int(2)]
            )
        }
    }
}
