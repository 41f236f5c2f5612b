import Foundation
import OrionBenchmark
import OrionCore
import XCTest

/// The ninth fresh set (`fresh9`): each problem at its known minimum, the functions at other points against numpy,
/// and the set's separation from the others.
final class FreshProblems9Tests: XCTestCase {
    /// The argmin of each problem, as dimension name → value.
    private static let argmins: [String: [String: JSONValue]] = {
        func point(_ values: [Double]) -> [String: JSONValue] {
            Dictionary(uniqueKeysWithValues: values.enumerated().map { ("x\($0.offset + 1)", .double($0.element)) })
        }
        return [
            "langermann": point(TestFunctions.langermannArgmin),
            "levy13": point([1, 1]),
            "holder_table": point(TestFunctions.holderTableArgmin),
            "power_sum4": point([2, 4, 1, 3]),
            "adam_like4": [
                "lr": .double(pow(10, -3.2)), "beta1": .double(0.9), "eps": .double(1e-8), "wd": .double(pow(10, -4.5)),
            ],
            "csendes5": point(TestFunctions.csendesShift),
            "schwefel24_6": point([1, 1, 1, 1, 1, 1]),
            "schwefel221_7": point(TestFunctions.schwefel221Shift),
        ]
    }()

    /// Each problem's value at its argmin is its optimum, the argmin lies in its space, and no draw beats it.
    func testValueAtTheArgminIsTheOptimum() throws {
        try assertArgminsAreOptima(FreshProblems9.all, Self.argmins)
    }

    /// The two minima found numerically, against scipy, and the Hölder table's mirrored wells.
    func testNumericalMinimaMatchScipy() {
        XCTAssertEqual(FreshProblems9.langermann.optimum ?? .nan, -4.1558092918477865, accuracy: 1e-12)
        XCTAssertEqual(FreshProblems9.holderTable.optimum ?? .nan, -19.208502567886754, accuracy: 1e-12)
        let (x, y) = (TestFunctions.holderTableArgmin[0], TestFunctions.holderTableArgmin[1])
        for (sx, sy) in [(-1.0, 1.0), (1, -1), (-1, -1)] {
            XCTAssertEqual(TestFunctions.holderTable(sx * x, sy * y), -19.208502567886754, accuracy: 1e-12)
        }
    }

    /// The functions agree with an independent numpy implementation at off-optimum points.
    func testValuesMatchNumpy() {
        func close(_ value: Double, _ expected: Double, line: UInt = #line) {
            XCTAssertEqual(value, expected, accuracy: 1e-9 * max(1, abs(expected)), line: line)
        }
        close(TestFunctions.langermann([5, 5]), 0.1604074079959707)
        close(TestFunctions.langermann([1.5, 7.2]), -0.098317642884223)
        close(TestFunctions.levy13(0, 0), 2.0)
        close(TestFunctions.levy13(-3.3, 2.7), 25.855158946687943)
        close(TestFunctions.holderTable(0, 0), 0)
        close(TestFunctions.holderTable(-4.1, 6.6), -3.3926308745548797)
        close(TestFunctions.powerSum([0, 0, 0, 0]), 136316.0)
        close(TestFunctions.powerSum([4, 1, 2, 3.5]), 5032.45703125)
        close(TestFunctions.shiftedCsendes([0, 0, 0, 0, 0]), 0.015862709817141777)
        close(TestFunctions.shiftedCsendes([1, -1, 0.5, 0, -0.5]), 0.678339177442148)
        close(TestFunctions.adamLike(lr: 0.01, beta1: 0.6, eps: 1e-6, wd: 1e-2), 5.841500000000002)
        close(TestFunctions.adamLike(lr: 1e-5, beta1: 0.99, eps: 1e-10, wd: 1e-7), 3.4474999999999993)
        close(TestFunctions.schwefel24([0, 0, 0, 0, 0, 0]), 6.0)
        close(TestFunctions.schwefel24([2, 1, 3, 0.5, 1, 4]), 268.3125)
        close(TestFunctions.shiftedSchwefel221([0, 0, 0, 0, 0, 0, 0]), 7.4)
        close(TestFunctions.shiftedSchwefel221([1, 2, 3, 4, 5, 6, 7]), 13.4)
    }

    /// The set shares no name with the nine, the held-out or the earlier fresh sets, `fresh9` names it, and every
    /// space is of reals, of dimension 2 to 7.
    func testTheSetIsFreshAndNamed() throws {
        let others = Set(
            BenchmarkProblems.all.map(\.name) + HeldOutProblems.all.map(\.name) + FreshProblems.all.map(\.name)
                + FreshProblems3.all.map(\.name) + FreshProblems4.all.map(\.name) + FreshProblems5.all.map(\.name)
                + FreshProblems6.all.map(\.name) + FreshProblems7.all.map(\.name) + FreshProblems8.all.map(\.name)
                + SklearnTasks.definitions.map(\.name)
        )
        XCTAssertTrue(others.isDisjoint(with: FreshProblems9.all.map(\.name)))
        XCTAssertEqual(FreshProblems9.all.count, 8)
        XCTAssertEqual(try BenchmarkTasks.tasks("fresh9").map(\.name), FreshProblems9.all.map(\.name))
        XCTAssertEqual(try BenchmarkTasks.tasks("power_sum4").map(\.name), ["power_sum4"])
        for task in FreshProblems9.all {
            let dimensions = try task.space().dimensions
            XCTAssertTrue(dimensions.allSatisfy { $0.kind == .real }, task.name)
            XCTAssertTrue((2...7).contains(dimensions.count), task.name)
        }
    }
}
