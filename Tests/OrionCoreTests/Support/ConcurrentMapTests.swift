import Synchronization
import XCTest

@testable import OrionCore

final class ConcurrentMapTests: XCTestCase {
    /// The results keep the elements' order whatever order the calls end in, and no more than `limit` calls run at
    /// once (the reports read a PostgreSQL pool of 10 connections with 8).
    func testTheOrderIsKeptAndTheCallsInFlightAreBounded() async throws {
        let inFlight = Mutex((now: 0, most: 0))
        let results = try await Array(0..<40).concurrentMap(limit: 3) { element -> Int in
            inFlight.withLock {
                $0.now += 1; $0.most = max($0.most, $0.now)
            }
            // Later elements end sooner: the results come back out of order.
            try await Task.sleep(for: .milliseconds(2 * (40 - element) % 7 + 1))
            inFlight.withLock { $0.now -= 1 }
            return element * element
        }
        XCTAssertEqual(results, (0..<40).map { $0 * $0 })
        XCTAssertEqual(inFlight.withLock { $0.most }, 3)
    }

    func testAnErrorIsRethrown() async {
        struct Failure: Error {}
        do {
            _ = try await Array(0..<10).concurrentMap(limit: 4) { element -> Int in
                if element == 6 { throw Failure() }
                return element
            }
            XCTFail("the error was not rethrown")
        } catch {
            XCTAssertTrue(error is Failure)
        }
        let one = try? await [5].concurrentMap(limit: 4) { $0 + 1 }
        XCTAssertEqual(one, [6])
    }
}
