import Foundation
import OrionBenchmark
import OrionCore
import XCTest

/// The sixth fresh set (`fresh6`): each problem at its known minimum, the functions at other points against numpy,
/// and the set's separation from the others.
final class FreshProblems6Tests: XCTestCase {
    /// The argmin of each problem, as dimension name → value.
    private static let argmins: [String: [String: JSONValue]] = {
        let vessel = TestFunctions.pressureVesselArgmin
        let shift = TestFunctions.schwefel222Shift
        let variant = TestFunctions.ellipsoidVariantShifts[3]
        return [
            "function_choice3": ["function": .string("levy13"), "x1": .double(1), "x2": .double(1)],
            "ellipsoid_variants4": [
                "variant": .string("v4"), "x1": .double(variant[0]), "x2": .double(variant[1]),
                "x3": .double(variant[2]),
            ],
            "hosaki_idle_category3": ["colour": .string("blue"), "x1": .double(4), "x2": .double(2)],
            "paired_choices4": ["a": .string("a2"), "b": .string("b3"), "y1": .double(-1), "y2": .double(1.5)],
            "schwefel222_mixed7": [
                "k1": .int(3), "k2": .int(-2), "k3": .int(5), "k4": .int(-7), "k5": .int(1), "x1": .double(shift[5]),
                "x2": .double(shift[6]),
            ],
            "optimizer_like5": [
                "optimizer": .string("adam"), "lr": .double(1e-3), "weight_decay": .double(1e-4),
                "momentum": .double(0.9), "batch_size": .int(64),
            ],
            "pressure_vessel4": [
                "shell_units": .int(13), "head_units": .int(7), "radius": .double(vessel.r),
                "length": .double(vessel.l),
            ],
            "ackley_labels6": [
                "c1": .string("c"), "c2": .string("b"), "c3": .string("d"), "x1": .double(0), "x2": .double(0),
                "x3": .double(0),
            ],
        ]
    }()

    /// Each problem's value at its argmin is its optimum, the argmin lies in its space, and no draw beats it.
    func testValueAtTheArgminIsTheOptimum() throws {
        try assertArgminsAreOptima(FreshProblems6.all, Self.argmins)
    }

    /// The optima against numpy/scipy: Hosaki's minimum (scipy's Nelder-Mead lands on (4, 2)) and the pressure
    /// vessel's, found by enumerating every pair of integer thicknesses with the radius on a grid and the volume
    /// constraint active.
    func testOptimaMatchNumpy() {
        XCTAssertEqual(TestFunctions.hosakiMinimum, -2.345811576101292, accuracy: 1e-12)
        let vessel = TestFunctions.pressureVesselArgmin
        XCTAssertEqual(vessel.r, 42.09844559585492, accuracy: 1e-9)
        XCTAssertEqual(vessel.l, 176.63659584243945, accuracy: 1e-9)
        XCTAssertEqual(
            TestFunctions.pressureVessel(ts: vessel.ts, th: vessel.th, r: vessel.r, l: vessel.l),
            6059.714335048436,
            accuracy: 1e-7
        )
    }

    /// The functions agree with an independent numpy implementation at off-optimum points.
    func testValuesMatchNumpy() throws {
        assertClose(TestFunctions.functionChoice("booth", x: 1.3, y: -2), 113.94999999999999)
        assertClose(TestFunctions.functionChoice("matyas", x: 3.5, y: -1.25), 5.94125)
        assertClose(TestFunctions.functionChoice("levy13", x: 0.4, y: 2.2), 3.773606797749981)
        assertClose(TestFunctions.functionChoice("levy13", x: -7.5, y: 9.1), 208.81593642132435)
        assertClose(TestFunctions.ellipsoidVariant("v2", x: [0.3, -1.2, 3.1]), 0.935)
        assertClose(TestFunctions.ellipsoidVariant("v6", x: [-3.9, 2, 0]), 20.745)
        assertClose(TestFunctions.hosaki(1, 2), -1.1277940269717726)
        assertClose(TestFunctions.hosaki(2.5, 4.4), -0.4617609848709904)
        assertClose(TestFunctions.pairedChoices("a1", "b4", y1: 0.2, y2: -2.5), 4.225)
        assertClose(TestFunctions.pairedChoices("a3", "b2", y1: 2.9, y2: 1), 4.0649999999999995)
        assertClose(TestFunctions.schwefel222([0, 0, 0, 0, 0, 0, 0]), 809.5)
        assertClose(TestFunctions.schwefel222([4, -2, 3, -6, 1, 2, -1.25]), 4.75)
        assertClose(
            TestFunctions.optimizerLike(optimizer: "sgd", lr: 0.02, weightDecay: 3e-5, momentum: 0.7, batchSize: 128),
            0.13999633155794894
        )
        assertClose(
            TestFunctions.optimizerLike(
                optimizer: "rmsprop",
                lr: 1e-4,
                weightDecay: 1e-3,
                momentum: 0.95,
                batchSize: 32
            ),
            0.20700000000000005
        )
        assertClose(TestFunctions.pressureVessel(ts: 1, th: 0.5625, r: 50, l: 120), 7606.785124999999)
        assertClose(TestFunctions.pressureVessel(ts: 0.625, th: 0.3125, r: 60, l: 150), 85441.87617187502)
        assertClose(TestFunctions.ackleyLabels(["a", "a", "a"], x: [0.5, -1, 1.5]), 5.772506328324507)
        assertClose(TestFunctions.ackleyLabels(["c", "b", "d"], x: [0.1, 0, -0.2]), 0.7334274356618988)
        // The categorical that does not matter does not.
        let hosaki = FreshProblems6.hosakiIdleCategory3
        let values = try ["red", "green", "blue", "amber"].map { colour in
            try hosaki.evaluate(["colour": .string(colour), "x1": .double(1), "x2": .double(2)])
        }
        XCTAssertEqual(Set(values).count, 1)
    }

    /// An unknown category is refused with one line naming the task and the value.
    func testAnUnknownCategoryIsRefused() {
        XCTAssertThrowsError(
            try FreshProblems6.functionChoice3.evaluate([
                "function": .string("beale"), "x1": .double(0), "x2": .double(0),
            ])
        ) { error in
            XCTAssertTrue("\(error)".contains("function_choice3"), "\(error)")
            XCTAssertTrue("\(error)".contains("beale"), "\(error)")
        }
    }

    /// The set shares no name with the nine, the held-out or the earlier fresh sets, `fresh6` names it, and every
    /// space is mixed (a real and an integer or categorical), of dimension 3 to 7.
    func testTheSetIsFreshAndNamed() throws {
        let others = Set(
            BenchmarkProblems.all.map(\.name) + HeldOutProblems.all.map(\.name) + FreshProblems.all.map(\.name)
                + FreshProblems3.all.map(\.name) + FreshProblems4.all.map(\.name) + FreshProblems5.all.map(\.name)
                + SklearnTasks.definitions.map(\.name)
        )
        XCTAssertTrue(others.isDisjoint(with: FreshProblems6.all.map(\.name)))
        XCTAssertEqual(FreshProblems6.all.count, 8)
        XCTAssertEqual(try BenchmarkTasks.tasks("fresh6").map(\.name), FreshProblems6.all.map(\.name))
        XCTAssertEqual(try BenchmarkTasks.tasks("pressure_vessel4").map(\.name), ["pressure_vessel4"])
        for task in FreshProblems6.all {
            let dimensions = try task.space().dimensions
            XCTAssertTrue(dimensions.contains { $0.kind == .real }, task.name)
            XCTAssertTrue(dimensions.contains { $0.kind != .real }, task.name)
            XCTAssertTrue((3...7).contains(dimensions.count), task.name)
        }
    }
}
