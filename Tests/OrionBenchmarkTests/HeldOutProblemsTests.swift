import Foundation
import OrionBenchmark
import OrionCore
import XCTest

final class HeldOutProblemsTests: XCTestCase {
    /// The argmin of each held-out problem, as dimension name → value.
    private static let argmins: [String: [String: JSONValue]] = {
        func xs(_ values: [Double]) -> [String: JSONValue] {
            Dictionary(uniqueKeysWithValues: values.enumerated().map { ("x\($0.offset + 1)", .double($0.element)) })
        }
        return [
            "rastrigin6": xs(Array(repeating: 0, count: 6)),
            "griewank8": xs(Array(repeating: 0, count: 8)),
            "schwefel4": xs(Array(repeating: 420.968_743_696_169_04, count: 4)),
            "michalewicz5": xs([
                2.202905520142923, 1.570796326778263, 1.2849915705136004, 1.9230584698297473, 1.7204697725280094,
            ]),
            "six_hump_camel": ["x1": .double(0.0898420131003), "x2": .double(-0.7126564030207)],
            "goldstein_price": ["x1": .double(0), "x2": .double(-1)],
            "zakharov10": xs(Array(repeating: 0, count: 10)),
            "dixon_price20": xs(TestFunctions.dixonPriceMinimizer(20)),
            "noisy_hartmann6": xs([0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573]),
            "categorical_heavy": [
                "optimizer": "adam", "activation": "relu", "norm": "batch", "x": .double(-1.2), "n": .int(11),
            ],
            "integer_bowl": ["k1": .int(9), "k2": .int(6), "k3": .int(14), "k4": .int(2)],
            "svm_like": ["kernel": "rbf", "C": .double(pow(10, 1.5)), "gamma": .double(0.01), "degree": .int(2)],
            "mlp_like": [
                "activation": "relu", "solver": "adam", "layers": .int(3), "width": .int(64), "alpha": .double(1e-4),
            ],
            "shekel4": xs([4.000746530253313, 4.000592936779709, 3.9996633957714787, 3.9995097993299975]),
            "powell8": xs(Array(repeating: 0, count: 8)),
            "alpine5": xs(Array(repeating: 0, count: 5)),
            "bukin6": ["x1": .double(-10), "x2": .double(1)],
            "colville": xs([1, 1, 1, 1]),
            "trid6": xs([6, 10, 12, 12, 10, 6]),
            "perm4": xs([1, 1.0 / 2, 1.0 / 3, 1.0 / 4]),
            "cross_in_tray": ["x1": .double(1.3494065982527186), "x2": .double(-1.3494066345370628)],
        ]
    }()

    /// Each problem's value at its known argmin is its optimum (the noisy one: within its noise), and the argmin
    /// lies in its space.
    func testValueAtTheArgminIsTheOptimum() throws {
        XCTAssertEqual(Set(Self.argmins.keys), Set(HeldOutProblems.all.map(\.name)))
        for task in HeldOutProblems.all {
            let argmin = try XCTUnwrap(Self.argmins[task.name], task.name)
            let optimum = try XCTUnwrap(task.optimum, task.name)
            let value = try task.evaluate(argmin)
            let tolerance = task.name == "noisy_hartmann6" ? 0.25 : 1e-9 * max(1, abs(optimum))
            XCTAssertGreaterThanOrEqual(value, optimum - (task.name == "noisy_hartmann6" ? 1e-5 : tolerance), task.name)
            XCTAssertLessThanOrEqual(value, optimum + tolerance, task.name)
            let space = try task.space()
            XCTAssertEqual(Set(space.dimensions.map(\.name)), Set(argmin.keys), task.name)
            XCTAssertEqual(task.dimensionOrder.sorted(), argmin.keys.sorted(), task.name)
        }
    }

    /// No point drawn from a problem's space is below its optimum (300 draws each).
    func testNoDrawBeatsTheOptimum() throws {
        var generator = SeededGenerator(seed: 7)
        for task in HeldOutProblems.all {
            let space = try task.space()
            let optimum = try XCTUnwrap(task.optimum)
            for _ in 0..<300 {
                let value = try task.evaluate(space.sample(using: &generator))
                XCTAssertGreaterThanOrEqual(value, optimum - 1e-9, task.name)
            }
        }
    }

    /// The functions agree with an independent numpy implementation at off-optimum points.
    func testValuesMatchNumpy() {
        assertClose(TestFunctions.rastrigin([0.5, -1.2, 2.3, 4.0, -2.9, 1.1]), 76.41966011250103)
        assertClose(TestFunctions.griewank([100, -50, 3.5, 250, -299, 10, 0.1, 599]), 131.83518200675283)
        assertClose(TestFunctions.schwefel([420.9687, -302.5, 100, -10]), 1010.59951458814)
        assertClose(TestFunctions.michalewicz([2.2, 1.57, 1.28, 1.92, 1.72]), -4.683877838737884)
        assertClose(TestFunctions.michalewicz([0.3, 1, 2, 3, 3.1]), -0.015269260821375691)
        assertClose(TestFunctions.sixHumpCamel(1.5, -0.4), 1.0280249999999984)
        assertClose(TestFunctions.goldsteinPrice(0.5, -1.5), 657.6875)
        assertClose(TestFunctions.zakharov([1, -2, 0.5, 3, -4, 9, 0, 0.25, -0.75, 2]), 797592.5314941406)
        let x: [Double] = (0..<20).map { (k: Int) -> Double in
            let sign: Double = k % 2 == 0 ? 1 : -1
            return sign * (Double(k % 7) + 0.5)
        }
        assertClose(TestFunctions.dixonPrice(x), 368760.25)
        assertClose(TestFunctions.categoricalHeavy(a: "sgd", b: "tanh", c: "none", x: 0, n: 5) ?? .nan, 2.3)
        XCTAssertNil(TestFunctions.categoricalHeavy(a: "lion", b: "tanh", c: "none", x: 0, n: 5))
        XCTAssertEqual(TestFunctions.integerBowl([0, 0, 0, 0]), 81 + 18 + 49 + 8 + 4.5)
        assertClose(TestFunctions.svmLike(kernel: "rbf", c: 0.5, gamma: 3, degree: 2) ?? .nan, 0.45330244761982186)
        assertClose(TestFunctions.svmLike(kernel: "poly", c: 200, gamma: 0.02, degree: 5) ?? .nan, 0.2690619058289457)
        assertClose(TestFunctions.svmLike(kernel: "linear", c: 0.01, gamma: 7, degree: 1) ?? .nan, 0.12)
        XCTAssertNil(TestFunctions.svmLike(kernel: "cubic", c: 1, gamma: 1, degree: 1))
        assertClose(
            TestFunctions.mlpLike(activation: "tanh", solver: "lbfgs", layers: 4, width: 100, alpha: 0.003) ?? .nan,
            0.36470563920271204
        )
        assertClose(
            TestFunctions.mlpLike(activation: "logistic", solver: "sgd", layers: 1, width: 8, alpha: 1e-6) ?? .nan,
            0.65
        )
        XCTAssertNil(TestFunctions.mlpLike(activation: "elu", solver: "adam", layers: 1, width: 8, alpha: 1e-6))
        assertClose(TestFunctions.shekel([1, 2, 3, 4.5]), -0.2862276357063933)
        assertClose(TestFunctions.powell([3, -1, 0, 1, 0.5, 2, -3, 4.5]), 7572.5)
        assertClose(TestFunctions.alpine([1.5, -2, 3.3, -7, 9.9]), 10.893909663637368)
        assertClose(TestFunctions.bukin6(-12.5, 0.7), 92.89587810503356)
        assertClose(TestFunctions.colville([0.5, -2, 3, 1.5]), 5636.725)
        assertClose(TestFunctions.trid([1, -5, 20, 30, -36, 2]), 3265)
        assertClose(TestFunctions.perm([1, -0.5, 2, 0.25], beta: 10), 55950.54153330285)
        assertClose(TestFunctions.crossInTray(3, -4.5), -1.5210793095911779)
        // The other minima: Alpine's where sin x = -0.1, cross-in-tray's four by symmetry.
        XCTAssertEqual(TestFunctions.alpine([-asin(0.1), 0, Double.pi + asin(0.1)]), 0, accuracy: 1e-14)
        for (s1, s2) in [(1.0, 1.0), (-1.0, 1.0), (1.0, -1.0), (-1.0, -1.0)] {
            assertClose(TestFunctions.crossInTray(1.3494066 * s1, 1.3494066 * s2), -2.0626118708227397)
        }
    }

    /// The noise is a function of the point: the same point gets the same value, and over many points it has the
    /// mean of a half-normal (σ√(2/π)).
    func testNoiseIsDeterministicAndHalfNormal() {
        XCTAssertEqual(
            TestFunctions.halfNormalNoise([0.1, 0.2], sigma: 1),
            TestFunctions.halfNormalNoise([0.1, 0.2], sigma: 1)
        )
        var generator = SeededGenerator(seed: 3)
        let draws = (0..<20_000).map { _ in
            TestFunctions.halfNormalNoise([Double.random(in: 0..<1, using: &generator)], sigma: 1)
        }
        let mean = draws.reduce(0, +) / Double(draws.count)
        XCTAssertEqual(mean, (2 / Double.pi).squareRoot(), accuracy: 0.02)
        XCTAssertTrue(draws.allSatisfy { $0 >= 0 })
    }

    /// The held-out set is separate from the nine, and `heldout` names it on the command line.
    func testTheSetIsSeparateAndNamed() throws {
        let nine = Set(BenchmarkProblems.all.map(\.name))
        XCTAssertTrue(nine.isDisjoint(with: HeldOutProblems.all.map(\.name)))
        XCTAssertEqual(try BenchmarkTasks.tasks("heldout").map(\.name), HeldOutProblems.all.map(\.name))
        XCTAssertEqual(try BenchmarkTasks.tasks("rastrigin6").map(\.name), ["rastrigin6"])
        XCTAssertEqual(try BenchmarkTasks.tasks("branin").map(\.name), ["branin"])
        XCTAssertThrowsError(try BenchmarkTasks.tasks("rastrigin7")) { error in
            XCTAssertTrue((error as? BenchmarkError)?.message.contains("the sets heldout, ") == true, "\(error)")
            XCTAssertTrue(
                (error as? BenchmarkError)?.message.contains("(did you mean 'rastrigin6'?)") == true,
                "\(error)"
            )
        }
    }

    private func assertClose(_ actual: Double, _ expected: Double, line: UInt = #line) {
        XCTAssertEqual(actual, expected, accuracy: 1e-10 * max(1, abs(expected)), line: line)
    }
}
