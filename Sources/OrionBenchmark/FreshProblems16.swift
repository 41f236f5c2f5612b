import Foundation
import OrionCore

/// The sixteenth fresh set (`--problems fresh16`): four spaces of reals and four mixed spaces, no algorithm tuned on
/// them.
///
/// Chosen and committed before any run of any algorithm on them, for the pre-registered test of `gp`'s
/// `linear_kernel` (a linear kernel part added to the Matérn kernel, as HEBO's; not adopted, docs/algorithms/gp.md), none of
/// them among the nine, the held-out or the earlier fresh sets, nor Oríon's tasks. Reals: a shifted, rotated cigar-tablet of six log-scaled parameters (smooth, unimodal,
/// condition 10⁴), the Büche-Rastrigin function of eight (ripples on an asymmetric bowl), a fine-tuning loss of three
/// whose best weight decay and dropout lie on their lower bounds, and Corana's function of four (flat pockets on a
/// grid, a small cube of minima off the centre). Mixed, dimensions 3 to 6: a TF-IDF classifier's loss (a term scaling
/// that moves the best C and max_df, integer n-grams and a log integer min_df), a data augmentation loss (integer
/// operations best at their lower bound, an integer magnitude on a ridge with mixup and smoothing, log integer epochs),
/// the attractive sector of two reals whose optimum a sector of 3 moves, and the inverted cosine wave of three reals
/// and an integer. No optimum lies at the centre of its box. Each has a known minimum, so results are simple regrets.
public enum FreshProblems16: SyntheticProblemSet {
    /// The problems.
    public static let all: [BenchmarkTask] = [
        rotatedCigarTablet6, bucheRastrigin8, pretrainedFinetune3, corana4, tfidfText5, augmentMix6,
        attractiveSector3, cosineWaveInteger4,
    ]

    /// The name that stands for the whole set on the command line.
    public static let setName = "fresh16"

    private static let budget = 100

    /// The cigar-tablet, shifted and rotated, of six log-scaled reals in [10⁻⁴, 10].
    public static let rotatedCigarTablet6 = BenchmarkTask(
        name: "rotated_cigar_tablet6",
        priors: Dictionary(uniqueKeysWithValues: names(6).map { ($0, "loguniform(0.0001, 10, precision=None)") }),
        optimum: 0,
        defaultBudget: budget,
        summary: "reals: a rotated cigar-tablet (smooth, unimodal, condition 1e4) of 6 log-scaled reals in [1e-4, 10]",
        dimensionOrder: names(6)
    ) { point throws(BenchmarkError) in
        TestFunctions.rotatedCigarTablet(try point.reals(names(6)))
    }

    /// The Büche-Rastrigin function (BBOB f4) of eight reals in [−5, 5].
    public static let bucheRastrigin8 = BenchmarkTask(
        name: "buche_rastrigin8",
        priors: reals(8, -5, 5),
        optimum: 0,
        defaultBudget: budget,
        summary: "reals: Büche-Rastrigin (multimodal ripples on an asymmetric bowl) of 8 reals in [-5, 5]",
        dimensionOrder: names(8)
    ) { point throws(BenchmarkError) in
        TestFunctions.bucheRastrigin(try point.reals(names(8)))
    }

    /// A fine-tuning loss of a log learning rate, a log weight decay and a dropout, the last two best at their lower
    /// bounds.
    public static let pretrainedFinetune3 = BenchmarkTask(
        name: "pretrained_finetune3",
        priors: [
            "lr": "loguniform(1e-05, 0.1, precision=None)", "wd": "loguniform(1e-06, 0.1, precision=None)",
            "dropout": real(0, 0.6),
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "training-like reals: log lr whose best moves with a log weight decay and a dropout, both best at "
            + "their lower bounds",
        dimensionOrder: ["lr", "wd", "dropout"]
    ) { point throws(BenchmarkError) in
        TestFunctions.pretrainedFinetune(
            lr: try point.real("lr"),
            wd: try point.real("wd"),
            dropout: try point.real("dropout")
        )
    }

    /// Corana's function of four reals in [−5, 5], shifted to (1.3, −2.2, 0.45, 3.05).
    public static let corana4 = BenchmarkTask(
        name: "corana4",
        priors: reals(4, -5, 5),
        optimum: 0,
        defaultBudget: budget,
        summary: "reals: Corana (flat pockets on a grid, weights 1 to 1000) of 4 reals in [-5, 5], the minimum on a "
            + "small cube off the centre",
        dimensionOrder: names(4)
    ) { point throws(BenchmarkError) in
        TestFunctions.corana(try point.reals(names(4)))
    }

    /// A TF-IDF classifier's term scaling, integer n-grams, a log integer min_df, a max_df and a log C.
    public static let tfidfText5 = BenchmarkTask(
        name: "tfidf_text5",
        priors: [
            "scaling": choices(["raw", "sublinear", "binary"]), "ngram_max": integer(1, 3),
            "min_df": "loguniform(1, 100, discrete=True)", "max_df": real(0.3, 1),
            "C": "loguniform(0.001, 1000, precision=None)",
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "training-like: a term scaling that moves the best log C and max_df, a log integer min_df whose "
            + "best grows with the integer n-gram length",
        dimensionOrder: ["scaling", "ngram_max", "min_df", "max_df", "C"]
    ) { point throws(BenchmarkError) in
        let scaling = try point.category("scaling")
        guard
            let value = TestFunctions.tfidfText(
                scaling: scaling,
                ngrams: (try point.real("ngram_max")).rounded(),
                minDF: (try point.real("min_df")).rounded(),
                maxDF: try point.real("max_df"),
                c: try point.real("C")
            )
        else { throw unknown("tfidf_text5", "scaling", scaling) }
        return value
    }

    /// Data augmentation's integer operations and magnitude, a mixup weight, a label smoothing, a log integer number
    /// of epochs and a log learning rate.
    public static let augmentMix6 = BenchmarkTask(
        name: "augment_mix6",
        priors: [
            "ops": integer(1, 4), "magnitude": integer(0, 30), "mixup": real(0, 1), "smoothing": real(0, 0.3),
            "epochs": "loguniform(10, 300, discrete=True)", "lr": "loguniform(1e-05, 0.1, precision=None)",
        ],
        optimum: 0,
        defaultBudget: budget,
        summary: "training-like: integer operations best at their lower bound, an integer magnitude on a ridge with "
            + "mixup and smoothing, log integer epochs, log lr",
        dimensionOrder: ["ops", "magnitude", "mixup", "smoothing", "epochs", "lr"]
    ) { point throws(BenchmarkError) in
        TestFunctions.augmentMix(
            operations: (try point.real("ops")).rounded(),
            magnitude: (try point.real("magnitude")).rounded(),
            mixup: try point.real("mixup"),
            smoothing: try point.real("smoothing"),
            epochs: (try point.real("epochs")).rounded(),
            lr: try point.real("lr")
        )
    }

    /// The attractive sector (BBOB f6) of two reals in [−5, 5], its optimum moved and offset by a sector of 3.
    public static let attractiveSector3 = BenchmarkTask(
        name: "attractive_sector3",
        priors: ["sector": choices(["a", "b", "c"]), "x1": real(-5, 5), "x2": real(-5, 5)],
        optimum: 0,
        defaultBudget: budget,
        summary: "mixed: a sector of 3 that moves and offsets the attractive sector (asymmetric, unimodal) of 2 reals "
            + "in [-5, 5]",
        dimensionOrder: ["sector", "x1", "x2"]
    ) { point throws(BenchmarkError) in
        let sector = try point.category("sector")
        guard let value = TestFunctions.attractiveSector(sector: sector, try point.real("x1"), try point.real("x2"))
        else { throw unknown("attractive_sector3", "sector", sector) }
        return value
    }

    /// The inverted cosine wave of three reals in [−5, 5] and an integer in [−5, 5], centred at (1.4, −2.1, 0.7, 3).
    public static let cosineWaveInteger4 = BenchmarkTask(
        name: "cosine_wave_integer4",
        priors: ["x1": real(-5, 5), "x2": real(-5, 5), "x3": real(-5, 5), "k": integer(-5, 5)],
        optimum: -3,
        defaultBudget: budget,
        summary: "mixed: the inverted cosine wave (rings around a well) of 3 reals in [-5, 5] and an integer in "
            + "[-5, 5]",
        dimensionOrder: ["x1", "x2", "x3", "k"]
    ) { point throws(BenchmarkError) in
        let x = try point.reals(names(3))
        return TestFunctions.cosineWaveInteger(x[0], x[1], x[2], k: (try point.real("k")).rounded())
    }
}
