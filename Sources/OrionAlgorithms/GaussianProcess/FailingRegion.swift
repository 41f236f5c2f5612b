import Foundation

/// Which failed trials (broken, or a non-finite objective) lie in a region where the script fails, for the models of
/// `gp` and `turbo` to learn them as bad points.
///
/// A failed trial lies in a failing region when, among its ``neighbours`` nearest observed trials (completed or
/// failed, by Euclidean distance in the unit cube), at least half failed and so many that failures spread at the
/// run's overall rate (at most 0.5) would give as many with probability under 5% (a binomial tail: 3 of 5 while the
/// rate is under 0.19, 4 of 5 up to 0.34, all 5 from there). A region where the script fails (a batch too large for
/// the memory, a learning rate that diverges to NaN) is then a bad region to the model. Left out of the fit, it
/// stayed unexplored to the model, which sent most later suggestions there (probe hC2).
/// Failures spread over the space (a node lost, a flaky script failing 20–50% of the trials anywhere, an outage)
/// stay out of the fit: fitted as bad, they marked good regions as bad (probes hC3 and hC5; with half of the
/// neighbours as the only test, half of the failures of a 50% failure rate were fitted).
enum FailingRegion {
    /// The nearest observed trials a failed trial's neighbourhood counts.
    static let neighbours = 5

    /// For each failed trial, whether it lies in a failing region.
    ///
    /// - Parameters:
    ///   - failed: the failed trials' vectors.
    ///   - observed: every observed trial (completed and failed, the failed ones included), with whether it failed.
    /// - Returns: one flag per failed trial, in order.
    /// - Complexity: O(f · n · w) for f failed of n observed trials in w coordinates.
    static func contains(_ failed: [[Double]], among observed: [(vector: [Double], failed: Bool)]) -> [Bool] {
        guard !observed.isEmpty else { return failed.map { _ in false } }
        // At most 0.5: a run trapped in a failing region fails more and more, and a threshold that rose with its
        // rate would stop seeing the region (a test run went to 98% failures); from 0.5 on, every neighbour must fail.
        let rate = min(0.5, Double(observed.filter(\.failed).count) / Double(observed.count))
        return failed.map { vector in
            var nearest: [(distance: Double, failed: Bool)] = []
            var skippedItself = false
            for other in observed {
                let distance = zip(other.vector, vector).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                // The trial itself (distance 0, failed) once.
                if !skippedItself, other.failed, distance == 0 {
                    skippedItself = true
                    continue
                }
                nearest.append((distance, other.failed))
            }
            let counted = nearest.sorted { $0.distance < $1.distance }.prefix(neighbours)
            let failures = counted.filter(\.failed).count
            return 2 * failures >= counted.count && upperTail(failures, of: counted.count, rate: rate) < 0.05
        }
    }

    /// The probability of at least `k` failures among `n` trials that each fail with probability `rate`.
    static func upperTail(_ k: Int, of n: Int, rate: Double) -> Double {
        guard k > 0 else { return 1 }
        guard k <= n else { return 0 }
        var total = 0.0
        var choose = 1.0  // C(n, i), from i = 0
        for i in 0...n {
            if i > 0 { choose = choose * Double(n - i + 1) / Double(i) }
            if i >= k { total += choose * pow(rate, Double(i)) * pow(1 - rate, Double(n - i)) }
        }
        return total
    }
}
