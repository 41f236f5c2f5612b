import Foundation
import OrionBenchmark
import OrionCore
import XCTest

/// The eighth fresh set (`fresh8`): each problem at its known minimum, the functions at other points against numpy,
/// and the set's separation from the others.
final class FreshProblems8Tests: XCTestCase {
    /// The argmin of each problem, as dimension name → value.
    private static let argmins: [String: [String: JSONValue]] = {
        func point(_ values: [Double]) -> [String: JSONValue] {
            Dictionary(uniqueKeysWithValues: values.enumerated().map { ("x\($0.offset + 1)", .double($0.element)) })
        }
        return [
            "zettl": point([TestFunctions.zettlArgmin, 0]),
            "log_ridge3": ["alpha": .double(pow(10, -2.5)), "lr": .double(0.01), "dropout": .double(0.35)],
            "twisted_gaussian4": point([3, 10, 1.5, -0.8]),
            "rotated_rosenbrock5": point(TestFunctions.rotatedRosenbrockShift),
            "elliptic_salomon4": point(TestFunctions.ellipticSalomonCentre),
            "griewank_rosenbrock5": point(TestFunctions.griewankRosenbrockShift),
            "schaffer_f7_6": point(TestFunctions.schafferF7Shift),
            "exponential8": point(TestFunctions.shiftedExponentialCentre),
        ]
    }()

    /// Each problem's value at its argmin is its optimum, the argmin lies in its space, and no draw beats it.
    func testValueAtTheArgminIsTheOptimum() throws {
        try assertArgminsAreOptima(FreshProblems8.all, Self.argmins)
    }

    /// Zettl's minimum against numpy (the root of the derivative along y = 0) and scipy's BFGS from near it.
    func testZettlsMinimumMatchesNumpy() {
        XCTAssertEqual(FreshProblems8.zettl.optimum ?? .nan, -0.0037912372204688977, accuracy: 1e-15)
        // Off the line y = 0, or along it either side of the argmin, the value is higher.
        for (x, y) in [(-0.0299, 0.001), (-0.031, 0.0), (-0.0289, 0.0)] {
            XCTAssertGreaterThan(TestFunctions.zettl(x, y), -0.0037912372204688977)
        }
    }

    /// The functions agree with an independent numpy implementation at off-optimum points.
    func testValuesMatchNumpy() {
        func close(_ value: Double, _ expected: Double, line: UInt = #line) {
            XCTAssertEqual(value, expected, accuracy: 1e-9 * max(1, abs(expected)), line: line)
        }
        close(TestFunctions.zettl(1.5, -0.7), 0.4426000000000001)
        close(TestFunctions.zettl(-2.2, 3.1), 354.77250000000004)
        close(TestFunctions.logRidge(alpha: 0.1, lr: 0.03, dropout: 0.6), 0.59009918604167)
        close(TestFunctions.logRidge(alpha: 2e-5, lr: 0.5, dropout: 0.05), 7.752189053055565)
        close(TestFunctions.twistedGaussian([-10, -5, 0, 2]), 7.695000000000004)
        close(TestFunctions.twistedGaussian([7, 8.5, 1, -1]), 0.22999999999999995)
        close(TestFunctions.rotatedRosenbrock([0, 0, 0, 0, 0]), 2159.643409625877)
        close(TestFunctions.rotatedRosenbrock([1, -1, 0.5, 2, -2]), 1056.2743013215363)
        close(TestFunctions.ellipticSalomon([0, 0, 0, 0]), 1.268485034469416)
        close(TestFunctions.ellipticSalomon([1, -0.5, 2, -1.5]), 1.8244939694565243)
        close(TestFunctions.griewankRosenbrock([0, 0, 0, 0, 0]), 1.0576296740758826)
        close(TestFunctions.griewankRosenbrock([0.6, -0.3, 1, -1, 0.1]), 0.9883468456614823)
        close(TestFunctions.schafferF7([0, 0, 0, 0, 0, 0]), 3.799534677995616)
        close(TestFunctions.schafferF7([1, -2, 0.5, 2, -1, -1.5]), 0.7058996492739369)
        close(TestFunctions.shiftedExponential([0, 0, 0, 0, 0, 0, 0, 0]), 0.5144631048459205)
        close(TestFunctions.shiftedExponential([1, -1, 1, -1, 1, -1, 1, -1]), 0.9704744709988266)
    }

    /// The set shares no name with the nine, the held-out or the earlier fresh sets, `fresh8` names it, and every
    /// space is of reals, of dimension 2 to 8, one of them log-scaled.
    func testTheSetIsFreshAndNamed() throws {
        let others = Set(
            BenchmarkProblems.all.map(\.name) + HeldOutProblems.all.map(\.name) + FreshProblems.all.map(\.name)
                + FreshProblems3.all.map(\.name) + FreshProblems4.all.map(\.name) + FreshProblems5.all.map(\.name)
                + FreshProblems6.all.map(\.name) + SklearnTasks.definitions.map(\.name)
        )
        XCTAssertTrue(others.isDisjoint(with: FreshProblems8.all.map(\.name)))
        XCTAssertEqual(FreshProblems8.all.count, 8)
        XCTAssertEqual(try BenchmarkTasks.tasks("fresh8").map(\.name), FreshProblems8.all.map(\.name))
        XCTAssertEqual(try BenchmarkTasks.tasks("schaffer_f7_6").map(\.name), ["schaffer_f7_6"])
        for task in FreshProblems8.all {
            let dimensions = try task.space().dimensions
            XCTAssertTrue(dimensions.allSatisfy { $0.kind == .real }, task.name)
            XCTAssertTrue((2...8).contains(dimensions.count), task.name)
        }
    }
}
