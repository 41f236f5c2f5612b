import Foundation
import OrionBenchmark
import OrionCore
import XCTest

/// The second fresh set (`fresh2`): each function at its known minimum, at another point against numpy, and the
/// set's separation from the others.
final class FreshProblemsTests: XCTestCase {
    /// The argmin of each problem, as dimension name → value.
    private static let argmins: [String: [String: JSONValue]] = {
        func xs(_ values: [Double]) -> [String: JSONValue] {
            Dictionary(uniqueKeysWithValues: values.enumerated().map { ("x\($0.offset + 1)", .double($0.element)) })
        }
        return [
            "cosine_mixture6": xs(Array(repeating: 0, count: 6)),
            "ellipsoid6": xs(Array(repeating: 1, count: 6)),
            "beale": xs([3, 0.5]),
            "weierstrass4": xs(Array(repeating: 0, count: 4)),
            "drop_wave": xs([0, 0]),
            "boosting_like": [
                "booster": "gbtree", "learning_rate": .double(pow(10, -1.5)), "n_estimators": .int(1000),
                "max_depth": .int(6), "subsample": .double(0.8),
            ],
            "salomon_mixed5": [
                "x1": .double(2.5), "x2": .double(-1.5), "x3": .double(4), "k1": .int(3), "k2": .int(-6),
            ],
            "deceptive_category": ["kind": "sharp", "x": .double(0.15), "y": .double(0.85), "k": .int(15)],
        ]
    }()

    /// Each problem's value at its argmin is its optimum, and the argmin lies in its space.
    func testValueAtTheArgminIsTheOptimum() throws {
        try assertArgminsAreOptima(FreshProblems.all, Self.argmins)
    }

    /// The functions agree with an independent numpy implementation at off-optimum points.
    func testValuesMatchNumpy() {
        assertClose(TestFunctions.cosineMixture([0.3, -0.5, 0.9, 0.1, -0.2, 0.75]), 1.7917893218813452)
        assertClose(TestFunctions.ellipsoid([0, 2, -1, 1.5, 0.5, 3]), 4017790.805042917)
        assertClose(TestFunctions.beale(1, -2), 70.453125)
        assertClose(TestFunctions.weierstrass([0.1, -0.25, 0.4, 0.02]), 6.59638945643742)
        assertClose(TestFunctions.dropWave(1.2, -0.7), -0.14465940784487002)
        assertClose(
            TestFunctions.boostingLike(
                booster: "dart",
                learningRate: 0.003,
                estimators: 250,
                depth: 4,
                subsample: 0.55
            ),
            26.857823023679096
        )
        assertClose(
            TestFunctions.boostingLike(booster: "gblinear", learningRate: 0.1, estimators: 50, depth: 9, subsample: 1),
            6.748990539534378
        )
        XCTAssertNil(
            TestFunctions.boostingLike(booster: "lgbm", learningRate: 0.1, estimators: 50, depth: 9, subsample: 1)
        )
        assertClose(TestFunctions.salomon([0, 0, 0, 0, 0]), 2.351690027886261)
        assertClose(TestFunctions.salomon([2.5, -1.5, 4.5, 3, -6]), 2.05)
        assertClose(TestFunctions.deceptiveCategory(kind: "sharp", x: 0.2, y: 0.8, k: 13), 0.5276334472589852)
        assertClose(TestFunctions.deceptiveCategory(kind: "wide", x: 0.5, y: 0.5, k: 3), 0.423)
        assertClose(TestFunctions.deceptiveCategory(kind: "smooth", x: 0.6, y: 0.3, k: 7), 0.18)
        XCTAssertNil(TestFunctions.deceptiveCategory(kind: "flat", x: 0, y: 0, k: 1))
    }

    /// The set shares no name with the nine or the held-out set, `fresh2` names it, and at least three of its
    /// spaces are mixed.
    func testTheSetIsFreshAndNamed() throws {
        let others = Set(BenchmarkProblems.all.map(\.name) + HeldOutProblems.all.map(\.name))
        XCTAssertTrue(others.isDisjoint(with: FreshProblems.all.map(\.name)))
        XCTAssertEqual(try BenchmarkTasks.tasks("fresh2").map(\.name), FreshProblems.all.map(\.name))
        XCTAssertEqual(try BenchmarkTasks.tasks("beale").map(\.name), ["beale"])
        let mixed = try FreshProblems.all.filter { task in
            try task.space().dimensions.contains { $0.kind != .real }
        }
        XCTAssertGreaterThanOrEqual(mixed.count, 3)
    }
}
