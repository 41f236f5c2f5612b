import Foundation
import OrionAlgorithms
import OrionCore
import OrionTesting
import XCTest

final class RandomSearchTests: XCTestCase {
    private func make(_ priors: [String: String], seed: JSONValue = 1) throws -> RandomSearch {
        try RandomSearch(space: Space(priors: priors), options: ["seed": seed], maxTrials: nil)
    }

    private func roundTrip(_ algorithm: RandomSearch) throws -> RandomSearch {
        try JSONDecoder().decode(RandomSearch.self, from: JSONEncoder().encode(algorithm))
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
        XCTAssertEqual(algorithm.configuration, ["seed": .null])
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
        let json = try XCTUnwrap(String(data: JSONEncoder().encode(algorithm), encoding: .utf8))
        XCTAssertFalse(json.contains("seen"))
        XCTAssertLessThan(json.count, 300)
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
