import Foundation
import OrionCore

/// The ninth fresh set (`--problems fresh9`): eight spaces of reals no algorithm was tuned on.
///
/// Chosen before any run of the change they were added to judge (`auto`'s kernel on spaces of reals,
/// docs/algorithms/gp.md), none of them among the nine, the held-out or the earlier fresh sets, nor Oríon's tasks (Lévy
/// N.13 is one of the three functions a categorical chooses in the sixth set's `function_choice3`; here it is a problem
/// of its own):
/// dimensions 2 to 7 — rings of ripples (Langermann), a rippled bowl (Lévy N.13), four deep corner wells (the Hölder
/// table), a badly conditioned polynomial with permuted minima (the power sum), a flat bottom with ever finer ripples
/// (Csendes), a training-like loss of four optimizer settings (three log-scaled), every coordinate coupled to the
/// first (Schwefel's 2.4) and a non-smooth maximum (Schwefel's 2.21); every optimum away from the centre of its box.
/// Each has a known minimum, so results are simple regrets.
public enum FreshProblems9: SyntheticProblemSet {
    /// The problems.
    public static let all: [BenchmarkTask] = [
        langermann, levyN13, holderTable, powerSum4, adamLike4, csendes5, schwefel24n6, schwefel221n7,
    ]

    /// The name that stands for the whole set on the command line.
    public static let setName = "fresh9"

    private static let budget = 100

    /// Langermann on [0, 10]².
    public static let langermann = BenchmarkTask(
        name: "langermann",
        priors: reals(2, 0, 10),
        optimum: TestFunctions.langermann(TestFunctions.langermannArgmin),
        defaultBudget: budget,
        summary: "Langermann, 2 real dimensions in [0, 10], rings of ripples around five weighted centres",
        dimensionOrder: names(2)
    ) { point throws(BenchmarkError) in
        TestFunctions.langermann(try point.reals(names(2)))
    }

    /// Lévy N.13 on [−10, 10]² (``TestFunctions/levy13(_:_:)``, one of the three functions of the sixth fresh set's
    /// `function_choice3`; here on its own).
    public static let levyN13 = BenchmarkTask(
        name: "levy13",
        priors: reals(2, -10, 10),
        optimum: 0,
        defaultBudget: budget,
        summary: "Lévy N.13, 2 real dimensions in [-10, 10], a bowl with ripples",
        dimensionOrder: names(2)
    ) { point throws(BenchmarkError) in
        TestFunctions.levy13(try point.real("x1"), try point.real("x2"))
    }

    /// The Hölder table on [−10, 10]².
    public static let holderTable = BenchmarkTask(
        name: "holder_table",
        priors: reals(2, -10, 10),
        optimum: TestFunctions.holderTable(TestFunctions.holderTableArgmin[0], TestFunctions.holderTableArgmin[1]),
        defaultBudget: budget,
        summary: "Hölder table, 2 real dimensions in [-10, 10], four deep wells near the corners among ripples",
        dimensionOrder: names(2)
    ) { point throws(BenchmarkError) in
        TestFunctions.holderTable(try point.real("x1"), try point.real("x2"))
    }

    /// The power sum on [0, 4]⁴.
    public static let powerSum4 = BenchmarkTask(
        name: "power_sum4",
        priors: reals(4, 0, 4),
        optimum: 0,
        defaultBudget: budget,
        summary: "power sum, 4 real dimensions in [0, 4], a badly conditioned polynomial, minima at permutations",
        dimensionOrder: names(4)
    ) { point throws(BenchmarkError) in
        TestFunctions.powerSum(try point.reals(names(4)))
    }

    /// A training-like loss of Adam's settings, three of them log-scaled.
    public static let adamLike4 = BenchmarkTask(
        name: "adam_like4",
        priors: [
            "lr": "loguniform(1e-05, 0.1, precision=None)", "beta1": real(0.5, 0.999),
            "eps": "loguniform(1e-10, 0.0001, precision=None)", "wd": "loguniform(1e-07, 0.1, precision=None)",
        ],
        optimum: 0,
        defaultBudget: budget,
        summary:
            "training-like: a coupled quadratic of log lr, beta1, log eps and log weight decay, steeper above the best lr",
        dimensionOrder: ["lr", "beta1", "eps", "wd"]
    ) { point throws(BenchmarkError) in
        TestFunctions.adamLike(
            lr: try point.real("lr"),
            beta1: try point.real("beta1"),
            eps: try point.real("eps"),
            wd: try point.real("wd")
        )
    }

    /// Csendes, shifted, on [−1, 1]⁵.
    public static let csendes5 = BenchmarkTask(
        name: "csendes5",
        priors: reals(5, -1, 1),
        optimum: 0,
        defaultBudget: budget,
        summary: "Csendes, shifted, 5 real dimensions in [-1, 1], a flat bottom with ever finer ripples",
        dimensionOrder: names(5)
    ) { point throws(BenchmarkError) in
        TestFunctions.shiftedCsendes(try point.reals(names(5)))
    }

    /// Schwefel's 2.4 on [0, 10]⁶.
    public static let schwefel24n6 = BenchmarkTask(
        name: "schwefel24_6",
        priors: reals(6, 0, 10),
        optimum: 0,
        defaultBudget: budget,
        summary: "Schwefel 2.4, 6 real dimensions in [0, 10], every coordinate coupled to the first",
        dimensionOrder: names(6)
    ) { point throws(BenchmarkError) in
        TestFunctions.schwefel24(try point.reals(names(6)))
    }

    /// Schwefel's 2.21, shifted, on [−10, 10]⁷.
    public static let schwefel221n7 = BenchmarkTask(
        name: "schwefel221_7",
        priors: reals(7, -10, 10),
        optimum: 0,
        defaultBudget: budget,
        summary: "Schwefel 2.21 (the largest coordinate's distance), shifted, 7 real dimensions in [-10, 10]",
        dimensionOrder: names(7)
    ) { point throws(BenchmarkError) in
        TestFunctions.shiftedSchwefel221(try point.reals(names(7)))
    }
}
