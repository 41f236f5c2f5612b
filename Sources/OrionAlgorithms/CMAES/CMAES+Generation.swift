import Foundation
import OrionCore

extension CMAES {
    /// Starts the first run: at the best trial so far when `fromBest`, else at the centre of the cube.
    mutating func start(layout: Layout, fromBest: Bool) {
        let n = layout.numeric.count
        let population = options.populationSize ?? Self.defaultPopulation(n)
        var mean = Array(repeating: 0.5, count: n)
        if fromBest, let best {
            mean = layout.numeric.map { best.vector[$0] }
        }
        var fresh = SearchDistribution(
            mean: mean,
            sigma: options.sigma0,
            populationSize: population,
            categoryCounts: layout.categoryCounts
        )
        fresh.correctMargins(integerCells: layout.cells)
        distribution = fresh
    }

    /// Tells the generation once λ of its draws have results, then restarts if the run has converged.
    mutating func finishGenerationIfReady(layout: Layout) {
        guard var current = distribution else { return }
        let evaluated = members.filter { $0.objective != nil }
        guard evaluated.count >= current.populationSize else { return }
        let ranked = evaluated.enumerated().sorted {
            ($0.element.objective ?? .infinity, $0.offset) < ($1.element.objective ?? .infinity, $1.offset)
        }.map(\.element)
        current.update(ranked: ranked.map { ($0.x, $0.categories) }, integerCells: layout.cells)
        members = []
        if restarts.inSmallRegime {
            restarts.smallBudget += evaluated.count
        } else {
            restarts.largeBudget += evaluated.count
        }
        let values = ranked.compactMap(\.objective)
        restarts.history.append(values.first ?? .infinity)
        let window = 10 + Int((30 * Double(layout.numeric.count) / Double(current.populationSize)).rounded(.up))
        if restarts.history.count > window { restarts.history.removeFirst(restarts.history.count - window) }
        let spread = (values.max() ?? 0) - (values.min() ?? 0)
        let historySpread = (restarts.history.max() ?? 0) - (restarts.history.min() ?? 0)
        let flat = restarts.history.count >= window && max(spread, historySpread) < 1e-12
        let stagnant = !evaluated.contains(where: \.fresh)
        distribution = current
        if options.restartStrategy != .none && (current.hasConverged || flat || stagnant) {
            restart(layout: layout)
        }
    }

    /// A new run from a random mean: IPOP doubles the population; BIPOP runs a small population with a smaller
    /// step instead whenever small runs have used fewer evaluations than large ones.
    mutating func restart(layout: Layout) {
        let n = layout.numeric.count
        let base = options.populationSize ?? Self.defaultPopulation(n)
        var population: Int
        var sigma = options.sigma0
        let largePopulation = base << min(restarts.large, 20)
        if options.restartStrategy == .bipop && restarts.large > 0 && restarts.smallBudget < restarts.largeBudget {
            let u = Double.random(in: 0..<1, using: &generator)
            population = max(2, Int(Double(base) * pow(0.5 * Double(largePopulation) / Double(base), u * u)))
            sigma = options.sigma0 * pow(10, -2 * u)
            restarts.inSmallRegime = true
        } else {
            restarts.large += 1
            population = base << min(restarts.large, 20)
            restarts.inSmallRegime = false
        }
        population = min(population, 100_000)
        let mean = (0..<n).map { _ in Double.random(in: 0..<1, using: &generator) }
        var fresh = SearchDistribution(
            mean: mean,
            sigma: sigma,
            populationSize: population,
            categoryCounts: layout.categoryCounts
        )
        fresh.correctMargins(integerCells: layout.cells)
        distribution = fresh
        restarts.history = []
    }
}
