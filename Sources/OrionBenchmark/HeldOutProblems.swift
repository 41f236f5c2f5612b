import Foundation
import OrionCore

/// The held-out problems: a second, separate set for validating algorithms on functions they were not tuned on.
///
/// The nine ``BenchmarkProblems`` are the ones the peers were measured on, so an algorithm can end up tuned to them;
/// these are not among them, and cover what they lack: more multimodal functions (one whose centre is a trap), 2-D
/// classics with steep walls, 10 and 20 dimensions, a noisy objective, a categorical-heavy mixed space and an
/// integer-only one. The last eight (`shekel4` to `cross_in_tray`, spaces of reals) were added to validate a rule
/// chosen on the others (docs/algorithms/gp.md, "Matérn-3/2 on spaces of reals"). Run them with `orion benchmark run --problems heldout` (or by name). Each has a known minimum,
/// so results are simple regrets as for the nine.
public enum HeldOutProblems: SyntheticProblemSet {
    /// The held-out problems.
    public static let all: [BenchmarkTask] = [
        rastrigin6, griewank8, schwefel4, michalewicz5, sixHumpCamel, goldsteinPrice, zakharov10, dixonPrice20,
        noisyHartmann6, categoricalHeavy, integerBowl, svmLike, mlpLike, shekel4, powell8, alpine5, bukin6, colville,
        trid6, perm4, crossInTray,
    ]

    /// The name that stands for the whole set on the command line.
    public static let setName = "heldout"

    private static let budget = 100

    private static func order(_ count: Int) -> [String] { names(count) }

    /// Rastrigin 6-D on [-3, 5.12]⁶: the centre of the box is a local minimum (a trap for searches that start
    /// there); the global one is at the origin.
    public static let rastrigin6 = BenchmarkTask(
        name: "rastrigin6",
        priors: reals(6, -3, 5.12),
        optimum: 0,
        defaultBudget: budget,
        summary: "Rastrigin, 6 real dimensions in [-3, 5.12], a regular grid of local minima, the centre one a trap",
        dimensionOrder: order(6)
    ) { point throws(BenchmarkError) in
        TestFunctions.rastrigin(try point.reals(names(6)))
    }

    /// Griewank 8-D on [-300, 600]⁸: a wide bowl with small regular ripples.
    public static let griewank8 = BenchmarkTask(
        name: "griewank8",
        priors: reals(8, -300, 600),
        optimum: 0,
        defaultBudget: budget,
        summary: "Griewank, 8 real dimensions in [-300, 600], a bowl with many shallow local minima",
        dimensionOrder: order(8)
    ) { point throws(BenchmarkError) in
        TestFunctions.griewank(try point.reals(names(8)))
    }

    /// Schwefel 4-D on [-500, 500]⁴: deceptive, the best local minima far apart, the global one near a corner.
    public static let schwefel4 = BenchmarkTask(
        name: "schwefel4",
        priors: reals(4, -500, 500),
        optimum: 4 * (418.9829 + TestFunctions.schwefelCoordinateMinimum),
        defaultBudget: budget,
        summary: "Schwefel, 4 real dimensions in [-500, 500], deceptive, the optimum near a corner",
        dimensionOrder: order(4)
    ) { point throws(BenchmarkError) in
        TestFunctions.schwefel(try point.reals(names(4)))
    }

    /// Michalewicz 5-D (m = 10) on [0, π]⁵: flat plateaus and narrow valleys.
    public static let michalewicz5 = BenchmarkTask(
        name: "michalewicz5",
        priors: reals(5, 0, Double.pi),
        optimum: -4.687658179088148,
        defaultBudget: budget,
        summary: "Michalewicz (m=10), 5 real dimensions in [0, pi], steep narrow valleys on flat plateaus",
        dimensionOrder: order(5)
    ) { point throws(BenchmarkError) in
        TestFunctions.michalewicz(try point.reals(names(5)))
    }

    /// Six-hump camel on [-3, 3] × [-2, 2]: two global minima among six.
    public static let sixHumpCamel = BenchmarkTask(
        name: "six_hump_camel",
        priors: ["x1": real(-3, 3), "x2": real(-2, 2)],
        optimum: -1.0316284534898774,
        defaultBudget: budget,
        summary: "six-hump camel, 2 real dimensions, six local minima, two global",
        dimensionOrder: ["x1", "x2"]
    ) { point throws(BenchmarkError) in
        TestFunctions.sixHumpCamel(try point.real("x1"), try point.real("x2"))
    }

    /// Goldstein-Price on [-2, 2]²: values over five orders of magnitude.
    public static let goldsteinPrice = BenchmarkTask(
        name: "goldstein_price",
        priors: ["x1": real(-2, 2), "x2": real(-2, 2)],
        optimum: 3,
        defaultBudget: budget,
        summary: "Goldstein-Price, 2 real dimensions in [-2, 2], values from 3 to 1e6 (heavy tails)",
        dimensionOrder: ["x1", "x2"]
    ) { point throws(BenchmarkError) in
        TestFunctions.goldsteinPrice(try point.real("x1"), try point.real("x2"))
    }

    /// Zakharov 10-D on [-5, 10]¹⁰: unimodal but ill-conditioned, with a quartic term.
    public static let zakharov10 = BenchmarkTask(
        name: "zakharov10",
        priors: reals(10, -5, 10),
        optimum: 0,
        defaultBudget: budget,
        summary: "Zakharov, 10 real dimensions in [-5, 10], unimodal, ill-conditioned, heavy-tailed",
        dimensionOrder: order(10)
    ) { point throws(BenchmarkError) in
        TestFunctions.zakharov(try point.reals(names(10)))
    }

    /// Dixon-Price 20-D on [-10, 10]²⁰: a valley through 20 dimensions.
    public static let dixonPrice20 = BenchmarkTask(
        name: "dixon_price20",
        priors: reals(20, -10, 10),
        optimum: 0,
        defaultBudget: budget,
        summary: "Dixon-Price, 20 real dimensions in [-10, 10], a curved valley",
        dimensionOrder: order(20)
    ) { point throws(BenchmarkError) in
        TestFunctions.dixonPrice(try point.reals(names(20)))
    }

    /// Hartmann 6-D observed with half-normal noise of scale 0.05 (a deterministic function of the point).
    public static let noisyHartmann6 = BenchmarkTask(
        name: "noisy_hartmann6",
        priors: reals(6, 0, 1),
        optimum: -3.322368011415514,
        defaultBudget: budget,
        summary: "Hartmann 6-D plus |N(0, 0.05^2)| noise (never below the noiseless value)",
        dimensionOrder: order(6)
    ) { point throws(BenchmarkError) in
        let x = try point.reals(names(6))
        return TestFunctions.hartmann6(x) + TestFunctions.halfNormalNoise(x, sigma: 0.05)
    }

    /// Three categories, a real and an integer; the real's optimum depends on one category, the integer's on
    /// another.
    public static let categoricalHeavy = BenchmarkTask(
        name: "categorical_heavy",
        priors: [
            "optimizer": "choices(['adam', 'sgd', 'rmsprop', 'adagrad'])",
            "activation": "choices(['relu', 'tanh', 'gelu', 'sigmoid'])",
            "norm": "choices(['none', 'batch', 'layer'])",
            "x": real(-3, 3),
            "n": "uniform(1, 16, discrete=True)",
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "mixed, categorical-heavy: 3 categorical (4, 4, 3), 1 real, 1 integer in [1, 16]; interactions",
        dimensionOrder: ["optimizer", "activation", "norm", "x", "n"]
    ) { point throws(BenchmarkError) in
        let (a, b, c) = (try point.category("optimizer"), try point.category("activation"), try point.category("norm"))
        guard
            let value = TestFunctions.categoricalHeavy(
                a: a,
                b: b,
                c: c,
                x: try point.real("x"),
                n: (try point.real("n")).rounded()
            )
        else {
            throw BenchmarkError(
                .badPoint,
                "task 'categorical_heavy' got unknown categories (\(a), \(b), \(c)); evaluate it on its own space"
            )
        }
        return value
    }

    /// A support-vector-machine-like task: the kernel moves the optima of log C and log gamma; gamma is ignored by
    /// `linear` and the degree by every kernel but `poly`.
    public static let svmLike = BenchmarkTask(
        name: "svm_like",
        priors: [
            "kernel": "choices(['linear', 'rbf', 'poly', 'sigmoid'])",
            "C": "loguniform(0.001, 1000.0, precision=None)",
            "gamma": "loguniform(0.0001, 10.0, precision=None)",
            "degree": "uniform(1, 5, discrete=True)",
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "SVM-like: a categorical kernel of 4, log C, log gamma (unused by one kernel), an integer degree "
            + "(used by one kernel)",
        dimensionOrder: ["kernel", "C", "gamma", "degree"]
    ) { point throws(BenchmarkError) in
        let kernel = try point.category("kernel")
        guard
            let value = TestFunctions.svmLike(
                kernel: kernel,
                c: try point.real("C"),
                gamma: try point.real("gamma"),
                degree: (try point.real("degree")).rounded()
            )
        else {
            throw BenchmarkError(
                .badPoint,
                "task 'svm_like' got unknown kernel '\(kernel)'; evaluate it on its own space"
            )
        }
        return value
    }

    /// A multilayer-perceptron-like task: two categoricals, a linear and a log-scaled integer, a log real.
    public static let mlpLike = BenchmarkTask(
        name: "mlp_like",
        priors: [
            "activation": "choices(['relu', 'tanh', 'logistic'])",
            "solver": "choices(['adam', 'sgd', 'lbfgs'])",
            "layers": "uniform(1, 4, discrete=True)",
            "width": "loguniform(8, 256, discrete=True)",
            "alpha": "loguniform(1e-06, 0.1, precision=None)",
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "MLP-like: 2 categorical (3, 3), layers in [1, 4], log-integer width in [8, 256], log alpha",
        dimensionOrder: ["activation", "solver", "layers", "width", "alpha"]
    ) { point throws(BenchmarkError) in
        let (activation, solver) = (try point.category("activation"), try point.category("solver"))
        guard
            let value = TestFunctions.mlpLike(
                activation: activation,
                solver: solver,
                layers: (try point.real("layers")).rounded(),
                width: (try point.real("width")).rounded(),
                alpha: try point.real("alpha")
            )
        else {
            throw BenchmarkError(
                .badPoint,
                "task 'mlp_like' got unknown categories (\(activation), \(solver)); evaluate it on its own space"
            )
        }
        return value
    }

    /// Four integers, a tilted bowl with a coupling: 21⁴ configurations.
    public static let integerBowl = BenchmarkTask(
        name: "integer_bowl",
        priors: Dictionary(uniqueKeysWithValues: (1...4).map { ("k\($0)", "uniform(0, 20, discrete=True)") }),
        optimum: 0,
        defaultBudget: budget,
        summary:
            "integer-only: 4 integers in [0, 20], a tilted quadratic bowl with a coupling (194,481 configurations)",
        dimensionOrder: ["k1", "k2", "k3", "k4"]
    ) { point throws(BenchmarkError) in
        TestFunctions.integerBowl(try point.reals(["k1", "k2", "k3", "k4"]).map { $0.rounded() })
    }

    // MARK: Fresh spaces of reals (2026-12-02)

    /// Shekel (m = 10) on [0, 10]⁴: ten narrow wells of different depths on a flat plateau.
    public static let shekel4 = BenchmarkTask(
        name: "shekel4",
        priors: reals(4, 0, 10),
        optimum: -10.536409816692045,
        defaultBudget: budget,
        summary: "Shekel (m=10), 4 real dimensions in [0, 10], ten narrow wells on a flat plateau",
        dimensionOrder: order(4)
    ) { point throws(BenchmarkError) in
        TestFunctions.shekel(try point.reals(names(4)))
    }

    /// Powell on [-4, 5]⁸: unimodal, quartic, with a singular Hessian at the optimum.
    public static let powell8 = BenchmarkTask(
        name: "powell8",
        priors: reals(8, -4, 5),
        optimum: 0,
        defaultBudget: budget,
        summary: "Powell, 8 real dimensions in [-4, 5], unimodal, quartic terms, singular at the optimum",
        dimensionOrder: order(8)
    ) { point throws(BenchmarkError) in
        TestFunctions.powell(try point.reals(names(8)))
    }

    /// Alpine n.1 on [-10, 10]⁵: multimodal, with kinks (not differentiable where a term is 0).
    public static let alpine5 = BenchmarkTask(
        name: "alpine5",
        priors: reals(5, -10, 10),
        optimum: 0,
        defaultBudget: budget,
        summary: "Alpine n.1, 5 real dimensions in [-10, 10], multimodal, non-differentiable kinks",
        dimensionOrder: order(5)
    ) { point throws(BenchmarkError) in
        TestFunctions.alpine(try point.reals(names(5)))
    }

    /// Bukin n.6 on [-15, -5] × [-3, 3]: a non-smooth curved ridge of near-minima.
    public static let bukin6 = BenchmarkTask(
        name: "bukin6",
        priors: ["x1": real(-15, -5), "x2": real(-3, 3)],
        optimum: 0,
        defaultBudget: budget,
        summary: "Bukin n.6, 2 real dimensions, a non-smooth curved ridge",
        dimensionOrder: ["x1", "x2"]
    ) { point throws(BenchmarkError) in
        TestFunctions.bukin6(try point.real("x1"), try point.real("x2"))
    }

    /// Colville on [-10, 10]⁴: smooth, two coupled quartic valleys.
    public static let colville = BenchmarkTask(
        name: "colville",
        priors: reals(4, -10, 10),
        optimum: 0,
        defaultBudget: budget,
        summary: "Colville, 4 real dimensions in [-10, 10], smooth coupled quartic valleys",
        dimensionOrder: order(4)
    ) { point throws(BenchmarkError) in
        TestFunctions.colville(try point.reals(names(4)))
    }

    /// Trid 6-D on [-36, 36]⁶: a smooth convex bowl, values over a wide range.
    public static let trid6 = BenchmarkTask(
        name: "trid6",
        priors: reals(6, -36, 36),
        optimum: -50,
        defaultBudget: budget,
        summary: "Trid, 6 real dimensions in [-36, 36], a smooth convex bowl",
        dimensionOrder: order(6)
    ) { point throws(BenchmarkError) in
        TestFunctions.trid(try point.reals(names(6)))
    }

    /// Perm 0, 4, 10 on [-4, 4]⁴: steep, values over many orders of magnitude.
    public static let perm4 = BenchmarkTask(
        name: "perm4",
        priors: reals(4, -4, 4),
        optimum: 0,
        defaultBudget: budget,
        summary: "Perm 0,d,beta (beta=10), 4 real dimensions in [-4, 4], steep, heavy-tailed",
        dimensionOrder: order(4)
    ) { point throws(BenchmarkError) in
        TestFunctions.perm(try point.reals(names(4)), beta: 10)
    }

    /// Cross-in-tray on [-10, 10]²: four global minima among a lattice of local ones, separated by ridges.
    public static let crossInTray = BenchmarkTask(
        name: "cross_in_tray",
        priors: ["x1": real(-10, 10), "x2": real(-10, 10)],
        optimum: -2.0626118708227397,
        defaultBudget: budget,
        summary: "cross-in-tray, 2 real dimensions in [-10, 10], four global minima in a lattice of local ones",
        dimensionOrder: ["x1", "x2"]
    ) { point throws(BenchmarkError) in
        TestFunctions.crossInTray(try point.real("x1"), try point.real("x2"))
    }
}
