import Foundation
import OrionCore

extension TPE {
    /// The observations the model is built from: completed trials with their objective, then trials without a
    /// result with their lie, in the order first observed.
    func observations(batch: [[Double]]) -> [(vector: [Double], value: Double)] {
        var observed = ParallelStrategy.Observed()
        for record in records { if let objective = record.objective { observed.add(objective) } }
        var result: [(vector: [Double], value: Double)] = []
        result.reserveCapacity(records.count + batch.count)
        for record in records {
            if let objective = record.objective {
                result.append((record.vector, objective))
            } else if record.status != .completed, let lie = strategy.lie(for: record.status, observed: observed) {
                result.append((record.vector, lie))
            }
        }
        if let lie = strategy.lie(for: .new, observed: observed) {
            for vector in batch { result.append((vector, lie)) }
        }
        return result
    }

    /// Oríon's weights of a group of observations in time order: 1 for the `full_weight_num` most recent, a
    /// linear ramp from `1/n` for the older ones (all 1 with `equal_weight`).
    static func weights(count: Int, options: Options) -> [Double] {
        guard !options.equalWeight, count > options.fullWeightNum else { return Array(repeating: 1, count: count) }
        let rampCount = count - options.fullWeightNum
        let start = 1 / Double(count)
        let ramp = (0..<rampCount).map { index in
            rampCount == 1 ? start : start + (1 - start) * Double(index) / Double(rampCount - 1)
        }
        return ramp + Array(repeating: 1, count: options.fullWeightNum)
    }

    /// How each coordinate of the transform is modelled.
    static func kinds(_ transform: SpaceTransform) -> [ParzenEstimator.Kind] {
        transform.coordinates.map { coordinate in
            switch (coordinate.kind, coordinate.scale, coordinate.levels) {
            case (.categorical, _, let levels?): .categorical(max(levels, 1))
            case (.integer, .linear, let levels?): .cells(max(levels, 1))
            default: .real
            }
        }
    }

    /// The best of `n_ei_candidates` draws from l(x) by l(x)/g(x), untried in a small finite space (after
    /// `max_retry` rounds, an untried configuration at random); `nil` when none is left.
    mutating func modelPoint(context: AlgorithmContext, batch: [[Double]]) -> Parameters? {
        let transform = context.transform
        let data = observations(batch: batch)
        guard !data.isEmpty else { return randomPoint(context: context) }
        let order = data.indices.sorted { (data[$0].value, $0) < (data[$1].value, $1) }
        let belowCount = min(data.count, Int((options.gamma * Double(data.count)).rounded(.up)))
        let below = order.prefix(belowCount).sorted()
        let above = order.dropFirst(belowCount).sorted()
        let kinds = Self.kinds(transform)
        let groups: [[Int]] =
            options.multivariate ? [Array(kinds.indices)] : kinds.indices.map { [$0] }
        func estimator(_ members: [Int], _ coordinates: [Int]) -> ParzenEstimator {
            ParzenEstimator(
                points: members.map { member in coordinates.map { data[member].vector[$0] } },
                weights: Self.weights(count: members.count, options: options),
                kinds: coordinates.map { kinds[$0] },
                priorWeight: options.priorWeight
            )
        }
        let models = groups.map { (coordinates: $0, good: estimator(below, $0), bad: estimator(above, $0)) }
        // In a space too large to track, the points observed (and earlier ones of this batch) tell a repeat: a model
        // that has collapsed onto them retries, then draws from the priors, instead of repeating a trial for ever.
        let observed: Set<[Double]> = seen == nil ? Set(records.map(\.vector) + batch) : []
        for _ in 0...options.maxRetry {
            // Not snapped: integer and categorical kernels score the cell a value falls in, as decoding does.
            let candidates = (0..<options.nEICandidates).map { _ in
                var vector = Array(repeating: 0.5, count: transform.width)
                for model in models {
                    for (value, coordinate) in zip(model.good.sample(using: &generator), model.coordinates) {
                        vector[coordinate] = value
                    }
                }
                return vector
            }
            var best = Array(repeating: 0.5, count: transform.width)
            for model in models {
                var bestScore = -Double.infinity
                var chosen = candidates[0]
                for candidate in candidates {
                    let values = model.coordinates.map { candidate[$0] }
                    let score = model.good.logDensity(values) - model.bad.logDensity(values)
                    if score > bestScore {
                        bestScore = score
                        chosen = candidate
                    }
                }
                for coordinate in model.coordinates { best[coordinate] = chosen[coordinate] }
            }
            let point = transform.decode(best)
            if !observed.isEmpty, let vector = try? transform.encode(point), observed.contains(vector) { continue }
            if claim(point, context.space) { return point }
            if isDone(context: context) { return nil }
        }
        return randomPoint(context: context)
    }
}
