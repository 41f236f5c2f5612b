import Foundation
import OrionCore
import OrionNumerics

/// The local phase of `gp` (`trust_region: true`): every other suggestion maximizes the acquisition within a
/// trust region instead of the whole cube.
///
/// The diagnosis in docs/algorithms/gp.md: late in a run on a multimodal problem the model is sure of itself around
/// the incumbent, log-EI there collapses, and the global maximizer of the acquisition goes to the corners of the
/// cube, while the incumbent is still some way from the bottom of its basin. A trust region as in TuRBO
/// ([Eriksson et al., 2019](https://arxiv.org/abs/1910.01739)) keeps half of the suggestions local: a box centred
/// on the trial the posterior mean ranks lowest (the model's view of the best point, not the luckiest
/// observation), of side `L` stretched along each coordinate by its lengthscale (normalized to a geometric mean of
/// 1), and `L` follows TuRBO's rule over the run's results: doubled after 3 consecutive improvements (at most 1.6),
/// halved after `max(4, d)` consecutive non-improvements, back to 0.8 once below 0.5⁷. The global suggestions in
/// between are unchanged, so the search still leaves a basin when the model finds a better one elsewhere.
///
/// Version 2 (`trust_region: "v2"`) makes three changes, named by the diagnosis of version 1 in docs/algorithms/gp.md
/// ("Why levy5 and lr_like get worse"): the box is centred on the best observed trial (TuRBO's rule); an improvement
/// is a result below the best by more than 10⁻³ of the range (max − min) of the objectives observed before it, so
/// the rule does not change when the objective is shifted by a constant; and the alternation starts only once the
/// global suggestions have turned local: when the last trial (a global suggestion) lies in the box the next local
/// suggestion would use. From then on it alternates as version 1 does.
///
/// Version 3 (`trust_region: "v3"`) is version 2 on a space without categories, suggestion for suggestion; on a space
/// with categories its local step searches one box per category combination (`GPBO+CombinationRegions.swift`).
///
/// Version 4 (`trust_region: "v4"`) is version 3 with a later trigger on spaces of reals: the alternation starts once
/// the last `max(4, d)` trials (global suggestions) all lie in the box the next local step would use, `d` the
/// dimension, TuRBO's count of consecutive failures that halve the side reused as the count of consecutive global
/// suggestions that show the global search has turned local (docs/algorithms/gp.md, "`trust_region: \"v4\"`"). On a
/// space with an integer or a categorical dimension it is version 3, suggestion for suggestion.
extension GPBO {
    /// A trust region's side and its bounds in the unit cube.
    struct TrustRegion: Equatable {
        /// The side `L` before stretching by the lengthscales.
        var length: Double
        /// The box's corners, clipped to the unit cube.
        var lower: [Double]
        var upper: [Double]
    }

    /// TuRBO's initial, largest and smallest sides.
    static let trustRegionInitial = 0.8
    static let trustRegionMax = 1.6
    static let trustRegionMin = 0.0078125
    /// Consecutive improvements that double the side.
    static let trustRegionSuccesses = 3

    /// Whether the suggestion made with `completed` trials completed and `batchIndex` earlier suggestions of the
    /// same batch is a local one: every other one, when `trust_region` is on.
    ///
    /// With version 2, before its local phase has started, every suggestion is a candidate:
    /// ``trustRegion(_:completed:in:)`` then checks the trigger and returns `nil` (a global suggestion) until it fires.
    func isLocalStep(completed: Int, batchIndex: Int) -> Bool {
        guard options.trustRegion else { return false }
        if options.trustRegionVersion >= 2, localPhaseFrom == nil { return true }
        return (completed + batchIndex) % 2 == 1
    }

    /// The trust region's side after the objectives `values` (in the order they were observed), of which the
    /// first `designCount` only set the best: TuRBO's rule replayed over the run.
    ///
    /// A result is an improvement when it is below the best before it by more than 10⁻³ of that best's magnitude.
    /// Three improvements in a row double the side (at most ``trustRegionMax``), `max(4, width)` non-improvements
    /// in a row halve it, and a side below ``trustRegionMin`` starts again at ``trustRegionInitial``.
    ///
    /// - Complexity: O(n) for n values.
    /// With `relativeToRange` (version 2), the threshold is 10⁻³ of the range (max − min) of the values before it
    /// instead, so the side does not change when every value is shifted by a constant.
    static func trustRegionLength(
        values: [Double],
        designCount: Int,
        width: Int,
        relativeToRange: Bool = false
    ) -> Double {
        let failureTolerance = max(4, width)
        var length = trustRegionInitial
        var best = Double.infinity
        var worst = -Double.infinity
        var successes = 0
        var failures = 0
        for (index, value) in values.enumerated() {
            defer {
                best = min(best, value)
                worst = max(worst, value)
            }
            guard index >= designCount, best.isFinite else { continue }
            let threshold = relativeToRange ? 1e-3 * (worst - best) : 1e-3 * abs(best)
            if value < best - threshold {
                successes += 1
                failures = 0
            } else {
                failures += 1
                successes = 0
            }
            if successes >= trustRegionSuccesses {
                length = min(2 * length, trustRegionMax)
                successes = 0
            } else if failures >= failureTolerance {
                length /= 2
                failures = 0
            }
            if length < trustRegionMin { length = trustRegionInitial }
        }
        return length
    }

    /// The box of side `length` around `center`, stretched along each coordinate by `lengthscales` (clipped to
    /// [0.005, 2] and normalized to a geometric mean of 1, as TuRBO does) and clipped to the unit cube.
    static func trustRegion(center: [Double], lengthscales: [Double], length: Double) -> TrustRegion {
        let w = center.count
        let scales = lengthscales.map { min(max($0, 0.005), 2) }
        let logMean = scales.reduce(0) { $0 + log($1) } / Double(max(w, 1))
        let half = scales.map { exp(log($0) - logMean) * length / 2 }
        return TrustRegion(
            length: length,
            lower: zip(center, half).map { max($0 - $1, 0) },
            upper: zip(center, half).map { min($0 + $1, 1) }
        )
    }

    /// Whether `point` lies in `region` (bounds included).
    static func contains(_ region: TrustRegion, _ point: [Double]) -> Bool {
        point.count == region.lower.count
            && point.indices.allSatisfy { point[$0] >= region.lower[$0] && point[$0] <= region.upper[$0] }
    }

    /// The trust region of the next local suggestion: around the completed trial of lowest posterior mean
    /// (version 1) or of lowest objective (version 2), its side replayed from the completed trials' objectives.
    ///
    /// Version 2 returns `nil` until its local phase has started: it starts (and is remembered in the state) when
    /// at least one suggestion has followed the design and the last trial lies in the box; from then on the
    /// suggestions alternate as ``isLocalStep(completed:batchIndex:)`` says, this one included. Version 4 on a space
    /// of reals (every coordinate of `transform` real) waits instead for the last ``triggerWindow(reals:width:)``
    /// trials to lie in the box.
    mutating func trustRegion(
        _ model: AcquisitionModel,
        completed: [Record],
        in transform: SpaceTransform
    ) -> TrustRegion? {
        let inputs = completed.map(\.vector)
        guard let width = inputs.first?.count, width > 0 else { return nil }
        if options.trustRegionVersion >= 2 {
            let reals = transform.coordinates.allSatisfy { $0.kind == .real }
            let window = triggerWindow(reals: reals, width: width)
            return trustRegionV2(model, completed: completed, width: width, window: window)
        }
        // The centre is among the trials the model conditions on (the best of them, when there are many).
        let candidates = Self.modelledTrials(completed).map(\.vector)
        let means = model.process.predict(candidates.flatMap { $0 }, count: candidates.count).mean
        guard let centre = means.indices.min(by: { means[$0] < means[$1] }) else { return nil }
        let length = Self.trustRegionLength(
            values: completed.compactMap(\.objective),
            designCount: options.nInitialPoints,
            width: width
        )
        return Self.trustRegion(
            center: candidates[centre],
            lengthscales: model.process.hyperparameters.lengthscales,
            length: length
        )
    }

    /// How many of the last trials must lie in the box for the local phase to start: `max(4, width)` with version 4
    /// on a space of reals (TuRBO's failure tolerance), else 1 (versions 2 and 3, and version 4 on other spaces).
    func triggerWindow(reals: Bool, width: Int) -> Int {
        options.trustRegionVersion == 4 && reals ? max(4, width) : 1
    }

    /// Version 2's box (see ``trustRegion(_:completed:in:)``), versions 3's and 4's too; the local phase starts
    /// once the last `window` trials lie in it.
    private mutating func trustRegionV2(
        _ model: AcquisitionModel,
        completed: [Record],
        width: Int,
        window: Int
    ) -> TrustRegion? {
        let values = completed.map { $0.objective ?? .infinity }
        guard let best = values.indices.min(by: { values[$0] < values[$1] }) else { return nil }
        let region = Self.trustRegion(
            center: completed[best].vector,
            lengthscales: model.process.hyperparameters.lengthscales,
            length: Self.trustRegionLength(
                values: completed.compactMap(\.objective),
                designCount: options.nInitialPoints,
                width: width,
                relativeToRange: true
            )
        )
        if localPhaseFrom == nil {
            guard records.count >= options.nInitialPoints + window,
                records.suffix(window).allSatisfy({ Self.contains(region, $0.vector) })
            else { return nil }
            localPhaseFrom = completed.count
            guard isLocalStep(completed: completed.count, batchIndex: 0) else { return nil }
        }
        return region
    }

    /// The maximizer of the first acquisition (log-EI for `log_ei` and `mace`) within `region`, snapped and not
    /// seen yet; `nil` when every candidate snaps onto a seen point.
    ///
    /// Candidates: quasi-random points of the box and Gaussian perturbations of its centre, the best five refined
    /// by L-BFGS-B within the box; the best candidates are snapped (all of them when the space has integers or
    /// categories) and the best snapped point wins.
    mutating func maximizeInTrustRegion(
        _ model: AcquisitionModel,
        _ transform: SpaceTransform,
        region: TrustRegion,
        seen: Set<[Double]>
    ) -> [Double]? {
        let w = transform.width
        let n = model.process.count
        let function = model.functions[0]
        let rawCount = max(64, min(options.nCandidates, 40_000_000 / max(1, n * n)))
        let halton = ScrambledHalton(dimensions: w, using: &generator)
        let span = zip(region.lower, region.upper).map { $1 - $0 }
        var pool = halton.points(rawCount, from: Int(generator.next() % 1_000_000)).map { point in
            (0..<w).map { region.lower[$0] + span[$0] * point[$0] }
        }
        let centre = zip(region.lower, region.upper).map { ($0 + $1) / 2 }
        for _ in 0..<20 {
            pool.append(
                (0..<w).map {
                    min(max(centre[$0] + 0.1 * span[$0] * generator.nextGaussian(), region.lower[$0]), region.upper[$0])
                }
            )
        }
        var scores = model.scores(pool)[0]
        let minimizer = BoundedLBFGS(
            maxIterations: n > 400 ? 20 : 40,
            gradientTolerance: 1e-7,
            valueTolerance: 1e-10
        )
        let order = pool.indices.sorted { scores[$0] > scores[$1] }
        let refined = model.refine(
            order.prefix(max(2, min(5, 2_000_000 / max(1, n * n)))).map { (function, pool[$0]) },
            lower: region.lower,
            upper: region.upper,
            minimizer: minimizer
        )
        if !refined.isEmpty {
            scores += model.scores(refined)[0]
            pool += refined
        }
        let reals = transform.coordinates.allSatisfy { $0.kind == .real }
        let cells = Self.bestCells(
            pool,
            scores: [scores],
            transform,
            seen: seen,
            limit: reals ? Self.snapLimit : pool.count
        )
        var candidates: [[Double]] = []
        var unique = Set<[Double]>()
        for (_, cell) in cells.sorted(by: { $0.key < $1.key }) where !seen.contains(cell) {
            if unique.insert(cell).inserted { candidates.append(cell) }
        }
        guard !candidates.isEmpty else { return nil }
        let final = model.scores(candidates)[0]
        return candidates.indices.max(by: { final[$0] < final[$1] }).map { candidates[$0] }
    }
}

extension GPBO.Options {
    /// `trust_region` as written: `true` or `false` (version 1 on or off), `"v2"`, `"v2l"` (version 2 with the
    /// neighbourhood model, the third value), `"v3"`, `"v3l"` (version 3 with the neighbourhood model) or `"v4"`;
    /// `nil` when absent.
    ///
    /// - Throws: ``AlgorithmError`` `.invalidOption` for any other value.
    static func decodeTrustRegion(_ container: KeyedDecodingContainer<CodingKeys>) throws -> (Bool, Int, Bool)? {
        guard container.contains(.trustRegion), try !container.decodeNil(forKey: .trustRegion) else { return nil }
        if let on = try? container.decode(Bool.self, forKey: .trustRegion) { return (on, 1, false) }
        if let version = try? container.decode(String.self, forKey: .trustRegion) {
            if version == "v2" { return (true, 2, false) }
            if version == "v2l" { return (true, 2, true) }
            if version == "v3" { return (true, 3, false) }
            if version == "v3l" { return (true, 3, true) }
            if version == "v4" { return (true, 4, false) }
        }
        throw AlgorithmError(
            .invalidOption,
            "gp: option 'trust_region' must be true, false, \"v2\", \"v2l\", \"v3\", \"v3l\" or \"v4\""
        )
    }

    /// Writes `trust_region` as ``decodeTrustRegion(_:)`` reads it.
    ///
    /// - Throws: `EncodingError` when the value cannot be encoded.
    func encodeTrustRegion(_ container: inout KeyedEncodingContainer<CodingKeys>) throws {
        if trustRegion, trustRegionVersion >= 2 {
            let suffix = trustRegionNeighbourhood ? "l" : ""
            try container.encode("v\(trustRegionVersion)\(suffix)", forKey: .trustRegion)
        } else {
            try container.encode(trustRegion, forKey: .trustRegion)
        }
    }
}
