import OrionCore
import XCTest

@testable import OrionInsight

final class LocalParameterImportanceTests: XCTestCase {
    /// Only /x matters: its importance is near 1, /y's near 0; the shares add up to 1.
    func testTheDimensionThatMattersGetsTheImportance() throws {
        let experiment = try InsightFixtures.experiment(["/x": "uniform(0, 1)", "/y": "uniform(0, 1)"])
        let trials = InsightFixtures.sampled(120, in: experiment, seed: 7) { point in
            let x = point["/x"] ?? 0
            return (x - 0.3) * (x - 0.3)
        }
        var options = LocalParameterImportance.Options()
        options.runs = 4
        options.forest.trees = 30
        let lpi = LocalParameterImportance(trials: trials, space: experiment.space, options: options)
        XCTAssertEqual(lpi.entries.map(\.name), ["/x", "/y"])
        XCTAssertGreaterThan(lpi.entries[0].importance, 0.9)
        XCTAssertLessThan(lpi.entries[1].importance, 0.1)
        XCTAssertEqual(lpi.entries.map(\.importance).reduce(0, +), 1, accuracy: 1e-9)
        XCTAssertTrue(lpi.entries.allSatisfy { $0.standardDeviation >= 0 && $0.standardDeviation < 0.1 })
    }

    /// Two trials that both parameters separate equally: each tree's split is a tie between them, so the
    /// importance is shared, whatever the names (the first name in order used to take it all: found side by side
    /// with Oríon, whose scikit-learn forest draws the features in a random order at each split).
    func testTiesBetweenParametersAreNotWonByTheFirstName() throws {
        for (first, second) in [("/a", "/x"), ("/z", "/x")] {
            let experiment = try InsightFixtures.experiment([first: "uniform(0, 1)", second: "uniform(0, 1)"])
            let trials = [
                InsightFixtures.completed([first: .double(0.2), second: .double(0.3)], objective: 1, in: experiment),
                InsightFixtures.completed([first: .double(0.8), second: .double(0.7)], objective: 2, in: experiment),
            ]
            let lpi = LocalParameterImportance(trials: trials, space: experiment.space)
            for entry in lpi.entries {
                XCTAssertEqual(entry.importance, 0.5, accuracy: 0.2, "\(first), \(second): \(lpi.entries)")
            }
        }
    }

    func testSameSeedSameImportances() throws {
        let experiment = try InsightFixtures.experiment(["/x": "uniform(0, 1)", "/c": "choices(['a', 'b', 'c'])"])
        let trials = InsightFixtures.sampled(40, in: experiment, seed: 3) { ($0["/x"] ?? 0) }
        var options = LocalParameterImportance.Options()
        options.runs = 2
        options.forest.trees = 10
        let first = LocalParameterImportance(trials: trials, space: experiment.space, options: options)
        XCTAssertEqual(first, LocalParameterImportance(trials: trials, space: experiment.space, options: options))
        options.seed = 99
        XCTAssertNotEqual(first, LocalParameterImportance(trials: trials, space: experiment.space, options: options))
    }

    /// An objective that does not vary gives no importance (NaN, drawn as no bar, as Oríon's): rounding noise in
    /// the forest's predictions used to give every parameter an even share.
    func testAnObjectiveThatDoesNotVaryGivesNoImportance() throws {
        let experiment = try InsightFixtures.experiment([
            "/x": "uniform(0, 1)", "/y": "uniform(0, 1)", "/z": "uniform(0, 1)",
        ])
        for trials in [
            InsightFixtures.sampled(12, in: experiment, seed: 4) { _ in 3.25 },
            InsightFixtures.sampled(1, in: experiment, seed: 5) { $0["/x"] ?? 0 },
        ] {
            let lpi = LocalParameterImportance(trials: trials, space: experiment.space)
            XCTAssertEqual(lpi.entries.count, 3)
            XCTAssertTrue(lpi.entries.allSatisfy { $0.importance.isNaN && $0.standardDeviation.isNaN }, "\(lpi)")
            let figure = Figure.lpi(lpi, experiment: experiment)
            let bars = figure.objectValue?["data"]?.arrayValue?.first?.objectValue?["y"]?.arrayValue
            XCTAssertEqual(bars, [.null, .null, .null])
        }
    }

    func testNoCompletedTrialGivesZeros() throws {
        let experiment = try InsightFixtures.experiment(["/x": "uniform(0, 1)", "/w": "uniform(0, 1, shape=2)"])
        let lpi = LocalParameterImportance(trials: [], space: experiment.space)
        XCTAssertEqual(lpi.entries.map(\.name), ["/w[0]", "/w[1]", "/x"])
        XCTAssertEqual(lpi.entries.map(\.importance), [0, 0, 0])
    }
}
