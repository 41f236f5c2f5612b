import Foundation
import OrionCore

/// The fifth fresh set (`--problems fresh5`): eight spaces of reals no algorithm was tuned on.
///
/// Chosen before any run of the option they were added to judge (`gp`'s `refit_growth`, docs/algorithms/gp.md),
/// none of them among the nine, the held-out, the second, third or fourth fresh set, nor Oríon's tasks: dimensions
/// 2 to 8; separable and coupled, smooth and multimodal, ill-conditioned, plateaus — a curved ill-conditioned valley
/// (Leon), a non-smooth coupled bowl (Bartels-Conn), a minimum at a corner of the box (Wolfe), flat cells (the step
/// function 2), separable non-smooth minima (the quintic), a coupled quadratic (Sargan), coupled ripples with a cusp
/// (the stretched V sine wave) and an axis-aligned ill-conditioned cigar (condition 10⁶). Each has a known minimum,
/// so results are simple regrets.
public enum FreshProblems5: SyntheticProblemSet {
    /// The problems.
    public static let all: [BenchmarkTask] = [
        leon, bartelsConn, wolfe, step4, quintic5, sargan6, stretchedVSine7, bentCigar8,
    ]

    /// The name that stands for the whole set on the command line.
    public static let setName = "fresh5"

    private static let budget = 100

    /// Leon on [-1.2, 1.2]²: a curved valley along `y = x³`, ill-conditioned, non-separable.
    public static let leon = BenchmarkTask(
        name: "leon",
        priors: ["x1": real(-1.2, 1.2), "x2": real(-1.2, 1.2)],
        optimum: 0,
        defaultBudget: budget,
        summary: "Leon, 2 real dimensions in [-1.2, 1.2], a curved ill-conditioned valley, non-separable",
        dimensionOrder: ["x1", "x2"]
    ) { point throws(BenchmarkError) in
        TestFunctions.leon(try point.real("x1"), try point.real("x2"))
    }

    /// Bartels-Conn on [-4, 6]²: non-smooth, non-separable, minimum 1 at the origin.
    public static let bartelsConn = BenchmarkTask(
        name: "bartels_conn",
        priors: ["x1": real(-4, 6), "x2": real(-4, 6)],
        optimum: 1,
        defaultBudget: budget,
        summary: "Bartels-Conn, 2 real dimensions in [-4, 6], non-smooth, non-separable",
        dimensionOrder: ["x1", "x2"]
    ) { point throws(BenchmarkError) in
        TestFunctions.bartelsConn(try point.real("x1"), try point.real("x2"))
    }

    /// Wolfe on [0, 2]³: the minimum at a corner of the box.
    public static let wolfe = BenchmarkTask(
        name: "wolfe",
        priors: reals(3, 0, 2),
        optimum: 0,
        defaultBudget: budget,
        summary: "Wolfe, 3 real dimensions in [0, 2], non-separable, the minimum at a corner",
        dimensionOrder: names(3)
    ) { point throws(BenchmarkError) in
        TestFunctions.wolfe(try point.real("x1"), try point.real("x2"), try point.real("x3"))
    }

    /// The step function 2 on [-3, 5]⁴: flat cells, separable, minimum 0 on [-0.5, 0.5)⁴.
    public static let step4 = BenchmarkTask(
        name: "step4",
        priors: reals(4, -3, 5),
        optimum: 0,
        defaultBudget: budget,
        summary: "step function 2, 4 real dimensions in [-3, 5], plateaus (flat cells), separable",
        dimensionOrder: names(4)
    ) { point throws(BenchmarkError) in
        TestFunctions.step2(try point.reals(names(4)))
    }

    /// The quintic on [-3, 4]⁵: separable, non-smooth at its 32 global minima.
    public static let quintic5 = BenchmarkTask(
        name: "quintic5",
        priors: reals(5, -3, 4),
        optimum: 0,
        defaultBudget: budget,
        summary: "quintic, 5 real dimensions in [-3, 4], separable, non-smooth, 32 global minima",
        dimensionOrder: names(5)
    ) { point throws(BenchmarkError) in
        TestFunctions.quintic(try point.reals(names(5)))
    }

    /// Sargan on [-3, 5]⁶: a smooth coupled quadratic.
    public static let sargan6 = BenchmarkTask(
        name: "sargan6",
        priors: reals(6, -3, 5),
        optimum: 0,
        defaultBudget: budget,
        summary: "Sargan, 6 real dimensions in [-3, 5], smooth, non-separable (a coupled quadratic)",
        dimensionOrder: names(6)
    ) { point throws(BenchmarkError) in
        TestFunctions.sargan(try point.reals(names(6)))
    }

    /// The stretched V sine wave on [-4, 6]⁷: coupled neighbours, ripples, a cusp at the minimum.
    public static let stretchedVSine7 = BenchmarkTask(
        name: "stretched_v_sine7",
        priors: reals(7, -4, 6),
        optimum: 0,
        defaultBudget: budget,
        summary: "stretched V sine wave, 7 real dimensions in [-4, 6], non-separable, multimodal, non-smooth",
        dimensionOrder: names(7)
    ) { point throws(BenchmarkError) in
        TestFunctions.stretchedVSineWave(try point.reals(names(7)))
    }

    /// The bent cigar on [-5, 5]⁸, shifted: separable, condition 10⁶.
    public static let bentCigar8 = BenchmarkTask(
        name: "bent_cigar8",
        priors: reals(8, -5, 5),
        optimum: 0,
        defaultBudget: budget,
        summary: "bent cigar, shifted, 8 real dimensions in [-5, 5], separable, ill-conditioned (10⁶)",
        dimensionOrder: names(8)
    ) { point throws(BenchmarkError) in
        TestFunctions.bentCigar(try point.reals(names(8)))
    }
}
