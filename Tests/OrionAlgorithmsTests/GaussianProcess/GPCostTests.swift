import Foundation
import OrionCore
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
}
