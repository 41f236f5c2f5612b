import Foundation
import OrionAlgorithms
import OrionCore
import OrionTesting
import XCTest

/// A random search with its context, giving points as dictionaries for short assertions.
private struct Random {
    var algorithm: RandomSearch
    let context: AlgorithmContext

    var isDone: Bool { algorithm.isDone(context: context) }

    mutating func suggest(count: Int) -> [[String: JSONValue]] {
        algorithm.suggest(count: count, context: context).map { suggestion in
            XCTAssertNil(suggestion.parent)
            XCTAssertTrue(context.space.contains(suggestion.parameters), "\(suggestion.parameters)")
            return Dictionary(uniqueKeysWithValues: suggestion.parameters.map { ($0.name, $0.value) })
        }
    }

    mutating func observe(_ trials: [Trial]) { algorithm.observe(trials, context: context) }
}

final class RandomSearchTests: XCTestCase {
    private func make(_ priors: [String: String], seed: JSONValue = 1) throws -> Random {
        let options = try RandomSearch.Options.decode(["seed": seed], algorithm: "random")
        let context = AlgorithmContext(space: try Space(priors: priors))
        return Random(algorithm: RandomSearch(options: options, context: context), context: context)
    }

    private func roundTrip(_ random: Random) throws -> Random {
        let state = try JSONEncoder().encode(random.algorithm)
        return Random(algorithm: try JSONDecoder().decode(RandomSearch.self, from: state), context: random.context)
    }

    func testConformance() throws {
        try AlgorithmConformance.checkAll(factory: AlgorithmRegistry.standard, config: AlgorithmConfig(name: "random"))
    }

    func testSameSeedGivesSameSamplesAndOtherSeedDiffers() throws {
        var first = try make(["/x": "uniform(0, 1)"], seed: 7)
        var second = try make(["/x": "uniform(0, 1)"], seed: 7)
        var other = try make(["/x": "uniform(0, 1)"], seed: 8)
        let expected = first.suggest(count: 5)
        XCTAssertEqual(expected, second.suggest(count: 5))
        XCTAssertNotEqual(expected, other.suggest(count: 5))
    }

    func testNullSeedIsDrawnOnceAndKeptInTheState() throws {
        var algorithm = try make(["/x": "uniform(0, 1)"], seed: .null)
        XCTAssertEqual(try RandomSearch.Options().jsonObject(), ["seed": .null])
        _ = algorithm.suggest(count: 3)
        var restored = try roundTrip(algorithm)
        XCTAssertEqual(algorithm.suggest(count: 4), restored.suggest(count: 4))
        var another = try make(["/x": "uniform(0, 1)"], seed: .null)
        var fresh = try make(["/x": "uniform(0, 1)"], seed: .null)
        XCTAssertNotEqual(another.suggest(count: 4), fresh.suggest(count: 4))
    }

    func testRejectsANonIntegerSeed() {
        XCTAssertThrowsError(try make(["/x": "uniform(0, 1)"], seed: "abc")) { error in
            XCTAssertEqual((error as? AlgorithmError)?.code, .invalidOption)
            XCTAssertEqual("\(error)", "random: option 'seed' must be an integer or null, not 'abc'")
        }
    }

    func testSamplesInsideBounds() throws {
        var algorithm = try make(["/x": "uniform(-5, 10)", "/n": "randint(2, 4)"])
        let points = algorithm.suggest(count: 200)
        XCTAssertEqual(points.count, 200)
        for point in points {
            let x = try XCTUnwrap(point["/x"]?.doubleValue)
            XCTAssertTrue((-5...10).contains(x))
            XCTAssertTrue([2, 3].contains(point["/n"]?.intValue))
        }
        XCTAssertFalse(algorithm.isDone)
    }

    func testFiniteSpaceIsSampledWithoutReplacementUntilDone() throws {
        var algorithm = try make(["/cat": "choices(['a', 'b', 'c'])", "/int": "randint(0, 2)"])
        let first = algorithm.suggest(count: 4)
        XCTAssertFalse(algorithm.isDone)
        var restored = try roundTrip(algorithm)
        let rest = restored.suggest(count: 10)
        XCTAssertEqual(first.count + rest.count, 6)
        XCTAssertEqual(Set(first + rest).count, 6)
        XCTAssertTrue(restored.isDone)
        XCTAssertEqual(restored.suggest(count: 1), [])
    }

    func testObservedTrialsCountAsSeen() throws {
        var algorithm = try make(["/int": "randint(0, 3)"])
        let trials = (0..<3).map { value in
            Trial(experimentID: "e", params: [Trial.Param(name: "/int", type: .integer, value: .int(value))])
        }
        algorithm.observe(Array(trials.prefix(2)))
        XCTAssertEqual(algorithm.suggest(count: 5), [["/int": 2]])
        XCTAssertTrue(algorithm.isDone)
    }

    func testContinuousSpaceKeepsNoPointsInItsState() throws {
        var algorithm = try make(["/x": "uniform(0, 1)"])
        _ = algorithm.suggest(count: 50)
        let json = try XCTUnwrap(String(data: JSONEncoder().encode(algorithm.algorithm), encoding: .utf8))
        XCTAssertFalse(json.contains("seen"))
        XCTAssertLessThan(json.count, 300)
    }

    func testFidelityIsIgnoredWhenCountingConfigurations() throws {
        var algorithm = try make(["/int": "randint(0, 2)", "/epochs": "fidelity(1, 8, base=2)"])
        let promoted = Trial(
            experimentID: "e",
            params: [
                Trial.Param(name: "/epochs", type: .fidelity, value: 2),
                Trial.Param(name: "/int", type: .integer, value: 0),
            ]
        )
        algorithm.observe([promoted])
        XCTAssertEqual(algorithm.suggest(count: 5), [["/epochs": 8, "/int": 1]])
        XCTAssertTrue(algorithm.isDone)
    }

    /// The state saved before the typed interface (with the options and the space) still loads and continues.
    func testStateSavedByEarlierVersionsLoads() throws {
        let current = try make(["/cat": "choices(['a', 'b', 'c'])"])
        let generator = try JSONEncoder().encode(try XCTUnwrap(current.algorithm))
        let members = try XCTUnwrap(JSONSerialization.jsonObject(with: generator) as? [String: Any])
        let legacy: [String: Any] = [
            "configuration": ["seed": 1], "space": ["/cat": "choices(['a', 'b', 'c'])"],
            "generator": members["generator"] ?? [:], "seen": ["/cat:a"],
        ]
        let data = try JSONSerialization.data(withJSONObject: legacy)
        var restored = Random(
            algorithm: try JSONDecoder().decode(RandomSearch.self, from: data),
            context: current.context
        )
        XCTAssertEqual(Set(restored.suggest(count: 5)), [["/cat": "b"], ["/cat": "c"]])
        XCTAssertTrue(restored.isDone)
    }

    func testProgressOnBraninBeatsLooseThreshold() throws {
        let mean = try AlgorithmConformance.checkProgressOnBranin(
            factory: AlgorithmRegistry.standard,
            config: AlgorithmConfig(name: "random"),
            space: TestSpaces.branin(),
            threshold: 5
        )
        XCTAssertGreaterThan(mean, Objectives.braninMinimum)
    }
}
