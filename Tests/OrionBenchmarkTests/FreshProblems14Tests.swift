import Foundation
import OrionBenchmark
import OrionCore
import XCTest

/// The fourteenth fresh set (`fresh14`): each problem at its known minimum, the functions at other points against
/// numpy, the characters the set was chosen for, and the set's separation from the others.
final class FreshProblems14Tests: XCTestCase {
    /// The argmin of each problem, as dimension name → value.
    private static let argmins: [String: [String: JSONValue]] = [
        "model_family4": ["family": "boosting", "lr": .double(pow(10, -1.3)), "reg": .double(1e-3), "size": .int(12)],
        "optimizer_momentum5": [
            "optimizer": "adam", "lr": .double(pow(10, -3.2)), "beta": .double(0.9), "batch": .int(128),
            "warmup": .int(4),
        ],
        "egg_crate_choice3": ["label": "B", "x1": .double(-2.5), "x2": .double(0.5)],
        "coupled_integer4": ["mode": "b", "k": .int(7), "x1": .double(1), "x2": .double(1)],
        "schedule_warmup5": [
            "schedule": "cosine", "lr": .double(pow(10, -1.5)), "warmup": .int(8), "wd": .double(1e-3),
            "dropout": .double(0.25),
        ],
        "idle_categories5": ["x1": .double(0), "x2": .double(0), "x3": .double(0), "c1": "q", "c2": "h"],
        "dominant_category4": ["variant": "v3", "x1": .double(0.7), "x2": .double(-1.1), "x3": .double(1.6)],
        "flags5": ["f1": "on", "f2": "on", "f3": "off", "x1": .double(0.5), "x2": .double(1)],
    ]

    /// Each problem's value at its argmin is its optimum, the argmin lies in its space, and no draw beats it.
    func testValueAtTheArgminIsTheOptimum() throws {
        try assertArgminsAreOptima(FreshProblems14.all, Self.argmins)
    }

    /// The functions agree with an independent numpy implementation at off-optimum points.
    func testValuesMatchNumpy() {
        assertClose(TestFunctions.modelFamily(family: "boosting", lr: 0.01, reg: 0.05, size: 20), 0.40619497226900586)
        assertClose(TestFunctions.modelFamily(family: "forest", lr: 0.3, reg: 2e-5, size: 3), 0.3022295163719104)
        assertClose(TestFunctions.modelFamily(family: "linear", lr: 0.3, reg: 7, size: 3), 0.5894995003469998)
        assertClose(TestFunctions.modelFamily(family: "neighbors", lr: 0.3, reg: 7, size: 30), 1.35)
        assertClose(
            TestFunctions.optimizerMomentum(optimizer: "sgd", lr: 0.02, beta: 0.5, batch: 48, warmup: 3),
            0.12106726614732352
        )
        assertClose(
            TestFunctions.optimizerMomentum(optimizer: "momentum", lr: 0.002, beta: 0.95, batch: 300, warmup: 3),
            0.121708994757533
        )
        assertClose(
            TestFunctions.optimizerMomentum(optimizer: "adam", lr: 3e-4, beta: 0.6, batch: 700, warmup: 9),
            0.1906897028947402
        )
        assertClose(TestFunctions.eggCrateChoice(label: "A", 0.3, -1.1), 27.31543689741057)
        assertClose(TestFunctions.eggCrateChoice(label: "D", -4.2, 1.7), 63.492580484347755)
        assertClose(TestFunctions.coupledInteger(mode: "c", k: 4, 0.4, -1.3), 201.30960000000002)
        assertClose(TestFunctions.coupledInteger(mode: "b", k: 9, 1.9, 1.2), 3204.4380999999985)
        assertClose(
            TestFunctions.scheduleWarmup(schedule: "constant", lr: 0.05, warmup: 3, wd: 1e-5, dropout: 0.4),
            0.47450581425950256
        )
        assertClose(
            TestFunctions.scheduleWarmup(schedule: "linear_decay", lr: 0.001, warmup: 3, wd: 0.02, dropout: 0.05),
            0.32969739040945384
        )
        assertClose(
            TestFunctions.scheduleWarmup(schedule: "cosine", lr: 0.2, warmup: 17, wd: 3e-6, dropout: 0.45),
            0.3975457013607615
        )
        assertClose(TestFunctions.bohachevsky1([0.4, -1.3, 2.2]), 16.9146017389239)
        assertClose(TestFunctions.bohachevsky1([-0.05, 0.1, 0.6]), 1.4616488715557896)
        assertClose(TestFunctions.dominantCategory(variant: "v2", [0, 0, 0]), 35.06000000000001)
        assertClose(TestFunctions.dominantCategory(variant: "v5", [2.5, -2.9, 0.3]), 62.09333333333333)
        assertClose(TestFunctions.flags("off", "on", "on", 1.2, -0.7), 10.772705098312484)
        assertClose(TestFunctions.flags("on", "off", "off", -2.5, 3.1), 28.91270509831249)
        assertClose(TestFunctions.flags("off", "off", "on", 0.05, 0.4), 1.62519804274349)
    }

    /// The characters the set was chosen for: the plateau beside the narrow best family, the parameters only some
    /// categories use, the categories that do not matter, the dominant variant, and the interaction of the flags.
    func testCharacters() throws {
        // model_family4: linear is flat in the learning rate and size; boosting beats it only in a narrow band.
        XCTAssertEqual(TestFunctions.modelFamily(family: "linear", lr: 0.001, reg: 1e-4, size: 1), 0.12)
        XCTAssertEqual(TestFunctions.modelFamily(family: "linear", lr: 1, reg: 1e-4, size: 32), 0.12)
        XCTAssertGreaterThan(
            try XCTUnwrap(TestFunctions.modelFamily(family: "boosting", lr: 0.01, reg: 1e-3, size: 12)),
            0.12
        )
        // optimizer_momentum5: sgd ignores beta and warm-up; momentum ignores warm-up.
        XCTAssertEqual(
            TestFunctions.optimizerMomentum(optimizer: "sgd", lr: 0.01, beta: 0, batch: 64, warmup: 0),
            TestFunctions.optimizerMomentum(optimizer: "sgd", lr: 0.01, beta: 0.9, batch: 64, warmup: 10)
        )
        XCTAssertEqual(
            TestFunctions.optimizerMomentum(optimizer: "momentum", lr: 0.01, beta: 0.5, batch: 64, warmup: 0),
            TestFunctions.optimizerMomentum(optimizer: "momentum", lr: 0.01, beta: 0.5, batch: 64, warmup: 10)
        )
        // schedule_warmup5: only cosine uses the warm-up.
        for schedule in ["constant", "linear_decay"] {
            XCTAssertEqual(
                TestFunctions.scheduleWarmup(schedule: schedule, lr: 0.01, warmup: 0, wd: 1e-4, dropout: 0.2),
                TestFunctions.scheduleWarmup(schedule: schedule, lr: 0.01, warmup: 20, wd: 1e-4, dropout: 0.2)
            )
        }
        // dominant_category4: v3 is best wherever the reals are.
        for x in [[-3.0, 3, 0], [0.7, -1.1, 1.6], [2, 2, -2]] {
            let v3 = try XCTUnwrap(TestFunctions.dominantCategory(variant: "v3", x))
            for variant in ["v1", "v2", "v4", "v5"] {
                XCTAssertGreaterThan(try XCTUnwrap(TestFunctions.dominantCategory(variant: variant, x)), v3)
            }
        }
        // flags5: (off, off, off) is better than the sum of its flags' offsets.
        XCTAssertEqual(try XCTUnwrap(TestFunctions.flags("off", "off", "off", 0, 0)), 0.3, accuracy: 1e-12)
        XCTAssertNil(TestFunctions.flags("yes", "on", "off", 0, 0))
        XCTAssertNil(TestFunctions.modelFamily(family: "svm", lr: 0.1, reg: 0.1, size: 1))
    }

    /// `fresh14` names the set (its names are unique across the sets: ``ProblemSetsTests``), and every space is mixed
    /// with a categorical, of dimension 3 to 5.
    func testTheSetIsNamedAndMixedWithCategories() throws {
        XCTAssertEqual(FreshProblems14.all.count, 8)
        XCTAssertEqual(try BenchmarkTasks.tasks("fresh14").map(\.name), FreshProblems14.all.map(\.name))
        XCTAssertEqual(try BenchmarkTasks.tasks("flags5").map(\.name), ["flags5"])
        for task in FreshProblems14.all {
            let dimensions = try task.space().dimensions
            XCTAssertTrue(dimensions.contains { $0.kind == .categorical }, task.name)
            XCTAssertTrue(dimensions.contains { $0.kind == .real }, task.name)
            XCTAssertTrue((3...5).contains(dimensions.count), task.name)
        }
    }
}
