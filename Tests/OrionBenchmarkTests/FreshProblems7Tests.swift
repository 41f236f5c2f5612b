import Foundation
import OrionBenchmark
import OrionCore
import XCTest

/// The seventh fresh set (`fresh7`): each problem at its known minimum, the functions at other points against numpy,
/// and the set's separation from the others.
final class FreshProblems7Tests: XCTestCase {
    /// The argmin of each problem, as dimension name → value.
    private static let argmins: [String: [String: JSONValue]] = {
        func point(_ values: [Double]) -> [String: JSONValue] {
            Dictionary(uniqueKeysWithValues: values.enumerated().map { ("x\($0.offset + 1)", .double($0.element)) })
        }
        let shubert = TestFunctions.shubertArgmin
        return [
            "shubert": point([shubert.x, shubert.y]),
            "alpine_n2_3": point(Array(repeating: TestFunctions.alpineN2Argmin, count: 3)),
            "happy_cat4": point([-1, -1, -1, -1]),
            "lunacek5": point([2.5, 2.5, 2.5, 2.5, 2.5]),
            "exponential_log4": point([pow(10, -2.5)] + TestFunctions.exponentialShift),
            "brown6": point([0, 0, 0, 0, 0, 0]),
            "different_powers7": point(TestFunctions.differentPowersShift),
            "chung_reynolds8": point(TestFunctions.chungReynoldsShift),
        ]
    }()

    /// Each problem's value at its argmin is its optimum, the argmin lies in its space, and no draw beats it.
    func testValueAtTheArgminIsTheOptimum() throws {
        try assertArgminsAreOptima(FreshProblems7.all, Self.argmins)
    }

    /// The optima against numpy/scipy: Shubert's minimum (scipy's BFGS from a 41 × 41 grid of starts) and the
    /// maximizer of `√t sin t` on [0, 10] (scipy's bounded Brent), hence Alpine N.2's minimum in 3 dimensions.
    func testOptimaMatchNumpy() {
        let (x, y) = TestFunctions.shubertArgmin
        XCTAssertEqual(TestFunctions.shubert(x, y), -186.73090883102387, accuracy: 1e-9)
        XCTAssertEqual(TestFunctions.shubertMinimum, -186.73090883102387)
        let argmin = TestFunctions.alpineN2Argmin
        XCTAssertEqual(argmin.squareRoot() * sin(argmin), 2.808131180007003, accuracy: 1e-12)
        XCTAssertEqual(FreshProblems7.alpineN2Three.optimum ?? 0, -22.1438012665083, accuracy: 1e-9)
        XCTAssertEqual(pow(10, -2.5), 0.0031622776601683794, accuracy: 1e-18)
    }

    /// The functions agree with an independent numpy implementation at off-optimum points.
    func testValuesMatchNumpy() {
        func close(_ value: Double, _ expected: Double, line: UInt = #line) {
            XCTAssertEqual(value, expected, accuracy: 1e-9 * max(1, abs(expected)), line: line)
        }
        close(TestFunctions.shubert(1.3, -2.7), -3.345691164045652)
        close(TestFunctions.shubert(-9.5, 4.25), 6.595990342502439)
        close(TestFunctions.shubert(0, 0), 19.875836249802127)
        close(TestFunctions.alpineN2([1, 5.5, 9.2]), 0.9412969724841187)
        close(TestFunctions.alpineN2([7.9, 7.9, 2]), -10.137433663935491)
        close(TestFunctions.alpineN2([0.25, 3, 6.5]), -0.016583008113584184)
        close(TestFunctions.happyCat([0, 0, 0, 0]), 1.9142135623730951)
        close(TestFunctions.happyCat([1.5, -0.5, 0.25, -1.75]), 2.207175432176613)
        close(TestFunctions.happyCat([-1, -1, -1, -0.5]), 0.9618548591020996)
        close(TestFunctions.lunacek([0, 0, 0, 0, 0]), 131.25)
        close(TestFunctions.lunacek([2.4, 2.6, 2.5, 1.5, 3]), 25.08966011250106)
        close(TestFunctions.lunacek([-2.2, -2.4, -2.3, -2.1, -2.5]), 47.91691967200526)
        close(TestFunctions.exponentialLog([1e-3, 0, 0, 0]), 0.17097088181959963)
        close(TestFunctions.exponentialLog([0.5, 0.3, -0.4, -0.75]), 0.6686014783742629)
        close(TestFunctions.exponentialLog([2e-4, -1, 1, 0.25]), 0.8652981058819389)
        close(TestFunctions.brown([0.5, -0.5, 1, 0.25, 0, 1.5]), 4.732459640593274)
        close(TestFunctions.brown([2, 1, -1, 0.5, 0.75, -0.25]), 21.220035530870344)
        close(TestFunctions.differentPowers([0, 0, 0, 0, 0, 0, 0]), 45.40379240172476)
        close(TestFunctions.differentPowers([1.4, -2.1, 0.6, 2.5, -1, 3, -3]), 0.3399216601077317)
        close(TestFunctions.chungReynolds([0, 0, 0, 0, 0, 0, 0, 0]), 1242.5625)
        close(TestFunctions.chungReynolds([-1, 2.5, 0, -3, 1.5, 2, 0, 3]), 3.0625)
    }

    /// The set shares no name with the nine, the held-out or the earlier fresh sets, `fresh7` names it, and every
    /// space is of reals, of dimension 2 to 8, `exponential_log4`'s first on a log scale.
    func testTheSetIsFreshAndNamed() throws {
        let others = Set(
            BenchmarkProblems.all.map(\.name) + HeldOutProblems.all.map(\.name) + FreshProblems.all.map(\.name)
                + FreshProblems3.all.map(\.name) + FreshProblems4.all.map(\.name) + FreshProblems5.all.map(\.name)
                + FreshProblems6.all.map(\.name) + SklearnTasks.definitions.map(\.name)
                + OrionTasks.defaults.map(\.name)
        )
        XCTAssertTrue(others.isDisjoint(with: FreshProblems7.all.map(\.name)))
        XCTAssertEqual(FreshProblems7.all.count, 8)
        XCTAssertEqual(try BenchmarkTasks.tasks("fresh7").map(\.name), FreshProblems7.all.map(\.name))
        XCTAssertEqual(try BenchmarkTasks.tasks("lunacek5").map(\.name), ["lunacek5"])
        for task in FreshProblems7.all {
            let dimensions = try task.space().dimensions
            XCTAssertTrue(dimensions.allSatisfy { $0.kind == .real }, task.name)
            XCTAssertTrue((2...8).contains(dimensions.count), task.name)
        }
        let logScaled = try FreshProblems7.exponentialLog4.space().dimensions.filter {
            if case .logUniform = $0.prior { return true }
            return false
        }
        XCTAssertEqual(logScaled.map(\.name), ["x1"])
    }
}
