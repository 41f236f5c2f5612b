import Foundation
import OrionCore

/// The sixth fresh set (`--problems fresh6`): eight mixed spaces no algorithm was tuned on.
///
/// Chosen before any run of the option they were added to judge (`gp`'s `trust_region: "v3"`, docs/algorithms/gp.md),
/// none of them among the nine, the held-out or the earlier fresh sets, nor Oríon's tasks: dimensions 3 to 7, each
/// with at least one real and at least one integer or categorical dimension, after the mixed-variable literature — a
/// categorical selecting among standard functions (as CoCaBO's Func2C), a categorical of seven choices that moves the
/// optimum, a categorical that does not matter, two interacting categoricals, integer-heavy with reals, log-scale
/// reals with a log integer (a training-like loss), an engineering design with integer variables (the pressure
/// vessel, constraints as a penalty) and categorical labels standing for unordered values (as CoCaBO's Ackley-cC).
/// Each has a known minimum, so results are simple regrets.
public enum FreshProblems6: SyntheticProblemSet {
    /// The problems.
    public static let all: [BenchmarkTask] = [
        functionChoice3, ellipsoidVariants4, hosakiIdleCategory3, pairedChoices4, schwefel222Mixed7, optimizerLike5,
        pressureVessel4, ackleyLabels6,
    ]

    /// The name that stands for the whole set on the command line.
    public static let setName = "fresh6"

    private static let budget = 100

    /// A categorical selecting Booth, Matyas or Levy N.13 of two reals in [-10, 10], each with its own offset.
    public static let functionChoice3 = BenchmarkTask(
        name: "function_choice3",
        priors: ["function": choices(["booth", "matyas", "levy13"]), "x1": real(-10, 10), "x2": real(-10, 10)],
        optimum: 0,
        defaultBudget: budget,
        summary: "mixed: a categorical of 3 selecting Booth, Matyas or Levy N.13 of 2 reals in [-10, 10]",
        dimensionOrder: ["function", "x1", "x2"]
    ) { point throws(BenchmarkError) in
        let function = try point.category("function")
        guard let value = TestFunctions.functionChoice(function, x: try point.real("x1"), y: try point.real("x2"))
        else { throw unknown("function_choice3", "function", function) }
        return value
    }

    /// A categorical of seven variants, each moving a rotated hyper-ellipsoid of three reals in [-4, 4].
    public static let ellipsoidVariants4 = BenchmarkTask(
        name: "ellipsoid_variants4",
        priors: [
            "variant": choices((1...7).map { "v\($0)" }), "x1": real(-4, 4), "x2": real(-4, 4), "x3": real(-4, 4),
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "mixed: a categorical of 7 that moves a rotated hyper-ellipsoid of 3 reals in [-4, 4], with offsets",
        dimensionOrder: ["variant", "x1", "x2", "x3"]
    ) { point throws(BenchmarkError) in
        let variant = try point.category("variant")
        guard let value = TestFunctions.ellipsoidVariant(variant, x: try point.reals(names(3))) else {
            throw unknown("ellipsoid_variants4", "variant", variant)
        }
        return value
    }

    /// Hosaki of two reals, and a categorical of four that does not matter.
    public static let hosakiIdleCategory3 = BenchmarkTask(
        name: "hosaki_idle_category3",
        priors: ["colour": choices(["red", "green", "blue", "amber"]), "x1": real(0, 5), "x2": real(0, 6)],
        optimum: TestFunctions.hosakiMinimum,
        defaultBudget: budget,
        summary: "mixed: Hosaki of 2 reals in [0, 5] × [0, 6] (two minima), a categorical of 4 that does not matter",
        dimensionOrder: ["colour", "x1", "x2"]
    ) { point throws(BenchmarkError) in
        _ = try point.category("colour")
        return TestFunctions.hosaki(try point.real("x1"), try point.real("x2"))
    }

    /// Two interacting categoricals (3 and 4 choices) and a coupled quadratic of two reals in [-3, 3].
    public static let pairedChoices4 = BenchmarkTask(
        name: "paired_choices4",
        priors: [
            "a": choices(["a1", "a2", "a3"]), "b": choices(["b1", "b2", "b3", "b4"]), "y1": real(-3, 3),
            "y2": real(-3, 3),
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "mixed: two interacting categoricals (3 × 4, a table of offsets) moving a quadratic of 2 reals",
        dimensionOrder: ["a", "b", "y1", "y2"]
    ) { point throws(BenchmarkError) in
        let a = try point.category("a")
        let b = try point.category("b")
        guard let value = TestFunctions.pairedChoices(a, b, y1: try point.real("y1"), y2: try point.real("y2")) else {
            throw unknown("paired_choices4", "pair", "\(a), \(b)")
        }
        return value
    }

    /// Schwefel 2.22, shifted, of five integers and two reals in [-10, 10].
    public static let schwefel222Mixed7 = BenchmarkTask(
        name: "schwefel222_mixed7",
        priors: [
            "k1": integer(-10, 10), "k2": integer(-10, 10), "k3": integer(-10, 10), "k4": integer(-10, 10),
            "k5": integer(-10, 10), "x1": real(-10, 10), "x2": real(-10, 10),
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "mixed, integer-heavy: Schwefel 2.22 (shifted, non-smooth) of 5 integers and 2 reals in [-10, 10]",
        dimensionOrder: ["k1", "k2", "k3", "k4", "k5", "x1", "x2"]
    ) { point throws(BenchmarkError) in
        var values: [Double] = []
        for name in ["k1", "k2", "k3", "k4", "k5"] { values.append((try point.real(name)).rounded()) }
        return TestFunctions.schwefel222(values + (try point.reals(["x1", "x2"])))
    }

    /// A training-like loss: an optimizer, log learning rate and weight decay, momentum, a log integer batch size.
    public static let optimizerLike5 = BenchmarkTask(
        name: "optimizer_like5",
        priors: [
            "optimizer": choices(["adam", "sgd", "rmsprop"]),
            "lr": "loguniform(1e-05, 0.1, precision=None)",
            "weight_decay": "loguniform(1e-06, 0.01, precision=None)",
            "momentum": real(0.5, 0.99),
            "batch_size": "loguniform(16, 512, discrete=True)",
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "training-like: a categorical optimizer, log learning rate and weight decay, momentum, log integer "
            + "batch size",
        dimensionOrder: ["optimizer", "lr", "weight_decay", "momentum", "batch_size"]
    ) { point throws(BenchmarkError) in
        let optimizer = try point.category("optimizer")
        guard
            let value = TestFunctions.optimizerLike(
                optimizer: optimizer,
                lr: try point.real("lr"),
                weightDecay: try point.real("weight_decay"),
                momentum: try point.real("momentum"),
                batchSize: (try point.real("batch_size")).rounded()
            )
        else { throw unknown("optimizer_like5", "optimizer", optimizer) }
        return value
    }

    /// The pressure vessel: thicknesses in multiples of 0.0625 inch (integers 1 … 99), radius and length in
    /// [10, 200].
    public static let pressureVessel4 = BenchmarkTask(
        name: "pressure_vessel4",
        priors: [
            "shell_units": integer(1, 99), "head_units": integer(1, 99), "radius": real(10, 200),
            "length": real(10, 200),
        ],
        optimum: TestFunctions.pressureVessel(
            ts: TestFunctions.pressureVesselArgmin.ts,
            th: TestFunctions.pressureVesselArgmin.th,
            r: TestFunctions.pressureVesselArgmin.r,
            l: TestFunctions.pressureVesselArgmin.l
        ),
        defaultBudget: budget,
        summary: "engineering: the pressure vessel, 2 integer thicknesses (× 0.0625 in) and 2 reals, constraints as "
            + "a penalty",
        dimensionOrder: ["shell_units", "head_units", "radius", "length"]
    ) { point throws(BenchmarkError) in
        TestFunctions.pressureVessel(
            ts: 0.0625 * (try point.real("shell_units")).rounded(),
            th: 0.0625 * (try point.real("head_units")).rounded(),
            r: try point.real("radius"),
            l: try point.real("length")
        )
    }

    /// Ackley of three reals in [-2, 2] and three categoricals of five labels standing for −2 … 2.
    public static let ackleyLabels6 = BenchmarkTask(
        name: "ackley_labels6",
        priors: [
            "c1": choices(["a", "b", "c", "d", "e"]), "c2": choices(["a", "b", "c", "d", "e"]),
            "c3": choices(["a", "b", "c", "d", "e"]), "x1": real(-2, 2), "x2": real(-2, 2), "x3": real(-2, 2),
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "mixed: Ackley of 3 reals in [-2, 2] and 3 categoricals of 5 labels standing for unordered values",
        dimensionOrder: ["c1", "c2", "c3", "x1", "x2", "x3"]
    ) { point throws(BenchmarkError) in
        let labels = [try point.category("c1"), try point.category("c2"), try point.category("c3")]
        guard let value = TestFunctions.ackleyLabels(labels, x: try point.reals(names(3))) else {
            throw unknown("ackley_labels6", "labels", labels.joined(separator: ", "))
        }
        return value
    }
}
