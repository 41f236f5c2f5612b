import Foundation
import OrionCore

/// How the GP's kernel treats each input coordinate: numeric coordinates under the ARD Matérn-5/2, the one-hot
/// coordinates of categories under an exponentiated overlap kernel multiplied with it, and equal-cell integers seen
/// at the integer a point will be evaluated at.
///
/// `k(x, x') = s² · M(r) · exp(-½ Σ_{c ∈ C} (x_c - x'_c)² / ℓ_c²)`, `r² = Σ_{c ∉ C} (x_c - x'_c)² / ℓ_c²`, with `M`
/// the Matérn-5/2 and `C` the one-hot coordinates. Between two one-hot vectors of a categorical dimension the sum is
/// `½(1/ℓᵢ² + 1/ℓⱼ²)` when the categories `i` and `j` differ, 0 otherwise: an overlap (Hamming) kernel with one
/// weight per category ([Ru et al., 2020, CoCaBO](https://arxiv.org/abs/1906.08878); [Wan et al., 2021,
/// CASMOPOLITAN](https://arxiv.org/abs/2102.07188) use one weight per dimension), exponentiated so that the product
/// over dimensions is a kernel; the correlation between two categories does not depend on how far apart the
/// numeric coordinates are, unlike the Matérn of the whole one-hot vector. On relaxed (fractional) one-hot vectors
/// it is a squared-exponential kernel, positive definite and smooth, so the acquisition keeps its gradient.
///
/// Integer coordinates with equal cells (`uniform` and `randint` integers) are moved to the centre of their cell
/// before the kernel, so the GP at a relaxed point is the GP at the integer that will be evaluated
/// ([Garrido-Merchán & Hernández-Lobato, 2020](https://arxiv.org/abs/1805.03463)); its gradient in those
/// coordinates is zero, and the discrete local search of the acquisition moves them.
struct KernelStructure: Codable, Sendable, Hashable {
    /// Per coordinate, `true` when it is a one-hot coordinate under the overlap kernel; empty when none is.
    var categorical: [Bool] = []
    /// The integer coordinates rounded to their cell, and their number of cells.
    var rounded: [RoundedCoordinate] = []
    /// The smoothness of the Matérn part (5/2 by default).
    var smoothness = MaternSmoothness.fiveHalves
    /// The first-order additive part of the kernel (`additive`), `nil` without it (the product kernel alone).
    var additive: AdditiveTerms?
    /// The linear part added to the kernel (`linear_kernel`), `nil` without it.
    var linear: LinearTerm?

    /// An integer coordinate of `levels` equal cells.
    struct RoundedCoordinate: Codable, Sendable, Hashable {
        var coordinate: Int
        var levels: Int
    }

    /// The plain ARD Matérn-5/2 on every coordinate.
    static let numeric = KernelStructure()

    /// `true` when the kernel is the plain Matérn (no overlap part) and queries are not moved.
    var isNumeric: Bool { categorical.isEmpty && rounded.isEmpty }

    /// Whether coordinate `c` is under the overlap kernel.
    @inline(__always)
    func isCategorical(_ c: Int) -> Bool { !categorical.isEmpty && categorical[c] }

    /// The structure for the coordinates of `transform`.
    ///
    /// - Parameters:
    ///   - transform: the unit-cube view (one-hot categories are put under the overlap kernel).
    ///   - categories: whether to use the overlap kernel for one-hot coordinates.
    ///   - integers: whether to round equal-cell integer coordinates to their cell.
    ///   - smoothness: the Matérn's smoothness.
    ///   - additive: whether to add the first-order additive part, one term per dimension element (``AdditiveTerms``).
    ///   - linear: whether to add a linear part on the numeric coordinates (``LinearTerm``; none without them).
    init(
        _ transform: SpaceTransform,
        categories: Bool,
        integers: Bool,
        smoothness: MaternSmoothness = .fiveHalves,
        additive: Bool = false,
        linear: Bool = false
    ) {
        self.smoothness = smoothness
        if categories, transform.coordinates.contains(where: { $0.category != nil }) {
            categorical = transform.coordinates.map { $0.category != nil }
        }
        if integers {
            rounded = transform.coordinates.indices.compactMap { index in
                let coordinate = transform.coordinates[index]
                guard coordinate.kind == .integer, coordinate.scale == .linear, let levels = coordinate.levels,
                    levels >= 2
                else { return nil }
                return RoundedCoordinate(coordinate: index, levels: levels)
            }
        }
        let numeric = transform.coordinates.map { $0.category == nil }
        if linear, numeric.contains(true) { self.linear = LinearTerm(included: numeric) }
        if additive {
            self.additive = AdditiveTerms(
                groups: transform.coordinates.map(\.group),
                overlap: transform.coordinates.map { categories && $0.category != nil }
            )
        }
    }

    /// The plain Matérn of `smoothness` on every coordinate.
    init(smoothness: MaternSmoothness = .fiveHalves) { self.smoothness = smoothness }

    /// `points` (`count × width`, row-major) with the rounded coordinates at the centre of their cell.
    func roundingQueries(_ points: [Double], width w: Int) -> [Double] {
        guard !rounded.isEmpty, w > 0 else { return points }
        var result = points
        for p in 0..<(points.count / w) {
            for item in rounded {
                let cells = Double(item.levels)
                let value = min(max(points[p * w + item.coordinate], 0), 1)
                result[p * w + item.coordinate] = (min((value * cells).rounded(.down), cells - 1) + 0.5) / cells
            }
        }
        return result
    }

    /// Zeroes the gradient in the rounded coordinates (the GP is constant within a cell).
    func zeroRounded(_ gradient: inout [Double]) {
        for item in rounded { gradient[item.coordinate] = 0 }
    }

    // `squaredDistances` and `overlap`, run once per pair of points, are in GaussianProcess.swift next to their
    // callers: debug builds compile each file on its own, and a function of another file is never inlined.
}
