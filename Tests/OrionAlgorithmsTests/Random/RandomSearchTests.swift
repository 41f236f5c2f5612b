import Foundation
import OrionCore
import OrionTesting
import XCTest

@testable import OrionAlgorithms

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

    /// A finite space of more than 1,000 configurations is drawn with replacement while draws seldom repeat; once
    /// nearly every configuration has a trial, the walk gives the free ones, so the last of 3,000 configurations
    /// come within a few rounds rather than after thousands of repeated draws, and the search is then done.
    func testALargeFiniteSpaceIsWalkedWhenNearlyFullAndEnds() throws {
        var harness = try seededHarness(
            "random",
            ["/x": "randint(0, 1500)", "/c": "choices(['p', 'q'])", "/epochs": "fidelity(1, 4, base=2)"]
        )
        harness.reusesDriver = false
        var rounds = 0
        while !harness.isDone && rounds < 4000 {
            try harness.produce(count: 1)
            rounds += 1
            if harness.trials.count == 2000 {
                let state = try XCTUnwrap(harness.state.flatMap { String(data: $0, encoding: .utf8) })
                XCTAssertFalse(state.contains("\"walk\""), "two thirds full: still drawing from the priors")
                XCTAssertTrue(state.contains("\"misses\""))
            }
        }
        XCTAssertTrue(harness.isDone)
        XCTAssertEqual(harness.trials.count, 3000)
        XCTAssertEqual(Set(harness.trials.map(\.id)).count, 3000)
        XCTAssertTrue(harness.trials.allSatisfy { harness.experiment.space.contains($0.params) })
        XCTAssertTrue(harness.trials.allSatisfy { $0.params["/epochs"] == .int(4) }, "fidelity at its top")
        XCTAssertLessThan(rounds, 3000 + 20, "at most a few rounds without a new trial")
    }

    /// The walk gives every configuration of a mixed space once, whatever its stride, and states written before it
    /// (no `misses`) still load.
    func testTheWalkIsAPermutationOfTheSpace() throws {
        let space = try Space(priors: ["/a": "choices([1, 'b', 3.5])", "/k": "uniform(-2, 5, discrete=True)"])
        for seed in 0..<20 {
            var generator = SeededGenerator(seed: UInt64(seed))
            var walk = try XCTUnwrap(RandomSearch.Walk(space: space, using: &generator))
            var seen: Set<String> = []
            while let point = walk.next(in: space) {
                XCTAssertTrue(space.contains(point), "\(point)")
                seen.insert(Trial.parametersRepresentation(point))
            }
            XCTAssertEqual(seen.count, 24)
            XCTAssertTrue(walk.isOver)
        }
        var generator = SeededGenerator(seed: 1)
        XCTAssertNil(RandomSearch.Walk(space: try Space(priors: ["/x": "uniform(0, 1)"]), using: &generator))
        XCTAssertNil(RandomSearch.Walk(space: try Space(priors: ["/v": "randint(0, 3, shape=2)"]), using: &generator))
        let big = try Space(priors: ["/a": "randint(0, 100000)", "/b": "randint(0, 100000)"])
        XCTAssertNil(RandomSearch.Walk(space: big, using: &generator), "more than 2^32 configurations")
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
