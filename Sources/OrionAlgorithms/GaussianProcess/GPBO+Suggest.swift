import Foundation
import OrionCore
import OrionNumerics

extension GPBO {
    /// The trials the models learn from: the completed ones, then the failed ones (broken, or a non-finite
    /// objective) that lie in a failing region (``FailingRegion``), at the worst completed objective; no failed one
    /// before a trial has completed.
    ///
    /// The other failed trials of a category combination no trial has completed in are believed by the models as no
    /// improvement (``unlearnedFailures(_:learned:transform:)``).
    ///
    /// Without them a hunt whose scripts broke on part of the space ran 6 to 10 of its 100 trials before
    /// `--exp-max-broken 100` stopped it (probe hC2); with every failed trial at the worst value, transient failures
    /// marked good regions as bad and `gp` ended 10⁴ times worse (probe hC3). The completed trials come first, so
    /// that a tie at the worst value names a completed trial as the best.
    ///
    /// - Parameter records: every trial observed.
    /// - Returns: the training points, each with an objective.
    static func learnedRecords(_ records: [Record]) -> [Record] {
        let completed = records.filter { $0.kind == .completed }
        guard let worst = completed.compactMap(\.objective).max() else { return completed }
        let failed = records.filter { $0.kind == .failed }
        let observed = records.filter { $0.kind != .pending }.map { ($0.vector, $0.kind == .failed) }
        let inRegion = FailingRegion.contains(failed.map(\.vector), among: observed)
        return completed
            + zip(failed, inRegion).filter(\.1).map {
                Record(id: $0.0.id, vector: $0.0.vector, kind: .completed, objective: worst)
            }
    }

    /// The failed trials, not learned, whose category combination no trial has completed in: the models believe each
    /// at its posterior mean or the best value, whichever is worse (it improved on nothing).
    ///
    /// So the variance there collapses and the next suggestions do not return with a real nudged: on
    /// LogisticRegression's penalty × solver, where 3 of 9 pairs break, `auto` repeated a broken pair up to 12 times in
    /// a row, each time with `C` moved by 1% (probe hD5). Failed trials in a combination that has completed trials
    /// (every failed trial in a space without categories) are left as before: believed there, transient failures
    /// near the incumbent (half of the trials failing anywhere) hid its neighbourhood from the search, 15× worse.
    ///
    /// - Parameters:
    ///   - records: every trial observed.
    ///   - learned: the trials the models learn from (``learnedRecords(_:)``).
    ///   - transform: the unit-cube view, for the one-hot coordinates.
    /// - Returns: the failed trials' vectors.
    static func unlearnedFailures(_ records: [Record], learned: [Record], transform: SpaceTransform) -> [[Double]] {
        let categorical = transform.coordinates.indices.filter { transform.coordinates[$0].category != nil }
        guard !categorical.isEmpty else { return [] }
        let ids = Set(learned.lazy.map(\.id))
        let completedCombinations = Set(
            records.lazy.filter { $0.kind == .completed }.map { record in categorical.map { record.vector[$0] } }
        )
        return records.lazy.filter { record in
            record.kind == .failed && !ids.contains(record.id)
                && !completedCombinations.contains(categorical.map { record.vector[$0] })
        }.map(\.vector)
    }

    /// Up to `count` new points: the design first, then the maximizers of the acquisition, each new point a
    /// pending one for the next.
    ///
    /// Returns fewer (or none) only when a finite space has no configuration left.
    ///
    /// - Parameters:
    ///   - count: the most suggestions wanted.
    ///   - context: the search space.
    /// - Returns: the suggestions, without parents.
    public mutating func suggest(count: Int, context: AlgorithmContext) -> [Suggestion] {
        guard count > 0 else { return [] }
        let transform = Self.transform(context)
        var seen = Set(records.map(\.vector))
        var suggestions: [Suggestion] = []
        var batch: [[Double]] = []
        let completed = Self.learnedRecords(records)
        unlearnedFailures = Self.unlearnedFailures(records, learned: completed, transform: transform)
        var model: AcquisitionModel?
        // `additive: "global"`: the global suggestions' and the local ones' models, fitted when first needed.
        var models = SeparateModels()
        // `trust_region: "v2l"`: the local suggestions' model on the trials nearest the box's centre.
        var neighbourhood: AcquisitionModel?
        while suggestions.count < count {
            var vector: [Double]?
            let useDesign =
                (completed.count < options.nInitialPoints && designIndex < options.nInitialPoints)
                || completed.count < 2 || transform.width == 0
            let exploit =
                !useDesign
                && isFinalExploitStep(
                    completed: completed.count,
                    batchIndex: suggestions.count,
                    maxTrials: context.maxTrials
                )
            if exploit {
                // `final_exploit`: the budget's last suggestions; the usual step when its point is seen.
                vector = finalExploitSuggestion(transform, completed: completed, believed: batch, seen: seen)
            }
            if vector == nil, !useDesign,
                isCategoryExplorationStep(completed: completed.count, batchIndex: suggestions.count, transform)
            {
                // `category_exploration`: a category combination drawn at random; the usual step when all is seen.
                vector = categoryExplorationSuggestion(
                    &model,
                    transform,
                    completed: completed,
                    believed: batch,
                    seen: seen
                )
                if let vector, suggestions.count + 1 < count {
                    model = model?.believing(vector)
                    neighbourhood = neighbourhood?.believing(vector)
                    models.believed.append(vector)
                    models.global = models.global?.believing(vector)
                    models.local = models.local?.believing(vector)
                    models.neighbourhood = models.neighbourhood?.believing(vector)
                }
            }
            if vector == nil {
                if useDesign {
                    vector = nextDesignPoint(transform, seen: seen)
                } else if options.additive, options.additiveGlobalOnly {
                    vector = suggestWithSeparateModels(
                        &models,
                        transform,
                        completed: completed,
                        batchIndex: suggestions.count,
                        last: suggestions.count + 1 == count,
                        seen: seen
                    )
                } else {
                    // `trust_region: "v2l"` or `"v3l"` once the local phase has started: a local suggestion needs only the
                    // neighbourhood model; the model on every trial is fitted when a suggestion needs it.
                    let neighbourhoodFirst =
                        usesNeighbourhoodModel && isLocalStep(completed: completed.count, batchIndex: suggestions.count)
                    if neighbourhoodFirst,
                        let step = neighbourhoodStep(&neighbourhood, transform, completed: completed, believed: batch)
                    {
                        vector = localSuggestion(
                            step.model,
                            transform,
                            region: step.region,
                            completed: localTrials(completed, width: transform.width),
                            seen: seen
                        )
                        if let vector, suggestions.count + 1 < count {
                            model = model?.believing(vector)
                            neighbourhood = neighbourhood?.believing(vector)
                        }
                    }
                    // Fitted after this batch's local suggestions (once the neighbourhood model is in use), the model
                    // sees them pending, as it would have had it been fitted first.
                    if vector == nil, model == nil {
                        model = fit(transform, completed: completed).map { fitted in
                            usesNeighbourhoodModel ? batch.reduce(fitted) { $0.believing($1) } : fitted
                        }
                    }
                    if vector == nil, let current = model {
                        if !neighbourhoodFirst, isLocalStep(completed: completed.count, batchIndex: suggestions.count),
                            let region = trustRegion(current, completed: completed, in: transform)
                        {
                            // `trust_region: "v2l"` or `"v3l"`: the neighbourhood model and its box.
                            let step =
                                options.trustRegionNeighbourhood
                                ? neighbourhoodStep(&neighbourhood, transform, completed: completed, believed: batch)
                                : nil
                            vector = localSuggestion(
                                step?.model ?? current,
                                transform,
                                region: step?.region ?? region,
                                completed: step == nil ? completed : localTrials(completed, width: transform.width),
                                seen: seen
                            )
                        }
                        vector = vector ?? maximizeAcquisition(current, transform, seen: seen)
                        // The next suggestion of this batch sees this one as pending; the last one needs no refit.
                        if let vector, suggestions.count + 1 < count {
                            model = current.believing(vector)
                            neighbourhood = neighbourhood?.believing(vector)
                        }
                    }
                }
            }
            guard let point = vector ?? randomUnseen(context, transform, seen: seen) else { break }
            seen.insert(point)
            batch.append(point)
            suggestions.append(Suggestion(transform.decode(point)))
        }
        return suggestions
    }

    /// The next design point not seen yet (skipping those that snap onto a seen configuration).
    private mutating func nextDesignPoint(_ transform: SpaceTransform, seen: Set<[Double]>) -> [Double]? {
        guard transform.width > 0 else { return nil }
        var scrambler = SeededGenerator(seed: designSeed)
        let halton = ScrambledHalton(dimensions: transform.width, using: &scrambler)
        for _ in 0..<(4 * options.nInitialPoints + 16) {
            let point = transform.snap(halton.point(designIndex))
            designIndex += 1
            if !seen.contains(point) { return point }
        }
        return nil
    }

    /// A random point of the space not seen yet, if one is found in a bounded number of draws.
    private mutating func randomUnseen(
        _ context: AlgorithmContext,
        _ transform: SpaceTransform,
        seen: Set<[Double]>
    ) -> [Double]? {
        let attempts = max(100, min(100_000, 20 * Int(min(context.space.cardinality, 5000))))
        for _ in 0..<attempts {
            guard let point = try? transform.encode(context.space.sample(using: &generator)) else { continue }
            if !seen.contains(point) { return point }
        }
        return nil
    }

    /// Fits the GP to the completed trials (and the pending ones, at their posterior mean).
    ///
    /// With `local` (`additive: "global"`'s local phase), the product kernel without the additive part, warm
    /// started from and kept in ``lastLocalFit``; otherwise the options' kernel, in ``lastFit``.
    mutating func fit(_ transform: SpaceTransform, completed all: [Record], local: Bool = false) -> AcquisitionModel? {
        let completed = Self.modelledTrials(all)
        let w = transform.width
        let warped =
            options.inputWarping
            ? transform.coordinates.indices.filter { transform.coordinates[$0].category == nil } : []
        let additive = options.additive && !local
        let structure = kernelStructure(transform, additive: additive)
        let prior = GPPrior(
            width: w,
            warped: warped,
            lengthscalePrior: options.lengthscalePriorKind,
            additive: additive,
            linear: structure.linear != nil
        )
        // Warm start from the previous fit; every few fits (and at first) also from the prior's centre and from
        // random draws of the prior, so that a better mode found as the data grow is not missed.
        var starts: [[Double]] = []
        let warm = (local ? lastLocalFit : lastFit).flatMap { $0.count == prior.center.count ? $0 : nil }
        // `refit_growth`: the last fit's hyperparameters are kept until the trials have grown by that fraction.
        let kept = warm.flatMap { keptHyperparameters($0, completed: all.count, local: local) }
        if let warm { starts.append(warm) }
        // Beyond ``fitLimit`` trials the fitted subset changes little from one trial to the next: the warm start
        // alone, and the random restarts only at the first fit, bound the cost.
        let large = all.count > Self.fitLimit
        // With `refit_growth`, every refit (they are few) restarts; otherwise once per ``restartPeriod`` trials.
        let restart = options.refitGrowth > 0 ? !large : all.count % Self.restartPeriod == 0
        if kept == nil, warm == nil || (!large && restart) {
            starts.append(prior.center)
            for _ in 0..<(large ? 0 : options.nRestartsOptimizer) { starts.append(randomStart(prior, width: w)) }
        }
        // The hyperparameters are fitted on a subset when there are many trials.
        let fitted = GPFit(
            inputs: completed.flatMap(\.vector),
            width: w,
            values: completed.compactMap(\.objective),
            pending: records.filter { $0.kind == .pending }.flatMap(\.vector),
            failed: Array(unlearnedFailures.joined()),
            warped: warped,
            structure: structure,
            lengthscalePrior: options.lengthscalePriorKind,
            starts: starts,
            maxIterations: large && warm != nil ? 25 : 50,
            subset: Self.fitSubset(targets:),
            outputTransform: options.outputTransformKind,
            priorMean: options.priorMeanKind,
            trendCoordinates: transform.coordinates.indices.filter { transform.coordinates[$0].category == nil },
            fixed: kept.map { GPHyperparameters(logVector: $0, width: w, warped: warped, structure: structure) }
        )
        if local { lastLocalFit = fitted.hyperparameters.logVector } else { lastFit = fitted.hyperparameters.logVector }
        if options.refitGrowth > 0, kept == nil {
            if local { lastLocalFitCount = all.count } else { lastFitCount = all.count }
        }
        guard let process = fitted.process else { return nil }
        return AcquisitionModel(
            process: process,
            best: fitted.targets.min() ?? 0,
            bestInputs: Self.bestInputs(completed, fitted.targets),
            functions: options.acquisitions,
            kappa: options.acqFunc == "mace"
                ? AcquisitionModel.scheduledKappa(observations: all.count, dimensions: w) : options.kappa
        )
    }

    /// `refit_growth`'s rule: the last fit's log-hyperparameters `last` when the completed trials have grown by less
    /// than that fraction since the model (``lastFit``'s, or with `local` ``lastLocalFit``'s) was last fitted; `nil`
    /// when it is refitted (always without the option, or with no count of its last fit, as in an older state).
    func keptHyperparameters(_ last: [Double], completed: Int, local: Bool) -> [Double]? {
        guard options.refitGrowth > 0, let count = local ? lastLocalFitCount : lastFitCount else { return nil }
        return Double(completed) < (1 + options.refitGrowth) * Double(count) ? last : nil
    }

    /// A draw from the prior of the log-hyperparameters, clipped to their bounds.
    private mutating func randomStart(_ prior: GPPrior, width w: Int) -> [Double] {
        (0..<prior.center.count).map { index in
            let value = generator.nextGaussian()
            let theta: Double
            switch index {
            case ..<w: theta = prior.lengthscaleMean + value * prior.lengthscaleVariance.squareRoot()
            case w: theta = prior.signalMean + value * prior.signalVariance.squareRoot()
            case w + 1: theta = prior.noiseMean + value * prior.noiseVariance.squareRoot()
            case prior.additiveIndex ?? -1: theta = prior.additiveMean + value * prior.additiveVariance.squareRoot()
            case prior.linearIndex ?? -1: theta = prior.linearMean + value * prior.linearVariance.squareRoot()
            default: theta = value * prior.warpingVariance.squareRoot()
            }
            return min(max(theta, prior.lower[index]), prior.upper[index])
        }
    }

    /// The indices of the trials the hyperparameters are fitted on: all, or the best half of ``fitLimit`` and
    /// an even spread of the others.
    static func fitSubset(targets: [Double]) -> [Int] {
        subset(of: targets, limit: fitLimit)
    }

    /// The completed trials a model conditions on: all of them up to ``observationLimit``, else the best half of that
    /// limit and an even spread of the others by objective, in their original order.
    ///
    /// A posterior on n trials costs O(n²) memory and O(n³) time: on 100,000 trials `gp` asked for an 80 GB matrix
    /// and the process was aborted, and on 10,000 a suggestion took a minute, holding the algorithm lock.
    static func modelledTrials(_ completed: [Record]) -> [Record] {
        guard completed.count > observationLimit else { return completed }
        return subset(of: completed.map { $0.objective ?? .infinity }, limit: observationLimit).map { completed[$0] }
    }

    /// The indices, in increasing order, of `limit` of `values` when there are more: the `limit / 2` lowest, and the
    /// others evenly spread over the rest in increasing order of value (ties by index).
    static func subset(of values: [Double], limit: Int) -> [Int] {
        guard values.count > limit else { return Array(values.indices) }
        let order = values.indices.sorted { values[$0] < values[$1] }
        let best = order.prefix(limit / 2)
        let rest = order.dropFirst(limit / 2)
        let step = Double(rest.count) / Double(limit - best.count)
        let spread = (0..<(limit - best.count)).map { rest[rest.startIndex + Int(Double($0) * step)] }
        return (Array(best) + spread).sorted()
    }

    /// The inputs of the best few trials, best first: centres for local candidates.
    static func bestInputs(_ completed: [Record], _ targets: [Double]) -> [[Double]] {
        let order = targets.indices.sorted { targets[$0] < targets[$1] }
        return order.prefix(5).map { completed[$0].vector }
    }

    /// The next point, snapped to the space and not seen yet: the maximizer of the acquisition, or for `mace` a
    /// point drawn at random from the Pareto front of log-EI, log-PI and the confidence bound.
    ///
    /// Candidates are quasi-random points and perturbations of the best trials; the best few of each acquisition
    /// are refined by L-BFGS-B; all are snapped (integers and categories to their cells), and from the best snapped
    /// point of each acquisition a discrete local search moves to another category or the next integer cell while
    /// that acquisition improves.
    mutating func maximizeAcquisition(
        _ model: AcquisitionModel,
        _ transform: SpaceTransform,
        seen: Set<[Double]>
    ) -> [Double]? {
        let w = transform.width
        let n = model.process.count
        let functions = model.functions
        // Bound the cost of scoring: c · n² ≤ 4·10⁷ multiply-adds.
        let rawCount = max(64, min(options.nCandidates, 40_000_000 / max(1, n * n)))
        let halton = ScrambledHalton(dimensions: w, using: &generator)
        var pool = halton.points(rawCount, from: Int(generator.next() % 1_000_000))
        for centre in model.bestInputs {
            for index in 0..<20 {
                let sd = index < 10 ? 0.02 : 0.1
                pool.append(centre.map { min(max($0 + sd * generator.nextGaussian(), 0), 1) })
            }
        }
        var scores = model.scores(pool)
        // Each refinement step costs O(n²): fewer and shorter refinements when there are many trials.
        let perFunction =
            functions.count == 1
            ? max(2, min(5, 2_000_000 / max(1, n * n))) : max(1, min(2, 1_000_000 / max(1, n * n)))
        let minimizer = BoundedLBFGS(
            maxIterations: n > 400 ? 20 : 40,
            gradientTolerance: 1e-7,
            valueTolerance: 1e-10
        )
        let lower = [Double](repeating: 0, count: w)
        let upper = [Double](repeating: 1, count: w)
        var starts: [(function: Acquisition, point: [Double])] = []
        for (row, function) in functions.enumerated() {
            let ranked = scores[row]
            let order = pool.indices.sorted { ranked[$0] > ranked[$1] }
            for index in order.prefix(perFunction) { starts.append((function, pool[index])) }
        }
        var refined = model.refine(starts, lower: lower, upper: upper, minimizer: minimizer)
        refined += refineWithinCategories(model, transform, pool: pool, scores: scores, minimizer: minimizer)
        if !refined.isEmpty {
            let refinedScores = model.scores(refined)
            pool += refined
            for row in functions.indices { scores[row] += refinedScores[row] }
        }
        // Snap the best candidates of each acquisition, drop what is seen or repeated; rescore the points that
        // snapping moved.
        // With integers or categories every candidate is snapped: a candidate ranked low before snapping can be
        // the best after, and the whole pool measured better there (categorical_heavy, svm_like).
        let reals = transform.coordinates.allSatisfy { $0.kind == .real }
        // By increasing pool index (without a dictionary when every candidate is snapped).
        let cells: [(key: Int, value: [Double])] =
            reals
            ? Self.bestCells(pool, scores: scores, transform, seen: seen, limit: Self.snapLimit)
                .sorted(by: { $0.key < $1.key })
            : pool.indices.map { ($0, transform.snap(pool[$0])) }
        var unique = Set<SnappedCell>()
        unique.reserveCapacity(cells.count)
        // The seen points as cells too: thousands of lookups, each hashing one word.
        let seenCells = Set(seen.map(SnappedCell.init))
        var snapped: [[Double]] = []
        var snappedScores: [[Double]] = functions.map { _ in [] }
        var moved: [Int] = []
        for (index, cell) in cells {
            let point = pool[index]
            if seenCells.contains(SnappedCell(cell)) || !unique.insert(SnappedCell(cell)).inserted { continue }
            if cell != point { moved.append(snapped.count) }
            snapped.append(cell)
            for row in functions.indices { snappedScores[row].append(scores[row][index]) }
        }
        guard !snapped.isEmpty else { return nil }
        if !moved.isEmpty {
            let fresh = model.scores(moved.map { snapped[$0] })
            for row in functions.indices {
                for (position, index) in moved.enumerated() { snappedScores[row][index] = fresh[row][position] }
            }
        }
        // Discrete local search from the best snapped point of each acquisition.
        if transform.coordinates.contains(where: { $0.kind != .real }) {
            var found: [[Double]] = []
            for row in functions.indices {
                let values = snappedScores[row]
                guard let start = snapped.indices.max(by: { values[$0] < values[$1] }) else { continue }
                var bestPoint = snapped[start]
                var bestScore = values[start]
                for _ in 0..<8 {
                    let neighbours = Self.discreteNeighbours(of: bestPoint, transform).filter { !seen.contains($0) }
                    guard !neighbours.isEmpty else { break }
                    let next = model.scores(neighbours)[row]
                    guard let index = neighbours.indices.max(by: { next[$0] < next[$1] }), next[index] > bestScore
                    else { break }
                    bestPoint = neighbours[index]
                    bestScore = next[index]
                }
                if unique.insert(SnappedCell(bestPoint)).inserted { found.append(bestPoint) }
            }
            if !found.isEmpty {
                let fresh = model.scores(found)
                snapped += found
                for row in functions.indices { snappedScores[row] += fresh[row] }
            }
        }
        scores = snappedScores
        if functions.count == 1 {
            return snapped.indices.max(by: { scores[0][$0] < scores[0][$1] }).map { snapped[$0] }
        }
        let front = AcquisitionModel.paretoFront(scores)
        guard !front.isEmpty else { return nil }
        return snapped[front[Int(generator.next() % UInt64(front.count))]]
    }

    /// The snapped cells of the best candidates of each acquisition, by pool index: down each acquisition's
    /// ranking until `limit` cells not seen yet and new to that ranking are found (or the pool ends).
    ///
    /// Only these are snapped (decoded to the space and encoded back) and compete for the suggestion: the
    /// suggestion is the best snapped point, almost always one of the best few candidates before snapping, and
    /// snapping and rescoring the whole pool cost as much as scoring it. Where snapping leaves points unchanged
    /// (reals without a `precision`, as in the benchmark problems) the suggestion is the one the whole pool gives.
    static func bestCells(
        _ pool: [[Double]],
        scores: [[Double]],
        _ transform: SpaceTransform,
        seen: Set<[Double]>,
        limit: Int
    ) -> [Int: [Double]] {
        // Without a limit every candidate is snapped whatever the rankings: no ranking or counting needed.
        guard limit < pool.count else {
            return Dictionary(uniqueKeysWithValues: pool.indices.map { ($0, transform.snap(pool[$0])) })
        }
        var cells: [Int: [Double]] = [:]
        for row in scores {
            let order = pool.indices.sorted { row[$0] > row[$1] }
            var found = Set<[Double]>()
            for index in order {
                let cell = cells[index] ?? transform.snap(pool[index])
                cells[index] = cell
                if !seen.contains(cell), found.insert(cell).inserted, found.count >= limit { break }
            }
        }
        return cells
    }

    /// The snapped points one discrete move away from `point`: another category in one one-hot group, or the
    /// integer cell above or below in one integer coordinate.
    static func discreteNeighbours(of point: [Double], _ transform: SpaceTransform) -> [[Double]] {
        var neighbours: [[Double]] = []
        var visitedGroups = Set<Int>()
        for (index, coordinate) in transform.coordinates.enumerated() {
            if coordinate.category != nil {
                guard visitedGroups.insert(coordinate.group.lowerBound).inserted else { continue }
                for category in coordinate.group where point[category] < 0.5 {
                    var moved = point
                    for other in coordinate.group { moved[other] = other == category ? 1 : 0 }
                    neighbours.append(transform.snap(moved))
                }
            } else if coordinate.kind == .integer || coordinate.kind == .categorical {
                let step = 1 / Double(max(coordinate.levels ?? 100, 1))
                for direction in [-1.0, 1.0] {
                    var moved = point
                    moved[index] = min(max(point[index] + direction * step, 0), 1)
                    let snappedMove = transform.snap(moved)
                    if snappedMove != point { neighbours.append(snappedMove) }
                }
            }
        }
        return neighbours
    }
}

/// A snapped point as a set member: equal as `[Double]` is, hashed from one word mixed from its coordinates' bits
/// (thousands of candidates per suggestion; `[Double]`'s own hashing feeds every coordinate to the hasher).
struct SnappedCell: Hashable {
    let point: [Double]

    init(_ point: [Double]) { self.point = point }

    static func == (a: SnappedCell, b: SnappedCell) -> Bool { a.point == b.point }

    func hash(into hasher: inout Hasher) {
        // Equal coordinates have equal bits but for the two zeros, which are mixed as one.
        var mixed = UInt64(truncatingIfNeeded: point.count)
        for value in point {
            let bits = value == 0 ? 0 : value.bitPattern
            mixed = (mixed ^ bits) &* 0x100_0000_01B3 &+ (bits >> 29)
        }
        hasher.combine(mixed)
    }
}

extension SeededGenerator {
    /// A standard normal draw (Box–Muller).
    mutating func nextGaussian() -> Double {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let v = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
