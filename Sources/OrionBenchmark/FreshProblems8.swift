import Foundation
import OrionCore

/// The eighth fresh set (`--problems fresh8`): eight spaces of reals no algorithm was tuned on.
///
/// Chosen before any run of the option they were added to judge (`gp`'s local step, docs/algorithms/gp.md), none of
/// them among the nine, the held-out or the earlier fresh sets, nor Oríon's tasks: dimensions 2 to 8 — curved valleys
/// (Zettl's circle, a twisted Gaussian's parabola, Rosenbrock turned by rotations), funnels with ripples (Salomon of a
/// weighted distance, Schaffer's F7), a multimodal function with global structure (the composite
/// Griewank-Rosenbrock), a smooth training-like loss of two log-scaled reals, and a smooth easy one in eight
/// dimensions; every optimum away from the centre of its box. Each has a known minimum, so results are simple
/// regrets.
public enum FreshProblems8: SyntheticProblemSet {
    /// The problems.
    public static let all: [BenchmarkTask] = [
        zettl, logRidge3, twistedGaussian4, rotatedRosenbrock5, ellipticSalomon4, griewankRosenbrock5, schafferF7n6,
        exponential8,
    ]

    /// The name that stands for the whole set on the command line.
    public static let setName = "fresh8"

    private static let budget = 100

    /// Zettl on [-3, 4]²: a curved valley along a circle, the minimum just off it.
    public static let zettl = BenchmarkTask(
        name: "zettl",
        priors: ["x1": real(-3, 4), "x2": real(-3, 4)],
        optimum: TestFunctions.zettl(TestFunctions.zettlArgmin, 0),
        defaultBudget: budget,
        summary: "Zettl, 2 real dimensions in [-3, 4], a valley along a circle, the minimum just off it",
        dimensionOrder: ["x1", "x2"]
    ) { point throws(BenchmarkError) in
        TestFunctions.zettl(try point.real("x1"), try point.real("x2"))
    }

    /// A smooth training-like loss of a log-scaled regularization and learning rate and a dropout.
    public static let logRidge3 = BenchmarkTask(
        name: "log_ridge3",
        priors: [
            "alpha": "loguniform(1e-05, 10, precision=None)", "lr": "loguniform(0.0001, 1, precision=None)",
            "dropout": real(0, 0.8),
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "training-like: a coupled quadratic of log alpha in [1e-5, 10], log lr in [1e-4, 1] and a dropout",
        dimensionOrder: ["alpha", "lr", "dropout"]
    ) { point throws(BenchmarkError) in
        TestFunctions.logRidge(
            alpha: try point.real("alpha"),
            lr: try point.real("lr"),
            dropout: try point.real("dropout")
        )
    }

    /// The twisted Gaussian (a banana) in four dimensions.
    public static let twistedGaussian4 = BenchmarkTask(
        name: "twisted_gaussian4",
        priors: ["x1": real(-17, 23), "x2": real(-32, 14), "x3": real(-4, 4), "x4": real(-4, 4)],
        optimum: 0,
        defaultBudget: budget,
        summary: "twisted Gaussian (a banana), 4 real dimensions, a long parabolic valley in x1, x2",
        dimensionOrder: names(4)
    ) { point throws(BenchmarkError) in
        TestFunctions.twistedGaussian(try point.reals(names(4)))
    }

    /// Rosenbrock turned by four rotations and shifted, on [-3, 3]⁵.
    public static let rotatedRosenbrock5 = BenchmarkTask(
        name: "rotated_rosenbrock5",
        priors: reals(5, -3, 3),
        optimum: 0,
        defaultBudget: budget,
        summary: "Rosenbrock turned by rotations and shifted, 5 real dimensions in [-3, 3], a diagonal curved valley",
        dimensionOrder: names(5)
    ) { point throws(BenchmarkError) in
        TestFunctions.rotatedRosenbrock(try point.reals(names(5)))
    }

    /// Salomon's function of a weighted distance, on [-5, 5]⁴.
    public static let ellipticSalomon4 = BenchmarkTask(
        name: "elliptic_salomon4",
        priors: reals(4, -5, 5),
        optimum: 0,
        defaultBudget: budget,
        summary: "Salomon of a weighted distance, 4 real dimensions in [-5, 5], a funnel of elliptic ripples",
        dimensionOrder: names(4)
    ) { point throws(BenchmarkError) in
        TestFunctions.ellipticSalomon(try point.reals(names(4)))
    }

    /// The composite Griewank-Rosenbrock, shifted, on [-3, 3]⁵.
    public static let griewankRosenbrock5 = BenchmarkTask(
        name: "griewank_rosenbrock5",
        priors: reals(5, -3, 3),
        optimum: 0,
        defaultBudget: budget,
        summary: "composite Griewank-Rosenbrock, 5 real dimensions in [-3, 3], multimodal with global structure",
        dimensionOrder: names(5)
    ) { point throws(BenchmarkError) in
        TestFunctions.griewankRosenbrock(try point.reals(names(5)))
    }

    /// Schaffer's F7, shifted, on [-5, 5]⁶.
    public static let schafferF7n6 = BenchmarkTask(
        name: "schaffer_f7_6",
        priors: reals(6, -5, 5),
        optimum: 0,
        defaultBudget: budget,
        summary: "Schaffer's F7, 6 real dimensions in [-5, 5], a funnel with ripples finer towards its bottom",
        dimensionOrder: names(6)
    ) { point throws(BenchmarkError) in
        TestFunctions.schafferF7(try point.reals(names(6)))
    }

    /// The exponential function, shifted, on [-1, 1]⁸.
    public static let exponential8 = BenchmarkTask(
        name: "exponential8",
        priors: reals(8, -1, 1),
        optimum: 0,
        defaultBudget: budget,
        summary: "exponential function, shifted, 8 real dimensions in [-1, 1], smooth and unimodal",
        dimensionOrder: names(8)
    ) { point throws(BenchmarkError) in
        TestFunctions.shiftedExponential(try point.reals(names(8)))
    }
}
