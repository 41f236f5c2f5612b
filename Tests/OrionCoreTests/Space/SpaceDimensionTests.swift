import XCTest

@testable import OrionCore

final class SpaceDimensionTests: XCTestCase {
    private func dimension(_ text: String) throws -> SpaceDimension {
        try PriorExpression.parse(text, name: "/x")
    }

    private func samples(_ text: String, count: Int = 20_000, seed: UInt64 = 42) throws -> [JSONValue] {
        let dimension = try dimension(text)
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in dimension.sample(using: &rng) }
    }

    private func statistics(_ values: [Double]) -> (mean: Double, variance: Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        return (mean, variance)
    }

    private func doubles(_ values: [JSONValue], file: StaticString = #filePath, line: UInt = #line) -> [Double] {
        values.compactMap { value in
            guard case .double(let number) = value else {
                XCTFail("\(value) is not a .double", file: file, line: line)
                return nil
            }
            return number
        }
    }

    private func frequencies(_ values: [JSONValue]) -> [JSONValue: Double] {
        var counts: [JSONValue: Double] = [:]
        for value in values { counts[value, default: 0] += 1 }
        return counts.mapValues { $0 / Double(values.count) }
    }

    func testUniformRealSampling() throws {
        let values = doubles(try samples("uniform(-5, 5, precision=None)"))
        let (mean, variance) = statistics(values)
        XCTAssertEqual(mean, 0, accuracy: 0.1)
        XCTAssertEqual(variance, 100.0 / 12, accuracy: 0.3)
        XCTAssertTrue(values.allSatisfy { $0 >= -5 && $0 < 5 })
    }

    func testPrecisionRoundsSamplesInsideTheBounds() throws {
        let values = doubles(try samples("uniform(0, 0.123456)", count: 5_000))
        XCTAssertTrue(values.allSatisfy { $0 >= 0 && $0 <= 0.123456 })
        XCTAssertTrue(values.allSatisfy { SignificantDigits.round($0, digits: 4) == $0 })
        let twoDigits = doubles(try samples("loguniform(1, 100, precision=2)", count: 2_000))
        XCTAssertTrue(twoDigits.allSatisfy { SignificantDigits.round($0, digits: 2) == $0 && $0 >= 1 && $0 <= 100 })
    }

    func testApplyingPrecision() throws {
        XCTAssertEqual(try dimension("uniform(0, 20000)").applyingPrecision(12345.678), 12350)
        XCTAssertEqual(try dimension("uniform(0.5, 0.99999)").applyingPrecision(0.99996), 0.9999)
        XCTAssertEqual(try dimension("normal(0, 1, precision=2)").applyingPrecision(-0.123), -0.12)
        XCTAssertEqual(try dimension("uniform(0, 1, precision=None)").applyingPrecision(0.123456), 0.123456)
        XCTAssertEqual(try dimension("fidelity(1, 10)").applyingPrecision(2.345678), 2.345678)
    }

    func testLogUniformSampling() throws {
        let values = doubles(try samples("loguniform(1e-3, 1, precision=None)"))
        let logs = values.map { log10($0) }
        let (mean, variance) = statistics(logs)
        XCTAssertEqual(mean, -1.5, accuracy: 0.03)
        XCTAssertEqual(variance, 9.0 / 12, accuracy: 0.03)
        XCTAssertEqual(Double(values.filter { $0 < 0.01 }.count) / Double(values.count), 1.0 / 3, accuracy: 0.015)
        XCTAssertTrue(values.allSatisfy { $0 >= 1e-3 && $0 <= 1 })
    }

    func testNormalSampling() throws {
        let values = doubles(try samples("normal(2, 3, precision=None)"))
        let (mean, variance) = statistics(values)
        XCTAssertEqual(mean, 2, accuracy: 0.1)
        XCTAssertEqual(variance, 9, accuracy: 0.4)
        let withinOneSD = Double(values.filter { abs($0 - 2) < 3 }.count) / Double(values.count)
        XCTAssertEqual(withinOneSD, 0.6827, accuracy: 0.015)
        let integers = try samples("normal(0, 1, discrete=True)", count: 5_000)
        XCTAssertTrue(integers.allSatisfy { $0.intValue != nil && $0 == .int($0.intValue ?? 0) })
        XCTAssertEqual(frequencies(integers)[.int(0)] ?? 0, 0.3829, accuracy: 0.025)
    }

    func testIntegerUniformIncludesHigh() throws {
        let frequencies = frequencies(try samples("uniform(1, 3, discrete=True)"))
        XCTAssertEqual(Set(frequencies.keys), [.int(1), .int(2), .int(3)])
        for value in frequencies.values { XCTAssertEqual(value, 1.0 / 3, accuracy: 0.02) }
    }

    func testRandintExcludesHigh() throws {
        let frequencies = frequencies(try samples("randint(1, 4)"))
        XCTAssertEqual(Set(frequencies.keys), [.int(1), .int(2), .int(3)])
        for value in frequencies.values { XCTAssertEqual(value, 1.0 / 3, accuracy: 0.02) }
    }

    func testDiscreteLogUniform() throws {
        let values = try samples("loguniform(1, 100, discrete=True)")
        XCTAssertTrue(values.allSatisfy { value in value.intValue.map { (1...100).contains($0) } ?? false })
        XCTAssertTrue(values.allSatisfy { if case .int = $0 { true } else { false } })
        // P(k) = log((k + 1) / k) / log(101).
        XCTAssertEqual(frequencies(values)[.int(1)] ?? 0, log(2.0) / log(101.0), accuracy: 0.015)
        XCTAssertEqual(frequencies(values)[.int(100)] ?? 0, log(1.01) / log(101.0), accuracy: 0.002)
    }

    func testCategoricalSampling() throws {
        let weighted = frequencies(try samples("choices({'a': 0.2, 'b': 0.8})"))
        XCTAssertEqual(weighted["a"] ?? 0, 0.2, accuracy: 0.015)
        XCTAssertEqual(weighted["b"] ?? 0, 0.8, accuracy: 0.015)
        let uniform = frequencies(try samples("choices(['x', 2, True])"))
        XCTAssertEqual(Set(uniform.keys), ["x", 2, true])
        for value in uniform.values { XCTAssertEqual(value, 1.0 / 3, accuracy: 0.02) }
        let never = frequencies(try samples("choices({'a': 0, 'b': 1})", count: 1_000))
        XCTAssertEqual(never.keys.first, "b")
    }

    func testFidelitySamplesHigh() throws {
        XCTAssertEqual(Set(try samples("fidelity(1, 81, base=3)", count: 10)), [.int(81)])
        XCTAssertEqual(Set(try samples("fidelity(0.25, 1.5)", count: 10)), [.double(1.5)])
        // From 1 up, Oríon's `int()` of the low, high and base: epochs stay integers (probe p43e).
        XCTAssertEqual(Set(try samples("fidelity(1.5, 27.9, base=2.5)", count: 10)), [.int(27)])
        let truncated = try PriorExpression.parse("fidelity(1.5, 27.9, base=2.5)", name: "/epochs")
        XCTAssertEqual(truncated.priorString, "fidelity(1, 27)")
        XCTAssertEqual(
            try PriorExpression.parse("fidelity(1.5, 27, base=3)", name: "/e").priorString,
            "fidelity(1, 27, base=3)"
        )
    }

    func testShapedSampling() throws {
        let dimension = try dimension("uniform(0, 1, discrete=True, shape=(2, 3))")
        var rng = SeededGenerator(seed: 7)
        let value = dimension.sample(using: &rng)
        XCTAssertEqual(value.arrayValue?.count, 2)
        XCTAssertEqual(value.arrayValue?.first?.arrayValue?.count, 3)
        XCTAssertTrue(dimension.contains(value))
        XCTAssertEqual(dimension.elementCount, 6)
    }

    func testSamplingIsReproducible() throws {
        XCTAssertEqual(
            try samples("normal(0, 1)", count: 100, seed: 3),
            try samples("normal(0, 1)", count: 100, seed: 3)
        )
        XCTAssertNotEqual(
            try samples("normal(0, 1)", count: 100, seed: 3),
            try samples("normal(0, 1)", count: 100, seed: 4)
        )
    }

    func testContains() throws {
        let real = try dimension("uniform(0, 1)")
        XCTAssertTrue(real.contains(0.5))
        XCTAssertTrue(real.contains(1))
        XCTAssertTrue(real.contains(0.0))
        XCTAssertFalse(real.contains(1.5))
        XCTAssertFalse(real.contains("0.5"))
        XCTAssertFalse(real.contains(true))
        XCTAssertFalse(real.contains(.double(.nan)))
        XCTAssertFalse(real.contains([0.5]))
        XCTAssertTrue(try dimension("normal(0, 1)").contains(1e6))

        let integer = try dimension("uniform(1, 10, discrete=True)")
        XCTAssertTrue(integer.contains(10))
        XCTAssertFalse(integer.contains(11))
        XCTAssertFalse(integer.contains(5.0))
        let dice = try dimension("randint(1, 6)")
        XCTAssertTrue(dice.contains(5))
        XCTAssertFalse(dice.contains(6))

        let categories = try dimension("choices(['a', 1])")
        XCTAssertTrue(categories.contains("a"))
        XCTAssertTrue(categories.contains(1.0))
        XCTAssertFalse(categories.contains(true))
        XCTAssertFalse(categories.contains("b"))

        let shaped = try dimension("uniform(0, 1, shape=3)")
        XCTAssertTrue(shaped.contains([0.1, 0.2, 1]))
        XCTAssertFalse(shaped.contains([0.1, 0.2]))
        XCTAssertFalse(shaped.contains([0.1, 0.2, 2]))
        XCTAssertFalse(shaped.contains(0.1))

        let fidelity = try dimension("fidelity(1, 81)")
        XCTAssertTrue(fidelity.contains(81))
        XCTAssertTrue(fidelity.contains(40.5))
        XCTAssertFalse(fidelity.contains(82))
        XCTAssertFalse(fidelity.contains(0.5))
    }

    func testCast() throws {
        let real = try dimension("uniform(0, 2)")
        XCTAssertEqual(try real.cast("1.5"), .double(1.5))
        XCTAssertEqual(try real.cast(1), .double(1))
        XCTAssertEqual(try real.cast(" -0 "), .double(0))
        XCTAssertThrowsError(try real.cast("3")) { XCTAssertEqual(($0 as? SpaceError)?.code, .outOfBounds) }
        XCTAssertThrowsError(try real.cast("abc")) { XCTAssertEqual(($0 as? SpaceError)?.code, .invalidArguments) }
        // A value given alone is a literal: arithmetic and numpy are for prior arguments only.
        XCTAssertThrowsError(try real.cast("0-1")) { XCTAssertEqual(($0 as? SpaceError)?.code, .invalidArguments) }
        XCTAssertThrowsError(try real.cast("np.e")) { XCTAssertEqual(($0 as? SpaceError)?.code, .invalidArguments) }

        let integer = try dimension("uniform(0, 10, discrete=True)")
        XCTAssertEqual(try integer.cast("3"), .int(3))
        XCTAssertEqual(try integer.cast(3.0), .int(3))
        XCTAssertThrowsError(try integer.cast(3.5)) { XCTAssertEqual(($0 as? SpaceError)?.code, .invalidArguments) }
        XCTAssertThrowsError(try integer.cast(11)) { XCTAssertEqual(($0 as? SpaceError)?.code, .outOfBounds) }

        let categories = try dimension("choices(['a', 3, True, None])")
        XCTAssertEqual(try categories.cast("a"), "a")
        XCTAssertEqual(try categories.cast("3"), 3)
        XCTAssertEqual(try categories.cast(3.0), 3)
        XCTAssertEqual(try categories.cast("True"), true)
        XCTAssertEqual(try categories.cast("None"), .null)
        XCTAssertThrowsError(try categories.cast("x")) { error in
            XCTAssertEqual((error as? SpaceError)?.code, .outOfBounds)
            XCTAssertEqual(
                (error as? SpaceError)?.message,
                "dimension '/x': 'x' is not one of the categories ['a', 3, True, None]"
            )
        }

        let shaped = try dimension("uniform(0, 5, shape=2)")
        XCTAssertEqual(try shaped.cast("[1, 2.5]"), [.double(1), .double(2.5)])
        XCTAssertThrowsError(try shaped.cast("[1]"))
        XCTAssertEqual(try dimension("fidelity(1, 81)").cast("81"), .int(81))
    }

    func testCardinality() throws {
        XCTAssertEqual(try dimension("loguniform(1e-5, 1)").cardinality, 45001)
        XCTAssertEqual(try dimension("loguniform(0.001, 1, precision=2)").cardinality, 271)
        XCTAssertEqual(try dimension("loguniform(1e-5, 1, precision=None)").cardinality, .infinity)
        XCTAssertEqual(try dimension("uniform(0, 1)").cardinality, .infinity)
        XCTAssertEqual(try dimension("normal(0, 1, discrete=True)").cardinality, .infinity)
        XCTAssertEqual(try dimension("uniform(1, 10, discrete=True)").cardinality, 10)
        XCTAssertEqual(try dimension("uniform(0.5, 3.5, discrete=True)").cardinality, 3)
        XCTAssertEqual(try dimension("loguniform(1, 100, discrete=True)").cardinality, 100)
        XCTAssertEqual(try dimension("randint(1, 6)").cardinality, 5)
        XCTAssertEqual(try dimension("choices(['a', 'b', 'c'])").cardinality, 3)
        XCTAssertEqual(try dimension("choices(['a', 'b', 'c'], shape=2)").cardinality, 9)
        XCTAssertEqual(try dimension("randint(0, 2, shape=(2, 3))").cardinality, 64)
        XCTAssertEqual(try dimension("fidelity(1, 81)").cardinality, 1)
    }

    func testInterval() throws {
        func interval(_ text: String) throws -> [Double]? {
            try dimension(text).interval.map { [$0.low, $0.high] }
        }
        XCTAssertEqual(try interval("uniform(-5, 5)"), [-5, 5])
        XCTAssertEqual(try interval("loguniform(1e-5, 1)"), [1e-5, 1])
        XCTAssertEqual(try interval("uniform(0.5, 3.5, discrete=True)"), [1, 3])
        XCTAssertEqual(try interval("normal(0, 1)"), [-.infinity, .infinity])
        XCTAssertEqual(try interval("randint(1, 6)"), [1, 5])
        XCTAssertEqual(try interval("fidelity(1, 81)"), [1, 81])
        XCTAssertNil(try interval("choices(['a'])"))
    }

    func testDirectConstructionNormalizesKind() {
        let choice = SpaceDimension(name: "/c", prior: .choices(values: ["a"], probabilities: [1]), kind: .real)
        XCTAssertEqual(choice.kind, .categorical)
        XCTAssertNil(choice.precision)
        let dice = SpaceDimension(name: "/d", prior: .randint(low: 0, high: 3), kind: .real)
        XCTAssertEqual(dice.kind, .integer)
        XCTAssertEqual(dice.priorString, "randint(0, 3)")
        let rate = SpaceDimension(name: "/r", prior: .uniform(low: 0, high: 1), kind: .integer)
        XCTAssertEqual(rate.priorString, "uniform(0, 1, discrete=True)")
        let floats = SpaceDimension(
            name: "/f",
            prior: .uniform(low: 0, high: 1),
            kind: .real,
            floatLiterals: [.low, .mean]
        )
        XCTAssertEqual(floats.priorString, "uniform(0.0, 1.0)")
        XCTAssertEqual(floats.effectiveFloatLiterals, [.low, .high])
        var fidelity = SpaceDimension(
            name: "/e",
            prior: .fidelity(low: 1, high: 9, base: 2),
            kind: .fidelity,
            shape: [2]
        )
        XCTAssertEqual(fidelity.shape, [])
        fidelity.defaultValue = 3
        XCTAssertEqual(fidelity.defaultValue, 9)
    }
}
