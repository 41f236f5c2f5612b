import Foundation
import OrionNumerics
import XCTest

/// The parallel map: the sequential map's results, in order, whatever the scheduling.
final class ParallelTests: XCTestCase {
    func testTheMapGivesEachIndexItsOwnResultInOrder() {
        // Pieces of very unequal cost, so that they finish out of order.
        let piece: @Sendable (Int) -> Double = { index in
            var sum = 0.0
            for step in 0..<((index % 3) * 20_000 + 1) { sum += sin(Double(step + index)) }
            return sum
        }
        let sequential = (0..<37).map(piece)
        for _ in 0..<5 { XCTAssertEqual(Parallel.map(37, piece), sequential) }
        XCTAssertEqual(Parallel.map(0) { $0 }, [])
        XCTAssertEqual(Parallel.map(1) { $0 + 5 }, [5])
    }

    func testThePartsCoverTheItemsOnceInOrderAndAreNotTooSmall() {
        XCTAssertEqual(Parallel.parts(10, minimumPart: 100), 1)
        XCTAssertEqual(Parallel.parts(0, minimumPart: 0), 1)
        XCTAssertEqual(Parallel.parts(1_000_000, minimumPart: 1), Parallel.threads)
        for count in [0, 1, 7, 1000, 2063] {
            for parts in 1...5 {
                let ranges = (0..<parts).map { Parallel.range($0, of: parts, count: count) }
                XCTAssertEqual(ranges.first?.lowerBound, 0)
                XCTAssertEqual(ranges.last?.upperBound, count)
                for (left, right) in zip(ranges, ranges.dropFirst()) {
                    XCTAssertEqual(left.upperBound, right.lowerBound)
                }
                XCTAssertLessThanOrEqual(ranges.map(\.count).max()! - ranges.map(\.count).min()!, 1)
            }
        }
    }

    func testMapsRunOnTheCallerInsideAMapOrSequentially() {
        let caller = pthread_self()
        let inside: [Bool] = Parallel.sequentially {
            Parallel.map(4) { _ in pthread_equal(pthread_self(), caller) != 0 }
        }
        XCTAssertEqual(inside, [true, true, true, true])
        // A map inside a map's piece runs on that piece's thread, and still gives every result in order.
        let nested = Parallel.map(3) { outer in Parallel.map(3) { outer * 10 + $0 } }
        XCTAssertEqual(nested, [[0, 1, 2], [10, 11, 12], [20, 21, 22]])
    }
}
