import Foundation
import OrionCore

extension BOHB {
    /// The densities of good and bad configurations at one fidelity, and the widened good one candidates are drawn
    /// from.
    struct Model {
        /// The fidelity the model was fitted at.
        let fidelity: Double
        /// l(x): the best `top_n_percent` observations.
        let good: ParzenEstimator
        /// l(x) with every kernel `bandwidth_factor` times wider: where candidates come from.
        let wide: ParzenEstimator
        /// g(x): the other observations.
        let bad: ParzenEstimator
        /// How many candidates to draw.
        let samples: Int

        /// The model of the highest fidelity with enough observations, or `nil` when none has.
        ///
        /// The observations of a fidelity are its completed trials with their objective, and its broken and pending
        /// trials with the lie `parallel_strategy` gives them (none by default for pending ones). With n of them and
        /// m = `min_points_in_model` (at least the dimensions + 1), the good ones are the best
        /// max(m, `top_n_percent` · n / 100) and the bad ones the next max(m, (100 − `top_n_percent`) · n / 100);
        /// a fidelity qualifies when both groups have more members than dimensions (Falkner et al.'s rule).
        init?(brackets: [SuccessiveHalving.Bracket], options: Options, context: AlgorithmContext) {
            let transform = context.transform
            let dimensions = transform.width
            guard dimensions > 0, let strategy = try? ParallelStrategy(options.parallelStrategy) else { return nil }
            var byFidelity: [Double: [(vector: [Double], objective: Double?, status: TrialStatus)]] = [:]
            for bracket in brackets {
                for (rung, entries) in bracket.rungs.enumerated() {
                    let fidelity = bracket.plan[rung].fidelity
                    for entry in entries {
                        guard let vector = try? transform.encode(entry.parameters) else { continue }
                        let status: TrialStatus =
                            entry.broken
                            ? .broken : entry.isFinished ? .completed : entry.trialID == nil ? .new : .reserved
                        byFidelity[fidelity, default: []].append((vector, entry.objective, status))
                    }
                }
            }
            let least = max(options.minPointsInModel ?? dimensions + 1, dimensions + 1)
            for fidelity in byFidelity.keys.sorted(by: >) {
                let records = byFidelity[fidelity] ?? []
                var observed = ParallelStrategy.Observed()
                for record in records { if let objective = record.objective { observed.add(objective) } }
                var data: [(vector: [Double], value: Double)] = []
                for record in records {
                    if let objective = record.objective {
                        data.append((record.vector, objective))
                    } else if record.status != .completed,
                        let lie = strategy.lie(for: record.status, observed: observed)
                    {
                        data.append((record.vector, lie))
                    }
                }
                let n = data.count
                let goodCount = max(least, options.topNPercent * n / 100)
                let badCount = min(max(least, (100 - options.topNPercent) * n / 100), n - goodCount)
                guard goodCount > dimensions, goodCount <= n, badCount > dimensions else { continue }
                let order = data.indices.sorted { (data[$0].value, $0) < (data[$1].value, $1) }
                let kinds = TPE.kinds(transform)
                func estimator(_ members: ArraySlice<Int>, scale: Double = 1) -> ParzenEstimator {
                    ParzenEstimator(
                        points: members.map { data[$0].vector },
                        weights: Array(repeating: 1, count: members.count),
                        kinds: kinds,
                        priorWeight: 1,
                        minimumBandwidth: Self.leastBandwidth(count: members.count, option: options.minBandwidth),
                        bandwidthScale: scale
                    )
                }
                let goodMembers = order.prefix(goodCount)
                self.fidelity = fidelity
                good = estimator(goodMembers)
                wide = estimator(goodMembers, scale: options.bandwidthFactor)
                bad = estimator(order.dropFirst(goodCount).prefix(badCount))
                samples = options.numSamples
                return
            }
            return nil
        }

        /// The least kernel deviation of a density of `count` observations: TPE's magic clip `1 / min(100, n + 2)`,
        /// or `min_bandwidth` when larger.
        ///
        /// The kernels' deviations are the distances between neighbouring observations (TPE's rule), which shrink to
        /// nothing when two good configurations are close: with only `min_bandwidth` (0.001) below them, l(x) became
        /// a spike that won every l/g ratio and the model proposed near-repeats of its good configurations (issue
        /// 14: 78% of the model's configurations on `learning_curve` within 0.05 of an earlier one on every
        /// coordinate). The magic clip is the floor that rule is designed with (Bergstra et al., 2011); the paper's
        /// `min_bandwidth` floors a bandwidth of a different kind (the normal reference rule's, over all the
        /// observations), so it stays a floor here.
        ///
        /// - Parameters:
        ///   - count: the number of observations of the density.
        ///   - option: `min_bandwidth`.
        /// - Returns: the least deviation, in the unit cube.
        static func leastBandwidth(count: Int, option: Double) -> Double {
            max(option, 1 / min(100, Double(count) + 2))
        }

        /// The draw from the widened l(x), among `num_samples`, with the largest l(x)/g(x), decoded into the space.
        ///
        /// - Parameters:
        ///   - rng: the random source.
        ///   - transform: the space's unit-cube view.
        /// - Returns: the point (its fidelity is replaced by the caller).
        func point(using rng: inout SeededGenerator, transform: SpaceTransform) -> Parameters {
            var best: [Double] = []
            var bestScore = -Double.infinity
            for _ in 0..<samples {
                let candidate = wide.sample(using: &rng)
                let score = good.logDensity(candidate) - bad.logDensity(candidate)
                if best.isEmpty || score > bestScore {
                    best = candidate
                    bestScore = score
                }
            }
            return transform.decode(best)
        }
    }
}
