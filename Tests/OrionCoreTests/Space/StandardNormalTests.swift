import XCTest

@testable import OrionCore

final class StandardNormalTests: XCTestCase {
    func testKnownValues() {
        // Reference values from scipy.stats.norm.ppf / norm.cdf.
        XCTAssertEqual(StandardNormal.quantile(0.5), 0)
        XCTAssertEqual(StandardNormal.quantile(0.975), 1.959963984540054, accuracy: 1e-14)
        XCTAssertEqual(StandardNormal.quantile(0.01), -2.3263478740408408, accuracy: 1e-14)
        XCTAssertEqual(StandardNormal.quantile(1e-10), -6.361340902404056, accuracy: 1e-13)
        XCTAssertEqual(StandardNormal.quantile(0x1p-53), -8.209536151601387, accuracy: 1e-12)
        XCTAssertEqual(StandardNormal.cdf(1.959963984540054), 0.975, accuracy: 1e-15)
        XCTAssertEqual(StandardNormal.cdf(-6.361340902404056), 1e-10, accuracy: 1e-24)
        XCTAssertEqual(StandardNormal.cdf(0), 0.5)
    }

    func testEdges() {
        XCTAssertEqual(StandardNormal.quantile(0), -.infinity)
        XCTAssertEqual(StandardNormal.quantile(1), .infinity)
        XCTAssertEqual(StandardNormal.quantile(-1), -.infinity)
        XCTAssertTrue(StandardNormal.quantile(.nan).isNaN)
        XCTAssertEqual(StandardNormal.cdf(-.infinity), 0)
        XCTAssertEqual(StandardNormal.cdf(.infinity), 1)
    }

    func testQuantileInvertsTheCDFAndIsSymmetric() {
        var rng = SeededGenerator(seed: 3)
        for _ in 0..<2_000 {
            let upper = Double.random(in: 0.5..<1, using: &rng)  // 1 - upper is exact
            XCTAssertEqual(StandardNormal.quantile(upper), -StandardNormal.quantile(1 - upper), "p = \(upper)")
            let p = Double.random(in: 1e-12..<1, using: &rng)
            let z = Double.random(in: -8...5, using: &rng)  // above 5, cdf(z) rounds to a few values near 1
            XCTAssertEqual(StandardNormal.quantile(StandardNormal.cdf(z)), z, accuracy: 1e-7 * max(1, abs(z)))
            XCTAssertEqual(StandardNormal.cdf(StandardNormal.quantile(p)), p, accuracy: 1e-13 * p)
        }
    }

    func testQuantileIsNonDecreasing() {
        var previous = -Double.infinity
        for step in 1..<20_000 {
            let p = Double(step) / 20_000
            let z = StandardNormal.quantile(p)
            XCTAssertGreaterThanOrEqual(z, previous, "p = \(p)")
            previous = z
        }
    }
}
