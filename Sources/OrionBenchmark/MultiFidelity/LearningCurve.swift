import Foundation

/// The synthetic learning curve of the multi-fidelity benchmark: a validation error that decays with the number of
/// epochs toward an asymptote set by the hyperparameters, with seeded noise and curves that cross.
///
/// Three hyperparameters: `lr` (log scale, 1e-4 to 1), `momentum` and `dropout` (0 to 1). With `u` the learning
/// rate on a [0, 1] log scale, `u = (log10(lr) + 4) / 4`:
///
///     asymptote(x) = 0.1 + 0.8 (u - 0.6)² + 0.3 (momentum - 0.8)² + 0.2 (dropout - 0.3)²
///     rate(x)      = (0.2 + 2u) (0.7 + 0.5 momentum)
///     clean(x, e)  = asymptote(x) + exp(-rate(x) e / 4)
///     value(x, e)  = clean(x, e) + 0.01 (2h - 1),   h = frac(sin(12.9898 u + 78.233 momentum + 37.719 dropout
///                                                          + 4.581 e + 1.618 seed) 43758.5453)
///
/// The best asymptote is 0.1 (`lr = 10^-1.6`, `momentum = 0.8`, `dropout = 0.3`), where the curve has converged
/// by 27 epochs (`exp(-1.54 · 27 / 4) ≈ 3e-5`). A large learning rate learns fast toward a worse asymptote, so at 1
/// or 3 epochs it looks better than the best configuration and loses to it from about 9 epochs on: the
/// configuration best at low fidelity is not always best at high. The noise is a deterministic function of the
/// point, the fidelity and the seed (the same formula in `Benchmarks/peers/multifidelity_orion.py`).
public enum LearningCurve {
    /// The smallest asymptote over the space: the reference for regret.
    public static let bestAsymptote = 0.1

    /// The learning rate on a [0, 1] log scale.
    static func unit(lr: Double) -> Double { (log10(lr) + 4) / 4 }

    /// The error the curve tends to with infinitely many epochs.
    ///
    /// - Parameters:
    ///   - lr: the learning rate, in [1e-4, 1].
    ///   - momentum: in [0, 1].
    ///   - dropout: in [0, 1].
    /// - Returns: the asymptote, at least ``bestAsymptote``.
    public static func asymptote(lr: Double, momentum: Double, dropout: Double) -> Double {
        let u = unit(lr: lr)
        return bestAsymptote + 0.8 * (u - 0.6) * (u - 0.6) + 0.3 * (momentum - 0.8) * (momentum - 0.8) + 0.2
            * (dropout - 0.3) * (dropout - 0.3)
    }

    /// How fast the curve decays: larger learning rates and momentum learn faster.
    ///
    /// - Parameters:
    ///   - lr: the learning rate.
    ///   - momentum: the momentum.
    /// - Returns: the decay rate per 4 epochs.
    public static func rate(lr: Double, momentum: Double) -> Double {
        (0.2 + 2 * unit(lr: lr)) * (0.7 + 0.5 * momentum)
    }

    /// The noise-free error after `epochs` epochs.
    ///
    /// - Parameters:
    ///   - lr: the learning rate.
    ///   - momentum: the momentum.
    ///   - dropout: the dropout rate.
    ///   - epochs: the fidelity.
    /// - Returns: `asymptote + exp(-rate · epochs / 4)`.
    public static func clean(lr: Double, momentum: Double, dropout: Double, epochs: Double) -> Double {
        asymptote(lr: lr, momentum: momentum, dropout: dropout) + exp(-rate(lr: lr, momentum: momentum) * epochs / 4)
    }

    /// The noise added to the error: uniform in [-0.01, 0.01], a deterministic function of its arguments.
    ///
    /// - Parameters:
    ///   - lr: the learning rate.
    ///   - momentum: the momentum.
    ///   - dropout: the dropout rate.
    ///   - epochs: the fidelity.
    ///   - seed: the run's seed.
    /// - Returns: the noise.
    public static func noise(lr: Double, momentum: Double, dropout: Double, epochs: Double, seed: Int) -> Double {
        let argument =
            12.9898 * unit(lr: lr) + 78.233 * momentum + 37.719 * dropout + 4.581 * epochs + 1.618 * Double(seed)
        let scaled = sin(argument) * 43758.5453
        let fraction = scaled - scaled.rounded(.down)
        return 0.01 * (2 * fraction - 1)
    }

    /// The observed error: ``clean(lr:momentum:dropout:epochs:)`` plus ``noise(lr:momentum:dropout:epochs:seed:)``.
    ///
    /// - Parameters:
    ///   - lr: the learning rate.
    ///   - momentum: the momentum.
    ///   - dropout: the dropout rate.
    ///   - epochs: the fidelity.
    ///   - seed: the run's seed.
    /// - Returns: the value the benchmark reports as the objective.
    public static func value(lr: Double, momentum: Double, dropout: Double, epochs: Double, seed: Int) -> Double {
        clean(lr: lr, momentum: momentum, dropout: dropout, epochs: epochs)
            + noise(lr: lr, momentum: momentum, dropout: dropout, epochs: epochs, seed: seed)
    }
}
