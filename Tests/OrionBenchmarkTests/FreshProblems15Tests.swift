import Foundation
import OrionBenchmark
import OrionCore
import XCTest

/// The fifteenth fresh set (`fresh15`): each problem at its known minimum, the functions at other points against
/// numpy, the characters the set was chosen for, and the set's separation from the others.
final class FreshProblems15Tests: XCTestCase {
    /// The argmin of each problem, as dimension name → value (any seed for `ackley_n2_seed4`).
    private static let argmins: [String: [String: JSONValue]] = [
        "penalty_ratio4": [
            "penalty": "elasticnet", "C": .double(pow(10, -0.475)), "l1_ratio": .double(0.35), "max_iter": .int(1000),
        ],
        "boosted_growth5": [
            "growth": "leafwise", "lr": .double(0.1), "rounds": .int(256), "depth": .int(11),
            "subsample": .double(0.6),
        ],
        "kernel_ridge4": [
            "kernel": "poly", "gamma": .double(pow(10, -1.2)), "alpha": .double(1e-6), "degree": .int(3),
        ],
        "rastrigin_basins4": ["basin": "a", "x1": .double(1.2), "x2": .double(-0.7), "x3": .double(2.1)],
        "griewank_integer3": ["x1": .double(14), "x2": .double(-9), "k": .int(27)],
        "curved_chain4": ["x1": .double(1.2), "x2": .double(1.44), "x3": .double(1.728), "k": .int(8)],
        "ackley_n2_seed4": ["precision": "fp32", "x1": .double(-13), "x2": .double(21), "seed": .int(42)],
        "schwefel220_mixed6": [
            "x1": .double(3.5), "x2": .double(-6), "x3": .double(1.25), "x4": .double(7), "k1": .int(0),
            "k2": .int(9),
        ],
    ]

    /// Each problem's value at its argmin is its optimum, the argmin lies in its space, and no draw beats it.
    func testValueAtTheArgminIsTheOptimum() throws {
        try assertArgminsAreOptima(FreshProblems15.all, Self.argmins)
    }

    /// The functions agree with an independent numpy implementation at off-optimum points.
    func testValuesMatchNumpy() {
        assertClose(TestFunctions.penaltyRatio(penalty: "l1", c: 3, ratio: 0.5, iterations: 50), 0.08913558726703996)
        assertClose(TestFunctions.penaltyRatio(penalty: "l2", c: 1e-3, ratio: 0.2, iterations: 200), 0.8509691001300806)
        assertClose(
            TestFunctions.penaltyRatio(penalty: "elasticnet", c: 0.05, ratio: 0.8, iterations: 20),
            0.531962309706683
        )
        assertClose(
            TestFunctions.boostedGrowth(growth: "depthwise", lr: 0.3, rounds: 64, depth: 3, subsample: 0.5),
            0.16915703109568078
        )
        assertClose(
            TestFunctions.boostedGrowth(growth: "leafwise", lr: 0.01, rounds: 1000, depth: 14, subsample: 0.95),
            0.17993105312136837
        )
        assertClose(TestFunctions.kernelRidge(kernel: "rbf", gamma: 0.5, alpha: 1e-3, degree: 4), 0.21328386004422412)
        assertClose(
            TestFunctions.kernelRidge(kernel: "laplacian", gamma: 2e-4, alpha: 0.3, degree: 2),
            0.5793132586599674
        )
        assertClose(TestFunctions.kernelRidge(kernel: "poly", gamma: 0.2, alpha: 1e-2, degree: 6), 0.28204141200477284)
        assertClose(TestFunctions.rastriginBasins(basin: "b", [0.5, -1, 3]), 69.98033988749893)
        assertClose(TestFunctions.rastriginBasins(basin: "a", [1.7, -0.2, 2.6]), 60.75)
        assertClose(TestFunctions.rastriginBasins(basin: "c", [-2.9, 4.4, 0]), 40.24949016875157)
        assertClose(TestFunctions.griewankInteger(0, 0, k: 0), 1.3868192974048128)
        assertClose(TestFunctions.griewankInteger(20.5, -3.25, k: 30), 0.9266207289164333)
        assertClose(TestFunctions.curvedChain(0, 0, 0, k: 1), 2.98)
        assertClose(TestFunctions.curvedChain(-1.5, 2.2, -0.4, k: 6), 175.85500000000005)
        assertClose(TestFunctions.ackleyPrecision(precision: "fp16", 5, -30), -58.806087964968754)
        assertClose(TestFunctions.ackleyPrecision(precision: "fp32", -13, 20), -196.03973466135105)
        assertClose(TestFunctions.schwefel220Mixed([0, 0, 0, 0], k1: 3, k2: -5), 40.825)
        assertClose(TestFunctions.schwefel220Mixed([3.6, -6.5, -10, 9.75], k1: 8, k2: 15), 23.650000000000002)
    }

    /// The characters the set was chosen for: the parameters only some categories use, the bounds the best values lie
    /// on, the coupled learning rate, the seed that does not matter, and the kink at the minimum.
    func testCharacters() throws {
        // penalty_ratio4: l1 and l2 ignore the ratio; more iterations are better for every penalty, up to the bound.
        for penalty in ["l1", "l2"] {
            XCTAssertEqual(
                TestFunctions.penaltyRatio(penalty: penalty, c: 0.5, ratio: 0, iterations: 100),
                TestFunctions.penaltyRatio(penalty: penalty, c: 0.5, ratio: 1, iterations: 100)
            )
        }
        for penalty in ["l1", "l2", "elasticnet"] {
            XCTAssertLessThan(
                try XCTUnwrap(TestFunctions.penaltyRatio(penalty: penalty, c: 0.5, ratio: 0.35, iterations: 1000)),
                try XCTUnwrap(TestFunctions.penaltyRatio(penalty: penalty, c: 0.5, ratio: 0.35, iterations: 999))
            )
        }
        // boosted_growth5: with 1,024 rounds the best learning rate is 10^−1.5, not 0.1.
        XCTAssertLessThan(
            try XCTUnwrap(
                TestFunctions.boostedGrowth(
                    growth: "leafwise",
                    lr: pow(10, -1.5),
                    rounds: 1024,
                    depth: 11,
                    subsample: 0.6
                )
            ),
            try XCTUnwrap(
                TestFunctions.boostedGrowth(growth: "leafwise", lr: 0.1, rounds: 1024, depth: 11, subsample: 0.6)
            )
        )
        // kernel_ridge4: only poly uses the degree; at α = 10⁻⁵, even its best bandwidth is worse than the minimum.
        for kernel in ["rbf", "laplacian"] {
            XCTAssertEqual(
                TestFunctions.kernelRidge(kernel: kernel, gamma: 0.01, alpha: 1e-3, degree: 2),
                TestFunctions.kernelRidge(kernel: kernel, gamma: 0.01, alpha: 1e-3, degree: 6)
            )
        }
        XCTAssertEqual(
            try XCTUnwrap(TestFunctions.kernelRidge(kernel: "poly", gamma: pow(10, -1.1), alpha: 1e-5, degree: 3)),
            0.025,
            accuracy: 1e-12
        )
        // curved_chain4: the integer is best at its upper bound 8, its term falling all the way there.
        for k in 1..<8 {
            XCTAssertGreaterThan(
                TestFunctions.curvedChain(1.2, 1.44, 1.728, k: Double(k)),
                TestFunctions.curvedChain(1.2, 1.44, 1.728, k: Double(k + 1))
            )
        }
        // ackley_n2_seed4: the seed does not matter.
        let task = FreshProblems15.ackleyN2Seed4
        for (x1, x2) in [(-13.0, 21.0), (5.0, -30.0), (31.0, 0.5)] {
            let point: [String: JSONValue] = ["precision": "bf16", "x1": .double(x1), "x2": .double(x2)]
            let values = try [0, 42, 999].map { seed in
                try task.evaluate(point.merging(["seed": .int(seed)]) { $1 })
            }
            XCTAssertEqual(Set(values).count, 1)
        }
        // schwefel220_mixed6: a kink at the minimum, the same slope on both sides; k1 best at its lower bound 0.
        let centre = [3.5, -6, 1.25, 7.0]
        XCTAssertEqual(TestFunctions.schwefel220Mixed([3.6, -6, 1.25, 7], k1: 0, k2: 9), 0.1, accuracy: 1e-12)
        XCTAssertEqual(TestFunctions.schwefel220Mixed([3.4, -6, 1.25, 7], k1: 0, k2: 9), 0.1, accuracy: 1e-12)
        XCTAssertEqual(TestFunctions.schwefel220Mixed(centre, k1: 1, k2: 9), 1)
        // rastrigin_basins4: each basin's own centre is its offset.
        XCTAssertEqual(
            try XCTUnwrap(TestFunctions.rastriginBasins(basin: "b", [-1.8, 1.5, 0.4])),
            0.5,
            accuracy: 1e-12
        )
        XCTAssertEqual(
            try XCTUnwrap(TestFunctions.rastriginBasins(basin: "c", [0.3, 2.6, -2.2])),
            1.2,
            accuracy: 1e-12
        )
        XCTAssertNil(TestFunctions.penaltyRatio(penalty: "none", c: 1, ratio: 0.5, iterations: 100))
        XCTAssertNil(TestFunctions.ackleyPrecision(precision: "int8", 0, 0))
    }

    /// `fresh15` names the set (its names are unique across the sets: ``ProblemSetsTests``), and every space mixes
    /// reals with an integer or a categorical, of dimension 3 to 6: five with a categorical, seven with an integer,
    /// three with a log scale.
    func testTheSetIsNamedAndMixed() throws {
        XCTAssertEqual(FreshProblems15.all.count, 8)
        XCTAssertEqual(try BenchmarkTasks.tasks("fresh15").map(\.name), FreshProblems15.all.map(\.name))
        XCTAssertEqual(try BenchmarkTasks.tasks("curved_chain4").map(\.name), ["curved_chain4"])
        var (categorical, integer, logScale) = (0, 0, 0)
        for task in FreshProblems15.all {
            let dimensions = try task.space().dimensions
            XCTAssertTrue(dimensions.contains { $0.kind == .real }, task.name)
            XCTAssertTrue(dimensions.contains { $0.kind == .categorical || $0.kind == .integer }, task.name)
            XCTAssertTrue((3...6).contains(dimensions.count), task.name)
            if dimensions.contains(where: { $0.kind == .categorical }) { categorical += 1 }
            if dimensions.contains(where: { $0.kind == .integer }) { integer += 1 }
            if dimensions.contains(where: \.isLogScale) { logScale += 1 }
        }
        XCTAssertEqual([categorical, integer, logScale], [5, 7, 3])
    }
}
