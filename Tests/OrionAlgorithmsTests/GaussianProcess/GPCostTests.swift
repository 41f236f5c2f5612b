import Foundation
import OrionCore
import OrionNumerics
import XCTest

@testable import OrionAlgorithms

/// The parts of `gp` that bound its cost: which candidates are snapped.
final class GPCostTests: XCTestCase {
    private func transform(_ priors: [String: String]) -> SpaceTransform {
        SpaceTransform(try! Space(priors: priors), categoricalEncoding: .oneHot)
    }

    func testTheBestCandidatesOfEachAcquisitionAreSnapped() {
        let reals = transform(["/a": "uniform(0, 1)", "/b": "uniform(0, 1)"])
        var generator = SeededGenerator(seed: 4)
        let pool = (0..<500).map { _ in
            [Double.random(in: 0..<1, using: &generator), .random(in: 0..<1, using: &generator)]
        }
        let scores = [pool.map { -abs($0[0] - 0.3) }, pool.map { $0[1] }]
        let cells = GPBO.bestCells(pool, scores: scores, reals, seen: [], limit: 10)
        XCTAssertLessThanOrEqual(cells.count, 20)
        for row in scores {
            let order = pool.indices.sorted { row[$0] > row[$1] }
            for index in order.prefix(10) { XCTAssertEqual(cells[index], reals.snap(pool[index])) }
        }
    }

    func testSeenAndRepeatedCellsDoNotCountAndTheRankingIsWalkedInOrder() {
        let integers = transform(["/k": "uniform(0, 10, discrete=True)"])
        var generator = SeededGenerator(seed: 9)
        let pool = (0..<200).map { _ in [Double.random(in: 0..<1, using: &generator)] }
        let score = pool.map { -abs($0[0] - 0.52) }
        let best = pool.indices.max { score[$0] < score[$1] }!
        let seen: Set<[Double]> = [integers.snap(pool[best])]
        let cells = GPBO.bestCells(pool, scores: [score], integers, seen: seen, limit: 3)
        // Three new cells besides the seen one, although many candidates snap to each.
        XCTAssertEqual(Set(cells.values).subtracting(seen).count, 3)
        XCTAssertGreaterThan(cells.count, 3)
        XCTAssertEqual(cells[best], integers.snap(pool[best]))
        // The snapped candidates are the best ones: a prefix of the ranking.
        let walked = cells.keys.map { score[$0] }.min()!
        let skipped = pool.indices.filter { cells[$0] == nil }.map { score[$0] }.max()!
        XCTAssertGreaterThanOrEqual(walked, skipped)
        for (index, cell) in cells { XCTAssertEqual(cell, integers.snap(pool[index])) }
    }

    func testTheOverlapMemoGivesTheFactorsToTheBit() {
        var memo = OverlapMemo()
        var generator = SeededGenerator(seed: 11)
        // A few repeated distances (as between one-hot vectors) among many distinct ones (relaxed candidates), and
        // zeros of both signs: every factor is the one computed afresh, whatever the slot collisions.
        let repeated = (0..<5).map { _ in Double.random(in: 0.01..<20, using: &generator) }
        for step in 0..<5_000 {
            let squared: Double
            switch step % 4 {
            case 0: squared = repeated[Int(generator.next() % 5)]
            case 1: squared = Double.random(in: 0..<50, using: &generator)
            case 2: squared = step % 8 == 2 ? 0 : -0.0
            default: squared = repeated[Int(generator.next() % 5)] + repeated[Int(generator.next() % 5)]
            }
            let factor = memo.factor(squared)
            XCTAssertEqual(factor.bitPattern, KernelStructure.overlap(squared).bitPattern, "at \(squared)")
        }
    }

    func testSnappedCellsAreEqualAndHashedAsTheirCoordinates() {
        var generator = SeededGenerator(seed: 12)
        let points = (0..<300).map { _ in (0..<4).map { _ in Double(Int.random(in: 0..<3, using: &generator)) / 2 } }
        var cells = Set<SnappedCell>()
        var plain = Set<[Double]>()
        for point in points {
            XCTAssertEqual(cells.insert(SnappedCell(point)).inserted, plain.insert(point).inserted)
        }
        XCTAssertEqual(cells.count, plain.count)
        // The two zeros are equal coordinates: one cell, one hash.
        XCTAssertEqual(SnappedCell([0, 1]), SnappedCell([-0.0, 1]))
        XCTAssertEqual(SnappedCell([0, 1]).hashValue, SnappedCell([-0.0, 1]).hashValue)
        XCTAssertNotEqual(SnappedCell([0, 1]), SnappedCell([0, 1, 0]))
        XCTAssertNotEqual(SnappedCell([.nan]), SnappedCell([.nan]))
    }

    /// A GP on `n` random points of the 4-cube, product or additive kernel.
    private func randomProcess(_ n: Int, additive: Bool, seed: UInt64) throws -> GaussianProcess {
        var generator = SeededGenerator(seed: seed)
        let inputs = (0..<(n * 4)).map { _ in Double.random(in: 0..<1, using: &generator) }
        let targets: [Double] = (0..<n).map { i in
            let (a, b, c) = (inputs[4 * i], inputs[4 * i + 1], inputs[4 * i + 2])
            return sin(6 * a) + b * c
        }
        var hyper = GPHyperparameters(lengthscales: [0.3, 0.5, 0.7, 0.9], signalVariance: 1.2, noiseVariance: 1e-4)
        let reals = transform([
            "/a": "uniform(0, 1)", "/b": "uniform(0, 1)", "/c": "uniform(0, 1)", "/d": "uniform(0, 1)",
        ])
        var structure = KernelStructure(reals, categories: false, integers: false, additive: additive)
        structure.additive?.weight = additive ? 0.4 : 0
        hyper.structure = structure
        return try GaussianProcess(inputs: inputs, width: 4, targets: targets, hyperparameters: hyper)
    }

    func testManyPointsArePredictedInPartsToTheBit() throws {
        for additive in [false, true] {
            let process = try randomProcess(60, additive: additive, seed: additive ? 3 : 2)
            var generator = SeededGenerator(seed: 5)
            let m = 3_000
            let points = (0..<(m * 4)).map { _ in Double.random(in: 0..<1, using: &generator) }
            // Enough points for one part per core (at least 34 points each for 60 inputs in 4 dimensions).
            let whole = process.predict(points, count: m)
            for j in stride(from: 0, to: m, by: 7) {
                let alone = process.predict(Array(points[(4 * j)..<(4 * j + 4)]), count: 1)
                XCTAssertEqual(whole.mean[j].bitPattern, alone.mean[0].bitPattern, "point \(j)")
                XCTAssertEqual(whole.variance[j].bitPattern, alone.variance[0].bitPattern, "point \(j)")
            }
        }
    }

    func testAFitFromSeveralStartsKeepsTheBestRunInTheOrderOfTheStarts() {
        var generator = SeededGenerator(seed: 8)
        let n = 30
        let inputs = (0..<(n * 2)).map { _ in Double.random(in: 0..<1, using: &generator) }
        let targets: [Double] = (0..<n).map { i in cos(5 * inputs[2 * i]) - inputs[2 * i + 1] }
        let prior = GPPrior(width: 2, warped: [], lengthscalePrior: .logLengthscale, additive: false)
        let starts = [prior.center, prior.lower.map { $0 + 0.5 }, prior.upper.map { $0 - 0.5 }, prior.center]
        func fit(_ starts: [[Double]]) -> GPHyperparameters {
            GaussianProcess.fitHyperparameters(
                inputs: inputs,
                width: 2,
                targets: targets,
                starts: starts,
                maxIterations: 40
            )
        }
        func value(_ hyper: GPHyperparameters) -> Double {
            GaussianProcess.negativeLogPosterior(
                hyper.logVector,
                inputs: inputs,
                width: 2,
                targets: targets,
                prior: prior,
                structure: .numeric
            ).0
        }
        let alone = starts.map { fit([$0]) }
        let best = alone.indices.min { value(alone[$0]) < value(alone[$1]) }!
        XCTAssertEqual(fit(starts), alone[best])
        XCTAssertEqual(fit(starts), fit(starts), "the same result whatever the scheduling")
    }

    func testTheLogPosteriorWithItsRowsInPartsEqualsItWithoutThreads() {
        // Enough trials for the kernel rows and the inverse's rows to be shared among the cores.
        var generator = SeededGenerator(seed: 12)
        let n = 260
        let inputs = (0..<(n * 4)).map { _ in Double.random(in: 0..<1, using: &generator) }
        let targets: [Double] = (0..<n).map { i in sin(4 * inputs[4 * i]) + inputs[4 * i + 3] }
        let reals = transform([
            "/a": "uniform(0, 1)", "/b": "uniform(0, 1)", "/c": "uniform(0, 1)", "/d": "uniform(0, 1)",
        ])
        for additive in [false, true] {
            let prior = GPPrior(width: 4, warped: [], lengthscalePrior: .logLengthscale, additive: additive)
            let structure = KernelStructure(reals, categories: false, integers: false, additive: additive)
            let theta = prior.center.enumerated().map { $0.element + 0.1 * Double($0.offset % 3) }
            func evaluate() -> (Double, [Double]) {
                GaussianProcess.negativeLogPosterior(
                    theta,
                    inputs: inputs,
                    width: 4,
                    targets: targets,
                    prior: prior,
                    structure: structure
                )
            }
            let (value, gradient) = evaluate()
            let (alone, aloneGradient) = Parallel.sequentially(evaluate)
            XCTAssertTrue(value.isFinite)
            XCTAssertEqual(value.bitPattern, alone.bitPattern, "additive: \(additive)")
            XCTAssertEqual(gradient.map(\.bitPattern), aloneGradient.map(\.bitPattern), "additive: \(additive)")
        }
    }
}

/// `gp` on many trials (an experiment loaded from a dump, a long run with `gp` named explicitly): its model
/// conditions on a bounded subset, so that a suggestion costs the same at any number of trials. On 100,000 trials it
/// asked for an 80 GB matrix and the process was aborted; on 10,000 a suggestion took a minute.
final class GPObservationLimitTests: XCTestCase {
    func testTheModelConditionsOnTheBestHalfOfTheLimitAndASpreadOfTheOthers() throws {
        let context = AlgorithmContext(
            space: try Space(priors: ["/x": "uniform(0, 1)", "/y": "uniform(0, 1)", "/z": "uniform(0, 1)"])
        )
        var gp = GPBO(options: try GPBO.Options.decode(["seed": .int(5)], algorithm: "gp"), context: context)
        var generator = SeededGenerator(seed: 8)
        let n = 3 * GPBO.observationLimit
        let transform = GPBO.transform(context)
        let trials = (0..<n).map { index in
            let point = (0..<3).map { _ in Double.random(in: 0..<1, using: &generator) }
            var trial = Trial(experimentID: "e", params: transform.decode(point))
            trial.id = "t\(index)"
            trial.status = .completed
            trial.results = [.objective(point.reduce(0) { $0 + ($1 - 0.3) * ($1 - 0.3) })]
            return trial
        }
        gp.observe(trials, context: context)
        let completed = gp.records.filter { $0.kind == .completed }
        XCTAssertEqual(completed.count, n)

        let modelled = GPBO.modelledTrials(completed)
        XCTAssertEqual(modelled.count, GPBO.observationLimit)
        let positions = modelled.map { gp.positions[$0.id] ?? -1 }
        XCTAssertEqual(positions, positions.sorted(), "the trials keep the order they were observed in")
        let objectives = completed.compactMap(\.objective).sorted()
        let modelledObjectives = modelled.compactMap(\.objective).sorted()
        let half = GPBO.observationLimit / 2
        XCTAssertEqual(Array(modelledObjectives.prefix(half)), Array(objectives.prefix(half)), "the best half")
        XCTAssertGreaterThan(modelledObjectives.last ?? 0, objectives[n * 99 / 100], "a spread up to the worst")

        let model = try XCTUnwrap(gp.fit(transform, completed: completed))
        XCTAssertEqual(model.process.count, GPBO.observationLimit)
        let suggestions = gp.suggest(count: 2, context: context)
        XCTAssertEqual(suggestions.count, 2)
        XCTAssertEqual(GPBO.modelledTrials(Array(completed.prefix(10))), Array(completed.prefix(10)), "few: all")
    }
}
