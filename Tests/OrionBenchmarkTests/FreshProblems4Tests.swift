import Foundation
import OrionBenchmark
import OrionCore
import XCTest

/// The fourth fresh set (`fresh4`): each function at its known minimum, at other points against numpy, and the set's
/// separation from the others.
final class FreshProblems4Tests: XCTestCase {
    /// The argmin of each problem, as dimension name → value.
    private static let argmins: [String: [String: JSONValue]] = {
        func xs(_ values: [Double]) -> [String: JSONValue] {
            Dictionary(uniqueKeysWithValues: values.enumerated().map { ("x\($0.offset + 1)", .double($0.element)) })
        }
        return [
            "mccormick": xs([0.5 - Double.pi / 3, -0.5 - Double.pi / 3]),
            "schaffer2": xs([0, 0]),
            "easom": xs([Double.pi, Double.pi]),
            "deb4": xs([0.15, 0.55, 0.95, 0.35].map { pow($0, 4.0 / 3) }),
            "xin_she_yang4": xs([0, 0, 0, 0]),
            "pinter5": xs([0, 0, 0, 0, 0]),
            "quartic6": xs(TestFunctions.quarticShift),
            "rotated_discus8": xs(TestFunctions.rotatedDiscusShift),
        ]
    }()

    /// Each problem's value at its argmin is its optimum, the argmin lies in its space, and no draw beats it.
    func testValueAtTheArgminIsTheOptimum() throws {
        try assertArgminsAreOptima(FreshProblems4.all, Self.argmins)
    }

    /// The functions agree with an independent numpy implementation at off-optimum points.
    func testValuesMatchNumpy() {
        func close(_ value: Double, _ expected: Double, line: UInt = #line) {
            XCTAssertEqual(value, expected, accuracy: 1e-9 * max(1, abs(expected)), line: line)
        }
        close(TestFunctions.mccormick(1.2, -0.7), 1.5394255386042035)
        close(TestFunctions.mccormickMinimum, -1.9132229549810362)
        close(TestFunctions.schafferN2(1.3, -0.4), 0.9964978415803134)
        close(TestFunctions.schafferN2(3.5, 2.2), 0.8049832984302464)
        close(TestFunctions.easom(2.9, 3.6), -0.6656808159410205)
        close(TestFunctions.easom(0.5, -1), -1.5705468272595924e-11)
        close(TestFunctions.deb3([0.2, 0.55, 0.8, 0.05]), -0.07984619104472317)
        close(TestFunctions.xinSheYang2([0.7, -1.2, 2.5, 0.1]), 1.0673431717589246)
        close(TestFunctions.pinter([0.5, -1, 2, 0.3, -0.7]), 89.91569522163562)
        close(TestFunctions.pinter([3, 1, -2, 4, 0.5]), 375.0464202061686)
        close(TestFunctions.quartic([0, 0, 0, 0, 0, 0]), 4.9704999999999995)
        close(TestFunctions.quartic([1, -1, 0.5, 0.5, -0.5, 1]), 59.5605)
        close(TestFunctions.rotatedDiscus([0, 0, 0, 0, 0, 0, 0, 0]), 15658.4375)
        close(TestFunctions.rotatedDiscus([1.5, -2, 0.5, 3, -1, 2.5, -3.5, 0.1]), 6.259375000000001)
    }

    /// The set shares no name with the nine, the held-out, the second or the third fresh set, `fresh4` names it, and
    /// every space is of reals, of dimension 2 to 8.
    func testTheSetIsFreshAndNamed() throws {
        let others = Set(
            BenchmarkProblems.all.map(\.name) + HeldOutProblems.all.map(\.name) + FreshProblems.all.map(\.name)
                + FreshProblems3.all.map(\.name) + SklearnTasks.definitions.map(\.name)
        )
        XCTAssertTrue(others.isDisjoint(with: FreshProblems4.all.map(\.name)))
        XCTAssertEqual(try BenchmarkTasks.tasks("fresh4").map(\.name), FreshProblems4.all.map(\.name))
        XCTAssertEqual(try BenchmarkTasks.tasks("pinter5").map(\.name), ["pinter5"])
        for task in FreshProblems4.all {
            let dimensions = try task.space().dimensions
            XCTAssertTrue(dimensions.allSatisfy { $0.kind == .real }, task.name)
            XCTAssertTrue((2...8).contains(dimensions.count), task.name)
        }
        XCTAssertEqual(Set(try FreshProblems4.all.map { try $0.space().dimensions.count }), [2, 4, 5, 6, 8])
    }
}
