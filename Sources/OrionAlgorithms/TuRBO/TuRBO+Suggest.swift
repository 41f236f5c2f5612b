import Foundation
import OrionCore
import OrionNumerics

extension TuRBO {
    /// The trials the local model is fitted on at most: the run's trials nearest the incumbent.
    static let fitLimit = 200

    /// The local GP of the current run and its trust region.
    struct LocalModel {
        /// The GP (pending points included at their believed values).
        var process: GaussianProcess
        /// The best target of the run.
        let best: Double
        /// The run's best trial: the centre of the box.
        let center: [Double]
        /// The box, inside the unit cube.
        let lower: [Double]
        let upper: [Double]

        /// One joint draw of the GP's latent function at `points` (Thompson sampling); `nil` when the posterior
        /// covariance cannot be factored.
        ///
        /// - Complexity: O(n m² + m³) for m points and n trials.
        func draw(_ points: [[Double]], using generator: inout SeededGenerator) -> [Double]? {
            let m = points.count
            let n = process.count
            let flat = points.flatMap { $0 }
            let cross = process.crossCovariance(flat, count: m)
            var mean = [Double](repeating: 0, count: m)
            for i in 0..<n {
                let a = process.alpha[i]
                for j in 0..<m { mean[j] += cross[i * m + j] * a }
            }
            let v = Triangular.solveLower(process.cholesky.lower, size: n, cross, columns: m)
            var covariance = GaussianProcess.kernelMatrix(
                flat,
                count: m,
                width: process.width,
                process.inverseSquaredLengthscales,
                process.hyperparameters
            )
            v.withUnsafeBufferPointer { v in
                covariance.withUnsafeMutableBufferPointer { c in
                    for k in 0..<n {
                        let row = k * m
                        for i in 0..<m {
                            let vi = v[row + i]
                            if vi == 0 { continue }
                            for j in 0...i { c[i * m + j] -= vi * v[row + j] }
                        }
                    }
                    for i in 0..<m { for j in 0..<i { c[j * m + i] = c[i * m + j] } }
                }
            }
            let variance = process.hyperparameters.signalVariance
            guard let factor = try? Cholesky(covariance, size: m, maxJitter: 1e-2 * variance) else { return nil }
            let z = (0..<m).map { _ in TuRBO.gaussian(using: &generator) }
            return (0..<m).map { i in
                var value = mean[i]
                for j in 0...i { value += factor.lower[i * m + j] * z[j] }
                return value
            }
        }

        /// The model with `point` pending at its posterior mean (kriging believer); unchanged when the extended
        /// kernel matrix cannot be factored.
        func believing(_ point: [Double]) -> LocalModel {
            let mean = process.predict(point, count: 1).mean[0]
            guard
                let extended = try? GaussianProcess(
                    inputs: process.inputs + point,
                    width: process.width,
                    targets: process.targets + [mean],
                    hyperparameters: process.hyperparameters,
                    trend: process.trend
                )
            else { return self }
            var copy = self
            copy.process = extended
            return copy
        }
    }

    /// Up to `count` new points: each run's design first, then maximizers of the acquisition inside the trust
    /// region, each new point a pending one for the next.
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
        let design = initialPoints(width: transform.width)
        var seen = Set(records.map(\.vector))
        let run = records.filter { $0.run == region.run }
        let completed = Self.learnedRecords(run)
        var suggestions: [Suggestion] = []
        var model: LocalModel?
        var fitted = false
        while suggestions.count < count {
            var vector: [Double]?
            if transform.width > 0 {
                if (completed.count < design && region.designSuggested < design) || completed.count < 2 {
                    vector = nextDesignPoint(transform, seen: seen)
                    if vector != nil { region.designSuggested += 1 }
                } else {
                    if !fitted {
                        model = fit(transform, completed: completed, pending: run.filter { $0.kind == .pending })
                        fitted = true
                    }
                    if let current = model {
                        vector = propose(current, transform, seen: seen)
                        if let vector { model = current.believing(vector) }
                    }
                }
            }
            guard let point = vector ?? randomUnseen(context, transform, seen: seen) else { break }
            seen.insert(point)
            suggestions.append(Suggestion(transform.decode(point)))
        }
        return suggestions
    }

    /// The next design point not seen yet (skipping those that snap onto a seen configuration).
    private mutating func nextDesignPoint(_ transform: SpaceTransform, seen: Set<[Double]>) -> [Double]? {
        var scrambler = SeededGenerator(seed: designSeed)
        let halton = ScrambledHalton(dimensions: transform.width, using: &scrambler)
        for _ in 0..<64 {
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

    /// The run's trials the local model learns from, as `gp` learns them.
    ///
    /// The completed ones, then the failed ones that lie in a failing region (``FailingRegion``) at the run's worst
    /// completed objective; none before a trial of the run has completed. Left out, a region where the script fails
    /// drew most of the run's trials (probe hC3: 62 broken trials in a row).
    ///
    /// - Parameter run: the current run's records.
    /// - Returns: the training points, each with an objective.
    static func learnedRecords(_ run: [Record]) -> [Record] {
        let completed = run.filter { $0.kind == .completed }
        guard let worst = completed.compactMap(\.objective).max() else { return completed }
        let failed = run.filter { $0.kind == .failed }
        let observed = run.filter { $0.kind != .pending }.map { ($0.vector, $0.kind == .failed) }
        let inRegion = FailingRegion.contains(failed.map(\.vector), among: observed)
        return completed
            + zip(failed, inRegion).filter(\.1).map {
                var record = $0.0
                record.kind = .completed
                record.objective = worst
                return record
            }
    }

    /// Fits the local GP to the run's completed trials (at most ``fitLimit``, those nearest the incumbent) and
    /// builds the trust region around the incumbent.
    private mutating func fit(_ transform: SpaceTransform, completed all: [Record], pending: [Record]) -> LocalModel? {
        let w = transform.width
        guard let incumbent = all.min(by: { ($0.objective ?? .infinity) < ($1.objective ?? .infinity) }) else {
            return nil
        }
        var completed = all
        if completed.count > Self.fitLimit {
            func distance(_ record: Record) -> Double {
                zip(record.vector, incumbent.vector).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            }
            completed = Array(completed.sorted { distance($0) < distance($1) }.prefix(Self.fitLimit))
        }
        var starts: [[Double]] = []
        if let lastFit, lastFit.count == w + 2 { starts.append(lastFit) }
        if starts.isEmpty || completed.count % 5 == 0 { starts.append(GPPrior(width: w).center) }
        let fitted = GPFit(
            inputs: completed.flatMap(\.vector),
            width: w,
            values: completed.compactMap(\.objective),
            pending: pending.flatMap(\.vector),
            starts: starts,
            maxIterations: 50
        )
        let hyper = fitted.hyperparameters
        lastFit = hyper.logVector
        guard let process = fitted.process else { return nil }
        // The box: side `length`, stretched by the lengthscales (clipped to [0.005, 2], TuRBO's bounds: a
        // coordinate the GP finds irrelevant does not stretch the box over the whole cube) normalized to a
        // geometric mean of 1.
        let scales = hyper.lengthscales.map { min(max($0, 0.005), 2) }
        let meanScale = scales.reduce(0, +) / Double(w)
        let logGeometric = scales.reduce(0) { $0 + log($1 / meanScale) } / Double(w)
        let weights = scales.map { $0 / meanScale / exp(logGeometric) }
        let half = weights.map { $0 * region.length / 2 }
        let center = incumbent.vector
        return LocalModel(
            process: process,
            best: fitted.targets.min() ?? 0,
            center: center,
            lower: zip(center, half).map { max($0 - $1, 0) },
            upper: zip(center, half).map { min($0 + $1, 1) }
        )
    }

    /// The best unseen point of the trust region by Thompson sampling: candidates are the incumbent with random
    /// coordinates moved to quasi-random values of the box, and the one where a joint draw of the GP is lowest
    /// (snapped to the space) wins.
    private mutating func propose(_ model: LocalModel, _ transform: SpaceTransform, seen: Set<[Double]>) -> [Double]? {
        let w = transform.width
        let count = options.nCandidates ?? min(25 * w, 300)
        let probability = min(1, 20 / Double(w))
        let halton = ScrambledHalton(dimensions: w, using: &generator)
        var candidates: [[Double]] = []
        candidates.reserveCapacity(count)
        for point in halton.points(count, from: Int(generator.next() % 1_000_000)) {
            var candidate = model.center
            var moved = false
            for j in 0..<w where Double.random(in: 0..<1, using: &generator) < probability {
                candidate[j] = model.lower[j] + (model.upper[j] - model.lower[j]) * point[j]
                moved = true
            }
            if !moved {
                let j = Int.random(in: 0..<w, using: &generator)
                candidate[j] = model.lower[j] + (model.upper[j] - model.lower[j]) * point[j]
            }
            candidates.append(candidate)
        }
        guard let values = model.draw(candidates, using: &generator) else { return nil }
        let ranked = candidates.indices.sorted { values[$0] < values[$1] }.map { (point: candidates[$0], score: 0.0) }
        for entry in ranked {
            let point = transform.snap(entry.point)
            if !seen.contains(point) { return point }
        }
        return nil
    }
}

extension TuRBO {
    /// A standard normal draw (Box–Muller).
    static func gaussian(using generator: inout SeededGenerator) -> Double {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &generator)
        let v = Double.random(in: 0..<1, using: &generator)
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
