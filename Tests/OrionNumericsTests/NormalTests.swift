import OrionNumerics
import XCTest

final class NormalTests: XCTestCase {
    private struct Values: Decodable {
        let z, pdf, cdf, logCDF, logH, logHDerivative: [Double]
        enum CodingKeys: String, CodingKey {
            case z, pdf, cdf
            case logCDF = "log_cdf"
            case logH = "log_h"
            case logHDerivative = "log_h_derivative"
        }
    }

    func testDensityAndDistributionMatchScipy() throws {
        let f = try Fixture.load("normal.json", as: Values.self)
        // exp(-z²/2) carries a relative error of about z²/2 ulps, in the reference as here.
        // Relative accuracy down to the subnormal range, where only absolute accuracy is meaningful.
        assertClose(f.z.map(Normal.pdf), f.pdf, relative: 1e-12, absolute: 1e-300)
        assertClose(f.z.map(Normal.cdf), f.cdf, relative: 1e-12, absolute: 1e-300)
        assertClose(f.z.map(Normal.logCDF), f.logCDF, relative: 1e-12, absolute: 1e-15)
    }

    func testLogExpectedImprovementIsFiniteAndAccurateFarInTheTail() throws {
        let f = try Fixture.load("normal.json", as: Values.self)
        let logH = f.z.map(Normal.logH)
        XCTAssertTrue(logH.allSatisfy(\.isFinite), "\(logH)")
        assertClose(logH, f.logH, relative: 1e-10, absolute: 1e-12)
        assertClose(f.z.map(Normal.logHDerivative), f.logHDerivative, relative: 1e-9, absolute: 1e-12)
    }

    func testLogHIsIncreasingAndContinuousAcrossItsBranches() {
        var previous = -Double.infinity
        for step in 0...4000 {
            let z = -60 + Double(step) * 0.02
            let value = Normal.logH(z)
            XCTAssertGreaterThan(value, previous, "at z = \(z)")
            previous = value
        }
        for joint in [-37.0, -1.0, 5.0] {
            XCTAssertEqual(Normal.logH(joint.nextDown), Normal.logH(joint.nextUp), accuracy: 1e-9)
        }
    }

    func testLogExpectedImprovementOfAPosterior() {
        // EI of N(1, 2²) below best 0: 2 h(-0.5).
        let expected = log(2 * (Normal.pdf(-0.5) - 0.5 * Normal.cdf(-0.5)))
        XCTAssertEqual(Normal.logExpectedImprovement(mean: 1, sd: 2, best: 0), expected, accuracy: 1e-14)
        XCTAssertEqual(Normal.logExpectedImprovement(mean: 1, sd: 0, best: 3), log(2), accuracy: 1e-15)
        XCTAssertEqual(Normal.logExpectedImprovement(mean: 1, sd: 0, best: 0), -.infinity)
    }
}
