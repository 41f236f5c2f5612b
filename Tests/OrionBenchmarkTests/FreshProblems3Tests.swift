import Foundation
import OrionBenchmark
import OrionCore
import XCTest

/// The third fresh set (`fresh3`): each function at its known minimum, at another point against numpy, and the
/// set's separation from the others.
final class FreshProblems3Tests: XCTestCase {
    /// The argmin of each problem, as dimension name → value.
    private static let argmins: [String: [String: JSONValue]] = {
        func xs(_ values: [Double]) -> [String: JSONValue] {
            Dictionary(uniqueKeysWithValues: values.enumerated().map { ("x\($0.offset + 1)", .double($0.element)) })
        }
        return [
            "three_hump_camel": xs([0, 0]),
            "bohachevsky2": xs([0, 0]),
            "double_sum5": xs(TestFunctions.doubleSumShift),
            "sharp_ridge4": xs(TestFunctions.sharpRidgeShift),
            "corrugated_spring4": xs([5, 5, 5, 5]),
            "qing4": xs([1, -2.0.squareRoot(), 3.0.squareRoot(), -2]),
            "sum_squares6": xs(TestFunctions.sumSquaresShift),
            "himmelblau_mixed4": ["x1": .double(3), "x2": .double(3), "k1": .int(2), "k2": .int(2)],
            "forest_like": [
                "criterion": "gini", "n_estimators": .int(250), "max_depth": .int(16), "min_samples_leaf": .int(2),
                "max_features": .double(0.35),
            ],
            "rotated_category": ["kind": "r1", "x": .double(-1), "y": .double(1), "k": .int(7)],
        ]
    }()

    /// Each problem's value at its argmin is its optimum, the argmin lies in its space, and no draw beats it.
    func testValueAtTheArgminIsTheOptimum() throws {
        try assertArgminsAreOptima(FreshProblems3.all, Self.argmins)
    }

    /// The functions agree with an independent numpy implementation at off-optimum points.
    func testValuesMatchNumpy() {
        assertClose(TestFunctions.threeHumpCamel(1.3, -0.4), 0.8255631666666664)
        assertClose(TestFunctions.bohachevsky2(0.7, -1.1), 3.1218322121561295)
        assertClose(TestFunctions.doubleSum([0.5, 1, -2, 3, 0]), 11)
        assertClose(TestFunctions.sharpRidge([0, 0, 0, 0]), 365.0054944640259)
        assertClose(TestFunctions.corrugatedSpring([4.2, 5.5, 6.1, 3.9]), 1.2776642888929288)
        assertClose(TestFunctions.qing([0.5, -1.2, 2.5, 1]), 20.4386)
        assertClose(TestFunctions.sumSquares([0, 0, 0, 0, 0, 0]), 114)
        assertClose(TestFunctions.himmelblauMixed(x1: 2.5, x2: -1, k1: 1, k2: 3), 82.4375)
        assertClose(
            TestFunctions.forestLike(criterion: "entropy", trees: 40, depth: 7, leaf: 5, features: 0.8),
            1.7037567786661254
        )
        assertClose(
            TestFunctions.forestLike(criterion: "log_loss", trees: 1000, depth: 30, leaf: 1, features: 0.2),
            0.6769735409966102
        )
        XCTAssertNil(TestFunctions.forestLike(criterion: "mse", trees: 10, depth: 2, leaf: 1, features: 0.5))
        assertClose(TestFunctions.rotatedCategory(kind: "r2", x: 0.3, y: 0.1, k: 3), 0.9112758070953606)
        assertClose(TestFunctions.rotatedCategory(kind: "r0", x: 0.6, y: -0.4, k: 7), 1.0599999999999996)
        XCTAssertNil(TestFunctions.rotatedCategory(kind: "r3", x: 0, y: 0, k: 7))
    }

    /// The set shares no name with the nine, the held-out or the second fresh set, `fresh3` names it, and three
    /// of its spaces are mixed.
    func testTheSetIsFreshAndNamed() throws {
        let others = Set(
            BenchmarkProblems.all.map(\.name) + HeldOutProblems.all.map(\.name) + FreshProblems.all.map(\.name)
                + SklearnTasks.definitions.map(\.name)
        )
        XCTAssertTrue(others.isDisjoint(with: FreshProblems3.all.map(\.name)))
        XCTAssertEqual(try BenchmarkTasks.tasks("fresh3").map(\.name), FreshProblems3.all.map(\.name))
        XCTAssertEqual(try BenchmarkTasks.tasks("qing4").map(\.name), ["qing4"])
        let mixed = try FreshProblems3.all.filter { task in
            try task.space().dimensions.contains { $0.kind != .real }
        }
        XCTAssertEqual(mixed.map(\.name), ["himmelblau_mixed4", "forest_like", "rotated_category"])
    }
}
