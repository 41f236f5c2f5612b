import Foundation
import OrionCore
import OrionNumerics

/// Version 3 of the local phase (`trust_region: "v3"`): on a space with categories, one box per category combination.
///
/// Version 2's box spans the one-hot coordinates too, so its local step mostly stays in the incumbent's category
/// (docs/algorithms/gp.md, "What `auto` runs"), and pinning the categories to the incumbent's locks a run into a wrong
/// category. Version 3 keeps version 2's alternation, trigger and side (the box of version 2 decides when the local
/// phase starts, and its replayed side `L` is every box's), and changes only what a local step searches, after
/// CASMOPOLITAN ([Wan et al., 2021](https://arxiv.org/abs/2102.07188)): a trust region over the numeric coordinates
/// and, over the categories, a neighbourhood — here the combinations already tried, each around its own best trial.
///
/// - The combinations: the incumbent's, then the other category combinations of the completed trials in the order of
///   their best trial's objective, at most ``combinationCap``.
/// - Each combination's box: centred on its best completed trial, of side `L` along the numeric (real and integer)
///   coordinates, stretched by the model's lengthscales of those coordinates (normalized to a geometric mean of 1
///   over them, as TuRBO does), clipped to the cube; the one-hot coordinates held at the combination's.
/// - The candidates: version 2's count split evenly over the boxes (quasi-random points of each box and Gaussian
///   perturbations of its centre), scored by log-EI against the best trial of the whole run; the best of each box
///   refined by L-BFGS-B within it; every candidate snapped (integers to their cells), and from the best snapped
///   point one move of one integer by one cell when that scores higher. The suggestion is the best scored snapped point.
///
/// On a space without categories there is one combination and its box is version 2's: version 3 calls version 2's
/// search, so the suggestions are version 2's to the bit.
extension GPBO {
    /// The most category combinations a local step of version 3 searches.
    static let combinationCap = 8

    /// The point a local step suggests within `region` (version 2's box around the best trial): version 2's search,
    /// or with version 3 on a space with categories, the search over one box per category combination.
    mutating func localSuggestion(
        _ model: AcquisitionModel,
        _ transform: SpaceTransform,
        region: TrustRegion,
        completed: [Record],
        seen: Set<[Double]>
    ) -> [Double]? {
        guard options.trustRegionVersion >= 3,
            transform.coordinates.contains(where: { $0.category != nil })
        else { return maximizeInTrustRegion(model, transform, region: region, seen: seen) }
        let regions = Self.combinationRegions(
            completed: completed,
            transform,
            lengthscales: model.process.hyperparameters.lengthscales,
            length: region.length
        )
        guard !regions.isEmpty else { return maximizeInTrustRegion(model, transform, region: region, seen: seen) }
        return maximizeInCombinationRegions(model, transform, regions: regions, seen: seen)
    }

    /// The boxes of version 3's local step: one per category combination of the `completed` trials, the incumbent's
    /// first, then by their best trial's objective, at most ``combinationCap``; each centred on its combination's best
    /// trial, of side `length` along the numeric coordinates (stretched by their `lengthscales`, normalized over
    /// them), its one-hot coordinates fixed.
    ///
    /// - Complexity: O(n·w) for n completed trials of width w.
    static func combinationRegions(
        completed: [Record],
        _ transform: SpaceTransform,
        lengthscales: [Double],
        length: Double
    ) -> [TrustRegion] {
        let categorical = transform.coordinates.indices.filter { transform.coordinates[$0].category != nil }
        let numeric = transform.coordinates.indices.filter { transform.coordinates[$0].category == nil }
        // The best trial of each combination, by first appearance; then ordered by objective (stable).
        var best: [[Double]: Int] = [:]
        var order: [[Double]] = []
        for (index, record) in completed.enumerated() {
            guard let value = record.objective, value.isFinite else { continue }
            let key = categorical.map { record.vector[$0] }
            if let current = best[key] {
                if let known = completed[current].objective, value < known { best[key] = index }
            } else {
                best[key] = index
                order.append(key)
            }
        }
        let ranked = order.enumerated().sorted { a, b in
            let x = completed[best[a.element] ?? 0].objective ?? .infinity
            let y = completed[best[b.element] ?? 0].objective ?? .infinity
            return x < y || (x == y && a.offset < b.offset)
        }
        let scales = numeric.map { min(max(lengthscales.indices.contains($0) ? lengthscales[$0] : 1, 0.005), 2) }
        let logMean = scales.reduce(0) { $0 + log($1) } / Double(max(numeric.count, 1))
        let half = scales.map { exp(log($0) - logMean) * length / 2 }
        return ranked.prefix(combinationCap).compactMap { entry in
            guard let index = best[entry.element] else { return nil }
            let centre = completed[index].vector
            var lower = centre
            var upper = centre
            for (position, coordinate) in numeric.enumerated() {
                lower[coordinate] = max(centre[coordinate] - half[position], 0)
                upper[coordinate] = min(centre[coordinate] + half[position], 1)
            }
            return TrustRegion(length: length, lower: lower, upper: upper)
        }
    }

    /// The maximizer of log-EI over the boxes `regions`, snapped and not seen yet; `nil` when every candidate snaps
    /// onto a seen point.
    ///
    /// Version 2's candidate count split over the boxes: quasi-random points of each box and Gaussian perturbations of
    /// its centre, the best of each box refined by L-BFGS-B within it (version 2's refinement count, at least one per
    /// box); every candidate snapped; from the best snapped point, one move of an integer by one cell if it scores
    /// higher.
    mutating func maximizeInCombinationRegions(
        _ model: AcquisitionModel,
        _ transform: SpaceTransform,
        regions: [TrustRegion],
        seen: Set<[Double]>
    ) -> [Double]? {
        let w = transform.width
        let n = model.process.count
        let function = model.functions[0]
        let boxes = regions.count
        let rawCount = max(64, min(options.nCandidates, 40_000_000 / max(1, n * n)))
        let perBox = max(32, rawCount / boxes)
        let perturbations = max(4, 20 / boxes)
        let halton = ScrambledHalton(dimensions: w, using: &generator)
        let unit = halton.points(perBox * boxes, from: Int(generator.next() % 1_000_000))
        var pool: [[Double]] = []
        var owner: [Int] = []
        for (box, region) in regions.enumerated() {
            let span = zip(region.lower, region.upper).map { $1 - $0 }
            for point in unit[(box * perBox)..<((box + 1) * perBox)] {
                pool.append((0..<w).map { region.lower[$0] + span[$0] * point[$0] })
                owner.append(box)
            }
            let centre = zip(region.lower, region.upper).map { ($0 + $1) / 2 }
            for _ in 0..<perturbations {
                pool.append(
                    (0..<w).map {
                        min(
                            max(centre[$0] + 0.1 * span[$0] * generator.nextGaussian(), region.lower[$0]),
                            region.upper[$0]
                        )
                    }
                )
                owner.append(box)
            }
        }
        let scores = model.scores(pool)[0]
        let minimizer = BoundedLBFGS(
            maxIterations: n > 400 ? 20 : 40,
            gradientTolerance: 1e-7,
            valueTolerance: 1e-10
        )
        let refineCount = max(2, min(5, 2_000_000 / max(1, n * n)))
        let perBoxRefined = max(1, (refineCount + boxes - 1) / boxes)
        let order = pool.indices.sorted { scores[$0] > scores[$1] }
        var refined: [[Double]] = []
        for (box, region) in regions.enumerated() {
            let starts = order.lazy.filter { owner[$0] == box }.prefix(perBoxRefined).map { (function, pool[$0]) }
            refined += model.refine(Array(starts), lower: region.lower, upper: region.upper, minimizer: minimizer)
        }
        pool += refined
        var candidates: [[Double]] = []
        var unique = Set<SnappedCell>()
        for point in pool {
            let cell = transform.snap(point)
            if !seen.contains(cell), unique.insert(SnappedCell(cell)).inserted { candidates.append(cell) }
        }
        guard !candidates.isEmpty else { return nil }
        let final = model.scores(candidates)[0]
        guard let top = candidates.indices.max(by: { final[$0] < final[$1] }) else { return nil }
        // One move of one integer by one cell, the categories kept, when it scores higher.
        let categorical = transform.coordinates.indices.filter { transform.coordinates[$0].category != nil }
        let moves = Self.discreteNeighbours(of: candidates[top], transform).filter { neighbour in
            !seen.contains(neighbour) && categorical.allSatisfy { neighbour[$0] == candidates[top][$0] }
        }
        if !moves.isEmpty {
            let moved = model.scores(moves)[0]
            if let best = moves.indices.max(by: { moved[$0] < moved[$1] }), moved[best] > final[top] {
                return moves[best]
            }
        }
        return candidates[top]
    }
}
