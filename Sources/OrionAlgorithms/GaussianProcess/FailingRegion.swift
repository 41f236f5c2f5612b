/// Which failed trials (broken, or a non-finite objective) lie in a region where the script fails, for the models of
/// `gp` and `turbo` to learn them as bad points.
///
/// A failed trial lies in a failing region when at least half of its ``neighbours`` nearest observed trials
/// (completed or failed, by Euclidean distance in the unit cube) failed too. A region where the script fails (a
/// batch too large for the memory, a learning rate that diverges to NaN) is then a bad region to the model. Left
/// out of the fit, it stayed unexplored to the model, which sent most later suggestions there (probe hC2). A failure
/// among successes (a transient one: a node lost, a fifth of the trials failing anywhere) stays out of the fit:
/// fitted as bad, it marked good regions as bad (probe hC3).
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
        failed.map { vector in
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
            return 2 * counted.filter(\.failed).count >= counted.count
        }
    }
}
