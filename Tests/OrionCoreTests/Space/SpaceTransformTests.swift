import Foundation
import OrionTesting
import XCTest

@testable import OrionCore

final class SpaceTransformTests: XCTestCase {
    private func transform(
        _ prior: String,
        encoding: SpaceTransform.CategoricalEncoding = .index
    ) throws -> SpaceTransform {
        SpaceTransform(try Space(priors: ["/x": prior]), categoricalEncoding: encoding)
    }

    /// The value of `/x` decoded from a one-coordinate vector.
    private func decode(_ transform: SpaceTransform, _ unit: Double) -> JSONValue? {
        transform.decode([unit])["/x"]
    }

    private func encode(_ transform: SpaceTransform, _ value: JSONValue) throws -> [Double] {
        try transform.encode(["/x": value])
    }

    func testLayoutOfEveryPriorKind() throws {
        let space = try TestSpaces.mixed()
        let index = SpaceTransform(space)
        XCTAssertEqual(index.width, 8)
        XCTAssertEqual(index.fidelityNames, ["/g"])
        XCTAssertEqual(index.coordinates.map(\.dimension), ["/a", "/b", "/c", "/d", "/e", "/f", "/h", "/h"])
        XCTAssertEqual(
            index.coordinates.map(\.kind),
            [.real, .real, .integer, .integer, .integer, .categorical, .real, .real]
        )
        XCTAssertEqual(
            index.coordinates.map(\.scale),
            [.linear, .log, .linear, .log, .linear, .linear, .linear, .linear]
        )
        XCTAssertEqual(index.coordinates.map(\.levels), [nil, nil, 11, 100, 5, 3, nil, nil])
        XCTAssertEqual(index.coordinates.map(\.element), [0, 0, 0, 0, 0, 0, 0, 1])
        XCTAssertEqual(index.coordinates.map(\.group), (0..<8).map { $0..<($0 + 1) })
        XCTAssertTrue(index.coordinates.allSatisfy { $0.bounds == 0...1 && $0.category == nil })

        let oneHot = SpaceTransform(space, categoricalEncoding: .oneHot)
        XCTAssertEqual(oneHot.width, 10)
        let categories = oneHot.coordinates.filter { $0.dimension == "/f" }
        XCTAssertEqual(categories.map(\.group), Array(repeating: 5..<8, count: 3))
        XCTAssertEqual(categories.map(\.category), [0, 1, 2])
        XCTAssertEqual(categories.map(\.levels), [nil, nil, nil])
        XCTAssertEqual(oneHot.coordinates.last?.dimension, "/h")
    }

    func testNormalCoordinatesDescribeTheirScale() throws {
        let space = try Space(priors: ["/n": "normal(0, 1)", "/k": "normal(5, 2, discrete=True)"])
        let transform = SpaceTransform(space)
        XCTAssertEqual(transform.coordinates.map(\.scale), [.normal, .normal])
        XCTAssertEqual(transform.coordinates.map(\.levels), [nil, nil])
        XCTAssertEqual(transform.coordinates.map(\.kind), [.integer, .real])
    }

    func testUniformRealsAreLinear() throws {
        let transform = try transform("uniform(-5, 5)")
        XCTAssertEqual(try encode(transform, -5), [0])
        XCTAssertEqual(try encode(transform, 5.0), [1])
        XCTAssertEqual(try encode(transform, 0.0), [0.5])
        XCTAssertEqual(decode(transform, 0.25), -2.5)
        XCTAssertEqual(decode(transform, 1 / 3), -1.667)  // rounded to 4 significant digits
    }

    func testLogUniformRealsAreLinearInLogSpace() throws {
        let transform = try transform("loguniform(1e-3, 1, precision=None)")
        XCTAssertEqual(try encode(transform, 1e-3), [0])
        XCTAssertEqual(try encode(transform, 1.0), [1])
        XCTAssertEqual(decode(transform, 0.5)?.doubleValue ?? 0, 1e-3.squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(try encode(transform, 0.01)[0], 1.0 / 3, accuracy: 1e-15)
    }

    func testNormalRealsGoThroughTheCDF() throws {
        let transform = try transform("normal(2, 3)")
        XCTAssertEqual(try encode(transform, 2.0), [0.5])
        XCTAssertEqual(decode(transform, 0.975), .double(7.88))  // 2 + 3 × 1.95996, 4 significant digits
        XCTAssertEqual(try encode(transform, 7.88)[0], 0.975, accuracy: 1e-4)
        // The ends of [0, 1] decode to ±8.2 standard deviations, symmetric around the mean.
        XCTAssertEqual(decode(transform, 0), -22.63)
        XCTAssertEqual(decode(transform, 1), 26.63)
        XCTAssertEqual(decode(transform, -7), decode(transform, 0))
        // A value beyond the tails is valid, encodes to an end of the interval and decodes to the last tail value.
        XCTAssertEqual(try encode(transform, 1e9), [1])
    }

    func testIntegersOccupyEqualCellsAndEncodeToTheirCentres() throws {
        for prior in ["uniform(0, 4, discrete=True)", "randint(0, 5)", "uniform(-0.5, 4.5, discrete=True)"] {
            let transform = try transform(prior)
            XCTAssertEqual(try (0...4).map { try encode(transform, .int($0))[0] }, [0.1, 0.3, 0.5, 0.7, 0.9], prior)
            XCTAssertEqual(decode(transform, 0), 0, prior)
            XCTAssertEqual(decode(transform, 0.19999), 0, prior)
            XCTAssertEqual(decode(transform, 0.2), 1, prior)
            XCTAssertEqual(decode(transform, 0.79999), 3, prior)
            XCTAssertEqual(decode(transform, 0.8), 4, prior)
            XCTAssertEqual(decode(transform, 1), 4, prior)
        }
        let single = try transform("uniform(3.5, 4.5, discrete=True)")
        XCTAssertEqual(try encode(single, 4), [0.5])
        XCTAssertEqual([0, 0.3, 1].map { decode(single, $0) }, [4, 4, 4])
    }

    func testLogIntegersOccupyLogCells() throws {
        let transform = try transform("loguniform(1, 100, discrete=True)")
        let span = log(101.0)
        XCTAssertEqual(try encode(transform, 1)[0], log(2.0) / 2 / span, accuracy: 1e-15)
        XCTAssertEqual(decode(transform, log(2.0) / span - 1e-12), 1)
        XCTAssertEqual(decode(transform, log(2.0) / span + 1e-12), 2)
        XCTAssertEqual(decode(transform, 1), 100)
        for integer in 1...100 {
            XCTAssertEqual(decode(transform, try encode(transform, .int(integer))[0]), .int(integer))
        }
    }

    func testNormalIntegersOccupyCDFCells() throws {
        let transform = try transform("normal(0, 1, discrete=True)")
        XCTAssertEqual(decode(transform, 0.5), 0)
        XCTAssertEqual(try encode(transform, 0)[0], 0.5, accuracy: 1e-15)
        XCTAssertEqual(decode(transform, StandardNormal.cdf(0.5) + 1e-9), 1)
        XCTAssertEqual(decode(transform, StandardNormal.cdf(0.5) - 1e-9), 0)
        for integer in -7...7 {
            let unit = try encode(transform, .int(integer))[0]
            let centre = (StandardNormal.cdf(Double(integer) - 0.5) + StandardNormal.cdf(Double(integer) + 0.5)) / 2
            XCTAssertEqual(unit, centre, accuracy: 1e-16)
            XCTAssertEqual(decode(transform, unit), .int(integer))
        }
    }

    func testCategoricalIndexAndOneHot() throws {
        let index = try transform("choices(['a', 'b', 3])")
        let categories: [JSONValue] = ["a", "b", 3]
        XCTAssertEqual(try categories.map { try encode(index, $0)[0] }, [1 / 6, 0.5, 5 / 6])
        XCTAssertEqual(try encode(index, 3.0), [5 / 6])  // 3.0 is the category 3, as in Python
        XCTAssertEqual([0, 0.33, 0.34, 0.67, 1].map { decode(index, $0) }, ["a", "a", "b", 3, 3] as [JSONValue])

        let oneHot = try transform("choices(['a', 'b', 3])", encoding: .oneHot)
        XCTAssertEqual(try encode(oneHot, "b"), [0, 1, 0])
        XCTAssertEqual(oneHot.decode([0.2, 0.7, 0.7])["/x"], "b")  // the first on ties
        XCTAssertEqual(oneHot.decode([.nan, -1, .nan])["/x"], "b")  // nan never wins
        XCTAssertEqual(oneHot.decode([.nan, .nan, .nan])["/x"], "a")
        XCTAssertEqual(oneHot.decode([-.infinity, 9, .infinity])["/x"], 3)

        let single = try transform("choices(['only'])", encoding: .oneHot)
        XCTAssertEqual(single.width, 1)
        XCTAssertEqual(single.decode([-4])["/x"], "only")
    }

    func testShapedValuesAreRowMajor() throws {
        let transform = try transform("uniform(0, 1, shape=(2, 2))")
        let point: [String: JSONValue] = ["/x": [[0.1, 0.2], [0.3, 0.4]]]
        XCTAssertEqual(try transform.encode(point), [0.1, 0.2, 0.3, 0.4])
        XCTAssertEqual(transform.coordinates.map(\.element), [0, 1, 2, 3])
        XCTAssertEqual(transform.decode([0.1, 0.2, 0.3, 0.4]), transform.space.params(from: point))
        XCTAssertEqual(try transform.encode(transform.space.params(from: point)), [0.1, 0.2, 0.3, 0.4])
        let categories = try self.transform("choices(['a', 'b'], shape=2)", encoding: .oneHot)
        XCTAssertEqual(try categories.encode(["/x": ["b", "a"]]), [0, 1, 1, 0])
        XCTAssertEqual(categories.coordinates.map(\.group), [0..<2, 0..<2, 2..<4, 2..<4])
        XCTAssertEqual(categories.decode([1, 0, 0.4, 0.6])["/x"], ["a", "b"])
    }

    func testFidelityHasNoCoordinateAndIsFilled() throws {
        let transform = SpaceTransform(
            try Space(priors: ["/x": "uniform(0, 1)", "/epochs": "fidelity(1, 16, base=2)"])
        )
        XCTAssertEqual(transform.width, 1)
        XCTAssertEqual(transform.fidelityNames, ["/epochs"])
        XCTAssertEqual(transform.decode([0.5]), transform.space.params(from: ["/x": 0.5, "/epochs": 16]))
        XCTAssertEqual(transform.decode([0.5]).map(\.type), [.fidelity, .real])
        XCTAssertEqual(transform.decode([0.5], fidelity: 4)["/epochs"], 4)
        XCTAssertEqual(transform.decode([0.5], fidelity: 2.5)["/epochs"], 2.5)
        XCTAssertEqual(transform.decode([0.5], fidelity: 100)["/epochs"], 16)
        XCTAssertEqual(transform.decode([0.5], fidelity: .nan)["/epochs"], 16)
        XCTAssertEqual(try transform.encode(["/x": 0.5]), [0.5])  // the fidelity may be missing
        XCTAssertEqual(try transform.encode(["/x": 0.5, "/epochs": 2]), [0.5])
    }

    func testBoundsRoundTrip() throws {
        let bounds: [(String, [JSONValue])] = [
            ("uniform(-5, 10)", [-5.0, 10.0]),
            ("uniform(-1e300, 1e300, precision=None)", [-1e300, 1e300]),
            ("uniform(-1.5e308, 1.7e308, precision=None)", [-1.5e308, 1.7e308]),
            ("loguniform(1e-12, 1e12)", [1e-12, 1e12]),
            ("uniform(-3, 7, discrete=True)", [-3, 7]),
            ("randint(-1000000000000, 1000000000000)", [-1_000_000_000_000, 999_999_999_999]),
            ("uniform(-100000000000000, 100000000000000, discrete=True)", [-100_000_000_000_000, 100_000_000_000_000]),
            ("loguniform(1, 1000000000000, discrete=True)", [1, 1_000_000_000_000]),
        ]
        for (prior, values) in bounds {
            let transform = try transform(prior)
            for value in values {
                let vector = try encode(transform, value)
                XCTAssertTrue((0...1).contains(vector[0]), prior)
                XCTAssertEqual(decode(transform, vector[0]), value, prior)
            }
        }
    }

    func testPrecisionRoundOffs() throws {
        let twoDigits = try transform("uniform(0, 1, precision=2)")
        XCTAssertEqual(decode(twoDigits, 0.123456), 0.12)
        XCTAssertEqual(decode(twoDigits, try encode(twoDigits, 0.12)[0]), 0.12)
        // A value with more digits than the precision comes back rounded, as sampling would have drawn it.
        XCTAssertEqual(decode(twoDigits, try encode(twoDigits, 0.123456)[0]), 0.12)
        // Rounding never leaves the interval: 0.99999 has 5 digits, its nearest 4-digit value inside is 0.9999.
        let edge = try transform("uniform(0.5, 0.99999)")
        XCTAssertEqual(decode(edge, 1), 0.9999)
        XCTAssertEqual(decode(edge, try encode(edge, 0.99999)[0]), 0.9999)
        // No 4-digit value inside: values stay unrounded and still round-trip exactly.
        let tiny = try transform("uniform(1.00001, 1.00002)")
        for unit in [0, 0.3, 0.7, 1] {
            let value = try XCTUnwrap(decode(tiny, unit))
            XCTAssertEqual(decode(tiny, try encode(tiny, value)[0]), value)
        }
        XCTAssertEqual(decode(try transform("loguniform(1, 100, precision=1)"), 0.77), .double(30))
    }

    func testEncodeChecksThePoint() throws {
        let space = try Space(priors: ["/x": "uniform(0, 1)", "/y": "randint(0, 3, default_value=2)"])
        let transform = SpaceTransform(space)
        XCTAssertEqual(try transform.encode(["/x": 0.5]), [0.5, 5 / 6])  // /y takes its default value
        XCTAssertEqual(try transform.encode(["/x": 1, "/y": 0, "/z": "ignored"]), [1, 1 / 6])
        XCTAssertEqual(transform.decode([1, 1 / 6])["/x"], .double(1))  // reals come back as .double
        XCTAssertThrowsError(try transform.encode(["/y": 1])) { error in
            XCTAssertEqual((error as? SpaceError)?.code, .invalidArguments)
            XCTAssertEqual((error as? SpaceError)?.dimension, "/x")
        }
        for bad: JSONValue in [1.5, "0.5", [0.5], .null] {
            XCTAssertThrowsError(try transform.encode(["/x": bad, "/y": 1])) { error in
                XCTAssertEqual((error as? SpaceError)?.code, .outOfBounds)
                XCTAssertTrue((error as? SpaceError)?.message.contains("is not a value of uniform(0, 1)") ?? false)
            }
        }
        XCTAssertThrowsError(try transform.encode(["/x": 0.5, "/y": 3]))
        XCTAssertThrowsError(try transform.encode(["/x": 0.5, "/y": 1.0]))  // an integer dimension takes .int only
    }

    /// A uniform draw in the cube decodes to a draw from the priors (probability integral transform).
    func testUniformVectorsDecodeToPriorDraws() throws {
        let space = try Space(priors: [
            "/n": "normal(3, 2, precision=None)",
            "/k": "loguniform(1, 8, discrete=True)",
            "/c": "choices(['a', 'b', 'c', 'd'])",
        ])
        let transform = SpaceTransform(space)
        var rng = SeededGenerator(seed: 99)
        let count = 20_000
        var normals: [Double] = []
        var integers: [Int: Double] = [:]
        var categories: [JSONValue: Double] = [:]
        for _ in 0..<count {
            let point = transform.decode((0..<transform.width).map { _ in Double.random(in: 0..<1, using: &rng) })
            normals.append(point["/n"]?.doubleValue ?? .nan)
            integers[point["/k"]?.intValue ?? 0, default: 0] += 1 / Double(count)
            categories[point["/c"] ?? .null, default: 0] += 1 / Double(count)
        }
        let mean = normals.reduce(0, +) / Double(count)
        let variance = normals.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(count - 1)
        XCTAssertEqual(mean, 3, accuracy: 0.06)
        XCTAssertEqual(variance, 4, accuracy: 0.15)
        for integer in 1...8 {
            XCTAssertEqual(integers[integer] ?? 0, log(Double(integer + 1) / Double(integer)) / log(9), accuracy: 0.012)
        }
        for category: JSONValue in ["a", "b", "c", "d"] {
            XCTAssertEqual(categories[category] ?? 0, 0.25, accuracy: 0.012)
        }
    }

    func testCodableRoundTrip() throws {
        let transform = SpaceTransform(try TestSpaces.mixed(), categoricalEncoding: .oneHot)
        let data = try JSONEncoder().encode(transform)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        XCTAssertEqual(object?["categorical_encoding"] as? String, "one_hot")
        XCTAssertEqual(try JSONDecoder().decode(SpaceTransform.self, from: data), transform)
    }
}
