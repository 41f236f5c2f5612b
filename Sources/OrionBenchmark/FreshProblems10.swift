import Foundation
import OrionCore

/// The tenth fresh set (`--problems fresh10`): eight mixed spaces no algorithm was tuned on.
///
/// Chosen before any run of the option they were added to judge (`gp`'s `trust_region: "v3l"`, docs/algorithms/gp.md),
/// none of them among the nine, the held-out or the earlier fresh sets, nor Oríon's tasks: dimensions 3 to 5, each with
/// at least one real and at least one integer or categorical dimension — two training-like losses with a categorical
/// (an SVM's kernel; a network's activation with its depth, a log integer width and a dropout whose best grows with the
/// depth), a third with a schedule and a log integer batch size that moves the best learning rate, a multimodal
/// function of two reals with an integer and a categorical offset (the bird function), a categorical that mirrors or
/// moves a two-well function (Zirilli), an integer-heavy coupled quadratic, integers beside rippled reals, and three
/// categoricals whose offsets interact in a chain. Each has a known minimum, so results are simple regrets.
public enum FreshProblems10: SyntheticProblemSet {
    /// The problems.
    public static let all: [BenchmarkTask] = [
        kernelChoice4, birdMixed4, integerQuadratic5, layersLike5, zirilliChoice3, rippledInteger4, chainChoices5,
        scheduleLike5,
    ]

    /// The name that stands for the whole set on the command line.
    public static let setName = "fresh10"

    private static let budget = 100

    /// An SVM-like loss: a categorical kernel, log C and γ, an integer degree.
    public static let kernelChoice4 = BenchmarkTask(
        name: "kernel_choice4",
        priors: [
            "kernel": choices(["linear", "rbf", "poly"]), "C": "loguniform(0.001, 1000, precision=None)",
            "gamma": "loguniform(0.0001, 10, precision=None)", "degree": integer(2, 5),
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "training-like: an SVM's categorical kernel, log C and gamma, an integer degree (poly only)",
        dimensionOrder: ["kernel", "C", "gamma", "degree"]
    ) { point throws(BenchmarkError) in
        let kernel = try point.category("kernel")
        guard
            let value = TestFunctions.kernelChoice(
                kernel: kernel,
                c: try point.real("C"),
                gamma: try point.real("gamma"),
                degree: (try point.real("degree")).rounded()
            )
        else { throw unknown("kernel_choice4", "kernel", kernel) }
        return value
    }

    /// The bird function of two reals in [−2π, 2π], an integer in [0, 10] and a categorical offset.
    public static let birdMixed4 = BenchmarkTask(
        name: "bird_mixed4",
        priors: [
            "x1": real(-2 * Double.pi, 2 * Double.pi), "x2": real(-2 * Double.pi, 2 * Double.pi),
            "count": integer(0, 10), "variant": choices(["p", "q", "r"]),
        ],
        optimum: TestFunctions.bird(TestFunctions.birdArgmin[0], TestFunctions.birdArgmin[1]),
        defaultBudget: budget,
        summary: "mixed: the bird function (multimodal) of 2 reals, an integer and a categorical offset",
        dimensionOrder: ["x1", "x2", "count", "variant"]
    ) { point throws(BenchmarkError) in
        let variant = try point.category("variant")
        guard
            let value = TestFunctions.birdMixed(
                try point.real("x1"),
                try point.real("x2"),
                count: (try point.real("count")).rounded(),
                variant: variant
            )
        else { throw unknown("bird_mixed4", "variant", variant) }
        return value
    }

    /// A coupled quadratic of four integers in [0, 12] and a real in [0, 1].
    public static let integerQuadratic5 = BenchmarkTask(
        name: "integer_quadratic5",
        priors: [
            "k1": integer(0, 12), "k2": integer(0, 12), "k3": integer(0, 12), "k4": integer(0, 12), "r": real(0, 1),
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "mixed, integer-heavy: a coupled quadratic of 4 integers in [0, 12] and a real in [0, 1]",
        dimensionOrder: ["k1", "k2", "k3", "k4", "r"]
    ) { point throws(BenchmarkError) in
        var k: [Double] = []
        for name in ["k1", "k2", "k3", "k4"] { k.append((try point.real(name)).rounded()) }
        return TestFunctions.integerQuadratic(k, try point.real("r"))
    }

    /// A network-like loss: a categorical activation, integer depth, log integer width, dropout, log learning rate.
    public static let layersLike5 = BenchmarkTask(
        name: "layers_like5",
        priors: [
            "activation": choices(["relu", "tanh", "gelu"]), "layers": integer(1, 8),
            "width": "loguniform(16, 1024, discrete=True)", "dropout": real(0, 0.7),
            "lr": "loguniform(0.0001, 0.1, precision=None)",
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "training-like: an activation, integer depth, log integer width, a dropout whose best grows with the "
            + "depth, log learning rate",
        dimensionOrder: ["activation", "layers", "width", "dropout", "lr"]
    ) { point throws(BenchmarkError) in
        let activation = try point.category("activation")
        guard
            let value = TestFunctions.layersLike(
                activation: activation,
                layers: (try point.real("layers")).rounded(),
                width: (try point.real("width")).rounded(),
                dropout: try point.real("dropout"),
                lr: try point.real("lr")
            )
        else { throw unknown("layers_like5", "activation", activation) }
        return value
    }

    /// Zirilli of two reals in [−5, 5], mirrored or moved by a categorical.
    public static let zirilliChoice3 = BenchmarkTask(
        name: "zirilli_choice3",
        priors: ["variant": choices(["plain", "flip", "shift"]), "x1": real(-5, 5), "x2": real(-5, 5)],
        optimum: TestFunctions.zirilli(TestFunctions.zirilliArgmin, 0),
        defaultBudget: budget,
        summary: "mixed: a categorical that mirrors or moves Zirilli's two wells (2 reals in [-5, 5]), with offsets",
        dimensionOrder: ["variant", "x1", "x2"]
    ) { point throws(BenchmarkError) in
        let variant = try point.category("variant")
        guard let value = TestFunctions.zirilliChoice(try point.real("x1"), try point.real("x2"), variant: variant)
        else { throw unknown("zirilli_choice3", "variant", variant) }
        return value
    }

    /// Two integers in [−6, 6] beside two rippled reals in [−3, 3].
    public static let rippledInteger4 = BenchmarkTask(
        name: "rippled_integer4",
        priors: ["n1": integer(-6, 6), "n2": integer(-6, 6), "x1": real(-3, 3), "x2": real(-3, 3)],
        optimum: 0,
        defaultBudget: budget,
        summary: "mixed: a quadratic of 2 integers in [-6, 6] and a rippled bowl of 2 reals in [-3, 3]",
        dimensionOrder: ["n1", "n2", "x1", "x2"]
    ) { point throws(BenchmarkError) in
        let n = [(try point.real("n1")).rounded(), (try point.real("n2")).rounded()]
        return TestFunctions.rippledInteger(n, try point.reals(["x1", "x2"]))
    }

    /// Three categoricals of 3 whose offsets interact in a chain, and two reals in [−3, 3] they move.
    public static let chainChoices5 = BenchmarkTask(
        name: "chain_choices5",
        priors: [
            "first": choices(TestFunctions.chainFirst), "middle": choices(TestFunctions.chainMiddle),
            "last": choices(TestFunctions.chainLast), "x1": real(-3, 3), "x2": real(-3, 3),
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "mixed: three categoricals of 3 with chained offset tables, moving a quadratic of 2 reals",
        dimensionOrder: ["first", "middle", "last", "x1", "x2"]
    ) { point throws(BenchmarkError) in
        let (first, middle, last) = (
            try point.category("first"), try point.category("middle"), try point.category("last")
        )
        guard
            let value = TestFunctions.chainChoices(first, middle, last, try point.real("x1"), try point.real("x2"))
        else { throw unknown("chain_choices5", "label", "\(first)/\(middle)/\(last)") }
        return value
    }

    /// A training-like loss: a schedule, log learning rate, log integer batch size, integer epochs, momentum.
    public static let scheduleLike5 = BenchmarkTask(
        name: "schedule_like5",
        priors: [
            "schedule": choices(["constant", "cosine", "step"]), "lr": "loguniform(1e-05, 1, precision=None)",
            "batch_size": "loguniform(8, 1024, discrete=True)", "epochs": integer(5, 100), "momentum": real(0, 0.99),
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "training-like: a schedule, log learning rate whose best grows with the log integer batch size, "
            + "integer epochs, momentum",
        dimensionOrder: ["schedule", "lr", "batch_size", "epochs", "momentum"]
    ) { point throws(BenchmarkError) in
        let schedule = try point.category("schedule")
        guard
            let value = TestFunctions.scheduleLike(
                schedule: schedule,
                lr: try point.real("lr"),
                batchSize: (try point.real("batch_size")).rounded(),
                epochs: (try point.real("epochs")).rounded(),
                momentum: try point.real("momentum")
            )
        else { throw unknown("schedule_like5", "schedule", schedule) }
        return value
    }
}
