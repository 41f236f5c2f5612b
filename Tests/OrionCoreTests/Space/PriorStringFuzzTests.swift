import XCTest

@testable import OrionCore

/// Random dimensions, built directly, must survive their canonical prior string and sample values they contain.
final class PriorStringFuzzTests: XCTestCase {
    private func number(_ rng: inout SeededGenerator) -> Double {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: Double(Int.random(in: -1000...1000, using: &rng))
        case 1: Double.random(in: -1...1, using: &rng) * pow(10, Double(Int.random(in: -12...20, using: &rng)))
        case 2: Double(Int.random(in: -3...3, using: &rng)) * 1e16
        default: Double(Int.random(in: -99...99, using: &rng)) / 8
        }
    }

    private func randomDimension(_ rng: inout SeededGenerator) -> SpaceDimension {
        var low = number(&rng)
        var high = number(&rng)
        if low > high { swap(&low, &high) }
        if low == high { high = low + max(1, abs(low)) }
        let literals = Set(PriorArgument.allCases.filter { _ in Bool.random(using: &rng) })
        let precision: Int? = [nil, 1, 4, 4, 7].randomElement(using: &rng) ?? 4
        let shape: [Int] = [[], [], [3], [2, 2]].randomElement(using: &rng) ?? []
        let prior: Prior
        var kind = DimensionKind.real
        switch Int.random(in: 0..<6, using: &rng) {
        case 0:
            prior = .uniform(low: low, high: high)
            let fitsInt = max(abs(low), abs(high)) < PriorExpression.integerLimit
            if low.rounded(.up) <= high.rounded(.down) && fitsInt && Bool.random(using: &rng) { kind = .integer }
        case 1: prior = .logUniform(low: abs(low) + 1e-3, high: (abs(low) + 1e-3) * 2 + 1)
        case 2: prior = .normal(mean: low, sd: abs(high) + 0.5)
        case 3: prior = .randint(low: Int(low.rounded() / 1e6), high: Int(low.rounded() / 1e6) + 3)
        case 4:
            let count = Int.random(in: 1...4, using: &rng)
            let values: [JSONValue] = Array(
                ["a", 1, 2.5, true, nil, "it's", "q\"\\"].shuffled(using: &rng).prefix(count)
            )
            let weights = (0..<count).map { _ in Double(Int.random(in: 1...4, using: &rng)) }
            let total = weights.reduce(0, +)
            prior = .choices(
                values: values,
                probabilities: Bool.random(using: &rng)
                    ? Prior.uniformProbabilities(count: count) : weights.map { $0 / total }
            )
        default:
            // Fidelity bounds stay below 2^63 (PriorExpression.integerLimit). From 1 up, a parsed fidelity is whole
            // (Oríon's `int()`); below 1 it keeps fractions.
            if Bool.random(using: &rng) {
                let base: Double = [1, 2, 3].randomElement(using: &rng) ?? 2
                let first = min(abs(low) + 1, 1e18).rounded(.down)
                prior = .fidelity(low: first, high: first * 2, base: base)
            } else {
                let base: Double = [1, 2, 3, 2.5].randomElement(using: &rng) ?? 2
                let first = min(abs(low) / 1e20 + 0.01, 0.99)
                prior = .fidelity(low: first, high: first * 2, base: base)
            }
        }
        var dimension = SpaceDimension(
            name: "/d",
            prior: prior,
            kind: kind,
            precision: precision,
            shape: shape,
            floatLiterals: literals
        )
        var sampler = SeededGenerator(seed: rng.next())
        if Bool.random(using: &rng) { dimension.defaultValue = dimension.sample(using: &sampler) }
        return dimension
    }

    func testRandomDimensionsRoundTripThroughTheirPriorString() throws {
        var rng = SeededGenerator(seed: 2024)
        for _ in 0..<1_000 {
            let dimension = randomDimension(&rng)
            let parsed = try PriorExpression.parse(dimension.priorString, name: "/d")
            XCTAssertEqual(parsed, dimension, dimension.priorString)
            XCTAssertEqual(parsed.priorString, dimension.priorString)
        }
    }

    func testRandomDimensionsSampleValuesTheyContainAndCast() throws {
        var rng = SeededGenerator(seed: 77)
        for _ in 0..<500 {
            let dimension = randomDimension(&rng)
            for _ in 0..<5 {
                let value = dimension.sample(using: &rng)
                XCTAssertTrue(dimension.contains(value), "\(value) in \(dimension.priorString)")
                XCTAssertEqual(try dimension.cast(value), value, dimension.priorString)
                XCTAssertEqual(try dimension.cast(.string(value.pythonString)), value, dimension.priorString)
            }
        }
    }
}
