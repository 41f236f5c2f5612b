import Foundation
import OrionCore

/// `additive: "global"`: the additive kernel for the global suggestions only, the product kernel for the local
/// phase's.
///
/// The additive kernel (`additive: true`, `GaussianProcess+Additive.swift`) predicts that a coordinate's good value,
/// seen elsewhere, helps at the incumbent too, which is what the global search needs; near the incumbent its product
/// part, at a fraction of the signal, resolves less than the product kernel alone (docs/algorithms/gp.md, the traced
/// weights). So the two suggestions of the alternation get two models, fitted on the same trials:
///
/// - a **global** suggestion maximizes the acquisition of a GP with the additive kernel over the cube, its
///   hyperparameters warm started from and kept in ``GPBO/lastFit``;
/// - a **local** suggestion (inside the trust region) maximizes that of a GP with the product kernel, its own
///   hyperparameters warm started from and kept in ``GPBO/lastLocalFit``; the box (its centre, side and the
///   lengthscales that stretch it) and version 2's trigger are computed with this product fit, the model the local
///   suggestion is made with, so the trigger still asks whether the last trial lies in the box the next local step
///   would use.
///
/// Each suggestion fits only the model it needs, once per batch: before version 2's trigger, a suggestion fits the
/// product model to check the trigger and, when it does not fire, the additive model too. In a batch, each
/// suggestion made by a model enters both models (the one fitted later in the batch too) as a pending point at that
/// model's posterior mean. Without `trust_region` every suggestion is global, so the option is `additive: true`.
///
/// `additive: "alternate"` hedges between the two kernels' views of the objective for the global search: the
/// additive kernel carries a coordinate's good value from one region to another, which helps on separable
/// objectives and misleads on coupled ones (hartmann6's second basin, colville's valleys; docs/algorithms/gp.md).
/// So the global suggestions alternate: the even ones (counted from the first global suggestion after the design,
/// or once the local phase alternates, over the global steps only) maximize the additive model's acquisition, the
/// odd ones the product model's, the GP on every trial that checks version 2's trigger (the same fit, warm started
/// from ``GPBO/lastLocalFit``). Local suggestions are unchanged. Before the local phase the product model is fitted
/// anyway, and after it an odd global suggestion fits it instead of the additive model, so the option costs no
/// extra fit.
extension GPBO {
    /// The models of one batch, each fitted when a suggestion first needs it.
    struct SeparateModels {
        /// The additive kernel's, for global suggestions.
        var global: AcquisitionModel?
        /// The product kernel's, for the trust region and local suggestions.
        var local: AcquisitionModel?
        /// With `trust_region: "v2l"`, the product kernel's on the trials nearest the box's centre, for the local
        /// suggestions once the local phase has started.
        var neighbourhood: AcquisitionModel?
        /// The points this batch's models suggested so far, pending for the later suggestions.
        var believed: [[Double]] = []
    }

    /// The next point of a batch under `additive: "global"`: a local suggestion from the product model when the
    /// alternation (and version 2's trigger, checked with that model) says so, else a global one from the additive
    /// model; `nil` when neither model can be fitted or every candidate is seen.
    mutating func suggestWithSeparateModels(
        _ models: inout SeparateModels,
        _ transform: SpaceTransform,
        completed: [Record],
        batchIndex: Int,
        last: Bool,
        seen: Set<[Double]>
    ) -> [Double]? {
        var vector: [Double]?
        if isLocalStep(completed: completed.count, batchIndex: batchIndex) {
            var step: (model: AcquisitionModel, region: TrustRegion)?
            let started = usesNeighbourhoodModel
            if !started {
                if models.local == nil {
                    models.local = fit(transform, completed: completed, local: true).map {
                        believing($0, models.believed)
                    }
                }
                if let local = models.local, let region = trustRegion(local, completed: completed, in: transform) {
                    step = (local, region)
                }
            }
            // `trust_region: "v2l"`: once the local phase has started (at this suggestion too), its model.
            if options.trustRegionNeighbourhood, started || step != nil {
                step = neighbourhoodStep(
                    &models.neighbourhood,
                    transform,
                    completed: completed,
                    believed: models.believed
                )
            }
            if let step {
                let trials = usesNeighbourhoodModel ? localTrials(completed, width: transform.width) : completed
                vector = localSuggestion(step.model, transform, region: step.region, completed: trials, seen: seen)
            }
        }
        if vector == nil, isProductGlobalStep(completed: completed.count, batchIndex: batchIndex) {
            if models.local == nil {
                models.local = fit(transform, completed: completed, local: true).map { believing($0, models.believed) }
            }
            if let product = models.local { vector = maximizeAcquisition(product, transform, seen: seen) }
        }
        if vector == nil {
            if models.global == nil {
                models.global = fit(transform, completed: completed).map { believing($0, models.believed) }
            }
            if let global = models.global { vector = maximizeAcquisition(global, transform, seen: seen) }
        }
        // The next suggestion of this batch sees this one as pending; the last one needs no refit.
        if let vector, !last {
            models.believed.append(vector)
            models.global = models.global?.believing(vector)
            models.local = models.local?.believing(vector)
            models.neighbourhood = models.neighbourhood?.believing(vector)
        }
        return vector
    }

    /// Whether the global suggestion made with `completed` trials completed and `batchIndex` earlier suggestions of
    /// the same batch uses the product model (`additive: "alternate"`): every other global suggestion, counted over
    /// every suggestion before the local phase starts and over the global ones (every other) after.
    func isProductGlobalStep(completed: Int, batchIndex: Int) -> Bool {
        guard options.additiveAlternate else { return false }
        let index = completed + batchIndex
        let globalIndex = localPhaseFrom == nil || !options.trustRegion ? index : index / 2
        return globalIndex % 2 == 1
    }

    /// `model` with `points` pending, each at the posterior mean given the ones before.
    private func believing(_ model: AcquisitionModel, _ points: [[Double]]) -> AcquisitionModel {
        points.reduce(model) { $0.believing($1) }
    }
}

extension GPBO.Options {
    /// `additive` as written: `true` or `false`, `"global"` (`(true, true, false)`) or `"alternate"`
    /// (`(true, true, true)`); `nil` when absent.
    ///
    /// - Throws: ``AlgorithmError`` `.invalidOption` for any other value.
    static func decodeAdditive(_ container: KeyedDecodingContainer<CodingKeys>) throws -> (Bool, Bool, Bool)? {
        guard container.contains(.additive), try !container.decodeNil(forKey: .additive) else { return nil }
        if let on = try? container.decode(Bool.self, forKey: .additive) { return (on, false, false) }
        if let scope = try? container.decode(String.self, forKey: .additive) {
            if scope == "global" { return (true, true, false) }
            if scope == "alternate" { return (true, true, true) }
        }
        throw AlgorithmError(.invalidOption, "gp: option 'additive' must be true, false, \"global\" or \"alternate\"")
    }

    /// Writes `additive` as ``decodeAdditive(_:)`` reads it.
    ///
    /// - Throws: `EncodingError` when the value cannot be encoded.
    func encodeAdditive(_ container: inout KeyedEncodingContainer<CodingKeys>) throws {
        if additive, additiveGlobalOnly {
            try container.encode(additiveAlternate ? "alternate" : "global", forKey: .additive)
        } else {
            try container.encode(additive, forKey: .additive)
        }
    }
}
