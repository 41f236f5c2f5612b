import Foundation
import OrionTesting
import XCTest

@testable import OrionCore

/// The scipy.stats distributions that priors may name: CDF and quantile against scipy's own values
/// (Fixtures/scipy_distributions.json, written by Fixtures/generate.py), parsing, sampling and the space transform.
final class ScipyDistributionTests: XCTestCase {
    private struct Case: Decodable {
        var prior: String
        var family: String
        var support: [Double?]
        var probabilities: [Double]
        var quantiles: [Double]
        var points: [Double]
        var cdf: [Double]
    }

    private func cases() throws -> [Case] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/scipy_distributions.json")
        return try JSONDecoder().decode([Case].self, from: Data(contentsOf: url))
    }

    private func distribution(_ prior: String) throws -> (SpaceDimension, ScipyDistribution) {
        let dimension = try PriorExpression.parse(prior, name: "/x")
        guard case .scipy(let distribution) = dimension.prior else {
            throw XCTSkip("\(prior) did not parse to a scipy distribution")
        }
        return (dimension, distribution)
    }

    func testCDFQuantileAndSupportMatchScipy() throws {
        let all = try cases()
        XCTAssertEqual(Set(all.map(\.family)).count, ScipyDistribution.Family.allCases.count, "a family is untested")
        for reference in all {
            let (dimension, distribution) = try distribution(reference.prior)
            XCTAssertEqual(dimension.priorString, reference.prior, "canonical form")
            XCTAssertEqual(distribution.family.rawValue, reference.family)
            let (low, high) = distribution.support
            XCTAssertEqual(low, reference.support[0] ?? -.infinity, reference.prior)
            XCTAssertEqual(high, reference.support[1] ?? .infinity, reference.prior)
            for (x, expected) in zip(reference.points, reference.cdf) {
                let cdf = distribution.cdf(x)
                // Relative in the lower tail, absolute near 1 (a CDF of 1 - 1e-6 keeps ~10 digits in doubles).
                let tolerance = 1e-10 * min(expected, 1 - expected) + 2e-15
                XCTAssertEqual(
                    cdf,
                    expected,
                    accuracy: max(tolerance, 1e-12 * expected),
                    "\(reference.prior) cdf(\(x))"
                )
            }
            for (p, expected) in zip(reference.probabilities, reference.quantiles) {
                let quantile = distribution.quantile(p)
                if distribution.family.isDiscrete {
                    XCTAssertEqual(quantile, expected, "\(reference.prior) ppf(\(p))")
                } else {
                    XCTAssertEqual(
                        quantile,
                        expected,
                        accuracy: 1e-9 * abs(expected) + 1e-14,
                        "\(reference.prior) ppf(\(p))"
                    )
                }
            }
        }
    }

    func testQuantileInvertsTheCDFEverywhere() throws {
        var rng = SeededGenerator(seed: 11)
        for reference in try cases() {
            let (_, distribution) = try distribution(reference.prior)
            var previous = -Double.infinity
            for index in 1..<400 {
                let p = Double(index) / 400
                let x = distribution.quantile(p)
                XCTAssertGreaterThanOrEqual(x, previous, "\(reference.prior): quantile decreases at \(p)")
                previous = x
                if distribution.family.isDiscrete {
                    XCTAssertGreaterThanOrEqual(distribution.cdf(x), p, "\(reference.prior) at \(p)")
                    XCTAssertLessThan(distribution.cdf(x - 1), p, "\(reference.prior): not the smallest k at \(p)")
                } else {
                    // x is p's quantile to the nearest double: the CDF crosses p within one ulp of x (`loc + scale *
                    // z` cannot place x closer, as in scipy), up to the CDF's own rounding.
                    let message = "\(reference.prior) at \(p): cdf(\(x)) = \(distribution.cdf(x))"
                    XCTAssertGreaterThanOrEqual(distribution.cdf(x.nextUp), p * (1 - 1e-12), message)
                    XCTAssertLessThanOrEqual(distribution.cdf(x.nextDown), p * (1 + 1e-12), message)
                }
            }
            let random = Double.random(in: 0..<1, using: &rng)
            XCTAssertTrue(distribution.quantile(random).isFinite)
        }
    }

    func testParsingAndCanonicalStrings() throws {
        let written: [(String, String)] = [
            ("beta(2, 3)", "beta(2, 3)"),
            ("beta(a=2, b=3.5)", "beta(2, 3.5)"),
            ("gamma(2, 1, 0.5)", "gamma(2, loc=1, scale=0.5)"),
            ("gamma(2, scale=0.5)", "gamma(2, scale=0.5)"),
            ("expon()", "expon()"),
            ("expon(loc=0, scale=1)", "expon()"),
            ("poisson(3)", "poisson(3, discrete=True)"),
            ("poisson(3, discrete=True)", "poisson(3, discrete=True)"),
            ("binom(10, 0.5, loc=-5)", "binom(10, 0.5, loc=-5, discrete=True)"),
            ("lognorm(1, scale=0.001, precision=2)", "lognorm(1, scale=0.001, precision=2)"),
            ("gamma(2, discrete=True)", "gamma(2, discrete=True)"),
            ("beta(2, 3, shape=2, default_value=[0.5, 0.5])", "beta(2, 3, shape=2, default_value=[0.5, 0.5])"),
            ("t(3, precision=None)", "t(3, precision=None)"),
        ]
        for (text, canonical) in written {
            let dimension = try PriorExpression.parse(text, name: "/x")
            XCTAssertEqual(dimension.priorString, canonical, text)
            XCTAssertEqual(try PriorExpression.parse(canonical, name: "/x"), dimension, "round trip of \(text)")
        }
        XCTAssertEqual(try PriorExpression.parse("poisson(3)", name: "/k").kind, .integer)
        XCTAssertEqual(try PriorExpression.parse("gamma(2, discrete=True)", name: "/k").kind, .integer)
        XCTAssertEqual(try PriorExpression.parse("gamma(2)", name: "/k").kind, .real)
        let rounded = try PriorExpression.parse("beta(2, 3, loc=-1, scale=3, discrete=True)", name: "/k")
        XCTAssertTrue(rounded.interval! == (-1, 2), "\(rounded.interval!)")
        XCTAssertEqual(rounded.cardinality, 4)
        XCTAssertEqual(try PriorExpression.parse("binom(10, 0.5)", name: "/k").cardinality, 11)
        XCTAssertEqual(try PriorExpression.parse("poisson(2)", name: "/k").cardinality, .infinity)
    }

    func testInvalidScipyPriorsSayWhatIsWrongAndWhere() {
        let failures: [(String, SpaceError.Code, Int, String)] = [
            ("beta(2)", .invalidArguments, 7, "needs its shape parameter b: beta(a, b, loc=..., scale=...)"),
            ("beta(0, 1)", .invalidArguments, 6, "a must be > 0"),
            ("beta(2, 3, 0, 1, 5)", .invalidArguments, 18, "too many arguments"),
            ("beta(2, 3, a=1)", .invalidArguments, 12, "'a' of 'beta' is given twice"),
            ("gamma(2, scale=0)", .invalidArguments, 16, "scale of 'gamma' must be > 0"),
            ("gamma(2, scale=-1)", .invalidArguments, 16, "must be > 0"),
            ("gamma('a')", .invalidArguments, 7, "a of 'gamma' must be a finite number"),
            ("poisson(3, scale=2)", .invalidOption, 12, "unknown option 'scale' for 'poisson'"),
            ("poisson(3, loc=0.5)", .invalidArguments, 16, "must be a whole number"),
            ("poisson(3, discrete=False)", .invalidOption, 21, "poisson is always discrete"),
            ("poisson(3, precision=2)", .invalidOption, 12, "unknown option 'precision'"),
            ("binom(2.5, 0.5)", .invalidArguments, 7, "n must be a whole number"),
            ("binom(0, 0.5)", .invalidArguments, 13, "a single value or none"),
            ("geom(0)", .invalidArguments, 6, "p must lie in (0, 1]"),
            ("triang(2)", .invalidArguments, 8, "c must lie in [0, 1]"),
            ("truncnorm(2, 1)", .invalidArguments, 14, "a must be less than b"),
            ("gamma(2, low=0)", .invalidOption, 10, "truncnorm"),
            ("gamma(2, seed=1)", .invalidOption, 10, "not allowed in a prior"),
            ("gamma(2, discrete=True, precision=3)", .invalidOption, 25, "precision applies to real dimensions"),
            ("gamma(2, default_value=-1)", .invalidOption, 24, "not inside gamma(2)"),
            ("Beta(2, 3)", .unknownPrior, 1, "lower case: 'beta'"),
            ("gumbel_l(0, 1)", .unknownPrior, 1, "scipy.stats distributions beta, cauchy"),
        ]
        for (text, code, column, message) in failures {
            XCTAssertThrowsError(try PriorExpression.parse(text, name: "/x"), text) { error in
                guard let error = error as? SpaceError else { return XCTFail("\(text): \(error)") }
                XCTAssertEqual(error.code, code, "\(text): \(error)")
                XCTAssertEqual(error.column, column, "\(text): \(error)")
                XCTAssertTrue("\(error)".contains(message), "\(text): \(error)")
            }
        }
    }

    /// Extreme parameters within the limits: quantiles end (no endless bisection above 2⁵³), decoded extremes are
    /// finite values of the space, and the CDF stays monotone; beyond the limits, a clear error.
    func testExtremesStayFiniteAndLimitsAreErrors() throws {
        for prior in [
            "geom(1e-12)", "nbinom(1, 1e-12)", "poisson(1e6)", "binom(1000000, 0.5)", "pareto(0.01)",
            "weibull_min(0.01)", "halfnorm(scale=3)", "t(0.5)", "gamma(1e-3)", "beta(1e-3, 1e6)", "truncnorm(30, 31)",
            "halfcauchy()", "lognorm(5)", "cauchy(scale=1e100)",
        ] {
            let (dimension, distribution) = try distribution(prior)
            let transform = SpaceTransform(try Space(dimensions: [dimension]))
            var previous = -Double.infinity
            for unit in [0, 1e-300, 0x1p-53, 1e-9, 0.25, 0.5, 0.75, 1 - 1e-9, 1 - 0x1p-53, 1] {
                let value = transform.decode([unit])
                XCTAssertTrue(dimension.contains(value[dimension.name] ?? .null), "\(prior) at \(unit): \(value)")
                let number = try XCTUnwrap(value[dimension.name]?.doubleValue)
                XCTAssertTrue(number.isFinite && number >= previous, "\(prior) at \(unit): \(number)")
                previous = number
            }
            let (low, high) = distribution.support
            var last = 0.0
            for index in 0...50 {
                let t = Double(index) / 50
                let x = distribution.quantile(0.001 + 0.998 * t)
                XCTAssertTrue(x >= low && x <= high, "\(prior): \(x)")
                let cdf = distribution.cdf(x)
                XCTAssertGreaterThanOrEqual(cdf, last, "\(prior): the CDF decreases at \(x)")
                last = cdf
            }
        }
        // The half-normal's top decodes to its far tail (Φ⁻¹ of (1 + p) / 2 would be infinite).
        let (_, halfnorm) = try distribution("halfnorm(scale=3, precision=None)")
        // scipy's halfnorm.ppf(1 - 2⁻⁵³) is inf; here 3 Φ⁻¹(1 - 2⁻⁵⁴).
        XCTAssertEqual(DimensionCodec.distributionValue(halfnorm, 1), 3 * 8.292361075813597, accuracy: 1e-6)
        // A discrete family reaches the first value of its support: poisson(40)'s 0 has a CDF below 2⁻⁵³.
        let poisson = try PriorExpression.parse("poisson(40)", name: "/k")
        let transform = SpaceTransform(try Space(dimensions: [poisson]))
        let zero: [String: JSONValue] = ["/k": .int(0)]
        XCTAssertEqual(transform.decode(try transform.encode(zero))["/k"], .int(0))
        for (text, column, message) in [
            ("poisson(2e6)", 9, "mu must be at most 1000000.0 here"),
            ("binom(2000000, 0.5)", 7, "n must be a whole number from 0 to"),
            ("beta(2, 1e7)", 9, "b must be at most"),
            ("t(0.1)", 3, "df must be at least 0.5"),
            ("geom(1e-13)", 6, "p must be at least 1e-12"),
            ("truncnorm(40, 41)", 11, "beyond 37 standard deviations"),
            ("beta(2, 0)", 9, "b must be > 0"),
            // No silent clamping of integers: a reach beyond 64 bits, a discrete loc beyond 2^53.
            ("gamma(2, scale=1e300, discrete=True)", 36, "its values reach"),
            ("pareto(0.1, discrete=True)", 26, "remove discrete=True"),
            ("poisson(3, loc=9000000000000000000)", 16, "within ±2^53"),
        ] {
            XCTAssertThrowsError(try PriorExpression.parse(text, name: "/x"), text) { error in
                XCTAssertEqual((error as? SpaceError)?.column, column, "\(text): \(error)")
                XCTAssertTrue("\(error)".contains(message), "\(text): \(error)")
            }
        }
    }

    /// Sampling draws from the distribution: seeded, the sample's mean and quartiles within tolerance bands of the
    /// distribution's own (its quantiles), every draw inside the support and of the dimension's kind.
    func testSamplesFollowTheDistribution() throws {
        let priors = [
            "gamma(2, scale=0.5, precision=None)", "beta(2, 5, precision=None)", "poisson(3)", "binom(20, 0.3)",
            "t(3, precision=None)", "geom(0.25)", "lognorm(0.5, precision=None)", "weibull_min(2, precision=None)",
        ]
        for prior in priors {
            let (dimension, distribution) = try distribution(prior)
            var rng = SeededGenerator(seed: 5)
            let draws = (0..<4000).map { _ in dimension.sample(using: &rng) }
            XCTAssertTrue(draws.allSatisfy(dimension.contains), prior)
            let values = draws.compactMap(\.doubleValue).sorted()
            XCTAssertEqual(values.count, draws.count)
            for p in [0.25, 0.5, 0.75] {
                let empirical = values[Int(p * Double(values.count))]
                // The empirical quantile's CDF is within a few standard errors (√(p(1-p)/n) ≈ 0.007) of p.
                let upper = distribution.cdf(empirical)
                let lower = distribution.family.isDiscrete ? distribution.cdf(empirical - 1) : upper
                XCTAssertTrue(lower - 0.03 <= p && p <= upper + 0.03, "\(prior): quantile \(p) at \(empirical)")
            }
        }
    }

    /// The space transform maps a uniform coordinate to the prior and back: decode(encode(x)) == x for sampled
    /// values, every decoded value is inside the space, and snapping is encode ∘ decode.
    func testTransformRoundTrips() throws {
        let space = try Space(priors: [
            "/beta": "beta(2, 3, loc=1, scale=2)",
            "/gamma": "gamma(2, scale=0.5)",
            "/poisson": "poisson(3)",
            "/binom": "binom(10, 0.35)",
            "/tint": "t(3, discrete=True)",
            "/logn": "lognorm(1, scale=0.001, shape=2)",
            "/tn": "truncnorm(-1, 2, precision=None)",
        ])
        let transform = SpaceTransform(space)
        XCTAssertEqual(transform.width, 8)
        XCTAssertTrue(transform.coordinates.allSatisfy { $0.scale == .distribution })
        var rng = SeededGenerator(seed: 9)
        for _ in 0..<300 {
            let point = space.sample(using: &rng)
            let vector = try transform.encode(point)
            XCTAssertTrue(vector.allSatisfy { (0...1).contains($0) })
            let decoded = transform.decode(vector)
            for name in space.names where name != "/tn" {
                XCTAssertEqual(decoded[name], point[name], name)
            }
            let tn = try XCTUnwrap(point["/tn"]?.doubleValue)
            XCTAssertEqual(try XCTUnwrap(decoded["/tn"]?.doubleValue), tn, accuracy: 1e-12)
            let any = (0..<transform.width).map { _ in Double.random(in: -0.2...1.2, using: &rng) }
            let inside = transform.decode(any)
            XCTAssertTrue(space.contains(inside), "\(inside)")
            XCTAssertEqual(transform.snap(any), try transform.encode(inside))
        }
        // The extremes decode to finite values in the far tails.
        let ends = transform.decode(Array(repeating: 1, count: transform.width))
        XCTAssertTrue(space.contains(ends), "\(ends)")
        XCTAssertEqual(ends["/binom"], .int(10))
        XCTAssertEqual(transform.decode(Array(repeating: 0, count: transform.width))["/poisson"], .int(0))
    }
}
