import Foundation
import OrionBenchmark
import OrionCore
import XCTest

/// The tenth fresh set (`fresh10`): each problem at its known minimum, the functions at other points against numpy,
/// and the set's separation from the others.
final class FreshProblems10Tests: XCTestCase {
    /// The argmin of each problem, as dimension name → value.
    private static let argmins: [String: [String: JSONValue]] = [
        "kernel_choice4": ["kernel": "rbf", "C": .double(pow(10, 1.5)), "gamma": 0.01, "degree": 3],
        "bird_mixed4": [
            "x1": .double(TestFunctions.birdArgmin[0]), "x2": .double(TestFunctions.birdArgmin[1]), "count": 5,
            "variant": "q",
        ],
        "integer_quadratic5": ["k1": 7, "k2": 2, "k3": 9, "k4": 4, "r": 0.37],
        "layers_like5": [
            "activation": "gelu", "layers": 5, "width": 256, "dropout": 0.35, "lr": .double(pow(10, -2.5)),
        ],
        "zirilli_choice3": ["variant": "plain", "x1": .double(TestFunctions.zirilliArgmin), "x2": 0],
        "rippled_integer4": ["n1": 2, "n2": -3, "x1": 0.7, "x2": -1.4],
        "chain_choices5": ["first": "u", "middle": "i", "last": "r", "x1": -1, "x2": 1],
        "schedule_like5": ["schedule": "cosine", "lr": 0.002, "batch_size": 128, "epochs": 60, "momentum": 0.9],
    ]

    /// Each problem's value at its argmin is its optimum, the argmin lies in its space, and no draw beats it.
    func testValueAtTheArgminIsTheOptimum() throws {
        try assertArgminsAreOptima(FreshProblems10.all, Self.argmins)
    }

    /// The two minima found numerically, against scipy and numpy, and the bird function's other well.
    func testNumericalMinimaMatchScipy() {
        XCTAssertEqual(FreshProblems10.birdMixed4.optimum ?? .nan, -106.76453674926478, accuracy: 1e-10)
        XCTAssertEqual(TestFunctions.bird(4.701055751981055, 3.152946019601391), -106.76453674926478, accuracy: 1e-6)
        XCTAssertEqual(FreshProblems10.zirilliChoice3.optimum ?? .nan, -0.35238607380003645, accuracy: 1e-15)
        XCTAssertGreaterThan(TestFunctions.zirilli(TestFunctions.zirilliArgmin + 1e-4, 0), -0.35238607380003645)
        XCTAssertGreaterThan(TestFunctions.zirilli(TestFunctions.zirilliArgmin - 1e-4, 0), -0.35238607380003645)
    }

    /// The functions agree with an independent numpy implementation at off-optimum points; an unknown label is `nil`.
    func testValuesMatchNumpy() throws {
        assertClose(TestFunctions.kernelChoice(kernel: "linear", c: 10, gamma: 1, degree: 3), 0.3125)
        assertClose(TestFunctions.kernelChoice(kernel: "rbf", c: 1, gamma: 0.1, degree: 2), 0.395)
        assertClose(TestFunctions.kernelChoice(kernel: "poly", c: 100, gamma: 0.01, degree: 5), 0.48)
        assertClose(TestFunctions.birdMixed(0, 0, count: 2, variant: "p"), 6.0182818284590445)
        assertClose(TestFunctions.birdMixed(4.7, 3.1, count: 5, variant: "r"), -105.77965298827174)
        assertClose(TestFunctions.integerQuadratic([0, 0, 0, 0], 0), 93.54759999999999)
        assertClose(TestFunctions.integerQuadratic([6, 3, 9, 5], 0.5), 1.5676)
        assertClose(TestFunctions.layersLike(activation: "relu", layers: 2, width: 64, dropout: 0.1, lr: 1e-3), 0.5162)
        assertClose(
            TestFunctions.layersLike(activation: "tanh", layers: 8, width: 1024, dropout: 0.6, lr: 0.05),
            2.1899645356487563
        )
        assertClose(TestFunctions.zirilliChoice(1, 1, variant: "flip"), 0.2)
        assertClose(TestFunctions.zirilliChoice(-2, 0.5, variant: "shift"), 56.875)
        assertClose(TestFunctions.rippledInteger([0, 0], [0, 0]), 7.259016994374947)
        assertClose(TestFunctions.rippledInteger([2, -2], [1.2, -1]), 2.5645084971874734)
        assertClose(TestFunctions.chainChoices("v", "j", "s", 0, 0), 4.45)
        assertClose(TestFunctions.chainChoices("w", "h", "t", 1.5, -0.5), 1.5)
        assertClose(
            TestFunctions.scheduleLike(schedule: "step", lr: 1e-2, batchSize: 64, epochs: 30, momentum: 0.5),
            1.501624768908383
        )
        assertClose(
            TestFunctions.scheduleLike(schedule: "constant", lr: 1e-4, batchSize: 512, epochs: 100, momentum: 0.95),
            3.5892351047026403
        )
        XCTAssertNil(TestFunctions.kernelChoice(kernel: "sigmoid", c: 1, gamma: 1, degree: 3))
        XCTAssertNil(TestFunctions.chainChoices("x", "i", "r", 0, 0))
        XCTAssertThrowsError(
            try FreshProblems10.zirilliChoice3.evaluate(["variant": "tilt", "x1": 0, "x2": 0])
        ) { error in
            XCTAssertTrue("\(error)".contains("task 'zirilli_choice3' got unknown variant 'tilt'"), "\(error)")
        }
    }

    /// The set shares no name with the nine, the held-out or the earlier fresh sets, `fresh10` names it, and every
    /// space is mixed: a real and an integer or categorical dimension, 3 to 5 dimensions.
    func testTheSetIsFreshAndNamed() throws {
        let others = Set(
            BenchmarkProblems.all.map(\.name) + HeldOutProblems.all.map(\.name) + FreshProblems.all.map(\.name)
                + FreshProblems3.all.map(\.name) + FreshProblems4.all.map(\.name) + FreshProblems5.all.map(\.name)
                + FreshProblems6.all.map(\.name) + FreshProblems7.all.map(\.name) + FreshProblems8.all.map(\.name)
                + FreshProblems9.all.map(\.name) + SklearnTasks.definitions.map(\.name)
        )
        XCTAssertTrue(others.isDisjoint(with: FreshProblems10.all.map(\.name)))
        XCTAssertEqual(FreshProblems10.all.count, 8)
        XCTAssertEqual(try BenchmarkTasks.tasks("fresh10").map(\.name), FreshProblems10.all.map(\.name))
        XCTAssertEqual(try BenchmarkTasks.tasks("chain_choices5").map(\.name), ["chain_choices5"])
        for task in FreshProblems10.all {
            let dimensions = try task.space().dimensions
            XCTAssertTrue(dimensions.contains { $0.kind == .real }, task.name)
            XCTAssertTrue(dimensions.contains { $0.kind != .real }, task.name)
            XCTAssertTrue((3...5).contains(dimensions.count), task.name)
        }
    }
}
