import Foundation
import OrionCore

/// The fourth fresh set (`--problems fresh4`): eight spaces of reals no algorithm was tuned on.
///
/// Chosen before any run of the option they were added to judge (`gp`'s `additive: "global"`,
/// docs/algorithms/gp.md), none of them among the nine, the held-out, the second or the third fresh set, nor Oríon's
/// tasks: dimensions 2 to 8; separable and coupled, smooth and multimodal, ill-conditioned, flat regions — a tilted
/// valley (McCormick), ripples along hyperbolas (Schaffer N.2), a flat plane with one hole (Easom), unevenly spaced
/// separable minima (Deb 3), a non-smooth multimodal function (Xin-She Yang 2), a coupled multimodal one (Pintér), a
/// flat-bottomed separable quartic and a turned ill-conditioned discus. Each has a known minimum, so results are simple
/// regrets.
public enum FreshProblems4: SyntheticProblemSet {
    /// The problems.
    public static let all: [BenchmarkTask] = [
        mccormick, schaffer2, easom, deb4, xinSheYang4, pinter5, quartic6, rotatedDiscus8,
    ]

    /// The name that stands for the whole set on the command line.
    public static let setName = "fresh4"

    private static let budget = 100

    /// McCormick on [-1.5, 4] × [-3, 4]: smooth, non-separable, one minimum in a tilted valley.
    public static let mccormick = BenchmarkTask(
        name: "mccormick",
        priors: ["x1": real(-1.5, 4), "x2": real(-3, 4)],
        optimum: TestFunctions.mccormickMinimum,
        defaultBudget: budget,
        summary: "McCormick, 2 real dimensions in [-1.5, 4] × [-3, 4], smooth, non-separable, a tilted valley",
        dimensionOrder: ["x1", "x2"]
    ) { point throws(BenchmarkError) in
        TestFunctions.mccormick(try point.real("x1"), try point.real("x2"))
    }

    /// Schaffer N.2 on [-4, 6]²: ripples along hyperbolas, non-separable, multimodal.
    public static let schaffer2 = BenchmarkTask(
        name: "schaffer2",
        priors: ["x1": real(-4, 6), "x2": real(-4, 6)],
        optimum: 0,
        defaultBudget: budget,
        summary: "Schaffer N.2, 2 real dimensions in [-4, 6], ripples along hyperbolas, multimodal",
        dimensionOrder: ["x1", "x2"]
    ) { point throws(BenchmarkError) in
        TestFunctions.schafferN2(try point.real("x1"), try point.real("x2"))
    }

    /// Easom on [-5, 10]²: flat but for one narrow hole at (π, π).
    public static let easom = BenchmarkTask(
        name: "easom",
        priors: ["x1": real(-5, 10), "x2": real(-5, 10)],
        optimum: -1,
        defaultBudget: budget,
        summary: "Easom, 2 real dimensions in [-5, 10], flat but for one narrow hole",
        dimensionOrder: ["x1", "x2"]
    ) { point throws(BenchmarkError) in
        TestFunctions.easom(try point.real("x1"), try point.real("x2"))
    }

    /// Deb's function 3 on [0, 1]⁴: separable, 625 unevenly spaced global minima.
    public static let deb4 = BenchmarkTask(
        name: "deb4",
        priors: reals(4, 0, 1),
        optimum: -1,
        defaultBudget: budget,
        summary: "Deb's function 3, 4 real dimensions in [0, 1], separable, unevenly spaced global minima",
        dimensionOrder: names(4)
    ) { point throws(BenchmarkError) in
        TestFunctions.deb3(try point.reals(names(4)))
    }

    /// Xin-She Yang's function 2 on [-5, 2π]⁴: non-smooth, non-separable, multimodal.
    public static let xinSheYang4 = BenchmarkTask(
        name: "xin_she_yang4",
        priors: reals(4, -5, 2 * Double.pi),
        optimum: 0,
        defaultBudget: budget,
        summary: "Xin-She Yang 2, 4 real dimensions in [-5, 2π], non-smooth, non-separable, multimodal",
        dimensionOrder: names(4)
    ) { point throws(BenchmarkError) in
        TestFunctions.xinSheYang2(try point.reals(names(4)))
    }

    /// Pintér's function on [-6, 10]⁵: coupled multimodal terms on a bowl.
    public static let pinter5 = BenchmarkTask(
        name: "pinter5",
        priors: reals(5, -6, 10),
        optimum: 0,
        defaultBudget: budget,
        summary: "Pintér, 5 real dimensions in [-6, 10], non-separable, multimodal",
        dimensionOrder: names(5)
    ) { point throws(BenchmarkError) in
        TestFunctions.pinter(try point.reals(names(5)))
    }

    /// The quartic on [-1.28, 1.28]⁶, shifted: separable, a flat bottom.
    public static let quartic6 = BenchmarkTask(
        name: "quartic6",
        priors: reals(6, -1.28, 1.28),
        optimum: 0,
        defaultBudget: budget,
        summary: "quartic (De Jong 4 without noise), 6 real dimensions in [-1.28, 1.28], separable, a flat bottom",
        dimensionOrder: names(6)
    ) { point throws(BenchmarkError) in
        TestFunctions.quartic(try point.reals(names(6)))
    }

    /// The discus on [-5, 5]⁸, shifted and turned: condition 10⁴ along a direction mixing every coordinate.
    public static let rotatedDiscus8 = BenchmarkTask(
        name: "rotated_discus8",
        priors: reals(8, -5, 5),
        optimum: 0,
        defaultBudget: budget,
        summary: "discus turned by a reflection, 8 real dimensions in [-5, 5], ill-conditioned (10⁴), non-separable",
        dimensionOrder: names(8)
    ) { point throws(BenchmarkError) in
        TestFunctions.rotatedDiscus(try point.reals(names(8)))
    }
}
