import Foundation
import OrionCore

/// `trust_region: "v2l"`: version 2 whose local suggestions use a GP fitted on the trials nearest the box's centre.
///
/// The diagnosis in docs/algorithms/gp.md ("`trust_region: "v2l"`"): version 2's local step maximizes log-EI of a GP
/// fitted to every trial, whose lengthscales follow the objective's trend over the whole cube (on rosenbrock4 the
/// shortest is 1.5 of the cube, on ackley5 0.46, against a box of side 0.01 to 0.2); inside the box that model is
/// nearly flat and sure of itself, its expected improvement is largest on the box's bounds, and the trials there are
/// worse than the incumbent (2.2× on rosenbrock4). TuRBO ([Eriksson et al.,
/// 2019](https://arxiv.org/abs/1910.01739)) fits each trust region's GP on the trials of that region only, and local
/// approximate GPs ([Gramacy & Apley, 2015](https://arxiv.org/abs/1303.0383)) on the nearest neighbours of the
/// point predicted, so that the lengthscales are those of the local trend. Here, once version 2's local phase has
/// started, each local suggestion fits a GP with `gp`'s product kernel on the `k = max(2(w + 1), ⌈n/2⌉)` completed
/// trials nearest (Euclidean distance in the unit cube; ties by age) to the best trial, the box's centre, for `n`
/// completed trials of width `w` (the pending ones enter as with every model); the box keeps version 2's centre and
/// side and is stretched by this model's lengthscales, and the suggestion maximizes its log-EI there. Its
/// hyperparameters are warm started from and kept in ``GPBO/lastLocalFit``. The trigger, the global suggestions and
/// every suggestion before the local phase are version 2's.
extension GPBO {
    /// The completed trials the neighbourhood model is fitted on: the `max(2(w + 1), ⌈n/2⌉)` nearest the best one
    /// (all of them when that is every trial), in their original order.
    ///
    /// - Complexity: O(n log n + n·w) for n completed trials of width w.
    static func neighbourhood(_ completed: [Record], width: Int) -> [Record] {
        let n = completed.count
        let count = min(n, max(2 * (width + 1), (n + 1) / 2))
        let values = completed.map { $0.objective ?? .infinity }
        guard count < n, let best = values.indices.min(by: { values[$0] < values[$1] }) else { return completed }
        let centre = completed[best].vector
        let distances = completed.map { record in
            zip(record.vector, centre).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        }
        let nearest = completed.indices.sorted { (distances[$0], $0) < (distances[$1], $1) }.prefix(count)
        return nearest.sorted().map { completed[$0] }
    }

    /// Whether version 2's local phase has started with `trust_region: "v2l"` (or version 3's with `"v3l"`): its local
    /// suggestions then use the neighbourhood model.
    var usesNeighbourhoodModel: Bool { options.trustRegionNeighbourhood && localPhaseFrom != nil }

    /// The completed trials a local suggestion draws version 3's boxes from: with `"v3l"`, the neighbourhood's, so that
    /// the boxes are those of the category combinations the neighbourhood model was fitted on; otherwise all of them.
    func localTrials(_ completed: [Record], width: Int) -> [Record] {
        options.trustRegionNeighbourhood && options.trustRegionVersion >= 3
            ? Self.neighbourhood(completed, width: width) : completed
    }

    /// The neighbourhood model of a local suggestion and its box: fitted when `neighbourhood` is `nil` (once per
    /// batch), with the batch's earlier points `believed` pending; `nil` when it cannot be fitted.
    mutating func neighbourhoodStep(
        _ neighbourhood: inout AcquisitionModel?,
        _ transform: SpaceTransform,
        completed: [Record],
        believed: [[Double]]
    ) -> (model: AcquisitionModel, region: TrustRegion)? {
        if neighbourhood == nil {
            let nearest = Self.neighbourhood(completed, width: transform.width)
            neighbourhood = fit(transform, completed: nearest, local: true).map { model in
                believed.reduce(model) { $0.believing($1) }
            }
        }
        guard let model = neighbourhood, let region = trustRegion(model, completed: completed, in: transform) else {
            return nil
        }
        return (model, region)
    }
}
