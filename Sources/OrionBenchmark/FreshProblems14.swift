import Foundation
import OrionCore

/// The fourteenth fresh set (`--problems fresh14`): eight mixed spaces with categories, no algorithm tuned on them.
///
/// Chosen before any run of the option they were added to judge (`gp`'s `category_exploration`, docs/algorithms/gp.md),
/// none of them among the nine, the held-out or the earlier fresh sets, nor Oríon's tasks: dimensions 3 to 5, each with
/// at least one categorical — three training-like losses (a model family whose best one is good only in a narrow band
/// of its learning rate, beside a plateau; an optimizer with a momentum only two of them use, a log integer batch size
/// that moves the best learning rate and a warm-up only Adam uses; a schedule with a warm-up only `cosine` uses), a
/// label that moves and offsets a multimodal function (the egg crate), a mode that sets an integer's best value beside
/// a curved valley (the cube function), two categoricals that do not matter beside three reals (Bohachevsky 1), one
/// variant better than the others wherever the reals are, and three on/off flags with an interaction that move
/// Bohachevsky 3. Each has a known minimum, so results are simple regrets.
public enum FreshProblems14: SyntheticProblemSet {
    /// The problems.
    public static let all: [BenchmarkTask] = [
        modelFamily4, optimizerMomentum5, eggCrateChoice3, coupledInteger4, scheduleWarmup5, idleCategories5,
        dominantCategory4, flags5,
    ]

    /// The name that stands for the whole set on the command line.
    public static let setName = "fresh14"

    private static let budget = 100

    /// A model family, its log learning rate and regularization, an integer size.
    public static let modelFamily4 = BenchmarkTask(
        name: "model_family4",
        priors: [
            "family": choices(["forest", "boosting", "linear", "neighbors"]),
            "lr": "loguniform(0.001, 1, precision=None)", "reg": "loguniform(1e-06, 10, precision=None)",
            "size": integer(1, 32),
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "training-like: a model family (the best good only in a narrow band of its log learning rate, beside "
            + "a plateau), log regularization, an integer size",
        dimensionOrder: ["family", "lr", "reg", "size"]
    ) { point throws(BenchmarkError) in
        let family = try point.category("family")
        guard
            let value = TestFunctions.modelFamily(
                family: family,
                lr: try point.real("lr"),
                reg: try point.real("reg"),
                size: (try point.real("size")).rounded()
            )
        else { throw unknown("model_family4", "family", family) }
        return value
    }

    /// An optimizer, its log learning rate, a momentum coefficient, a log integer batch size, an integer warm-up.
    public static let optimizerMomentum5 = BenchmarkTask(
        name: "optimizer_momentum5",
        priors: [
            "optimizer": choices(["sgd", "momentum", "adam"]), "lr": "loguniform(1e-05, 1, precision=None)",
            "beta": real(0, 0.99), "batch": "loguniform(16, 1024, discrete=True)", "warmup": integer(0, 10),
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "training-like: an optimizer, log learning rate whose best grows with the log integer batch size, a "
            + "momentum two optimizers use, a warm-up only adam uses",
        dimensionOrder: ["optimizer", "lr", "beta", "batch", "warmup"]
    ) { point throws(BenchmarkError) in
        let optimizer = try point.category("optimizer")
        guard
            let value = TestFunctions.optimizerMomentum(
                optimizer: optimizer,
                lr: try point.real("lr"),
                beta: try point.real("beta"),
                batch: (try point.real("batch")).rounded(),
                warmup: (try point.real("warmup")).rounded()
            )
        else { throw unknown("optimizer_momentum5", "optimizer", optimizer) }
        return value
    }

    /// The egg crate of two reals in [−5, 5], moved and offset by a label of 4.
    public static let eggCrateChoice3 = BenchmarkTask(
        name: "egg_crate_choice3",
        priors: ["label": choices(["A", "B", "C", "D"]), "x1": real(-5, 5), "x2": real(-5, 5)],
        optimum: 0,
        defaultBudget: budget,
        summary: "mixed: a label of 4 that moves and offsets the egg crate (multimodal) of 2 reals in [-5, 5]",
        dimensionOrder: ["label", "x1", "x2"]
    ) { point throws(BenchmarkError) in
        let label = try point.category("label")
        guard let value = TestFunctions.eggCrateChoice(label: label, try point.real("x1"), try point.real("x2"))
        else { throw unknown("egg_crate_choice3", "label", label) }
        return value
    }

    /// The cube function of two reals in [−2, 2], an integer in [1, 12] whose best value a mode of 3 sets.
    public static let coupledInteger4 = BenchmarkTask(
        name: "coupled_integer4",
        priors: ["mode": choices(["a", "b", "c"]), "k": integer(1, 12), "x1": real(-2, 2), "x2": real(-2, 2)],
        optimum: 0,
        defaultBudget: budget,
        summary: "mixed: a mode of 3 that sets an integer's best value and an offset, the cube function's curved "
            + "valley in 2 reals",
        dimensionOrder: ["mode", "k", "x1", "x2"]
    ) { point throws(BenchmarkError) in
        let mode = try point.category("mode")
        guard
            let value = TestFunctions.coupledInteger(
                mode: mode,
                k: (try point.real("k")).rounded(),
                try point.real("x1"),
                try point.real("x2")
            )
        else { throw unknown("coupled_integer4", "mode", mode) }
        return value
    }

    /// A schedule, its log learning rate, an integer warm-up only `cosine` uses, a log weight decay and a dropout.
    public static let scheduleWarmup5 = BenchmarkTask(
        name: "schedule_warmup5",
        priors: [
            "schedule": choices(["constant", "linear_decay", "cosine"]), "lr": "loguniform(0.0001, 1, precision=None)",
            "warmup": integer(0, 20), "wd": "loguniform(1e-06, 0.1, precision=None)", "dropout": real(0, 0.5),
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "training-like: a schedule, log learning rate, an integer warm-up only cosine uses, log weight decay, "
            + "dropout",
        dimensionOrder: ["schedule", "lr", "warmup", "wd", "dropout"]
    ) { point throws(BenchmarkError) in
        let schedule = try point.category("schedule")
        guard
            let value = TestFunctions.scheduleWarmup(
                schedule: schedule,
                lr: try point.real("lr"),
                warmup: (try point.real("warmup")).rounded(),
                wd: try point.real("wd"),
                dropout: try point.real("dropout")
            )
        else { throw unknown("schedule_warmup5", "schedule", schedule) }
        return value
    }

    /// Bohachevsky 1 of three reals in [−2, 3], and two categoricals of 4 that do not matter.
    public static let idleCategories5 = BenchmarkTask(
        name: "idle_categories5",
        priors: [
            "x1": real(-2, 3), "x2": real(-2, 3), "x3": real(-2, 3), "c1": choices(["p", "q", "r", "s"]),
            "c2": choices(["e", "f", "g", "h"]),
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "mixed: Bohachevsky 1 of 3 reals in [-2, 3] (a bowl with ripples) and 2 categoricals of 4 that do "
            + "not matter",
        dimensionOrder: ["x1", "x2", "x3", "c1", "c2"]
    ) { point throws(BenchmarkError) in
        for name in ["c1", "c2"] { _ = try point.category(name) }
        return TestFunctions.bohachevsky1(try point.reals(names(3)))
    }

    /// A variant of 5, one better than the others wherever the reals are, and a rotated quadratic of three reals.
    public static let dominantCategory4 = BenchmarkTask(
        name: "dominant_category4",
        priors: [
            "variant": choices(["v1", "v2", "v3", "v4", "v5"]), "x1": real(-3, 3), "x2": real(-3, 3),
            "x3": real(-3, 3),
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "mixed: a variant of 5 (one best wherever the reals are) and a rotated quadratic of 3 reals in "
            + "[-3, 3], condition 50",
        dimensionOrder: ["variant", "x1", "x2", "x3"]
    ) { point throws(BenchmarkError) in
        let variant = try point.category("variant")
        guard let value = TestFunctions.dominantCategory(variant: variant, try point.reals(names(3)))
        else { throw unknown("dominant_category4", "variant", variant) }
        return value
    }

    /// Three on/off flags with an interaction that move and offset Bohachevsky 3 of two reals in [−3, 4].
    public static let flags5 = BenchmarkTask(
        name: "flags5",
        priors: [
            "f1": choices(["on", "off"]), "f2": choices(["on", "off"]), "f3": choices(["on", "off"]),
            "x1": real(-3, 4), "x2": real(-3, 4),
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "mixed: three on/off flags with an interaction that move and offset Bohachevsky 3 of 2 reals in "
            + "[-3, 4]",
        dimensionOrder: ["f1", "f2", "f3", "x1", "x2"]
    ) { point throws(BenchmarkError) in
        let (f1, f2, f3) = (try point.category("f1"), try point.category("f2"), try point.category("f3"))
        guard let value = TestFunctions.flags(f1, f2, f3, try point.real("x1"), try point.real("x2"))
        else { throw unknown("flags5", "flag", "\(f1)/\(f2)/\(f3)") }
        return value
    }
}
