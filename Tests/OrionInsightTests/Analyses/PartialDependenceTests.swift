import OrionCore
import XCTest

@testable import OrionInsight

final class PartialDependenceTests: XCTestCase {
    /// f = (x - 2)² + 0·y: the curve along /x is a parabola with its minimum near 2, the curve along /y is flat.
    func testRecoversAKnownOneDimensionalShape() throws {
        let experiment = try InsightFixtures.experiment(["/x": "uniform(0, 4)", "/y": "uniform(0, 1)"])
        let trials = InsightFixtures.sampled(200, in: experiment, seed: 11) { point in
            let x = point["/x"] ?? 0
            return (x - 2) * (x - 2)
        }
        var options = PartialDependence.Options()
        options.forest.trees = 30
        options.gridPoints = 9
        let dependence = try PartialDependence(trials: trials, space: experiment.space, options: options)
        XCTAssertEqual(dependence.params, ["/x", "/y"])
        let x = try XCTUnwrap(dependence.curves.first { $0.name == "/x" })
        XCTAssertEqual(x.grid.compactMap(\.doubleValue), [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4])
        for (value, mean) in zip(x.grid.compactMap(\.doubleValue), x.mean) {
            XCTAssertEqual(mean, (value - 2) * (value - 2), accuracy: 0.35, "at x = \(value)")
        }
        let minimum = x.mean.indices.min { x.mean[$0] < x.mean[$1] } ?? -1
        XCTAssertEqual(x.grid[minimum].doubleValue ?? .nan, 2, accuracy: 0.5)
        let y = try XCTUnwrap(dependence.curves.first { $0.name == "/y" })
        XCTAssertLessThan((y.mean.max() ?? 0) - (y.mean.min() ?? 0), 0.25)
        let surface = try XCTUnwrap(dependence.surfaces.first)
        XCTAssertEqual([surface.x, surface.y], ["/x", "/y"])
        XCTAssertEqual(surface.mean.count, 9)
        XCTAssertTrue(surface.mean.allSatisfy { $0.count == 9 })
    }

    func testCategoriesAreGriddedOnEachValueAndUnknownParamsAreRejected() throws {
        let experiment = try InsightFixtures.experiment([
            "/opt": "choices(['adam', 'sgd', 'rms'])", "/lr": "loguniform(1e-4, 1)",
        ])
        let trials = InsightFixtures.sampled(30, in: experiment) { $0["/lr"] ?? 0 }
        var options = PartialDependence.Options()
        options.forest.trees = 5
        options.params = ["/opt"]
        let dependence = try PartialDependence(trials: trials, space: experiment.space, options: options)
        XCTAssertEqual(dependence.curves.first?.grid, ["adam", "sgd", "rms"])
        XCTAssertTrue(dependence.surfaces.isEmpty)
        options.params = ["/nope"]
        XCTAssertThrowsError(try PartialDependence(trials: trials, space: experiment.space, options: options)) {
            XCTAssertEqual(($0 as? InsightError)?.code, .invalidOption)
            XCTAssertTrue("\($0)".contains("'/nope'"))
        }
    }
}
