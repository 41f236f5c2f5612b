import Foundation
import OrionBenchmark
import OrionCore
import XCTest

/// The eleventh fresh set (`fresh11`): each problem at its known minimum, the functions at other points against numpy,
/// and the set's separation from the others.
final class FreshProblems11Tests: XCTestCase {
    /// The argmin of each problem, as dimension name → value.
    private static let argmins: [String: [String: JSONValue]] = {
        func point(_ values: [Double]) -> [String: JSONValue] {
            Dictionary(uniqueKeysWithValues: values.enumerated().map { ("x\($0.offset + 1)", .double($0.element)) })
        }
        return [
            "trefethen": point(TestFunctions.trefethenArgmin),
            "brent": point([-10, -10]),
            "de_jong5": point(TestFunctions.deJong5Argmin),
            "box_betts3": point([1, 10, 1]),
            // 10 ln x = π/2 + 2πk, k = 0, 1, 2, −1, 0.
            "vincent5": point([1, 5, 9, -3, 1].map { exp($0 * Double.pi / 20) }),
            "hgbat6": point([-1, -1, -1, -1, -1, -1]),
            "sgd_like6": [
                "lr": .double(pow(10, -2.3)), "momentum": .double(0.9), "wd": .double(1e-4), "batch": .double(64),
                "warmup": .double(0.1), "smoothing": .double(0.05),
            ],
            "mishra2_8": point([1, 1, 1, 1, 1, 1, 1, 1]),
        ]
    }()

    /// Each problem's value at its argmin is its optimum, the argmin lies in its space, and no draw beats it.
    func testValueAtTheArgminIsTheOptimum() throws {
        try assertArgminsAreOptima(FreshProblems11.all, Self.argmins)
    }

    /// The minima found numerically, against scipy, and Brent's corner.
    func testNumericalMinimaMatchScipy() {
        XCTAssertEqual(FreshProblems11.trefethen.optimum ?? .nan, -3.306868647475241, accuracy: 1e-12)
        XCTAssertEqual(FreshProblems11.deJong5.optimum ?? .nan, 0.9980038377944498, accuracy: 1e-12)
        XCTAssertEqual(FreshProblems11.brent.optimum ?? .nan, 1.3838965267367376e-87, accuracy: 1e-100)
    }

    /// The functions agree with an independent numpy implementation at off-optimum points.
    func testValuesMatchNumpy() {
        func close(_ value: Double, _ expected: Double, line: UInt = #line) {
            XCTAssertEqual(value, expected, accuracy: 1e-9 * max(1, abs(expected)), line: line)
        }
        close(TestFunctions.trefethen(0.5, -0.3), 2.128788238538945)
        close(TestFunctions.trefethen(-1.7, 1.9), 1.5898852716845042)
        close(TestFunctions.brent(0, 0), 201.0)
        close(TestFunctions.brent(3, -7), 178.0)
        close(TestFunctions.deJong5(0, 0), 12.670505812885983)
        close(TestFunctions.deJong5(10, -20), 494.720700004881)
        close(TestFunctions.boxBetts([0.9, 9, 0.9]), 0.056856534350888825)
        close(TestFunctions.boxBetts([1.2, 11.2, 1.05]), 0.0568653697808853)
        close(TestFunctions.vincent([1, 2, 3, 4, 5]), -0.18963092761516132)
        close(TestFunctions.vincent([0.25, 0.5, 7, 9.5, 10]), 2.3520875600837488)
        close(TestFunctions.hgbat([0, 0, 0, 0, 0, 0]), 0.5)
        close(TestFunctions.hgbat([1, -2, 3, -4, 5, 0.5]), 60.826528827138404)
        close(
            TestFunctions.sgdLike(lr: 0.01, momentum: 0.5, wd: 1e-3, batch: 256, warmup: 0.2, smoothing: 0),
            1.8049908156411203
        )
        close(
            TestFunctions.sgdLike(lr: 1e-4, momentum: 0.99, wd: 1e-6, batch: 16, warmup: 0, smoothing: 0.3),
            1.0177460434806147
        )
        close(TestFunctions.mishra2([0, 0, 0, 0, 0, 0, 0, 0]), 43_046_721.0)
        close(TestFunctions.mishra2([0.5, 1, 0.25, 0.75, 1, 0, 0.5, 0.9]), 387.89725120553254)
    }

    /// `fresh11` names the set (its names are unique across the sets: ``ProblemSetsTests``), and every space is of
    /// reals, of dimension 2 to 8.
    func testTheSetIsNamedAndOfReals() throws {
        XCTAssertEqual(FreshProblems11.all.count, 8)
        XCTAssertEqual(try BenchmarkTasks.tasks("fresh11").map(\.name), FreshProblems11.all.map(\.name))
        XCTAssertEqual(try BenchmarkTasks.tasks("hgbat6").map(\.name), ["hgbat6"])
        for task in FreshProblems11.all {
            let dimensions = try task.space().dimensions
            XCTAssertTrue(dimensions.allSatisfy { $0.kind == .real }, task.name)
            XCTAssertTrue((2...8).contains(dimensions.count), task.name)
        }
    }
}
